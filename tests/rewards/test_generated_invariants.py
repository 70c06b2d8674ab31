"""The invariant that ties generation to scoring, on real programs and the real generators:
every generated question's reference answer scores full reward, in every style and kind,
and perturbing any single item's answer scores less."""
# mypy: disable-error-code="attr-defined,arg-type"

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from execgym.rewards import get_reward, score_question
from execgym.sandbox import Sandbox
from execgym.tasks import (
    NOT_EXECUTED,
    STYLE_KINDS,
    STYLES,
    Item,
    Kind,
    Question,
    iter_programs,
    iter_questions,
)

PROGRAMS = 60


@pytest.fixture(scope="module")
def questions(sandbox: Sandbox, shared_data: Path) -> list[Question]:
    programs = list(iter_programs(shared_data / "cruxeval.jsonl"))[:PROGRAMS]
    built: list[Question] = []
    for style in STYLES:
        built += iter_questions(sandbox, programs, list(STYLE_KINDS[style]), style, seed=7)
    return built


def test_every_style_and_kind_is_covered(questions: list[Question]) -> None:
    seen = {(q.style, item.kind) for q in questions for item in q.items}
    for style in STYLES:
        for kind in STYLE_KINDS[style]:
            assert (style, Kind(kind)) in seen, (style, kind)


def test_reference_answers_score_full_reward(sandbox: Sandbox, questions: list[Question]) -> None:
    failures: list[tuple[str, object]] = []
    for question in questions:
        score = score_question(question, question.reference_answer, sandbox=sandbox)
        if score.accuracy != 1.0 or score.parse_failures:
            failures.append((question.id, [s.reason for s in score.items if not s.correct]))
        if get_reward("execverify")(score) != best_execverify_reward(question):
            failures.append((question.id, "execverify reward below its best"))
    assert failures == []


def best_execverify_reward(question: Question) -> float:
    """The ``execverify`` reward a full-reward answer earns: 2 for a combined prompt with
    white-box items, 1 with none; 2 for ExecVerify's own input prompt (its reward for input
    prediction); 1 for any other single-item prompt."""
    kinds = {item.kind for item in question.items}
    if question.kind == "combined":
        return 2.0 if kinds & {Kind.NEXT, Kind.STATE} else 1.0
    return 2.0 if question.style == "execverify" and Kind.INPUT in kinds else 1.0


def test_a_perturbed_item_scores_less(sandbox: Sandbox, questions: list[Question]) -> None:
    unchanged = []
    for question in questions:
        for position, item in enumerate(question.items):
            wrong = perturbed(item)
            response = with_answer(question, position, wrong)
            assert response != question.reference_answer, (question.id, item.id)
            score = score_question(question, response, sandbox=sandbox)
            if score.accuracy >= 1.0:
                unchanged.append((question.id, item.id, wrong))
    assert unchanged == []


def with_answer(question: Question, position: int, answer: str) -> str:
    """The reference answer with the answer of item ``position`` replaced by ``answer``."""
    if question.kind == "combined":
        answers = [item.rendered for item in question.items]
        assert question.reference_answer == "<answer>\n" + "\n".join(answers) + "\n</answer>"
        answers[position] = answer
        return "<answer>\n" + "\n".join(answers) + "\n</answer>"
    return question.reference_answer.replace(question.items[position].rendered, answer, 1)


def perturbed(item: Item) -> str:
    """The item's rendered answer, made wrong in a way its kind can still parse."""
    reference, rendered = item.reference, item.rendered
    if item.kind is Kind.COVERAGE:
        flips = {"yes": "no", "no": "yes", "YES": "NO", "NO": "YES"}
        return flips[rendered.strip()]
    if item.kind is Kind.PATH:
        lines = reference.lines or []
        return ", ".join(str(n) for n in lines[:-1]) if len(lines) > 1 else "0"
    if item.kind is Kind.NEXT:
        if rendered.strip().lstrip("-").isdigit():
            return str(reference.line + 1 if reference.line != -1 else 1)
        return "-1" if reference.line != -1 else "pass"
    if item.kind is Kind.INPUT:
        # Nine arguments: no CRUXEval function takes that many (another valid input could
        # legitimately give the same output, so the perturbation must not be one).
        assert reference.literal is not None
        nine = ", ".join(["0"] * 9)
        head, call, tail = rendered.rpartition(f"({reference.literal})")  # the last call
        return f"{head}({nine}){tail}" if call else nine
    assert reference.literal is not None
    if reference.literal == NOT_EXECUTED:
        return rendered.replace(rendered.split(";")[0], "0", 1)
    wrong = repr([ast.literal_eval(reference.literal)])  # same content, another type
    head, sep, tail = rendered.rpartition(reference.literal)
    if not sep:
        return wrong
    if item.kind is Kind.STATE and "; " in tail:
        tail = "; list"
    return head + wrong + tail
