"""Records that cross the sandbox boundary: limits, test cases, verdicts and results."""

from __future__ import annotations

import base64
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    field_serializer,
    field_validator,
    model_validator,
)


class Verdict(StrEnum):
    """The fixed set of outcomes of running a program or one of its tests."""

    OK = "OK"
    WRONG_ANSWER = "WRONG_ANSWER"
    RUNTIME_ERROR = "RUNTIME_ERROR"
    TIME_LIMIT = "TIME_LIMIT"
    MEMORY_LIMIT = "MEMORY_LIMIT"
    OUTPUT_LIMIT = "OUTPUT_LIMIT"
    COMPILE_ERROR = "COMPILE_ERROR"
    SANDBOX_ERROR = "SANDBOX_ERROR"


class Limits(BaseModel):
    """Resource limits of one child.

    ``time_s`` is CPU seconds per test (the judge's time limit); ``wall_s`` is wall-clock
    seconds per test and defaults to ``2 * time_s + 1``. ``memory_mb`` bounds the address
    space the program may add on top of the pre-loaded interpreter. ``output_mb`` caps each
    of stdout and stderr per test; ``file_mb`` caps any file the program writes.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    time_s: float = Field(default=4.0, gt=0)
    wall_s: float | None = Field(default=None, gt=0)
    memory_mb: int = Field(default=1024, gt=0)
    output_mb: float = Field(default=16.0, gt=0)
    file_mb: float = Field(default=16.0, gt=0)
    processes: int = Field(default=32, gt=0)
    open_files: int = Field(default=128, ge=16)
    stack_mb: int = Field(default=16, gt=0)

    @property
    def wall_limit_s(self) -> float:
        return self.wall_s if self.wall_s is not None else 2 * self.time_s + 1


class StdioTest(BaseModel):
    """Feed ``input`` on standard input; the output must match ``output`` (or any of a list)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["stdio"] = "stdio"
    input: str = ""
    output: str | list[str] | None = None
    instrument: str | None = None
    instrument_options: dict[str, Any] = Field(default_factory=dict)


class CallTest(BaseModel):
    """Call ``fn_name`` with ``args`` and ``kwargs`` (JSON values; with ``encoded_args``,
    values in :func:`encode_value`'s form, for tuples, sets, bytes and the like) or
    ``args_src`` (Python source of the argument list, evaluated in the program's own
    namespace: trusted text only); compare with the expected value.

    ``expected`` is a JSON value; ``expected_literal`` is a Python literal (use it for tuples,
    sets or non-string dict keys). With neither, the call only has to return.
    A name that is not a module-level callable is looked up as a method of ``Solution()``
    (LeetCode style).

    ``instrument`` names a trusted module of the sandbox's allowlist
    (``SandboxConfig.instruments``) whose ``instrument(call, options, sink)`` wraps the call
    inside the child (the tracer is one); what it leaves in ``sink`` comes back as
    :attr:`TestResult.extra`.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    kind: Literal["call"] = "call"
    fn_name: str
    args: list[Any] = Field(default_factory=list)
    kwargs: dict[str, Any] = Field(default_factory=dict)
    encoded_args: bool = False
    args_src: str | None = None
    expected: Any = None
    expected_literal: str | None = None
    compare: bool = True
    instrument: str | None = None
    instrument_options: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="before")
    @classmethod
    def _compare_only_if_expected(cls, data: Any) -> Any:
        if isinstance(data, dict) and "compare" not in data:
            has = "expected" in data or data.get("expected_literal") is not None
            return {**data, "compare": has}
        return data


TestCase = Annotated[StdioTest | CallTest, Field(discriminator="kind")]


class ErrorInfo(BaseModel):
    """An exception raised by the program: type name, message and formatted traceback."""

    model_config = ConfigDict(frozen=True)

    type: str
    message: str
    traceback: str = ""


class TestResult(BaseModel):
    """The verdict of one test, with what the program did."""

    verdict: Verdict
    cpu_s: float = 0.0
    wall_s: float = 0.0
    peak_memory_mb: float = 0.0
    stdout: str = ""
    stderr: str = ""
    exit_code: int | None = None
    actual: Any = None
    error: ErrorInfo | None = None
    detail: str = ""
    extra: dict[str, Any] | None = None


class RunResult(BaseModel):
    """The outcome of running one script once: ``execgym run``'s JSON object.

    ``files`` holds the files asked for with ``fetch_files`` (path → content; standard
    base64 in the JSON form)."""

    verdict: Verdict
    exit_code: int | None
    stdout: str
    stderr: str
    cpu_s: float
    wall_s: float
    peak_memory_mb: float
    error: ErrorInfo | None = None
    detail: str = ""
    files: dict[str, bytes] = Field(default_factory=dict)

    @field_serializer("files", when_used="json")
    def _files_as_base64(self, files: dict[str, bytes]) -> dict[str, str]:
        return {name: base64.b64encode(data).decode("ascii") for name, data in files.items()}

    @field_validator("files", mode="before")
    @classmethod
    def _files_from_base64(cls, files: Any) -> Any:
        if isinstance(files, dict):
            return {
                name: base64.b64decode(data, validate=True) if isinstance(data, str) else data
                for name, data in files.items()
            }
        return files


class JudgeResult(BaseModel):
    """A program judged against its tests: ``execgym judge``'s output line."""

    id: str | None = None
    verdict: Verdict
    passed: int
    total: int
    tests: list[TestResult]
    detail: str = ""

    @property
    def pass_ratio(self) -> float:
        return self.passed / self.total if self.total else 0.0
