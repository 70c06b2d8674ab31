"""The baselines' selection rules, pinned on hand-made cases, and the same rules at work in
their methods on the shared APPS samples."""

from __future__ import annotations

import asyncio

from execgym.bench import Problem
from execgym.repair import RepairSettings, Transcript, dual_agreement, most_passed, solve_problem
from execgym.repair.methods._test_selection import alternating_slots
from execgym.sandbox import Sandbox
from repair.apps_programs import MARKERS, PRIME_RIGHT, PRIME_SQUARES_BUG, tree_programs
from repair.scripted import ScriptedModel, call_test, fenced


def test_most_passed_takes_the_earliest_best_and_skips_broken_samples() -> None:
    assert most_passed([None, 2, 3, 3, 1]) == 2
    assert most_passed([0, 0]) == 0
    assert most_passed([None, None]) is None
    assert most_passed([]) is None
    assert most_passed([None, 0]) == 1


def test_dual_agreement_scores_consensus_sets() -> None:
    a, b, c = "t1", "t2", "t3"
    # one sample passing all three (score 3) against two agreeing on two tests (2 x 2 = 4)
    passed = [frozenset({a, b, c}), frozenset({a, b}), None, frozenset({a, b})]
    assert dual_agreement(passed) == 1
    assert most_passed([None if s is None else len(s) for s in passed]) == 0  # CURE differs
    # equal scores: the set whose first sample comes first
    assert dual_agreement([frozenset({b}), frozenset({a}), frozenset({a}), frozenset({b})]) == 0
    # nothing passes anything: one set of score 0, its first sample
    assert dual_agreement([None, frozenset(), frozenset()]) == 1
    assert dual_agreement([None]) is None


def test_coder_and_tester_calls_alternate() -> None:
    assert alternating_slots(3, 3) == ([0, 2, 4], [1, 3, 5])
    assert alternating_slots(3, 2) == ([0, 2, 4], [1, 3])
    assert alternating_slots(1, 0) == ([0], [])
    assert alternating_slots(2, 4) == ([0, 2], [1, 3, 4, 5])


def run(
    method: str, problem: Problem, model: ScriptedModel, sandbox: Sandbox, budget: int
) -> Transcript:
    settings = RepairSettings(budget=budget)
    return asyncio.run(solve_problem(method, problem, model, sandbox, settings))


def choices(transcript: Transcript) -> list[int | None]:
    return [call.candidate_after for call in transcript.calls]


def test_codet_and_cure_choose_by_their_rules(apps: dict[str, Problem], sandbox: Sandbox) -> None:
    script = {
        ("4184", "coder"): [fenced(PRIME_RIGHT), fenced(PRIME_SQUARES_BUG)],
        ("4184", "tester"): [
            call_test("is_prime(7)", "True"),
            call_test("is_prime(25)", "False"),
            call_test("is_prime(11)", "True"),
        ],
    }
    # samples: right, buggy, buggy; tests 7, 25, 11. Right passes 3 alone (score 3);
    # the two buggy samples agree on 7 and 11 (score 2 x 2 = 4).
    codet = run("codet", apps["4184"], ScriptedModel(script, MARKERS), sandbox, 6)
    cure = run("cure", apps["4184"], ScriptedModel(script, MARKERS), sandbox, 6)
    for transcript in (codet, cure):
        assert [c.role for c in transcript.calls] == ["coder", "tester"] * 3
        assert transcript.programs == [PRIME_RIGHT, PRIME_SQUARES_BUG]
    assert choices(codet) == [0, 0, 0, 0, 0, 1]
    assert choices(cure) == [0, 0, 0, 0, 0, 0]
    assert codet.final == 1 and cure.final == 0


def test_best_of_n_filters_by_the_public_examples(
    apps: dict[str, Problem], apps_solutions: dict[str, list[str]], sandbox: Sandbox
) -> None:
    right, buggy = tree_programs(apps_solutions["2287"])
    script = {("2287", "coder"): ["no code", fenced('print("No")'), fenced(right), fenced(buggy)]}
    transcript = run("bon", apps["2287"], ScriptedModel(script, MARKERS), sandbox, 4)
    assert [c.breach is not None for c in transcript.calls] == [True, False, False, False]
    # budget 1: no program; 2: the only program; 3 and 4: the first passing the example
    assert choices(transcript) == [None, 0, 1, 1]
    assert transcript.final == 1


def test_selfdebug_revises_on_public_feedback_until_the_examples_pass(
    apps: dict[str, Problem], apps_solutions: dict[str, list[str]], sandbox: Sandbox
) -> None:
    right, _ = tree_programs(apps_solutions["2287"])
    script = {
        ("2287", "coder"): [fenced('print("No")')],
        ("2287", "debugger"): [fenced('print("Yes")'), fenced(right)],
    }
    transcript = run("selfdebug", apps["2287"], ScriptedModel(script, MARKERS), sandbox, 10)
    assert [c.role for c in transcript.calls] == ["coder", "debugger", "debugger"]
    assert choices(transcript) == [0, 1, 2]
    prompt = transcript.calls[1].messages[-1]["content"]
    assert "Example 1: FAILED" in prompt and "Verdict: WRONG_ANSWER" in prompt
    assert transcript.stop == "the public examples pass"
