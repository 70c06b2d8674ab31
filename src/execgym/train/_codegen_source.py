"""The ``execgym/codegen`` reward source: code generation judged on unit tests in the sandbox.

Ground truth (:func:`codegen_ground_truth`)::

    {"execgym_codegen": 1, "data_source": "execgym/codegen",
     "reward": "all_pass" | "pass_rate", "tests": "all" | "hidden",
     "problem": <the Problem's JSON without its statement and solutions>}

(it names its data source, as every ground truth other than an execution question's does,
so a trainer that passes only the ground truth, OpenRLHF, still reaches the right reward).

A response is judged as the code-generation eval tasks judge it
(:func:`execgym.bench.judge_responses`: the last usable code block, the benchmark's own
checker, limits and tests). ``all_pass`` is 1.0 when every test passes, else 0.0;
``pass_rate`` is the fraction of tests passed (a response without code: 0.0 and a parse
failure). A ``SANDBOX_ERROR`` verdict raises :class:`~execgym.rewards.SandboxUnavailable`: an
infrastructure failure, never a wrong answer.
Metrics: ``pass_rate`` and ``compiled``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from functools import lru_cache
from typing import Any, Literal

from pydantic import ValidationError

from execgym._jsonl import json_text
from execgym.bench import Problem, judge_responses
from execgym.rewards import (
    DATA_SOURCES,
    GroundTruth,
    GroundTruthError,
    SandboxUnavailable,
    SourceReward,
    SourceScore,
    default_sandbox,
)
from execgym.sandbox import Sandbox, Verdict

CODEGEN_SOURCE = "execgym/codegen"
"""The ``data_source`` of code-generation rows."""
CODEGEN_REWARDS = ("all_pass", "pass_rate")
"""``all_pass``: 1 when every test passes (ExecVerify's Stage II); ``pass_rate``: the
fraction passed."""
FORMAT_KEY = "execgym_codegen"
FORMAT_VERSION = 1

CodegenReward = Literal["all_pass", "pass_rate"]
TestSet = Literal["all", "hidden"]


class CodegenGroundTruthError(GroundTruthError):
    """A code-generation ground truth that cannot be read; the message names the field."""


def codegen_ground_truth(
    problem: Problem, reward: CodegenReward = "all_pass", tests: TestSet = "all"
) -> str:
    """The JSON text a code-generation row carries as its ground truth.

    The problem must have its expected outputs (:func:`execgym.bench.resolve_expected_outputs`
    for EvalPlus's native files) and at least one test of ``tests``.
    """
    if reward not in CODEGEN_REWARDS:
        raise ValueError(f"unknown code-generation reward {reward!r}; known: all_pass, pass_rate")
    if problem.expected_from_reference:
        raise ValueError(f"problem {problem.id!r}: resolve its expected outputs first")
    if not problem.tests(tests):
        raise ValueError(f"problem {problem.id!r} has no {tests} tests")
    judged = problem.model_copy(
        update={"statement": "", "reference_solutions": [], "incorrect_solutions": []}
    )
    return json_text(
        {
            FORMAT_KEY: FORMAT_VERSION,
            "data_source": CODEGEN_SOURCE,
            "reward": reward,
            "tests": tests,
            "problem": judged.model_dump(mode="json"),
        },
        compact=True,
    )


def read_codegen_ground_truth(ground_truth: GroundTruth) -> tuple[Problem, str, TestSet]:
    """The problem, reward name and test set of a ground truth (text or decoded)."""
    if isinstance(ground_truth, bytes):
        ground_truth = ground_truth.decode()
    if isinstance(ground_truth, str):
        return _read_text(ground_truth)
    return _read_mapping(ground_truth)


@lru_cache(maxsize=1024)
def _read_text(text: str) -> tuple[Problem, str, TestSet]:
    # Trainers score several rollouts of one prompt: the same text comes again and again.
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise CodegenGroundTruthError(f"ground_truth: not JSON ({exc})") from None
    if not isinstance(data, Mapping):
        raise CodegenGroundTruthError("ground_truth: expected a JSON object")
    return _read_mapping(data)


def _read_mapping(data: Mapping[str, Any]) -> tuple[Problem, str, TestSet]:
    if data.get(FORMAT_KEY) != FORMAT_VERSION:
        raise CodegenGroundTruthError(
            f"ground_truth.{FORMAT_KEY}: expected {FORMAT_VERSION} "
            "(is this a code-generation ground truth?)"
        )
    reward = data.get("reward")
    if reward not in CODEGEN_REWARDS:
        raise CodegenGroundTruthError(
            f"ground_truth.reward: expected all_pass or pass_rate, got {reward!r:.40}"
        )
    tests = data.get("tests", "all")
    if tests not in ("all", "hidden"):
        raise CodegenGroundTruthError(f"ground_truth.tests: expected all or hidden, got {tests!r}")
    raw = data.get("problem")
    if not isinstance(raw, Mapping):
        raise CodegenGroundTruthError("ground_truth.problem: missing or not an object")
    try:
        problem = Problem.model_validate(_plain(raw))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise CodegenGroundTruthError(f"ground_truth.problem.{where}: {first['msg']}") from None
    return problem, str(reward), tests


def _plain(value: Any) -> Any:
    """Arrays that came back from parquet as numpy arrays, as lists (recursively)."""
    tolist = getattr(value, "tolist", None)
    if callable(tolist) and not isinstance(value, (str, bytes)):
        value = tolist()
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_plain(item) for item in value]
    return value


def codegen_score(response: str, ground_truth: Any, sandbox: Sandbox | None) -> SourceScore:
    """Judge one response on its row's tests (see the module docstring)."""
    problem, reward, tests = read_codegen_ground_truth(ground_truth)
    box = sandbox if sandbox is not None else default_sandbox()
    try:
        ((found, result),) = judge_responses(box, [(problem, response)], tests=tests)
    except Exception as exc:  # the sandbox itself broke: not the response's fault
        raise SandboxUnavailable(f"{type(exc).__name__}: {exc}") from None
    if result.verdict is Verdict.SANDBOX_ERROR:
        raise SandboxUnavailable(f"sandbox error judging problem {problem.id}: {result.detail}")
    rate = result.passed / result.total if result.total else 0.0
    all_pass = result.verdict is Verdict.OK
    return SourceScore(
        value=(1.0 if all_pass else 0.0) if reward == "all_pass" else rate,
        info={
            "pass_rate": rate,
            "compiled": 0.0 if result.verdict is Verdict.COMPILE_ERROR else 1.0,
        },
        best=1.0,
        parse_failure=found.code is None,
    )


DATA_SOURCES.register(
    CODEGEN_SOURCE,
    SourceReward(
        score=codegen_score,
        description="code generation: unit tests in the sandbox, all pass or pass rate",
        info_keys=("pass_rate", "compiled"),
        high=1.0,
        check=read_codegen_ground_truth,
    ),
)
