"""Training data and rewards for FixAudit's four stages: the mutation builder and the other
sources of buggy candidates, the Auditor and Fixer rewards (directly and through the trainer
entry points), and the rows of every stage."""

from __future__ import annotations

import asyncio
import json
import sys
from pathlib import Path

import pytest

from execgym.bench import Problem, judge_solution
from execgym.repair import (
    MUTATION_KINDS,
    BuggyCandidate,
    BuggyStats,
    audited_fixer_rows,
    auditor_reward,
    auditor_rows,
    auditor_truth,
    execution_sft_rows,
    fixer_reward,
    fixer_rows,
    fixer_truth,
    incorrect_solution_candidates,
    keep_buggy,
    model_candidates,
    mutants,
    mutation_candidates,
    solution_sft_rows,
)
from execgym.rewards import DATA_SOURCES, GroundTruthError, SandboxUnavailable
from execgym.sandbox import Sandbox, SandboxConfig, Verdict
from repair.apps_programs import (
    MARKERS,
    PRIME_RIGHT,
    PRIME_SQUARES_BUG,
    TREE_RANGE_TEST,
    tree_programs,
)
from repair.scripted import ScriptedModel, call_test, fenced, stdin_test

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "rewards"))
from _reward_questions import all_questions, perturb, render

# ---- mutations --------------------------------------------------------------------------------

PROGRAM = '''def f(xs, n):
    """The sum of the small items at even positions."""
    s = 0
    for i in range(1, n):
        if xs[i] < 3 and i % 2 == 0:
            s += xs[i]
    return s + len(xs[1:n])
'''


def test_mutants_cover_every_kind_once_each() -> None:
    found = mutants(PROGRAM)
    assert {m.kind for m in found} == set(MUTATION_KINDS)
    assert len({m.code for m in found}) == len(found)
    described = {(m.kind, m.description) for m in found}
    assert ("comparison", "line 5: < became <=") in described
    assert ("operator", "line 5: and became or") in described
    assert ("boundary", "line 4: the stop of range moved by +1") in described
    assert ("boundary", "line 7: the upper bound of a slice moved by -1") in described
    assert ("off-by-one", "line 3: 0 became 1") in described
    assert ("dropped-statement", "line 3: dropped `s = 0`") in described
    for mutant in found:
        compile(mutant.code, "<mutant>", "exec")
        assert '"""The sum' in mutant.code  # a docstring is never dropped
    assert mutants("def f(:\n") == []


def test_the_mutation_builder_keeps_only_public_passing_hidden_failing_candidates(
    apps: dict[str, Problem], sandbox: Sandbox
) -> None:
    stats = BuggyStats()
    problems = [apps["2287"], apps["4184"]]
    kept = mutation_candidates(sandbox, problems, per_problem=3, stats=stats)
    assert {c.problem.id for c in kept} == {"2287", "4184"}
    assert all(c.origin == "mutation" and c.detail.startswith("reference 1, ") for c in kept)
    for candidate in kept:
        problem = candidate.problem
        if problem.public_tests:
            public = judge_solution(sandbox, problem, candidate.code, tests="public", mode="auto")
            assert public.verdict is Verdict.OK
        hidden = judge_solution(sandbox, problem, candidate.code, tests="hidden", mode="auto")
        assert hidden.verdict not in (Verdict.OK, Verdict.SANDBOX_ERROR)
        failed = [i for i, t in enumerate(hidden.tests) if t.verdict is not Verdict.OK]
        assert list(candidate.failing) == failed
        assert candidate.failure.verdict is hidden.tests[failed[0]].verdict
    assert stats.kept >= len(kept) and stats.unjudged == 0  # at most per_problem are returned
    assert stats.fail_public + stats.pass_hidden > 0  # mutants were turned away too
    again = mutation_candidates(sandbox, problems, per_problem=3)
    assert [c.code for c in again] == [c.code for c in kept]  # the seed fixes the choice


def test_keep_buggy_on_hand_made_programs(
    apps: dict[str, Problem], apps_solutions: dict[str, list[str]], sandbox: Sandbox
) -> None:
    right, buggy = tree_programs(apps_solutions["2287"])
    stats = BuggyStats()
    kept = keep_buggy(
        sandbox,
        apps["2287"],
        [
            (right, "model", "right"),
            ('print("No")', "model", "fails the example"),
            (buggy, "model", "forgets the range"),
        ],
        stats,
    )
    assert [(c.detail, c.failing) for c in kept] == [("forgets the range", (0,))]
    assert (stats.judged, stats.kept, stats.fail_public, stats.pass_hidden) == (3, 1, 1, 1)
    assert kept[0].failing_test().shown_output == "No\n"
    assert keep_buggy(sandbox, apps["0001"], [(right, "model", "x")]) == []  # no hidden tests


def test_incorrect_solutions_and_model_samples_are_filtered_alike(
    apps: dict[str, Problem], sandbox: Sandbox
) -> None:
    problem = apps["4184"].model_copy(
        update={"incorrect_solutions": [PRIME_SQUARES_BUG, "def is_prime(n):\n    return n > 1\n"]}
    )
    kept = incorrect_solution_candidates(sandbox, [problem])
    assert [c.detail for c in kept] == ["incorrect solution 1", "incorrect solution 2"]
    model = ScriptedModel(
        {("4184", "coder"): [fenced(PRIME_RIGHT), "no code", fenced(PRIME_SQUARES_BUG)]}, MARKERS
    )
    sampled = asyncio.run(model_candidates(model, sandbox, [apps["4184"]], samples=3))
    assert [(c.origin, c.detail) for c in sampled] == [("model", "scripted sample 3")]


# ---- rewards ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def broken_sandbox() -> Sandbox:
    return Sandbox(workers=1, config=SandboxConfig(python="/nonexistent/python"))


def prime_candidate(apps: dict[str, Problem], sandbox: Sandbox) -> BuggyCandidate:
    (candidate,) = keep_buggy(sandbox, apps["4184"], [(PRIME_SQUARES_BUG, "model", "squares")])
    return candidate


def test_the_auditor_reward_pays_only_valid_exposing_tests(
    apps: dict[str, Problem], sandbox: Sandbox
) -> None:
    problem = apps["4184"]
    truth = auditor_truth(problem, problem.reference_solutions[0], PRIME_SQUARES_BUG, 5).to_json()

    def reward(reply: str) -> float:
        return auditor_reward(reply, truth, sandbox).value

    assert reward(call_test("is_prime(49)", "False")) == 1.0  # valid and exposing
    assert reward(call_test("is_prime(49)", "True")) == 0.0  # invalid (the reference says False)
    assert reward(call_test("is_prime(7)", "True")) == 0.0  # valid, but the candidate passes
    assert reward("The candidate looks wrong.") == 0.0  # no test: the contract is broken
    mixed = auditor_reward(
        call_test("is_prime(49)", "False") + call_test("is_prime(9)", "True"), truth, sandbox
    )
    assert mixed.value == 0.5
    assert dict(mixed.info) == {"contract_ok": 1.0, "tests": 2.0, "valid": 0.5, "exposing": 0.5}


def test_the_fixer_reward_on_repaired_and_unrepaired_programs(
    apps: dict[str, Problem], sandbox: Sandbox
) -> None:
    truth = fixer_truth(apps["4184"]).to_json()
    repaired = fixer_reward(fenced(PRIME_RIGHT), truth, sandbox)
    assert repaired.value == 1.0 and repaired.info["pass_ratio"] == 1.0
    unrepaired = fixer_reward(fenced(PRIME_SQUARES_BUG), truth, sandbox)
    assert unrepaired.value == 0.0 and unrepaired.info["pass_ratio"] == 0.75
    assert fixer_reward("I would change the loop.", truth, sandbox).info == {
        "contract_ok": 0.0,
        "pass_ratio": 0.0,
    }


def test_a_sandbox_failure_is_never_a_zero(
    apps: dict[str, Problem], broken_sandbox: Sandbox
) -> None:
    problem = apps["4184"]
    with pytest.raises(SandboxUnavailable):
        fixer_reward(fenced(PRIME_RIGHT), fixer_truth(problem).to_json(), broken_sandbox)
    truth = auditor_truth(problem, problem.reference_solutions[0], PRIME_SQUARES_BUG, 5)
    with pytest.raises(SandboxUnavailable):
        auditor_reward(call_test("is_prime(49)", "False"), truth.to_json(), broken_sandbox)


def test_bad_ground_truths_are_named(apps: dict[str, Problem]) -> None:
    good = json.loads(fixer_truth(apps["4184"]).to_json())
    cases = [
        ("not json", "ground_truth: not JSON"),
        (json.dumps({**good, "execgym_repair": 7}), "ground_truth.execgym_repair"),
        (json.dumps({**good, "problem": {"id": "x"}}), "ground_truth.problem.source"),
    ]
    for text, message in cases:
        with pytest.raises(GroundTruthError, match=message):
            fixer_reward(fenced(PRIME_RIGHT), text)
    with pytest.raises(GroundTruthError, match=r"ground_truth\.data_source"):
        auditor_reward("x", json.dumps(good))


# ---- the rows of each stage -------------------------------------------------------------------


def test_stage_one_sft_pairs_are_verified(apps: dict[str, Problem], sandbox: Sandbox) -> None:
    questions = all_questions()
    wrong = questions[0].model_copy(
        update={
            "reference_answer": render(
                questions[0], [perturb(questions[0], it) for it in questions[0].items]
            )
        }
    )
    rows = execution_sft_rows([*questions, wrong], sandbox=sandbox)
    assert len(rows) == len(questions)
    first = rows[0]
    assert first["messages"][0] == {"role": "user", "content": questions[0].prompt}
    assert first["messages"][1]["content"] == questions[0].reference_answer
    assert first["source"] == "execution-question"
    solutions = solution_sft_rows(list(apps.values()), sandbox)
    assert [row["id"] for row in solutions] == sorted(apps)
    assert all(row["messages"][1]["content"].startswith("```python\n") for row in solutions)


def test_stage_two_and_three_rows_score_their_reference_answers(
    apps: dict[str, Problem], apps_solutions: dict[str, list[str]], sandbox: Sandbox
) -> None:
    right, buggy = tree_programs(apps_solutions["2287"])
    tree = keep_buggy(sandbox, apps["2287"], [(buggy, "mutation", "drops the range check")])
    candidates = [*tree, prime_candidate(apps, sandbox)]
    fixers = fixer_rows(candidates)
    auditors = auditor_rows(candidates)
    assert [row["data_source"] for row in fixers] == ["fixaudit-fixer"] * 2
    assert [row["data_source"] for row in auditors] == ["fixaudit-auditor"] * 2
    fixer_prompt = fixers[0]["prompt"][0]["content"]
    assert buggy.rstrip() in fixer_prompt and "Expected output:\nNo" in fixer_prompt
    assert fixers[0]["extra_info"] == {
        "stage": 2,
        "problem_id": "2287",
        "origin": "mutation",
        "detail": "drops the range check",
        "failing_test": "h1",
    }
    prime_prompt = fixers[1]["prompt"][0]["content"]
    assert "Expected return value:\nFalse" in prime_prompt  # APPS's [False] shown unwrapped
    for row, answer in zip(fixers, [right, PRIME_RIGHT], strict=True):
        truth = row["reward_model"]["ground_truth"]
        source = DATA_SOURCES.get(row["data_source"])
        assert source.score(fenced(answer), truth, sandbox).value == 1.0
    tests = [stdin_test(*TREE_RANGE_TEST), call_test("is_prime(49)", "False")]
    for row, reply in zip(auditors, tests, strict=True):
        assert "Candidate code:" in row["prompt"][0]["content"]
        truth = row["reward_model"]["ground_truth"]
        assert DATA_SOURCES.get(row["data_source"]).score(reply, truth, sandbox).value == 1.0


def test_stage_four_rows_come_from_valid_exposing_auditor_tests(
    apps: dict[str, Problem], sandbox: Sandbox
) -> None:
    candidate = prime_candidate(apps, sandbox)
    replies = [
        call_test("is_prime(49)", "False") + call_test("is_prime(7)", "True"),
        call_test("is_prime(121)", "True"),  # invalid: 121 = 11 * 11
        call_test("is_prime(49)", "False"),  # the same input again
        "no tests here",
    ]
    rows = audited_fixer_rows(candidate, replies, sandbox)
    assert len(rows) == 1
    prompt = rows[0]["prompt"][0]["content"]
    assert "is_prime(49)" in prompt and "The program returned:\nTrue" in prompt
    assert rows[0]["extra_info"]["stage"] == 4
