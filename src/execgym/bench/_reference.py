"""Expected outputs computed from a reference solution (EvalPlus's native format stores test
inputs only; EvalPlus computes the expected outputs by running the canonical solution)."""

from __future__ import annotations

from collections.abc import Sequence

from execgym.bench._checkers import ensure_checker
from execgym.bench._literals import literal_source, python_source
from execgym.bench._problem import Problem
from execgym.bench._program import assemble_program
from execgym.sandbox import (
    CallTest,
    JudgeRequest,
    JudgeResult,
    Sandbox,
    StdioTest,
    TestResult,
    Verdict,
    decode_value,
)


def resolve_expected_outputs(sandbox: Sandbox, problem: Problem) -> Problem:
    """``problem`` with the expected value of every call test filled in from running
    ``reference_solutions[0]`` in the sandbox; ``problem`` itself when it needs none.

    A test on which the reference does not return a plain value (it raises, times out, or
    returns an object that is not plain data) is dropped; ``metadata["reference_failures"]``
    counts them. The result is cached on ``problem``.
    """
    return resolve_expected_outputs_many(sandbox, [problem])[0]


def resolve_expected_outputs_many(sandbox: Sandbox, problems: Sequence[Problem]) -> list[Problem]:
    """:func:`resolve_expected_outputs` for many problems, run on every worker."""
    resolved = list(problems)
    requests: list[JudgeRequest] = []
    for index, problem in enumerate(resolved):
        if not problem.expected_from_reference:
            continue
        cached = problem._resolved
        if cached is not None and cached[0] == id(problem):
            resolved[index] = cached[1]
            continue
        if not problem.reference_solutions:
            raise ValueError(
                f"problem {problem.id!r} takes its expected outputs from a reference solution "
                "but has none"
            )
        ensure_checker(problem.checker)
        requests.append(
            JudgeRequest(
                code=assemble_program(problem, problem.reference_solutions[0], "full"),
                tests=problem.tests("all"),
                id=str(index),
                checker=problem.checker,
                limits=problem.limits,
                preamble=problem.preamble,
            )
        )
    for result in sandbox.judge_many(requests):
        index = int(result.id or "0")
        problem = resolved[index]
        if result.verdict is Verdict.SANDBOX_ERROR:
            raise RuntimeError(
                f"problem {problem.id!r}: the sandbox failed while running the reference "
                f"solution: {result.detail or _first_detail(result)}"
            )
        resolved[index] = _with_expected(problem, result)
        if not resolved[index].tests("all"):
            raise ValueError(
                f"problem {problem.id!r}: the reference solution fails on every test input "
                f"({result.verdict.value}: {result.detail or _first_detail(result)})"
            )
        problem._resolved = (id(problem), resolved[index])
    return resolved


def _with_expected(problem: Problem, result: JudgeResult) -> Problem:
    outcomes = iter(result.tests)
    failures = 0

    def resolve(tests: list[StdioTest | CallTest]) -> list[StdioTest | CallTest]:
        nonlocal failures
        kept: list[StdioTest | CallTest] = []
        for test in tests:
            outcome = next(outcomes)
            resolved = _resolved_test(test, outcome)
            if resolved is None:
                failures += 1
            else:
                kept.append(resolved)
        return kept

    public = resolve(list(problem.public_tests))
    hidden = resolve(list(problem.hidden_tests))
    return problem.model_copy(
        update={
            "public_tests": public,
            "hidden_tests": hidden,
            "expected_from_reference": False,
            "metadata": {**problem.metadata, "reference_failures": failures},
        }
    )


def _resolved_test(test: StdioTest | CallTest, outcome: TestResult) -> StdioTest | CallTest | None:
    if not isinstance(test, CallTest):
        return test
    if outcome.verdict is not Verdict.OK:
        return None
    try:
        value = decode_value(outcome.actual)
        python_source(value)  # only plain data (no opaque objects) can be an expected value
    except (ValueError, KeyError, TypeError):
        return None
    literal = literal_source(value)
    if literal is not None:
        return CallTest(
            fn_name=test.fn_name, args=test.args, args_src=test.args_src, expected_literal=literal
        )
    return CallTest(fn_name=test.fn_name, args=test.args, args_src=test.args_src, expected=value)


def _first_detail(result: JudgeResult) -> str:
    return next((t.detail for t in result.tests if t.detail), "")
