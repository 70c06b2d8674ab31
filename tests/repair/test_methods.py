"""Every repair method in the registry, through the same harness on the same problems: the
invariant every member holds, and the metrics every run reports."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from execgym.bench import Problem, load_dataset
from execgym.repair import REPAIR_METHODS, RepairSettings
from execgym.repair._eval import RepairEvalSettings, run_repair_eval
from execgym.sandbox import Sandbox
from repair.apps_programs import KTH_RIGHT, MARKERS, PRIME_RIGHT, TREE_RANGE_TEST, tree_programs
from repair.scripted import ScriptedModel, call_test, fenced, stdin_test

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
from _bench_samples import codecontests, xcodeeval

SCORED = ("2287", "2404", "4184")
"""The APPS samples with hidden tests (0001 and 0111 have only their public example)."""

ORACLE_ROLES = ("auditor", "vote", "tester")
CODE_ROLES = ("coder", "fixer", "debugger")


def oracle(programs: dict[str, str], tests: dict[str, str]) -> dict[tuple[str, str], list[str]]:
    """A script in which every role answers right: the right program, a valid test."""
    script: dict[tuple[str, str], list[str]] = {}
    for problem_id, program in programs.items():
        for role in CODE_ROLES:
            script[(problem_id, role)] = [fenced(program)]
        for role in ORACLE_ROLES:
            script[(problem_id, role)] = [tests[problem_id]]
    return script


@pytest.fixture
def apps_oracle(apps_solutions: dict[str, list[str]]) -> dict[tuple[str, str], list[str]]:
    right, _ = tree_programs(apps_solutions["2287"])
    return oracle(
        {"2287": right, "2404": KTH_RIGHT, "4184": PRIME_RIGHT},
        {
            "2287": stdin_test(*TREE_RANGE_TEST),
            "2404": call_test("findKthPositive([1, 3], 2)", "4"),
            "4184": call_test("is_prime(97)", "True"),
        },
    )


def evaluate(
    method: str,
    problems: list[Problem],
    model: ScriptedModel,
    run_dir: Path,
    sandbox: Sandbox,
    budget: int = 8,
) -> dict[str, object]:
    settings = RepairEvalSettings("apps", method, model.name, RepairSettings(budget=budget))
    report = asyncio.run(run_repair_eval(problems, model, settings, run_dir, sandbox))
    assert not report.failures and not report.sandbox_failures and report.aborted is None
    return report.summary


def test_the_registry_holds_fixaudit_its_ablations_and_the_baselines() -> None:
    assert REPAIR_METHODS.names() == [
        "bon",
        "codet",
        "cure",
        "direct",
        "fixaudit",
        "fixaudit-no-auditor",
        "fixaudit-no-code-auditor",
        "fixaudit-no-test-fixer",
        "selfdebug",
    ]
    assert REPAIR_METHODS.entry_point_group == "execgym.repair_methods"
    for entry in REPAIR_METHODS.entries():
        assert entry.metadata["summary"]


@pytest.mark.parametrize("method", REPAIR_METHODS.names())
def test_every_method_solves_every_problem_when_every_role_answers_right(
    method: str,
    apps: dict[str, Problem],
    apps_oracle: dict[tuple[str, str], list[str]],
    tmp_path: Path,
    sandbox: Sandbox,
) -> None:
    problems = [apps[pid] for pid in SCORED]
    summary = evaluate(method, problems, ScriptedModel(apps_oracle, MARKERS), tmp_path, sandbox)
    assert summary["finished"] == 3
    assert summary["pass@1"] == 1.0 and summary["avg_pass_ratio"] == 1.0
    from execgym.repair import read_repair_records

    for record in read_repair_records(tmp_path).values():
        transcript = record["transcript"]
        assert 1 <= record["calls"] <= 8
        assert all("candidate_after" in call for call in transcript["calls"])
        assert record["at_budget"][-1] == transcript["final"]
        assert record["samples"][0]["correct"] is True


def test_every_method_reports_the_same_metrics(
    apps: dict[str, Problem],
    apps_oracle: dict[tuple[str, str], list[str]],
    tmp_path: Path,
    sandbox: Sandbox,
) -> None:
    keys = set()
    for method in REPAIR_METHODS.names():
        summary = evaluate(
            method,
            [apps["4184"], apps["2287"]],
            ScriptedModel(apps_oracle, MARKERS),
            tmp_path / method,
            sandbox,
            budget=4,
        )
        by_difficulty = summary["by_difficulty"]
        pass_at_budget = summary["pass_at_budget"]
        assert isinstance(by_difficulty, dict) and isinstance(pass_at_budget, list)
        assert set(by_difficulty) == {"competition", "introductory"}
        assert len(pass_at_budget) == 4
        assert (tmp_path / method / "pass_at_budget.png").stat().st_size > 0
        keys.add(frozenset(summary))
    assert len(keys) == 1  # one shape for every method


@pytest.mark.parametrize("benchmark", ["codecontests", "xcodeeval"])
def test_the_other_benchmarks_run_through_the_same_harness(
    benchmark: str, tmp_path: Path, sandbox: Sandbox
) -> None:
    sample = codecontests(tmp_path) if benchmark == "codecontests" else xcodeeval(tmp_path)
    problems = load_dataset(benchmark, sample.path)
    ((problem_id, right),) = sample.right.items()
    markers = {problem_id: problems[0].statement.splitlines()[0][:40]}
    test = (
        stdin_test("5 7\n", "12\n")
        if benchmark == "codecontests"
        else stdin_test("2\n3 9\n", "9\n")
    )
    script = oracle({problem_id: right}, {problem_id: test})
    for method in ("fixaudit", "cure", "selfdebug"):
        model = ScriptedModel(script, markers)
        summary = evaluate(method, problems, model, tmp_path / method, sandbox)
        assert summary["pass@1"] == 1.0, method
