"""The one problem record every benchmark loader produces."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

from execgym.bench._display import format_public_tests
from execgym.sandbox import CallTest, Limits, StdioTest, TestCase

TestSelection = Literal["hidden", "public", "all"]
"""Which tests to judge against: the hidden ones, the public ones (shown to a model), or both
(public first). ``"all"`` is each benchmark's official test set."""


class Problem(BaseModel):
    """One code-generation problem of a benchmark, in execgym's own terms.

    What a model sees is :meth:`prompt_text`: ``statement``, ``starter_code`` and
    ``public_tests``. Everything else (``hidden_tests``, ``test_code``, the solutions) stays
    with the judge.

    A judged program is assembled by :func:`execgym.bench.assemble_program`: in "completion"
    mode ``starter_code + completion`` (HumanEval style), in "full" mode
    ``full_program_prefix`` (usually empty; HumanEval's prompt, so that its imports and helper
    functions exist) followed by the candidate's program; then ``test_code`` (HumanEval's
    ``check`` function, MBPP's ``test_setup_code``) is appended.

    ``expected_from_reference`` marks call tests whose expected values are not in the dataset
    but are the outputs of ``reference_solutions[0]`` on the same inputs (EvalPlus's native
    format); :func:`execgym.bench.resolve_expected_outputs` fills them in by running the
    reference in the sandbox, and the judge does so on first use.

    ``reference_solutions`` and ``incorrect_solutions`` are full programs ("full" mode).
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    source: str
    statement: str = ""
    starter_code: str = ""
    entry_point: str | None = None
    public_tests: list[TestCase] = Field(default_factory=list)
    hidden_tests: list[TestCase] = Field(default_factory=list)
    limits: Limits = Field(default_factory=Limits)
    checker: str = "tokens"
    preamble: bool = False
    full_program_prefix: str = ""
    test_code: str = ""
    expected_from_reference: bool = False
    reference_solutions: list[str] = Field(default_factory=list)
    incorrect_solutions: list[str] = Field(default_factory=list)
    difficulty: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    _resolved: tuple[int, Problem] | None = PrivateAttr(default=None)
    """Cache of :func:`resolve_expected_outputs`: (id of the problem it was made for, result)."""

    def tests(self, selection: TestSelection = "all") -> list[StdioTest | CallTest]:
        """The tests of ``selection``: hidden, public, or all (public first)."""
        if selection == "public":
            return list(self.public_tests)
        if selection == "hidden":
            return list(self.hidden_tests)
        if selection == "all":
            return [*self.public_tests, *self.hidden_tests]
        raise ValueError(f"unknown test selection {selection!r}; use 'hidden', 'public' or 'all'")

    def prompt_text(self, *, include_public_tests: bool = True) -> str:
        """What a model sees: the statement, the starter code and the public tests.

        Parts are joined by blank lines and empty parts are left out, so a problem whose only
        text is its starter code (HumanEval) gives exactly that code. Hidden tests, the test
        code and the solutions never appear here.
        """
        parts = [self.statement.strip("\n"), self.starter_code]
        if include_public_tests and self.public_tests:
            parts.append(format_public_tests(self.public_tests))
        return "\n\n".join(part for part in parts if part.strip())
