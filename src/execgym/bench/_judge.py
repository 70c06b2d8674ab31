"""Judging candidate solutions of problems in the sandbox, with each problem's own checker,
limits and tests."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from execgym.bench._checkers import ensure_checker
from execgym.bench._extract import ExtractedCode, extract_code
from execgym.bench._problem import Problem, TestSelection
from execgym.bench._program import ProgramMode, assemble_program
from execgym.bench._reference import resolve_expected_outputs_many
from execgym.sandbox import JudgeRequest, JudgeResult, Sandbox, TestResult, Verdict


def judge_request(
    problem: Problem,
    code: str,
    *,
    tests: TestSelection = "all",
    mode: ProgramMode = "full",
    request_id: str | None = None,
) -> JudgeRequest:
    """The sandbox request that judges ``code`` on ``problem``'s ``tests``.

    Raises ``ValueError`` when the selection is empty (a problem without public tests judged
    on ``"public"``), or when the problem still needs its expected outputs computed
    (:func:`execgym.bench.resolve_expected_outputs`; :func:`judge_solution` does that itself).
    """
    if problem.expected_from_reference:
        raise ValueError(
            f"problem {problem.id!r} has no expected outputs yet; resolve them first with "
            "resolve_expected_outputs(sandbox, problem)"
        )
    selected = problem.tests(tests)
    if not selected:
        raise ValueError(f"problem {problem.id!r} has no {tests} tests")
    ensure_checker(problem.checker)
    return JudgeRequest(
        code=assemble_program(problem, code, mode),
        tests=selected,
        id=request_id if request_id is not None else problem.id,
        checker=problem.checker,
        limits=problem.limits,
        preamble=problem.preamble,
    )


def judge_solution(
    sandbox: Sandbox,
    problem: Problem,
    code: str,
    *,
    tests: TestSelection = "all",
    mode: ProgramMode = "full",
) -> JudgeResult:
    """Judge one candidate program on ``problem`` (``id`` of the result: the problem's id).

    ``tests="all"`` (public and hidden) is each benchmark's official test set; ``"hidden"``
    keeps the tests a model never saw. ``mode`` says how ``code`` joins the problem (see
    :data:`execgym.bench.ProgramMode`); reference solutions are "full" programs.
    """
    (result,) = judge_solutions(sandbox, [(problem, code)], tests=tests, mode=mode)
    return result


def judge_solutions(
    sandbox: Sandbox,
    submissions: Iterable[tuple[Problem, str]],
    *,
    tests: TestSelection = "all",
    mode: ProgramMode = "full",
    on_result: Callable[[int, JudgeResult], None] | None = None,
) -> list[JudgeResult]:
    """Judge many (problem, code) pairs on every sandbox worker; results in input order.

    ``on_result(index, result)`` is called as each finishes (in completion order), so a long
    run can write results as it goes.
    """
    pairs = list(submissions)
    problems = _resolved_problems(sandbox, [problem for problem, _ in pairs])
    requests = [
        judge_request(problem, code, tests=tests, mode=mode, request_id=str(index))
        for index, (problem, (_, code)) in enumerate(zip(problems, pairs, strict=True))
    ]
    results: list[JudgeResult | None] = [None] * len(requests)
    for result in sandbox.judge_many(requests):
        index = int(result.id or "0")
        result.id = problems[index].id
        results[index] = result
        if on_result is not None:
            on_result(index, result)
    return [result for result in results if result is not None]


def judge_response(
    sandbox: Sandbox,
    problem: Problem,
    response: str,
    *,
    tests: TestSelection = "all",
) -> tuple[ExtractedCode, JudgeResult]:
    """Extract the code from a model's ``response`` and judge it ("auto" mode). With no
    usable code the result is a ``COMPILE_ERROR`` on every test, with the reason, and
    nothing runs."""
    ((extracted, result),) = judge_responses(sandbox, [(problem, response)], tests=tests)
    return extracted, result


def judge_responses(
    sandbox: Sandbox,
    items: Iterable[tuple[Problem, str]],
    *,
    tests: TestSelection = "all",
    on_result: Callable[[int, JudgeResult], None] | None = None,
) -> list[tuple[ExtractedCode, JudgeResult]]:
    """:func:`judge_response` for many (problem, response) pairs, in input order."""
    pairs = list(items)
    extracted = [
        extract_code(response, entry_point=problem.entry_point, starter_code=problem.starter_code)
        for problem, response in pairs
    ]
    runnable = [i for i, found in enumerate(extracted) if found.code is not None]
    results: list[JudgeResult | None] = [None] * len(pairs)
    for index, found in enumerate(extracted):
        if found.code is None:
            result = no_code_result(pairs[index][0], found.reason, tests)
            results[index] = result
            if on_result is not None:
                on_result(index, result)

    def placed(position: int, result: JudgeResult) -> None:
        if on_result is not None:
            on_result(runnable[position], result)

    judged = judge_solutions(
        sandbox,
        [(pairs[i][0], extracted[i].code or "") for i in runnable],
        tests=tests,
        mode="auto",
        on_result=placed,
    )
    for index, judged_result in zip(runnable, judged, strict=True):
        results[index] = judged_result
    return [
        (found, outcome)
        for found, outcome in zip(extracted, results, strict=True)
        if outcome is not None
    ]


def no_code_result(problem: Problem, reason: str, tests: TestSelection = "all") -> JudgeResult:
    """The verdict of a response without usable code: ``COMPILE_ERROR`` on every test."""
    selected = problem.tests(tests)
    detail = f"no code to judge: {reason}"
    return JudgeResult(
        id=problem.id,
        verdict=Verdict.COMPILE_ERROR,
        passed=0,
        total=len(selected),
        tests=[TestResult(verdict=Verdict.COMPILE_ERROR, detail=detail) for _ in selected],
        detail=detail,
    )


def _resolved_problems(sandbox: Sandbox, problems: list[Problem]) -> list[Problem]:
    if not any(problem.expected_from_reference for problem in problems):
        return problems
    unique: dict[int, Problem] = {}
    for problem in problems:
        if problem.expected_from_reference:
            unique.setdefault(id(problem), problem)
    resolved = dict(
        zip(unique, resolve_expected_outputs_many(sandbox, list(unique.values())), strict=True)
    )
    return [resolved.get(id(problem), problem) for problem in problems]
