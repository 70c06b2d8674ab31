"""SandboxFusion's ``POST /run_code``: its request and response, and how a run maps onto it.

Request (SandboxFusion's ``RunCodeRequest``; unknown keys are ignored, as there)::

    {"code", "language", "stdin": null, "run_timeout": 10, "compile_timeout": 10,
     "memory_limit_MB": -1, "files": {path: base64 | null}, "fetch_files": [path]}

Response (``RunCodeResponse``)::

    {"status": "Success" | "Failed" | "SandboxError", "message", "compile_result": null,
     "run_result": {"status": "Finished" | "TimeLimitExceeded" | "Error",
                    "execution_time", "return_code", "stdout", "stderr"},
     "executor_pod_name", "files": {path: base64}}

SandboxFusion's semantics: ``run_result.status`` is ``Finished`` when the process ended
(with its ``return_code``), ``TimeLimitExceeded`` when it was stopped at ``run_timeout``
(no return code), ``Error`` when the sandbox failed; the overall ``status`` is
``SandboxError`` for ``Error``, ``Failed`` for a time-out or a non-zero return code, and
``Success`` otherwise. Python runs without a compile step, so ``compile_result`` is null
and a syntax error is a run that ended with return code 1 and the traceback on standard
error, as SandboxFusion reports it. A memory-hungry program ends with ``MemoryError``
(return code 1) or is killed: ``Failed`` either way. ``message`` is empty on success and
says what happened otherwise (execgym's verdict and detail).
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from execgym.sandbox import Limits, RunResult, Verdict
from execgym.serve._requests import RequestError, decode_files, encode_files, first_error

LANGUAGE = "python"
SUCCESS, FAILED, SANDBOX_ERROR = "Success", "Failed", "SandboxError"


class RunCodeRequest(BaseModel):
    """SandboxFusion's ``/run_code`` request (its field names and defaults)."""

    model_config = ConfigDict(extra="ignore")

    code: str
    language: str
    stdin: str | None = None
    run_timeout: float = Field(default=10, gt=0)
    compile_timeout: float = Field(default=10, gt=0)
    memory_limit_MB: int = -1
    files: dict[str, str | None] = Field(default_factory=dict)
    fetch_files: list[str] = Field(default_factory=list)

    @field_validator("language")
    @classmethod
    def _python_only(cls, language: str) -> str:
        if language != LANGUAGE:
            raise ValueError(f"{language!r} is not supported: this service runs {LANGUAGE} only")
        return language


def parse_run_code(
    body: bytes, max_time_s: float, memory_mb: int, output_mb: float
) -> tuple[RunCodeRequest, Limits, dict[str, bytes]]:
    """The request, the limits of its run and its decoded files; :class:`RequestError`
    naming the field that is wrong."""
    try:
        request = RunCodeRequest.model_validate_json(body)
    except ValidationError as exc:
        raise RequestError(first_error(exc)) from None
    if request.run_timeout > max_time_s:
        raise RequestError(
            f"run_timeout: {request.run_timeout} s is over this service's cap of {max_time_s} s"
        )
    memory = request.memory_limit_MB if request.memory_limit_MB > 0 else memory_mb
    limits = Limits(
        time_s=request.run_timeout,
        wall_s=request.run_timeout,
        memory_mb=memory,
        output_mb=output_mb,
    )
    files = decode_files(request.files)
    return request, limits, files


def fusion_response(result: RunResult, pod: str) -> dict[str, Any]:
    """The ``/run_code`` answer for one run (see the module docs)."""
    if result.verdict is Verdict.SANDBOX_ERROR:
        run_status: Literal["Finished", "TimeLimitExceeded", "Error"] = "Error"
        status, return_code = SANDBOX_ERROR, None
    elif result.verdict is Verdict.TIME_LIMIT:
        run_status, status, return_code = "TimeLimitExceeded", FAILED, None
    else:
        run_status = "Finished"
        return_code = result.exit_code if result.exit_code is not None else 1
        status = SUCCESS if return_code == 0 and result.verdict is Verdict.OK else FAILED
        if status == FAILED and return_code == 0:
            return_code = 1  # a verdict other than OK never reads as a clean exit
    stderr = result.stderr
    if result.verdict is Verdict.SANDBOX_ERROR:
        stderr = stderr or result.detail
    message = "" if status == SUCCESS else _message(result)
    return {
        "status": status,
        "message": message,
        "compile_result": None,
        "run_result": {
            "status": run_status,
            "execution_time": result.wall_s,
            "return_code": return_code,
            "stdout": result.stdout,
            "stderr": stderr,
        },
        "executor_pod_name": pod,
        "files": encode_files(result.files),
    }


def _message(result: RunResult) -> str:
    return f"{result.verdict.value}: {result.detail}" if result.detail else result.verdict.value


def refusal(status: str, message: str, pod: str) -> dict[str, Any]:
    """The ``/run_code`` answer to a request that was not run (refused, or failed)."""
    return {
        "status": status,
        "message": message,
        "compile_result": None,
        "run_result": None,
        "executor_pod_name": pod,
        "files": {},
    }
