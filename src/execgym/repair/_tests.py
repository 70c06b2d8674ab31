"""The tests a repair loop works with: a problem's public examples, and tests a model wrote.

A :class:`LoopTest` is one test as the loop and the prompts see it: what its input is (the
standard input, or the call ``f(...)``), what output it expects, where it came from, and the
sandbox test that runs it (the expected output stays in the judging process). Hidden tests
of an evaluated problem are never made into loop tests: the loop and its prompts never see
them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

from execgym.bench import Problem
from execgym.sandbox import CallTest, StdioTest

TestOrigin = Literal["public", "auditor", "tester", "hidden"]
"""Who wrote a test: the problem (its public examples), the Auditor, or a Tester. ``hidden``
is a training problem's hidden test, shown only in the training prompts the data builders
make (:mod:`execgym.repair._training`), never in an evaluation's loop."""

TestKind = Literal["stdin", "call"]


@dataclass(frozen=True)
class LoopTest:
    """One test of a repair loop (see the module docstring).

    ``shown_input`` is the standard input, or the call (``f(1, [2])``); ``shown_output`` the
    expected standard output, or the expected return value as a Python literal. ``call`` is
    the index of the model call that proposed it (``None`` for a public example).
    """

    id: str
    origin: TestOrigin
    kind: TestKind
    shown_input: str
    shown_output: str
    case: StdioTest | CallTest
    call: int | None = None

    @property
    def key(self) -> str:
        """What identifies the test's input: equal keys run the program on the same input."""
        return input_key(self.kind, self.shown_input)


def input_key(kind: TestKind, shown_input: str) -> str:
    """The identity of an input: standard input with trailing spaces and blank lines at the
    ends ignored; a call's text with surrounding spaces ignored."""
    if kind == "stdin":
        lines = [line.rstrip() for line in shown_input.strip("\n").split("\n")]
        return "stdin:" + "\n".join(lines).strip("\n")
    return "call:" + shown_input.strip()


def public_loop_tests(problem: Problem) -> list[LoopTest]:
    """The problem's public examples as loop tests (ids ``p1``, ``p2``, ...)."""
    return [
        loop_test(f"p{number}", test, "public")
        for number, test in enumerate(problem.public_tests, start=1)
    ]


def loop_test(
    test_id: str, test: StdioTest | CallTest, origin: TestOrigin, *, unwrap: bool = False
) -> LoopTest:
    """A problem's test as a loop test. The expected output shown is the first accepted
    one; with ``unwrap``, an expected value wrapped in a one-item list (APPS stores every
    call's output so, and its judge unwraps it) is shown unwrapped."""
    if isinstance(test, StdioTest):
        output = test.output
        shown = output[0] if isinstance(output, list) and output else output
        text = shown if isinstance(shown, str) else ""
        return LoopTest(test_id, origin, "stdin", test.input, text, test)
    arguments = test.args_src if test.args_src is not None else _arguments_text(test.args)
    if test.expected_literal is not None:
        expected = test.expected_literal
    elif unwrap and isinstance(test.expected, list) and len(test.expected) == 1:
        expected = repr(test.expected[0])
    else:
        expected = repr(test.expected)
    return LoopTest(test_id, origin, "call", f"{test.fn_name}({arguments})", expected, test)


def _arguments_text(args: Sequence[object]) -> str:
    return ", ".join(repr(arg) for arg in args)


def problem_io(problem: Problem) -> TestKind:
    """How the problem's programs are tested: by standard input, or by calling a function."""
    return "call" if problem.entry_point else "stdin"
