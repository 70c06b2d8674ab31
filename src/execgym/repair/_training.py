"""Training data for FixAudit's four stages, as plain rows built from training splits.

Every function returns a list of dicts (write them as JSONL or parquet, or hand them to a
dataset library). RL rows have verl's shape, which TRL and OpenRLHF read too::

    {"data_source": "fixaudit-fixer" | "fixaudit-auditor",
     "prompt": [{"role": "user", "content": ...}], "ability": "code",
     "reward_model": {"style": "rule", "ground_truth": <JSON text, execgym.repair._rewards>},
     "extra_info": {"stage", "problem_id", "origin", "detail", ...}}

SFT rows are chat pairs: ``{"messages": [user, assistant], "source", "id"}``.

Stage 1, execution-aligned SFT (:func:`execution_sft_rows`, :func:`solution_sft_rows`): each
execution question (``execgym questions`` output) whose reference answer scores full marks
when checked again, answered by that reference; and each problem's first reference solution
that passes all of its tests, as the Coder's answer to the Coder's prompt.

Stage 2, Fixer RL (:func:`fixer_rows`): the Fixer's prompt on a buggy candidate (see
:mod:`execgym.repair._buggy`) and the first hidden test it fails, with what it did there.
The shown test is a hidden test of a *training* problem; the reward judges the repair on
all of the problem's hidden tests.

Stage 3, Auditor RL (:func:`auditor_rows`): the Auditor's prompt on a buggy candidate; the
reward needs the reference solution and the candidate (in the ground truth).

Stage 4, Fixer RL again (:func:`audited_fixer_rows`): Fixer prompts built on the failures an
Auditor found: each test of the Auditor's replies that is valid (the reference produces its
output) and exposing (the candidate fails it), with what the candidate did on it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from execgym.bench import Problem, judge_solutions
from execgym.llm import ChatMessage
from execgym.repair._buggy import BuggyCandidate
from execgym.repair._contracts import ProposedTests, parse_tests
from execgym.repair._execution import TestOutcome, run_many_now
from execgym.repair._rewards import AUDITOR_SOURCE, FIXER_SOURCE, auditor_truth, fixer_truth
from execgym.repair._roles import auditor_messages, coder_messages, fixer_messages
from execgym.repair._tests import LoopTest
from execgym.rewards import SandboxUnavailable, score_question
from execgym.sandbox import Sandbox, Verdict
from execgym.tasks import Question


def execution_sft_rows(
    questions: Iterable[Question], *, sandbox: Sandbox | None = None
) -> list[dict[str, Any]]:
    """Stage 1: verified execution questions as chat pairs (a question whose reference
    answer does not score every item right, or that the sandbox could not check, is left
    out)."""
    rows = []
    for question in questions:
        try:
            score = score_question(question, question.reference_answer, sandbox=sandbox)
        except SandboxUnavailable:
            continue
        if not score.items or score.accuracy < 1.0:
            continue
        rows.append(
            _chat(
                question.prompt,
                question.reference_answer,
                source="execution-question",
                row_id=question.id,
                kind=str(question.kind),
                style=question.style,
            )
        )
    return rows


def solution_sft_rows(problems: Iterable[Problem], sandbox: Sandbox) -> list[dict[str, Any]]:
    """Stage 1: per problem, its first reference solution that passes all of its tests, as
    the answer to the Coder's prompt."""
    chosen = [problem for problem in problems if problem.reference_solutions]
    judged = judge_solutions(
        sandbox,
        [(problem, code) for problem in chosen for code in problem.reference_solutions],
        tests="all",
    )
    rows = []
    position = 0
    for problem in chosen:
        results = judged[position : position + len(problem.reference_solutions)]
        position += len(problem.reference_solutions)
        for number, result in enumerate(results):
            if result.verdict is Verdict.OK:
                answer = f"```python\n{problem.reference_solutions[number].rstrip()}\n```"
                prompt = coder_messages(problem)[-1]["content"]
                rows.append(_chat(prompt, answer, source="reference-solution", row_id=problem.id))
                break
    return rows


def fixer_rows(candidates: Iterable[BuggyCandidate], *, stage: int = 2) -> list[dict[str, Any]]:
    """Stage 2 (or 4): one Fixer prompt per buggy candidate, on its first failing test."""
    return [
        _fixer_row(candidate, candidate.failing_test(), candidate.failure, stage)
        for candidate in candidates
    ]


def auditor_rows(
    candidates: Iterable[BuggyCandidate], *, tests_per_call: int = 5
) -> list[dict[str, Any]]:
    """Stage 3: one Auditor prompt per buggy candidate (it must read the candidate)."""
    rows = []
    for candidate in candidates:
        problem = candidate.problem
        reference = problem.reference_solutions[0] if problem.reference_solutions else ""
        if not reference:
            continue
        truth = auditor_truth(problem, reference, candidate.code, tests_per_call)
        rows.append(
            _rl_row(
                AUDITOR_SOURCE,
                auditor_messages(problem, candidate.code, tests_per_call),
                truth.to_json(),
                candidate,
                stage=3,
            )
        )
    return rows


def audited_fixer_rows(
    candidate: BuggyCandidate,
    replies: Sequence[str],
    sandbox: Sandbox,
    *,
    tests_per_call: int = 5,
) -> list[dict[str, Any]]:
    """Stage 4: Fixer prompts on the valid, exposing tests of Auditor ``replies`` about
    ``candidate`` (a test repeating an earlier input is used once)."""
    problem = candidate.problem
    if not problem.reference_solutions:
        return []
    tests: dict[str, LoopTest] = {}
    for reply in replies:
        parsed = parse_tests(reply, problem, "auditor", tests_per_call)
        if isinstance(parsed, ProposedTests):
            for test in parsed.tests:
                tests.setdefault(test.key, test)
    found = [
        LoopTest(f"a{n}", t.origin, t.kind, t.shown_input, t.shown_output, t.case)
        for n, t in enumerate(tests.values(), start=1)
    ]
    reference, buggy = run_many_now(
        sandbox, problem, [problem.reference_solutions[0], candidate.code], found
    )
    if reference is None or buggy is None:
        raise SandboxUnavailable(f"the sandbox failed checking Auditor tests of {problem.id}")
    return [
        _fixer_row(candidate, test, outcome, stage=4)
        for test, valid, outcome in zip(found, reference, buggy, strict=True)
        if valid.passed and not outcome.passed
    ]


def _fixer_row(
    candidate: BuggyCandidate, test: LoopTest, outcome: TestOutcome, stage: int
) -> dict[str, Any]:
    messages = fixer_messages(candidate.problem, candidate.code, test, outcome)
    truth = fixer_truth(candidate.problem).to_json()
    row = _rl_row(FIXER_SOURCE, messages, truth, candidate, stage=stage)
    row["extra_info"]["failing_test"] = test.id
    return row


def _rl_row(
    source: str,
    messages: list[ChatMessage],
    ground_truth: str,
    candidate: BuggyCandidate,
    *,
    stage: int,
) -> dict[str, Any]:
    return {
        "data_source": source,
        "prompt": [{"role": m["role"], "content": m["content"]} for m in messages],
        "ability": "code",
        "reward_model": {"style": "rule", "ground_truth": ground_truth},
        "extra_info": {
            "stage": stage,
            "problem_id": candidate.problem.id,
            "origin": candidate.origin,
            "detail": candidate.detail,
        },
    }


def _chat(prompt: str, answer: str, *, source: str, row_id: str, **extra: str) -> dict[str, Any]:
    return {
        "messages": [
            {"role": "user", "content": prompt},
            {"role": "assistant", "content": answer},
        ],
        "source": source,
        "id": row_id,
        **extra,
    }
