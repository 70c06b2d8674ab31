"""Scoring one item and one response: the semantics of every kind, and adversarial answers."""
# mypy: disable-error-code="attr-defined,arg-type"

from __future__ import annotations

import time
from typing import Any

import pytest
from _reward_questions import PROGRAM, combined, render
from pydantic import ValidationError

from execgym.rewards import (
    InvalidReference,
    ItemScore,
    reward,
    score_item,
    score_question,
)
from execgym.tasks import NOT_EXECUTED, Item, Kind


def make(kind: Kind, **reference: object) -> Item:
    return Item(
        id="i",
        kind=kind,
        text="",
        answer_format="",
        reference=reference,
        rendered="",
    )


def output(literal: str, type_name: str | None = None) -> Item:
    return make(Kind.OUTPUT, literal=literal, type_name=type_name)


def right(item: Item, answer: str | None, **kw: Any) -> bool:
    return score_item(item, answer, **kw).correct


# ---- output and state ------------------------------------------------------------------------


def test_one_one_point_zero_and_true_are_all_different() -> None:
    for literal, type_name in (("1", "int"), ("1.0", "float"), ("True", "bool")):
        item = output(literal, type_name)
        for answer in ("1", "1.0", "True"):
            assert right(item, answer) == (answer == literal), (literal, answer)


def test_quoting_styles_match_but_unquoted_words_do_not() -> None:
    item = output("'a'", "str")
    assert right(item, "'a'")
    assert right(item, '"a"')
    unquoted = score_item(item, "a")
    assert not unquoted.correct and not unquoted.parsed
    assert "could not read the answer" in unquoted.reason


def test_sets_dicts_tuples_lists() -> None:
    assert right(output("{1, 2, 3}", "set"), "{3, 1, 2}")
    assert right(output("{'a': 1, 'b': 2}", "dict"), "{'b': 2, 'a': 1}")
    assert not right(output("(1, 2)", "tuple"), "[1, 2]")
    assert not right(output("[1, 2]", "list"), "(1, 2)")
    assert right(output("(1,)", "tuple"), "(1,)")
    assert not right(output("(1,)", "tuple"), "(1)")
    assert right(output("set()", "set"), "set()")
    assert not right(output("set()", "set"), "{}")
    assert right(output("frozenset({1, 2})", "frozenset"), "frozenset({2, 1})")


def test_nan_and_infinities() -> None:
    assert right(output("nan", "float"), "nan")
    assert right(output("float('nan')", "float"), "float('nan')")
    assert right(output("[nan, inf]", "list"), "[float('nan'), float('inf')]")
    assert not right(output("inf", "float"), "-inf")
    assert right(output("-inf", "float"), "float('-inf')")


def test_floats_within_relative_tolerance() -> None:
    item = output("0.30000000000000004", "float")
    assert right(item, "0.3")
    assert not right(item, "0.31")


def test_huge_answer_is_rejected_fast_with_a_reason() -> None:
    started = time.perf_counter()
    scored = score_item(output("1", "int"), "9" * 100_000)
    assert time.perf_counter() - started < 1.0
    assert not scored.correct and not scored.parsed and "digits" in scored.reason


def test_an_answer_restating_the_call_scores_zero() -> None:
    item = output("[6, 2]", "list")
    for answer in ("f(2)", "f(2) == [6, 2]", "[f(2)][0]"):
        scored = score_item(item, answer, entry="f")
        assert not scored.correct
        assert "restates the call" in scored.reason
    # A string that merely mentions the call is a value like any other.
    assert right(output("'f(2)'", "str"), "'f(2)'", entry="f")


def test_lenient_reading_of_labels_and_first_lines() -> None:
    item = make(Kind.STATE, literal="5", type_name="int")
    for answer in ("5", "x = 5", "x: 5", "Value of x after line 3: 5", "5\n(it doubles)"):
        assert right(item, answer), answer
    assert not right(item, "x == 5")


def test_state_checks_the_type_name() -> None:
    item = make(Kind.STATE, literal="[1]", type_name="list")
    assert right(item, "[1]")
    wrong = score_item(item, "(1,)")
    assert not wrong.correct and "expected type list" in wrong.reason


@pytest.mark.parametrize(
    "answer", ["not executed", "Not Executed", "NOT_EXECUTED", "'not executed'", "not-executed."]
)
def test_not_executed_is_matched_case_insensitively(answer: str) -> None:
    item = make(Kind.STATE, literal=NOT_EXECUTED)
    assert right(item, answer)


def test_not_executed_when_the_line_runs_is_wrong() -> None:
    item = make(Kind.STATE, literal="3", type_name="int")
    scored = score_item(item, "not executed")
    assert not scored.correct and "the line runs" in scored.reason
    assert not right(make(Kind.STATE, literal=NOT_EXECUTED), "None")


# ---- next --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [
        "5",
        "line 5",
        "Line 5.",
        "5: if x in seen:",
        "`5`",
        "'5'",
        "if x in seen:",
        "ifxinseen:",
        "Next line: 5",
        "Q2 (after line 4): line 5",
    ],
)
def test_next_statement_forms(answer: str) -> None:
    item = make(Kind.NEXT, line=5, source="if x in seen:")
    assert right(item, answer, code=PROGRAM)


def test_next_statement_wrong_and_none() -> None:
    item = make(Kind.NEXT, line=5, source="if x in seen:")
    assert not right(item, "6", code=PROGRAM)
    assert not right(item, "-1", code=PROGRAM)
    assert not right(item, "5.5", code=PROGRAM)
    end = make(Kind.NEXT, line=-1, source="")
    assert right(end, "-1", code=PROGRAM)
    assert right(end, "None", code=PROGRAM)
    assert not right(end, "11", code=PROGRAM)


def test_next_statement_by_text_ignores_whitespace() -> None:
    code = "def f(x):\n    x += 1\n    x += 1\n    return x\n"
    item = make(Kind.NEXT, line=4, source="return x")
    assert right(item, "return   x", code=code)
    # REval's answer is the line's text: where it repeats, any copy counts.
    repeated = make(Kind.NEXT, line=3, source="x += 1")
    assert right(repeated, "x+=1", code=code)
    other = score_item(item, "x += 1", code=code)
    assert not other.correct and other.parsed
    unknown = score_item(item, "print(x)", code=code)
    assert not unknown.correct and not unknown.parsed
    end = make(Kind.NEXT, line=-1, source="")
    assert right(end, "-1", code=code)
    assert not right(end, "return x", code=code)


def test_reval_state_value_and_type() -> None:
    item = make(Kind.STATE, literal="[1, 2]", type_name="list")
    for answer in ("[1, 2]; list", "[1, 2] ; List", "[1, 2]; <class 'list'>", "[1, 2]"):
        assert right(item, answer), answer
    stated = score_item(item, "[1, 2]; tuple")
    assert not stated.correct and "stated type tuple" in stated.reason
    assert not right(item, "(1, 2); tuple")
    text = make(Kind.STATE, literal="'a;b'", type_name="str")
    assert right(text, "'a;b'; str")
    assert right(text, "'a;b'")
    assert right(make(Kind.STATE, literal=NOT_EXECUTED), "Nil")
    assert not right(make(Kind.STATE, literal="0", type_name="int"), "Nil")


# ---- coverage and path -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answer", "says"),
    [
        ("yes", True),
        ("Yes.", True),
        ("TRUE", True),
        ("'yes'", True),
        ("**Yes**, it runs", True),
        ("executed", True),
        ("no", False),
        ("No, because the branch is skipped", False),
        ("false", False),
        ("not executed", False),
        ("Line 6 is executed: yes", True),
    ],
)
def test_coverage_answers(answer: str, says: bool) -> None:
    assert right(make(Kind.COVERAGE, executed=says), answer)
    assert not right(make(Kind.COVERAGE, executed=not says), answer)


def test_coverage_unreadable() -> None:
    scored = score_item(make(Kind.COVERAGE, executed=True), "maybe")
    assert not scored.correct and not scored.parsed


@pytest.mark.parametrize(
    "answer",
    [
        "1, 2, 4",
        "[1, 2, 4]",
        "1 -> 2 -> 4",
        "1→2→4",
        "lines: 1, 2, 4",
        "Execution path: [1, 2, 4]",
        "(1, 2, 4)",
        "1 2 4",
        "L1, L2, L4",
    ],
)
def test_path_forms(answer: str) -> None:
    assert right(make(Kind.PATH, lines=[1, 2, 4]), answer)


def test_path_wrong_and_unreadable() -> None:
    item = make(Kind.PATH, lines=[1, 2, 4])
    assert not right(item, "1, 4, 2")
    assert not right(item, "1, 2")
    scored = score_item(item, "1, 2, then 4")
    assert not scored.correct and not scored.parsed


# ---- whole responses ---------------------------------------------------------------------------


def test_reference_answer_is_perfect_and_aggregates_add_up() -> None:
    q = combined()
    score = score_question(q, q.reference_answer)
    assert all(s.correct for s in score.items), [s.reason for s in score.items]
    assert score.output_correct is True
    assert score.whitebox_fraction == 1.0
    assert score.accuracy == 1.0
    assert score.parse_failures == 0
    assert reward("execverify", q, q.reference_answer) == 2.0


def test_two_answer_blocks_the_last_one_is_scored() -> None:
    q = combined()
    wrong = render(q, ["0"] * len(q.items))
    both = wrong + "\nOn second thought:\n" + q.reference_answer
    score = score_question(q, both)
    assert score.accuracy == 1.0
    assert any("used the last" in note for note in score.notes)
    assert score_question(q, q.reference_answer + "\n" + wrong).accuracy < 1.0


def test_empty_answer_scores_zero_with_parse_failures() -> None:
    q = combined()
    for response in ("", "<answer></answer>", "<answer>\n\n</answer>"):
        score = score_question(q, response)
        assert score.accuracy == 0.0
        assert score.parse_failures == len(q.items)
        assert reward("execverify", q, response) == 0.0


def test_wrong_output_gates_the_execverify_reward() -> None:
    q = combined()
    answers = [i.rendered for i in q.items]
    answers[0] = "{}"
    response = render(q, answers)
    assert reward("execverify", q, response) == 0.0
    assert reward("whitebox", q, response) == 1.0
    assert reward("output", q, response) == 0.0


def test_missing_answer_lines_count_as_parse_failures() -> None:
    q = combined()
    answers = [i.rendered for i in q.items][:3]
    score = score_question(q, render(q, answers))
    assert score.parse_failures == len(q.items) - 3
    assert score.items[3].reason.startswith("the answer block has 3")


def test_score_item_without_an_answer() -> None:
    scored = score_item(output("1"), None)
    assert scored == ItemScore(False, "no answer", Kind.OUTPUT, "i", parsed=False)


def test_malformed_references_are_refused() -> None:
    # A reference without what its kind needs cannot be built at all.
    for kind, fields in [
        (Kind.OUTPUT, {}),
        (Kind.NEXT, {}),
        (Kind.COVERAGE, {}),
        (Kind.NEXT, {"line": 3, "literal": "3"}),  # a field of another kind
        (Kind.COVERAGE, {"executed": "yes"}),  # not a bool
    ]:
        with pytest.raises(ValidationError, match="reference"):
            make(kind, **fields)
    # One that is well formed but cannot be scored against names the item.
    with pytest.raises(InvalidReference, match="item 'i'"):
        score_item(make(Kind.OUTPUT, literal="not a literal"), "1")
    with pytest.raises(InvalidReference, match="item 'i'"):
        score_item(make(Kind.INPUT, literal="1", target_output="1", entry="f"), "1")  # no code


# ---- robustness --------------------------------------------------------------------------------

_PIECES = [
    "<answer>",
    "</answer>",
    "\n",
    "1",
    "-1",
    "9" * 30,
    "9" * 5000,
    "1e999",
    "nan",
    "'",
    '"',
    "[",
    "]",
    "{",
    "}",
    "(",
    ")",
    ",",
    ":",
    "=",
    "f(",
    "x = ",
    "line ",
    "yes",
    "not executed",
    "->",
    "set()",
    "frozenset(",
    "float('nan')",
    "**",
    "`",
    "\\",
    "\x00",
    "İ",
    "lambda: 0",
    "__import__('os')",
]


@pytest.mark.filterwarnings("error")
def test_fuzz_scoring_never_raises() -> None:
    import random

    from _reward_questions import all_questions

    rng = random.Random(99)
    questions = [q for q in all_questions() if q.items[0].kind is not Kind.INPUT]
    for _ in range(400):
        response = "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 40)))
        for q in questions:
            score = score_question(q, response)
            assert len(score.items) == len(q.items)
            assert 0.0 <= score.accuracy <= 1.0
        for it in questions[0].items:
            scored = score_item(it, response, code=PROGRAM, entry="f")
            assert scored.correct in (True, False)
