"""The execgym-native endpoints' request bodies, read with the Python API's and the command
line's own parsers so that the JSON shapes are theirs.

* ``POST /v1/run``: ``{"code", "stdin", "limits": {Limits}, "files": {path: base64},
  "fetch_files": [path]}`` → :class:`~execgym.sandbox.RunResult` as JSON
  (``Sandbox.run(code, stdin, limits, files=..., fetch_files=...)``);
* ``POST /v1/judge``: one line of an ``execgym judge`` batch file → that command's output
  record for it, without ``line``;
* ``POST /v1/judge/batch``: a batch file (JSONL) → ``execgym judge``'s output lines (JSONL),
  in input order, malformed lines included as that command writes them;
* ``POST /v1/trace``: ``{"code", "call": "f(1, 2)" | null, "stdin", "max_steps",
  "time_limit"}`` (``execgym trace``'s arguments) → the trace, as ``execgym trace --json``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from execgym.bench import BatchLine, BatchLineError, parse_batch_line
from execgym.sandbox import Limits
from execgym.serve._requests import RequestError, first_error
from execgym.trace import TraceOptions, split_call

BODY = "request"
"""What a body is called where an error names the line it is on."""


class RunBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    stdin: str = ""
    limits: Limits = Field(default_factory=Limits)
    files: dict[str, str] = Field(default_factory=dict)
    """Path → standard base64 (decoded with :func:`decode_files`)."""
    fetch_files: list[str] = Field(default_factory=list)


def parse_run(body: bytes, max_time_s: float, max_output_mb: float) -> RunBody:
    """A ``/v1/run`` body; :class:`RequestError` naming the wrong field. Output left unset
    is capped at ``max_output_mb``; asked for above it, or a run above ``max_time_s``, is
    refused."""
    try:
        run = RunBody.model_validate_json(body)
    except ValidationError as exc:
        raise RequestError(first_error(exc)) from None
    limits = run.limits
    if max(limits.time_s, limits.wall_limit_s) > max_time_s:
        raise RequestError(f"limits: a run of over {max_time_s} s is over this service's cap")
    if "output_mb" not in limits.model_fields_set:
        limits = capped_output(limits, max_output_mb)
    elif limits.output_mb > max_output_mb:
        raise RequestError(
            f"limits.output_mb: {limits.output_mb} is over this service's cap of {max_output_mb}"
        )
    return run.model_copy(update={"limits": limits})


def capped_output(limits: Limits, max_output_mb: float) -> Limits:
    """``limits`` with each stream's output capped at ``max_output_mb``."""
    return limits.model_copy(update={"output_mb": min(limits.output_mb, max_output_mb)})


def parse_judge(
    text: str, line_number: int, max_time_s: float, max_output_mb: float
) -> BatchLine | BatchLineError:
    """One batch line, as ``execgym judge`` reads it, its output capped at
    ``max_output_mb``; a run above ``max_time_s`` is an error of the line."""
    parsed = parse_batch_line(text, line_number, BODY)
    if isinstance(parsed, BatchLineError):
        return parsed
    request = parsed.request
    if max(request.limits.time_s, request.limits.wall_limit_s) > max_time_s:
        message = f"a run of over {max_time_s} s is over this service's cap"
        return BatchLineError(BODY, line_number, "time_limit", message, request.id)
    capped = replace(request, limits=capped_output(request.limits, max_output_mb))
    return BatchLine(line_number, capped)


def batch_lines(body: bytes, max_batch: int) -> list[tuple[int, str]]:
    """The non-blank lines of a batch body with their line numbers; at most ``max_batch``."""
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(f"the batch is not UTF-8 text ({exc})") from None
    lines = [(n, line) for n, line in enumerate(text.splitlines(), start=1) if line.strip()]
    if len(lines) > max_batch:
        raise RequestError(
            f"the batch holds {len(lines)} programs, over this service's cap of {max_batch}", 413
        )
    return lines


class TraceBody(BaseModel):
    model_config = ConfigDict(extra="forbid")

    code: str
    call: str | None = None
    stdin: str = ""
    max_steps: int = Field(default=10_000, ge=1)
    time_limit: float = Field(default=2.0, gt=0)


@dataclass(frozen=True)
class TraceJob:
    """What one ``/v1/trace`` request traces: a call (``entry``, ``args_src``) or the script."""

    code: str
    stdin: str
    entry: str | None
    args_src: str
    options: TraceOptions


def parse_trace(body: bytes, max_time_s: float) -> TraceJob:
    """A ``/v1/trace`` body; :class:`RequestError` naming the wrong field."""
    try:
        trace = TraceBody.model_validate_json(body)
    except ValidationError as exc:
        raise RequestError(first_error(exc)) from None
    entry, args_src = None, ""
    if trace.call is not None:
        try:
            entry, args_src = split_call(trace.call)
        except ValueError as exc:
            raise RequestError(f"call: {exc}") from None
    limits = Limits(time_s=trace.time_limit, memory_mb=512)
    if limits.wall_limit_s > max_time_s:
        raise RequestError(f"time_limit: a run of over {max_time_s} s is over the service's cap")
    options = TraceOptions(max_steps=trace.max_steps, limits=limits)
    return TraceJob(trace.code, trace.stdin, entry, args_src, options)
