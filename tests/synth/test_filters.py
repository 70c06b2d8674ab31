"""The shared filters: each rejection reason, coverage-driven input choice, and the
assertion run in the second sandbox."""

from __future__ import annotations

import pytest

from execgym.synth import Candidate, ConstraintSpec, ProgramFilter, Rejection, ValidatedProgram

SPEC = ConstraintSpec(name="any", max_output_chars=40)


def _run(program_filter: ProgramFilter, code: str, *inputs: str, spec: ConstraintSpec = SPEC):  # type: ignore[no-untyped-def]
    return program_filter.validate(Candidate(code, tuple(inputs), "len", "test"), spec)


@pytest.mark.parametrize(
    ("code", "reason"),
    [
        ("def f(n):\n    while True:\n        n += 1\n", "step_limit"),
        ("def f(n):\n    return 1 // n\n", "exception"),
        ("def f(n):\n    return object()\n", "not_literal"),
        ("def f(n):\n    return 'x' * 100\n", "output_too_large"),
        ("def f(n):\n    return float('nan')\n", "not_literal"),
        (
            "def f(n):\n    total = 0\n    for word in {'apple', 'kiwi', 'fig', 'tea'}:\n"
            "        total += len(word)\n    return total\n",
            "nondeterministic",
        ),
        ("def f(n):\n    return list({'apple', 'kiwi', 'fig', 'tea', 'sun'})\n", "assert_failed"),
        ("def f(n):\n    return n +\n", "syntax"),
    ],
)
def test_rejections(program_filter: ProgramFilter, code: str, reason: str) -> None:
    outcome = _run(program_filter, code, "0")
    assert isinstance(outcome, Rejection), outcome
    assert outcome.reason == reason, outcome


def test_exceptions_are_kept_when_the_spec_allows_them(program_filter: ProgramFilter) -> None:
    spec = ConstraintSpec(name="raises", allow_exceptions=True)
    outcome = _run(program_filter, "def f(n):\n    return 1 // n\n", "0", spec=spec)
    assert isinstance(outcome, ValidatedProgram), outcome
    assert outcome.error == "ZeroDivisionError" and outcome.output is None


def test_inputs_are_chosen_by_branch_coverage(program_filter: ProgramFilter) -> None:
    code = (
        "def f(values):\n    total = 0\n    for value in values:\n        if value > 2:\n"
        "            total += value\n        else:\n            total -= 1\n    return total\n"
    )
    outcome = _run(program_filter, code, "[1]", "[5]", "[1, 5]", "[0]")
    assert isinstance(outcome, ValidatedProgram), outcome
    assert outcome.input == "[1, 5]"
    assert outcome.inputs == ("[1, 5]",)
    assert outcome.output == "4"
    assert outcome.metrics["branches_taken"] == 4
    assert outcome.metrics["branch_coverage"] == 1.0


def test_partial_inputs_are_kept_when_they_add_coverage(program_filter: ProgramFilter) -> None:
    code = "def f(n):\n    if n > 2:\n        return n\n    return -n\n"
    outcome = _run(program_filter, code, "5", "6", "1")
    assert isinstance(outcome, ValidatedProgram), outcome
    assert outcome.inputs == ("5", "1") and outcome.outputs == ("5", "-1")


def test_metrics_of_a_helper_chain(program_filter: ProgramFilter) -> None:
    code = (
        "def g(word):\n    return h(word) + 1\n\ndef h(word):\n    return len(word)\n\n"
        "def f(words):\n    return [g(w) for w in words]\n"
    )
    outcome = _run(program_filter, code, "['ab', 'c']")
    assert isinstance(outcome, ValidatedProgram), outcome
    assert outcome.metrics["call_depth"] == 4
    assert outcome.output == "[3, 2]"
