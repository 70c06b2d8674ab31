"""The trace of one execution: steps with the variable states each statement produced."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from execgym.sandbox import ErrorInfo, Verdict


class TraceStatus(StrEnum):
    """How a traced run ended."""

    OK = "ok"
    EXCEPTION = "exception"  # the program raised; the trace up to the raise is kept
    STEP_LIMIT = "step_limit"  # more steps than the cap
    TIME_LIMIT = "time_limit"
    FAILED = "failed"  # did not compile, ran out of memory or output, or the sandbox failed


class Value(BaseModel):
    """One value as the tracer saw it.

    ``literal`` is set only when ``ast.literal_eval(literal)`` gives the value back; a
    ``truncated`` value exceeded the size bound and carries neither repr nor literal, so it
    is never graded.
    """

    model_config = ConfigDict(frozen=True)

    type: str
    repr: str | None
    literal: str | None = None
    truncated: bool = False

    @property
    def gradable(self) -> bool:
        return self.literal is not None and not self.truncated


class Step(BaseModel):
    """One traced event.

    ``changes`` are the variables of this frame whose value the statement changed (for a
    ``call`` step: the arguments as bound). ``value`` is the returned value on ``return``
    and the exception on ``exception``.
    """

    model_config = ConfigDict(frozen=True)

    i: int
    line: int
    func: str
    frame: int
    depth: int
    event: Literal["call", "line", "return", "exception"]
    changes: dict[str, Value] = Field(default_factory=dict)
    value: Value | None = None


class Trace(BaseModel):
    """A traced run of ``code``: ``call`` (e.g. ``"f(1, 2)"``) or the whole script."""

    python: str
    hash_seed: int
    code: str
    call: str | None
    status: TraceStatus
    verdict: Verdict
    steps: list[Step]
    output: Value | None = None
    error: ErrorInfo | None = None
    stdout: str = ""
    detail: str = ""

    def line_steps(self) -> list[Step]:
        """The ``line`` events in execution order."""
        return [step for step in self.steps if step.event == "line"]
