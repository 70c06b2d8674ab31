"""Running a candidate program on loop tests in the sandbox.

The program is joined to its problem as the benchmark judge joins a response
(:func:`execgym.bench.assemble_program`, "auto" mode), with the problem's checker, limits
and preamble; the expected outputs stay in this process. What the program did on each test
comes back as a :class:`TestOutcome`: its verdict, what it printed or returned, and its
error, each clipped for prompts and transcripts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

from execgym.bench import Problem, assemble_program
from execgym.repair._tests import LoopTest
from execgym.sandbox import (
    JudgeRequest,
    JudgeResult,
    Sandbox,
    TestResult,
    Verdict,
    decode_value,
)

SHOWN_CHARS = 2000
"""How much of a program's output or error a prompt or transcript shows."""


class SandboxFailure(RuntimeError):
    """The sandbox itself failed (``SANDBOX_ERROR``) twice on the same run: not the
    program's fault, so the problem's loop stops and is run again on a restart."""


@dataclass(frozen=True)
class TestOutcome:
    """What a program did on one test."""

    test_id: str
    verdict: Verdict
    actual: str = ""
    """What it printed (standard-input tests) or the ``repr`` of what it returned."""
    error: str = ""
    """The exception it raised (type, message, the end of the traceback), or the limit hit."""

    @property
    def passed(self) -> bool:
        return self.verdict is Verdict.OK


def tests_request(problem: Problem, code: str, tests: Sequence[LoopTest]) -> JudgeRequest:
    """The sandbox request that runs ``code`` on ``tests`` as the problem's judge would."""
    return JudgeRequest(
        code=assemble_program(problem, code, "auto"),
        tests=[test.case for test in tests],
        checker=problem.checker,
        limits=problem.limits,
        preamble=problem.preamble,
    )


async def run_tests(
    sandbox: Sandbox, problem: Problem, code: str, tests: Sequence[LoopTest]
) -> list[TestOutcome]:
    """``code`` run on ``tests`` (in one child, each test under its own limits); a sandbox
    failure is retried once, then raised as :class:`SandboxFailure`."""
    if not tests:
        return []
    request = tests_request(problem, code, tests)
    for _ in range(2):
        result = await sandbox.ajudge(request)
        if result.verdict is not Verdict.SANDBOX_ERROR:
            return read_outcomes(tests, result)
    raise SandboxFailure(f"the sandbox failed twice on problem {problem.id}: {result.detail}")


def run_tests_now(
    sandbox: Sandbox, problem: Problem, code: str, tests: Sequence[LoopTest]
) -> list[TestOutcome]:
    """:func:`run_tests` in this thread (for rewards and data builders)."""
    if not tests:
        return []
    request = tests_request(problem, code, tests)
    for _ in range(2):
        result = sandbox.judge(request)
        if result.verdict is not Verdict.SANDBOX_ERROR:
            return read_outcomes(tests, result)
    raise SandboxFailure(f"the sandbox failed twice on problem {problem.id}: {result.detail}")


def run_many_now(
    sandbox: Sandbox, problem: Problem, codes: Sequence[str], tests: Sequence[LoopTest]
) -> list[list[TestOutcome] | None]:
    """Each of ``codes`` run on ``tests``, on every sandbox worker at once; ``None`` for a
    program the sandbox failed on (not the program's fault: left unjudged)."""
    if not tests:
        return [[] for _ in codes]
    requests = []
    for index, code in enumerate(codes):
        request = tests_request(problem, code, tests)
        requests.append(replace(request, id=str(index)))
    found: list[list[TestOutcome] | None] = [None] * len(codes)
    for result in sandbox.judge_many(requests):
        if result.verdict is not Verdict.SANDBOX_ERROR:
            found[int(result.id or "0")] = read_outcomes(tests, result)
    return found


def read_outcomes(tests: Sequence[LoopTest], result: JudgeResult) -> list[TestOutcome]:
    """What the program did on each of ``tests``, from the sandbox's judgement."""
    return [_outcome(test, judged) for test, judged in zip(tests, result.tests, strict=True)]


def _outcome(test: LoopTest, result: TestResult) -> TestOutcome:
    if test.kind == "stdin":
        actual = result.stdout
    elif result.actual is not None or result.verdict in (Verdict.OK, Verdict.WRONG_ANSWER):
        actual = _returned(result.actual)
    else:
        actual = ""
    error = ""
    if result.error is not None:
        lines = result.error.traceback.strip().splitlines()[-6:]
        error = f"{result.error.type}: {result.error.message}"
        if lines:
            error += "\n" + "\n".join(lines)
    elif result.verdict not in (Verdict.OK, Verdict.WRONG_ANSWER):
        error = result.detail or result.verdict.value
    return TestOutcome(test.id, result.verdict, clip(actual), clip(error))


def _returned(encoded: Any) -> str:
    try:
        return repr(decode_value(encoded))
    except (ValueError, KeyError, TypeError, RecursionError):
        return str(encoded)


def clip(text: str, limit: int = SHOWN_CHARS) -> str:
    """``text`` cut to ``limit`` characters, saying how much was left out."""
    if len(text) <= limit:
        return text
    return text[:limit] + f"\n... ({len(text) - limit} more characters)"
