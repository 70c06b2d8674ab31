"""The loaders and the judge on real benchmark data from ``../shared/data``: all 164 HumanEval
canonical solutions pass and a wrong body fails every problem; the raw APPS problems load and
their reference solutions pass, except the three known failures of problem 2287."""

from __future__ import annotations

from pathlib import Path

from execgym.bench import judge_solutions, load_dataset
from execgym.sandbox import CallTest, Sandbox, StdioTest, Verdict


def test_humaneval_canonical_solutions_pass(sandbox: Sandbox, shared_data: Path) -> None:
    problems = load_dataset("humaneval", shared_data / "HumanEval.jsonl.gz")
    assert len(problems) == 164
    results = judge_solutions(sandbox, [(p, p.reference_solutions[0]) for p in problems])
    failing = [f"{r.id}: {r.verdict.value} {r.tests[0].detail}" for r in results if r.passed != 1]
    assert not failing, "\n".join(failing)
    assert [r.id for r in results] == [p.id for p in problems]


def test_humaneval_wrong_bodies_fail(sandbox: Sandbox, shared_data: Path) -> None:
    problems = load_dataset("humaneval", shared_data / "HumanEval.jsonl.gz")
    results = judge_solutions(sandbox, [(p, "    return None\n") for p in problems], mode="auto")
    survivors = [r.id for r in results if r.verdict is Verdict.OK]
    assert not survivors
    assert {r.verdict for r in results} <= {Verdict.RUNTIME_ERROR, Verdict.WRONG_ANSWER}


def test_humaneval_prompt_is_exactly_the_benchmark_prompt(shared_data: Path) -> None:
    for problem in load_dataset("humaneval", shared_data / "HumanEval.jsonl.gz"):
        assert problem.prompt_text() == problem.starter_code
        assert "def check(" not in problem.prompt_text()


KNOWN_APPS_FAILURES = {("2287", 2), ("2287", 4), ("2287", 9)}
"""Solutions with a top-level ``return`` (APPS's judge wraps stdin programs in a function; run
as the scripts they are, they do not compile)."""


def test_apps_raw_layout_reference_solutions(sandbox: Sandbox, shared_data: Path) -> None:
    problems = load_dataset("apps", shared_data / "apps_coderl")
    by_id = {p.id: p for p in problems}
    assert sorted(by_id) == ["0001", "0111", "2287", "2404", "4184"]
    assert {p.id: p.difficulty for p in problems} == {
        "0001": "interview",
        "0111": "interview",
        "2287": "competition",
        "2404": "introductory",
        "4184": "introductory",
    }
    assert by_id["2404"].entry_point == "findKthPositive"
    assert "class Solution" in by_id["2404"].starter_code
    assert all(isinstance(t, CallTest) for t in by_id["4184"].tests())
    assert all(isinstance(t, StdioTest) for t in by_id["2287"].tests())
    assert len(by_id["2287"].public_tests) == 1  # the statement's sample
    assert [
        p.id for p in load_dataset("apps", shared_data / "apps_coderl", difficulty="competition")
    ] == ["2287"]

    keys = [(p.id, i) for p in problems for i in range(len(p.reference_solutions))]
    results = judge_solutions(
        sandbox, [(by_id[name], by_id[name].reference_solutions[i]) for name, i in keys]
    )
    failing = {key for key, r in zip(keys, results, strict=True) if r.verdict is not Verdict.OK}
    assert failing == KNOWN_APPS_FAILURES
    for key, result in zip(keys, results, strict=True):
        if key in KNOWN_APPS_FAILURES:
            assert result.verdict is Verdict.COMPILE_ERROR
            assert result.passed == 0
