"""Class 7: an input-prediction answer is read, never run. Only literal arguments pass the
allowlist; the values reach the program as data. The review's answer that rewrote ``f``
through a generator frame scores 0 with a reason, for any question."""
# mypy: disable-error-code="attr-defined,arg-type"

from __future__ import annotations

import pytest

from execgym.rewards.verl import compute_score, question_ground_truth
from execgym.sandbox import Sandbox
from execgym.tasks import Arguments, Item, Kind, LiteralError, Question, read_arguments

PROGRAM = "def f(s):\n    return s[::-1] + s\n"
FORGED = (
    "(x for x in []).gi_frame.f_builtins['exec']"
    "(\"f.__code__ = (lambda *a, **k: 'ZYX3').__code__\", (x for x in []).gi_frame.f_globals)"
)
HOSTILE = [
    FORGED,
    "__import__('os').system('id')",
    "[c for c in ().__class__.__base__.__subclasses__()]",
    "(lambda: 1)()",
    "globals()",
    "'abc'.__class__",
    "f",
    "'a' * 10**9",
    "*[1]",
    "**{'s': 1}",
]


def input_question() -> Question:
    reference = dict(literal="'abc'", target_output="'ZYX3'", entry="f")
    item = Item(
        id="input",
        kind=Kind.INPUT,
        text="",
        answer_format="",
        reference=reference,
        rendered="'abc'",
    )
    return Question(
        id="q",
        program_id="p",
        code=PROGRAM,
        entry="f",
        input="'abc'",
        style="execverify-strict",
        kind=Kind.INPUT,
        prompt="",
        items=[item],
        reference_answer="'abc'",
    )


@pytest.mark.parametrize("answer", HOSTILE)
def test_hostile_answers_are_refused_by_the_reader(answer: str) -> None:
    with pytest.raises(LiteralError):
        read_arguments(answer)


def test_the_review_answer_scores_zero_through_verl(sandbox: Sandbox) -> None:
    truth = question_ground_truth(input_question(), reward="accuracy")
    scored = compute_score("execq", FORGED, truth, sandbox=sandbox)
    assert scored["score"] == 0.0 and scored["parse_failures"] == 1.0, scored


def test_literal_values_reach_the_program_as_data() -> None:
    assert read_arguments("'abc', [1, (2,)], {3}, k=dict(a=None)") == Arguments(
        ("abc", [1, (2,)], {3}), {"k": {"a": None}}
    )
