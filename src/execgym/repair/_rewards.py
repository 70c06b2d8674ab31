"""The rewards of FixAudit's RL stages, as plain functions, and their ground truths.

``fixaudit-fixer`` (stages 2 and 4): :func:`fixer_reward` gives 1.0 when the program in the
response (the last fenced ```python block, the Fixer's contract) passes every hidden test
of the problem, else 0.0; no partial credit (the fraction of hidden tests passed is logged
as ``pass_ratio``). A response breaking the contract gets 0.

``fixaudit-auditor`` (stage 3): :func:`auditor_reward` reads the response's tests (the
Auditor's contract, at most ``max_tests`` of them) and runs the problem's reference solution
and the buggy candidate on each. A test is *valid* when the reference produces the output it
states (by the problem's checker), and *exposing* when it is valid and the candidate fails
it. The reward is the fraction of the tests that are valid and exposing: one test that is
both gives 1; an invalid test, or a valid one the candidate passes, gives 0. A response
without a usable test gets 0.

Both run code only in the sandbox (the process-wide one of :mod:`execgym.rewards` unless one
is given); a sandbox failure raises :class:`~execgym.rewards.SandboxUnavailable`, never a 0.

Ground truth (JSON text, what the data builders of :mod:`execgym.repair._training` put in
``reward_model.ground_truth``)::

    {"execgym_repair": 1, "data_source": "fixaudit-fixer" | "fixaudit-auditor",
     "problem": {<the problem's judging fields: id, source, entry_point, starter_code,
                 hidden_tests, limits, checker, preamble, full_program_prefix, test_code>},
     "reference": "...", "candidate": "...", "max_tests": 5}      # auditor only

Both are registered as data sources (:data:`execgym.rewards.DATA_SOURCES`), so verl's
``compute_score``, TRL's ``execution_reward`` and OpenRLHF's ``reward_func`` score such rows.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache, partial
from typing import Any

from pydantic import ValidationError

from execgym._jsonl import json_text
from execgym.bench import Problem, judge_solution
from execgym.repair._contracts import ContractBreach, parse_program, parse_tests
from execgym.repair._execution import SandboxFailure, run_tests_now
from execgym.rewards import (
    DATA_SOURCES,
    GroundTruthError,
    SandboxUnavailable,
    SourceReward,
    SourceScore,
    default_sandbox,
)
from execgym.sandbox import Sandbox, Verdict

FIXER_SOURCE = "fixaudit-fixer"
AUDITOR_SOURCE = "fixaudit-auditor"
FORMAT_VERSION = 1
_JUDGING_FIELDS = {
    "id",
    "source",
    "entry_point",
    "starter_code",
    "hidden_tests",
    "limits",
    "checker",
    "preamble",
    "full_program_prefix",
    "test_code",
}


@dataclass(frozen=True)
class RepairTruth:
    """What a FixAudit reward needs of a row (see the module docstring)."""

    data_source: str
    problem: Problem
    reference: str = ""
    candidate: str = ""
    max_tests: int = 5

    def to_json(self) -> str:
        data: dict[str, Any] = {
            "execgym_repair": FORMAT_VERSION,
            "data_source": self.data_source,
            "problem": self.problem.model_dump(mode="json", include=_JUDGING_FIELDS),
        }
        if self.data_source == AUDITOR_SOURCE:
            data |= {
                "reference": self.reference,
                "candidate": self.candidate,
                "max_tests": self.max_tests,
            }
        return json_text(data)


def fixer_truth(problem: Problem) -> RepairTruth:
    return RepairTruth(FIXER_SOURCE, problem)


def auditor_truth(problem: Problem, reference: str, candidate: str, max_tests: int) -> RepairTruth:
    return RepairTruth(AUDITOR_SOURCE, problem, reference, candidate, max_tests)


def read_truth(ground_truth: str | bytes | Mapping[str, Any], expected: str) -> RepairTruth:
    """A FixAudit ground truth, text or decoded; :class:`GroundTruthError` names what is
    wrong."""
    if isinstance(ground_truth, bytes):
        ground_truth = ground_truth.decode("utf-8")
    if isinstance(ground_truth, str):
        return _truth_from_text(ground_truth, expected)
    return _truth_from_mapping(ground_truth, expected)


@lru_cache(maxsize=1024)
def _truth_from_text(text: str, expected: str) -> RepairTruth:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GroundTruthError(f"ground_truth: not JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise GroundTruthError("ground_truth: expected a JSON object")
    return _truth_from_mapping(data, expected)


def _truth_from_mapping(data: Mapping[str, Any], expected: str) -> RepairTruth:
    if data.get("execgym_repair") != FORMAT_VERSION:
        raise GroundTruthError(
            f"ground_truth.execgym_repair: format version {FORMAT_VERSION} expected, "
            f"got {data.get('execgym_repair')!r}"
        )
    if data.get("data_source") != expected:
        raise GroundTruthError(
            f"ground_truth.data_source: {expected!r} expected, got {data.get('data_source')!r}"
        )
    try:
        problem = Problem.model_validate(data.get("problem"))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise GroundTruthError(f"ground_truth.problem.{where}: {first['msg']}") from None
    if expected == FIXER_SOURCE:
        return RepairTruth(expected, problem)
    fields = []
    for name in ("reference", "candidate"):
        value = data.get(name)
        if not isinstance(value, str) or not value.strip():
            raise GroundTruthError(f"ground_truth.{name}: expected a program")
        fields.append(value)
    limit = data.get("max_tests", 5)
    if not isinstance(limit, int) or isinstance(limit, bool) or limit < 1:
        raise GroundTruthError("ground_truth.max_tests: expected a positive integer")
    return RepairTruth(expected, problem, fields[0], fields[1], limit)


def fixer_reward(
    response: str, ground_truth: str | bytes | Mapping[str, Any], sandbox: Sandbox | None = None
) -> SourceScore:
    """1.0 when the response's program passes every hidden test, else 0.0."""
    truth = read_truth(ground_truth, FIXER_SOURCE)
    program = parse_program(response, truth.problem)
    if isinstance(program, ContractBreach):
        return SourceScore(0.0, {"contract_ok": 0.0, "pass_ratio": 0.0}, parse_failure=True)
    box = sandbox or default_sandbox()
    for _ in range(2):
        result = judge_solution(box, truth.problem, program, tests="hidden", mode="auto")
        if result.verdict is not Verdict.SANDBOX_ERROR:
            break
    else:
        raise SandboxUnavailable(f"the sandbox failed judging a Fixer response: {result.detail}")
    passed = result.verdict is Verdict.OK
    return SourceScore(
        1.0 if passed else 0.0, {"contract_ok": 1.0, "pass_ratio": result.pass_ratio}
    )


def auditor_reward(
    response: str, ground_truth: str | bytes | Mapping[str, Any], sandbox: Sandbox | None = None
) -> SourceScore:
    """The fraction of the response's tests that are valid and exposing."""
    truth = read_truth(ground_truth, AUDITOR_SOURCE)
    parsed = parse_tests(response, truth.problem, "auditor", truth.max_tests)
    if isinstance(parsed, ContractBreach):
        zeros = {"contract_ok": 0.0, "tests": 0.0, "valid": 0.0, "exposing": 0.0}
        return SourceScore(0.0, zeros, parse_failure=True)
    box = sandbox or default_sandbox()
    try:
        on_reference = run_tests_now(box, truth.problem, truth.reference, parsed.tests)
        on_candidate = run_tests_now(box, truth.problem, truth.candidate, parsed.tests)
    except SandboxFailure as exc:
        raise SandboxUnavailable(str(exc)) from None
    valid = [outcome.passed for outcome in on_reference]
    exposing = [ok and not outcome.passed for ok, outcome in zip(valid, on_candidate, strict=True)]
    count = len(parsed.tests)
    value = sum(exposing) / count
    return SourceScore(
        value,
        {
            "contract_ok": 1.0,
            "tests": float(count),
            "valid": sum(valid) / count,
            "exposing": value,
        },
    )


DATA_SOURCES.register(
    FIXER_SOURCE,
    SourceReward(
        fixer_reward,
        "FixAudit Fixer: 1 when the repaired program passes every hidden test",
        info_keys=("contract_ok", "pass_ratio"),
        check=partial(read_truth, expected=FIXER_SOURCE),
    ),
)
DATA_SOURCES.register(
    AUDITOR_SOURCE,
    SourceReward(
        auditor_reward,
        "FixAudit Auditor: the fraction of tests that are valid and expose the candidate",
        info_keys=("contract_ok", "tests", "valid", "exposing"),
        check=partial(read_truth, expected=AUDITOR_SOURCE),
    ),
)
