"""What one problem's run leaves behind: every call, test, run and decision.

A :class:`Transcript` holds each model call (role, purpose, prompt, reply, tokens, latency,
the contract breach if any, what the reply gave, and the candidate in force after the call),
the distinct programs (referred to by index), the tests (public examples and proposed tests;
never a hidden test), every sandbox run of a program on a test, and every decision of the
method with its reason. ``candidate_after`` of call ``i`` is the answer the method would give
had its budget been ``i + 1`` calls, so Pass@1 at every smaller budget is read from one run
(:meth:`Transcript.program_at_budget`) without asking the model again.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class CallRecord(BaseModel):
    """One model call (one completion)."""

    model_config = ConfigDict(extra="forbid")

    index: int
    role: str
    purpose: str
    """What the call was for: ``candidate``, ``audit``, ``vote``, ``repair``, ``tests``,
    ``debug``."""
    messages: list[dict[str, str]]
    reply: str
    finish_reason: str = "stop"
    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached: bool = False
    latency_s: float = 0.0
    breach: str | None = None
    """Why the reply broke its role's contract (``None``: it kept it)."""
    notes: list[str] = Field(default_factory=list)
    program: int | None = None
    """The program the reply gave (Coder, Fixer, debugger)."""
    tests: list[str] = Field(default_factory=list)
    """The ids of the tests the reply proposed (Auditor, Tester)."""
    vote: str | None = None
    """The expected output a vote gave."""
    candidate_after: int | None = None
    """The program in force after this call (``None``: no candidate yet)."""


class TestRecord(BaseModel):
    """One test the loop knew (public example or proposed test)."""

    model_config = ConfigDict(extra="forbid")

    id: str
    origin: str
    kind: str
    input: str
    expected: str
    call: int | None = None


class RunRecord(BaseModel):
    """One program run on one test."""

    model_config = ConfigDict(extra="forbid")

    program: int
    test: str
    verdict: str
    actual: str = ""
    error: str = ""


class Decision(BaseModel):
    """One decision of the method, and why."""

    model_config = ConfigDict(extra="forbid")

    after_call: int | None
    """The last call made when the decision was taken (``None``: before any)."""
    action: str
    reason: str
    test: str | None = None
    program: int | None = None


class Timing(BaseModel):
    """Where the problem's wall time went (seconds; intervals that overlap count once)."""

    model_config = ConfigDict(extra="forbid")

    wall_s: float = 0.0
    model_s: float = 0.0
    sandbox_s: float = 0.0


class Transcript(BaseModel):
    """Everything one problem's run did (see the module docstring)."""

    model_config = ConfigDict(extra="forbid")

    problem_id: str
    method: str
    budget: int
    calls: list[CallRecord] = Field(default_factory=list)
    programs: list[str] = Field(default_factory=list)
    tests: list[TestRecord] = Field(default_factory=list)
    runs: list[RunRecord] = Field(default_factory=list)
    decisions: list[Decision] = Field(default_factory=list)
    final: int | None = None
    stop: str = ""
    timing: Timing = Field(default_factory=Timing)

    def program_at_budget(self, budget: int) -> int | None:
        """The answer with a budget of ``budget`` calls: the candidate after call
        ``budget - 1``, or the final one when the run made fewer calls."""
        if budget < 1:
            raise ValueError(f"a budget is at least one call, got {budget}")
        if budget <= len(self.calls):
            return self.calls[budget - 1].candidate_after
        return self.final

    @property
    def prompt_tokens(self) -> int:
        return sum(call.prompt_tokens for call in self.calls)

    @property
    def completion_tokens(self) -> int:
        return sum(call.completion_tokens for call in self.calls)

    @property
    def breaches(self) -> int:
        return sum(1 for call in self.calls if call.breach is not None)
