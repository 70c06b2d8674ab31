"""The reward registry and its invariant: a reference answer reaches every reward's best value,
and perturbing any one item's answer scores less."""

from __future__ import annotations

import pytest
from _reward_questions import all_questions, perturb, render

from execgym.rewards import (
    REWARDS,
    Reward,
    UnknownName,
    get_reward,
    register,
    reward,
    reward_names,
    score_question,
)
from execgym.sandbox import Sandbox
from execgym.tasks import Kind, Question, whitebox_kinds

WHITEBOX_KINDS = whitebox_kinds()

QUESTIONS = all_questions()


def test_the_built_in_rewards_are_registered() -> None:
    assert {"execverify", "whitebox", "output", "accuracy"} <= set(reward_names())


def test_every_kind_and_style_is_covered() -> None:
    kinds = {(q.style, item.kind) for q in QUESTIONS for item in q.items}
    assert {k for _, k in kinds} == set(Kind)
    assert {s for s, _ in kinds} == {"execverify", "execverify-strict", "cruxeval", "reval"}


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_reference_answers_reach_the_best_value_of_every_reward(
    question: Question, sandbox: Sandbox
) -> None:
    score = score_question(question, question.reference_answer, sandbox=sandbox)
    assert all(s.correct for s in score.items), [s.reason for s in score.items]
    for name in reward_names():
        rule = get_reward(name)
        value = rule(score)
        assert value == rule.maximum(score), name
        assert rule.low <= value <= rule.high, name


@pytest.mark.parametrize("question", QUESTIONS, ids=[q.id for q in QUESTIONS])
def test_perturbing_any_item_scores_less(question: Question, sandbox: Sandbox) -> None:
    rendered = [item.rendered for item in question.items]
    for index, item in enumerate(question.items):
        answers = list(rendered)
        answers[index] = perturb(question, item)
        response = render(question, answers)
        score = score_question(question, response, sandbox=sandbox)
        assert not score.items[index].correct, (item.kind, answers[index])
        assert all(s.correct for i, s in enumerate(score.items) if i != index)
        for name in reward_names():
            rule = get_reward(name)
            assert rule.low <= rule(score) <= rule.maximum(score), name
        assert reward("accuracy", question, response, sandbox=sandbox) < 1.0
        if item.kind is Kind.OUTPUT or item.kind in WHITEBOX_KINDS or len(rendered) == 1:
            best = get_reward("execverify").maximum(score)
            assert reward("execverify", question, response, sandbox=sandbox) < best


def test_execverify_values() -> None:
    q = next(q for q in QUESTIONS if q.kind == "combined" and len(q.items) > 1)
    whitebox = [i for i, item in enumerate(q.items) if item.kind in WHITEBOX_KINDS]
    answers = [item.rendered for item in q.items]
    answers[whitebox[0]] = perturb(q, q.items[whitebox[0]])
    expected = 1 + (len(whitebox) - 1) / len(whitebox)
    assert reward("execverify", q, render(q, answers)) == pytest.approx(expected)
    output_only = next(q for q in QUESTIONS if q.kind == "combined" and len(q.items) == 1)
    assert reward("execverify", output_only, output_only.reference_answer) == 1.0
    assert reward("whitebox", output_only, output_only.reference_answer) == 0.0


def test_unknown_reward_names_the_known_ones() -> None:
    q = QUESTIONS[0]
    with pytest.raises(KeyError) as caught:
        reward("exec-verify", q, q.reference_answer)
    assert isinstance(caught.value, UnknownName)
    message = str(caught.value)
    assert "unknown reward 'exec-verify'" in message
    for name in ("accuracy", "execverify", "output", "whitebox"):
        assert name in message


def test_register_a_custom_reward_and_reject_duplicates() -> None:
    custom = Reward(
        name="test-half-accuracy",
        description="half the accuracy",
        compute=lambda score: score.accuracy / 2,
        best=lambda score: 0.5,
    )
    register(custom)
    try:
        q = QUESTIONS[0]
        assert reward("test-half-accuracy", q, q.reference_answer) == 0.5
        with pytest.raises(ValueError, match="already registered"):
            register(custom)
    finally:
        REWARDS.unregister("test-half-accuracy")
