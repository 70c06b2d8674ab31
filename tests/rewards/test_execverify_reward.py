"""ExecVerify's reward, and each place where execgym scores better than ExecVerify's own code:
the paper's equality and the strict one, ``value; type`` split at the last top-level ``;``,
per-line white-box credit, and answers that restate the call or redefine the function."""
# mypy: disable-error-code="attr-defined,arg-type"

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from _reward_questions import CALL_INPUT, OUTPUT_LITERAL, paper_combined, paper_input, render
from typer.testing import CliRunner

from execgym.cli import app
from execgym.rewards import (
    EQUALITIES,
    GroundTruthError,
    default_equality,
    load_ground_truth,
    python_equal,
    question_ground_truth,
    reward,
    score_item,
    score_question,
)
from execgym.rewards.verl import compute_score
from execgym.sandbox import Sandbox
from execgym.tasks import Item, Kind


def make(kind: Kind, literal: str, type_name: str) -> Item:
    return Item(
        id="i",
        kind=kind,
        text="",
        answer_format="",
        reference=dict(literal=literal, type_name=type_name),
        rendered="",
    )


def right(item: Item, answer: str, equality: str) -> bool:
    return score_item(item, answer, equality=equality).correct


# ---- the two equalities ---------------------------------------------------------------------


def test_the_default_equality_is_the_styles() -> None:
    assert EQUALITIES == ("python", "strict")
    assert default_equality("execverify") == "python"
    for style in ("execverify-strict", "cruxeval", "reval"):
        assert default_equality(style) == "strict"


@pytest.mark.parametrize(
    ("literal", "type_name", "answer", "python", "strict"),
    [
        ("1", "int", "1.0", True, False),  # assert f(x) == 1.0 passes when f(x) is 1
        ("1", "int", "True", True, False),
        ("True", "bool", "1", True, False),
        ("[1, 2]", "list", "(1, 2)", False, False),  # a list never equals a tuple
        ("{1, 2}", "set", "frozenset({2, 1})", True, False),
        ("0.3", "float", "0.30000000000000004", False, True),  # == is exact; strict has 1e-6
        ("{'a': [1, 2.0]}", "dict", "{'a': [1, 2]}", True, False),
        ("[1, 2]", "list", "[1, 2]", True, True),
    ],
)
def test_python_and_strict_output_equality(
    literal: str, type_name: str, answer: str, python: bool, strict: bool
) -> None:
    item = make(Kind.OUTPUT, literal, type_name)
    assert right(item, answer, "python") is python
    assert right(item, answer, "strict") is strict


def test_nan_equals_itself_under_both() -> None:
    assert python_equal(math.nan, math.nan)
    assert python_equal([1.0, math.nan], [1.0, math.nan])
    assert python_equal({"k": (math.nan,)}, {"k": (math.nan,)})
    assert not python_equal([math.nan], [0.0])
    for equality in EQUALITIES:
        assert right(make(Kind.OUTPUT, "[nan, 1]", "list"), "[nan, 1]", equality)


def test_state_type_is_the_stated_one_under_python() -> None:
    item = make(Kind.STATE, "1", "int")
    assert right(item, "1.0; int", "python")  # ExecVerify: 1.0 == 1 and int == int
    assert not right(item, "1.0; int", "strict")
    assert not right(item, "1; float", "python")
    assert not right(item, "1.0", "python")  # no stated type: the literal's own type counts
    assert right(item, "1", "python")


def test_an_unquoted_string_with_its_type_reads_as_the_string_under_python() -> None:
    item = make(Kind.STATE, "'abc'", "str")
    assert right(item, "abc; str", "python")  # ExecVerify stores str(value): abc
    assert right(item, "'abc'; str", "python")
    assert not right(item, "abd; str", "python")
    assert not right(item, "abc; str", "strict")
    assert not score_item(make(Kind.STATE, "3", "int"), "abc; int", equality="python").parsed


def test_value_and_type_split_at_the_last_top_level_semicolon() -> None:
    # ExecVerify splits at the first ';', which cuts these values in two.
    for equality in EQUALITIES:
        assert right(make(Kind.STATE, "'a;b'", "str"), "'a;b'; str", equality)
        assert right(make(Kind.STATE, "{'k': 'x; y'}", "dict"), "{'k': 'x; y'}; dict", equality)
        assert right(make(Kind.STATE, "['; ', ';']", "list"), "['; ', ';']; list", equality)
    assert not right(make(Kind.STATE, "'a;b'", "str"), "'a;b'; int", "python")


# ---- ExecVerify's combined reward ------------------------------------------------------------


def test_a_missing_answer_line_costs_only_its_own_credit() -> None:
    q = paper_combined()
    answers = [item.rendered for item in q.items]
    whitebox = len(answers) - 1
    response = render(q, answers[:-1])  # the last variable answer is missing
    score = score_question(q, response)
    assert score.parse_failures == 1 and not score.items[-1].correct
    assert all(s.correct for s in score.items[:-1])
    # ExecVerify's own code returns 1.0 here (no white-box credit at all).
    assert reward("execverify", q, response) == pytest.approx(1 + (whitebox - 1) / whitebox)


def test_the_output_gates_and_whitebox_credit_is_per_line() -> None:
    q = paper_combined()
    answers = [item.rendered for item in q.items]
    assert reward("execverify", q, render(q, answers)) == 2.0
    wrong_next = list(answers)
    wrong_next[1] = "-1"
    assert reward("execverify", q, render(q, wrong_next)) == pytest.approx(1 + 8 / 9)
    wrong_output = list(answers)
    wrong_output[0] = f"assert f({CALL_INPUT}) == {{}}"
    assert reward("execverify", q, render(q, wrong_output)) == 0.0


def test_an_assertion_that_restates_the_call_scores_zero() -> None:
    # Run as an assertion, `assert f(x) == f(x)` passes: ExecVerify's reward gives it 2.0.
    q = paper_combined()
    answers = [item.rendered for item in q.items]
    answers[0] = f"assert f({CALL_INPUT}) == f({CALL_INPUT})"
    score = score_question(q, render(q, answers))
    assert not score.items[0].correct and "restates the call" in score.items[0].reason
    assert reward("execverify", q, render(q, answers)) == 0.0


def test_next_answers_are_code_with_or_without_indentation() -> None:
    q = paper_combined()
    answers = [item.rendered for item in q.items]
    answers[1] = "        if x in seen:"  # verbatim, as ExecVerify's guideline asks
    assert score_question(q, render(q, answers)).accuracy == 1.0


def test_input_prediction_runs_the_programs_own_function(sandbox: Sandbox) -> None:
    q = paper_input()
    assert reward("execverify", q, q.reference_answer, sandbox=sandbox) == 2.0
    # A test case that redefines f passes when run as it is (ExecVerify runs it so); here
    # only its assertion's arguments are taken, and run against the program's own f.
    forged = (
        "<answer>\n```python\ndef f(s):\n    return 'cbaabc'\n\n"
        "assert f('zzz') == 'cbaabc'\n```\n</answer>"
    )
    assert reward("execverify", q, forged, sandbox=sandbox) == 0.0


# ---- where the equality is chosen ------------------------------------------------------------


def test_equality_travels_in_the_ground_truth_and_can_be_overridden() -> None:
    q = paper_combined()
    answers = [item.rendered for item in q.items]
    ratio = next(n for n, item in enumerate(q.items) if item.variable == "ratio")
    answers[ratio] = "3; float"  # ratio is 3.0: right by ==, the wrong literal type for strict
    answers[0] = f"assert f({CALL_INPUT}) == {OUTPUT_LITERAL.replace('3.0', '3')}"
    response = render(q, answers)
    assert score_question(q, response).accuracy == 1.0
    assert score_question(q, response, equality="strict").accuracy == 8 / 10
    truth = question_ground_truth(q, equality="strict")
    assert json.loads(truth)["equality"] == "strict"
    assert load_ground_truth(truth).equality == "strict"
    assert compute_score("execgym", response, truth)["score"] == 0.0  # output wrong
    assert compute_score("execgym", response, truth, equality="python")["score"] == 2.0
    assert "equality" not in json.loads(question_ground_truth(q))
    with pytest.raises(ValueError, match="unknown equality 'loose'"):
        question_ground_truth(q, equality="loose")
    bad = json.loads(question_ground_truth(q))
    bad["equality"] = "loose"
    with pytest.raises(GroundTruthError, match=r"ground_truth\.equality"):
        load_ground_truth(bad)


def test_score_execq_takes_an_equality(tmp_path: Path) -> None:
    q = paper_combined()
    answers = [item.rendered for item in q.items]
    answers[0] = f"assert f({CALL_INPUT}) == {OUTPUT_LITERAL.replace('3.0', '3')}"
    questions = tmp_path / "q.jsonl"
    questions.write_text(q.model_dump_json() + "\n")
    generations = tmp_path / "g.json"
    generations.write_text(json.dumps({q.id: [render(q, answers)]}))
    means = {}
    for equality in (None, "strict", "python"):
        out = tmp_path / f"run-{equality}"
        flag = ["--equality", equality] if equality else []
        args = ["score", "execq", "--data", str(questions), "--generations", str(generations)]
        result = CliRunner().invoke(app, [*args, "-o", str(out), *flag])
        assert result.exit_code == 0, result.output
        summary = json.loads((out / "summary.json").read_text())
        means[equality] = summary["mean_rewards"]["combined"]["execverify"]
    assert means == {None: 2.0, "python": 2.0, "strict": 0.0}
    bad = CliRunner().invoke(
        app, ["score", "execq", "--data", str(questions), "--generations", str(generations),
              "--equality", "loose"],
    )  # fmt: skip
    assert bad.exit_code == 2 and "unknown --equality 'loose'" in bad.output
