"""Prompt styles: markers, numbered code, reference answers and style/kind validation."""
# mypy: disable-error-code="attr-defined,arg-type"

from __future__ import annotations

from pathlib import Path

import pytest

from execgym.sandbox import Sandbox
from execgym.tasks import (
    NOT_EXECUTED,
    STYLE_KINDS,
    STYLES,
    Kind,
    Program,
    Question,
    Style,
    build_questions,
    check_style,
    numbered_code,
    read_programs,
)
from execgym.trace import Trace, trace_many

CRUX_PROGRAMS = 25

BRANCHES = """def f(s):
    count = 0
    while count < 2:
        count += 1

    if s:
        label = 'yes'
    else:
        label = 'no'
    return label
"""


@pytest.fixture(scope="module")
def traced(sandbox: Sandbox, shared_data: Path) -> list[tuple[Program, Trace]]:
    programs = read_programs(shared_data / "cruxeval.jsonl")[:CRUX_PROGRAMS]
    programs.append(Program("branches", BRANCHES, "''"))
    traces = trace_many(sandbox, [program.call_item() for program in programs])
    return list(zip(programs, traces, strict=True))


@pytest.fixture(scope="module")
def branches(traced: list[tuple[Program, Trace]]) -> tuple[Program, Trace]:
    return traced[-1]


def all_questions(
    traced: list[tuple[Program, Trace]], style: Style, cot: bool = False
) -> list[Question]:
    kinds = [kind for kind in Kind if kind in STYLE_KINDS[style]]
    return [
        question
        for program, trace in traced
        for question in build_questions(program, trace, kinds, style, seed=3, cot=cot)
    ]


def test_numbered_code_shows_every_line() -> None:
    assert numbered_code(BRANCHES).splitlines() == [
        "1\tdef f(s):",
        "2\t    count = 0",
        "3\t    while count < 2:",
        "4\t        count += 1",
        "5",
        "6\t    if s:",
        "7\t        label = 'yes'",
        "8\t    else:",
        "9\t        label = 'no'",
        "10\t    return label",
    ]


def test_style_and_kind_validation(branches: tuple[Program, Trace]) -> None:
    program, trace = branches
    with pytest.raises(ValueError, match=r"'cruxeval' has no 'next' questions"):
        build_questions(program, trace, [Kind.OUTPUT, Kind.NEXT], "cruxeval")
    with pytest.raises(ValueError, match=r"'reval' has no 'input' questions"):
        build_questions(program, trace, ["input"], "reval")
    with pytest.raises(ValueError, match="unknown prompt style 'crux'"):
        check_style("crux")
    with pytest.raises(ValueError):
        build_questions(program, trace, ["outputs"], "execverify")
    for style in STYLES:
        check_style(style, list(STYLE_KINDS[style]))


# ----------------------------------------------------------------------------- cruxeval


@pytest.mark.parametrize("cot", [False, True])
def test_cruxeval_prompts_and_answers(traced: list[tuple[Program, Trace]], cot: bool) -> None:
    questions = all_questions(traced, "cruxeval", cot)
    assert {q.kind for q in questions} == {Kind.OUTPUT, Kind.INPUT}
    for question in questions:
        (item,) = question.items
        output = getattr(item.reference, "target_output", None) or item.reference.literal
        call = f"{question.entry}({question.input})"
        expected = f"[ANSWER]\nassert {call} == {output}\n[/ANSWER]"
        assert question.reference_answer == expected
        assert item.rendered == f"assert {call} == {output}"
        assert question.prompt.count("[PYTHON]") == question.prompt.count("[/PYTHON]") >= 2
        opening = "[THOUGHT]" if cot else "[ANSWER]"
        assert question.prompt.endswith(f"[/PYTHON]\n{opening}\n")
        task = question.prompt.rsplit("[PYTHON]\n", 1)[1]
        if question.kind == Kind.OUTPUT:
            asked = f"assert {call} == ??"
        else:
            asked = f"assert {question.entry}(??) == {output}"
        assert task.startswith(question.code.rstrip() + "\n" + asked + "\n[/PYTHON]")
        assert "1\t" not in task  # CRUXEval shows the code as it is
        shots = question.prompt.rsplit("[PYTHON]\n", 1)[0]
        assert ("[THOUGHT]" in shots) is cot
        assert question.id.startswith(f"{question.program_id}/cruxeval{'-cot' if cot else ''}/")


def test_cruxeval_instructions(traced: list[tuple[Program, Trace]]) -> None:
    program, trace = traced[3]
    output, inp = build_questions(program, trace, ["output", "input"], "cruxeval")
    assert output.prompt.startswith("You are given a Python function and an assertion")
    assert 'assert f("x9j") == "x9ja"' in output.prompt
    assert inp.prompt.startswith("You will be given a function f and an output")
    assert 'assert f("ba", "nana") == "banana"' in inp.prompt
    (cot,) = build_questions(program, trace, ["output"], "cruxeval", cot=True)
    assert "Execute the program step by step" in cot.prompt
    assert 'assert f("hi") == "bhihia"' in cot.prompt


# ----------------------------------------------------------------------------- reval


@pytest.mark.parametrize("cot", [False, True])
def test_reval_one_question_per_prompt(traced: list[tuple[Program, Trace]], cot: bool) -> None:
    questions = all_questions(traced, "reval", cot)
    assert {q.kind for q in questions} == STYLE_KINDS["reval"]
    for question in questions:
        (item,) = question.items
        assert question.reference_answer == f"[ANSWER]\n{item.rendered}\n[/ANSWER]"
        assert question.prompt.endswith("[THOUGHT]\n" if cot else "[ANSWER]\n")
        assert ("Think step by step" in question.prompt) is cot
        assert "[ANSWER] and [/ANSWER] tags" in question.prompt
        task = question.prompt.rsplit("[PYTHON]\n", 1)[1]
        if item.kind == Kind.OUTPUT:
            call = f"{question.entry}({question.input})"
            assert item.rendered == f"assert {call} == {item.reference.literal}"
            assert task.startswith(question.code.rstrip() + "\n\nassert ")
            continue
        shown = numbered_code(question.code) + f"\n{question.entry}({question.input})\n"
        assert task.startswith(shown)
        assert f"[QUESTION]\n{item.text}\n[/QUESTION]" in task
        if item.kind == Kind.COVERAGE:
            assert item.rendered == ("YES" if item.reference.executed else "NO")
            assert item.text.startswith(f"Is Line {item.line} (")
        elif item.kind == Kind.STATE:
            if item.reference.literal == NOT_EXECUTED:
                assert item.rendered == "Nil"
            else:
                assert item.rendered == f"{item.reference.literal}; {item.reference.type_name}"
            assert f"variable {item.variable} after Line {item.line}" in item.text
            assert item.text.endswith("If not, answer Nil.")
        elif item.kind == Kind.NEXT:
            expected = "-1" if item.reference.line == -1 else item.reference.source
            assert item.rendered == expected
            assert f"(Line {item.line})" in item.text
        else:
            assert item.reference.lines is not None
            assert item.rendered == ", ".join(map(str, item.reference.lines))


def test_reval_state_not_executed_and_occurrences(branches: tuple[Program, Trace]) -> None:
    program, trace = branches
    questions = build_questions(program, trace, ["state"], "reval", seed=1)
    nil = [q for q in questions if q.items[0].reference.literal == NOT_EXECUTED]
    assert len(nil) == 1
    assert nil[0].items[0].line == 7
    assert nil[0].reference_answer == "[ANSWER]\nNil\n[/ANSWER]"
    assert "(        label = 'yes')" in nil[0].items[0].text
    assert " for the " not in nil[0].items[0].text  # line 7 never runs: no occurrence
    counts = [q.items[0] for q in questions if q.items[0].line == 4]
    for item in counts:  # line 4 runs twice: the occurrence is named
        assert f"after Line 4 is executed for the {item.occurrence}" in item.text


# ----------------------------------------------------------------------------- execverify-strict


def test_strict_combined_prompt(traced: list[tuple[Program, Trace]]) -> None:
    questions = all_questions(traced, "execverify-strict")
    combined = [q for q in questions if q.kind == "combined"]
    assert len(combined) == len(traced)
    for question in combined:
        kinds = [item.kind for item in question.items]
        assert kinds[0] == Kind.OUTPUT and kinds.count(Kind.OUTPUT) == 1
        nexts, states = kinds.count(Kind.NEXT), kinds.count(Kind.STATE)
        assert 1 <= nexts <= 5 and states <= 5
        assert kinds == [Kind.OUTPUT] + [Kind.NEXT] * nexts + [Kind.STATE] * states
        lines = question.reference_answer.split("\n")
        assert lines[0] == "<answer>" and lines[-1] == "</answer>"
        assert lines[1:-1] == [item.rendered for item in question.items]
        assert len(lines) == len(question.items) + 2
        assert numbered_code(question.code) in question.prompt
        assert f"The call: {question.entry}({question.input})" in question.prompt
        for number, item in enumerate(question.items, start=1):
            assert f"Question {number}: {item.text}\n" in question.prompt + "\n"
            assert item.answer_format.startswith(f"Line {number} of the <answer> block")
            assert "\n" not in item.rendered
            if item.kind == Kind.NEXT:
                assert item.rendered == str(item.reference.line)
                assert f"after line {item.line} (`" in item.text
            elif item.kind == Kind.STATE:
                assert item.rendered == item.reference.literal
            else:
                assert item.rendered == item.reference.literal
        assert "exactly one <answer>...</answer> block" in question.prompt
        assert question.id == f"{question.program_id}/execverify-strict/combined"


def test_strict_single_prompts(traced: list[tuple[Program, Trace]]) -> None:
    questions = [q for q in all_questions(traced, "execverify-strict") if q.kind != "combined"]
    assert {q.kind for q in questions} == {Kind.INPUT, Kind.COVERAGE, Kind.PATH}
    for question in questions:
        (item,) = question.items
        assert question.reference_answer == f"<answer>\n{item.rendered}\n</answer>"
        assert item.answer_format.startswith("Inside <answer>...</answer>")
        if item.kind == Kind.INPUT:
            assert item.rendered == question.input
            assert numbered_code(question.code) not in question.prompt
        elif item.kind == Kind.COVERAGE:
            assert item.rendered == ("yes" if item.reference.executed else "no")
            assert numbered_code(question.code) in question.prompt
        else:
            assert item.reference.lines is not None
            assert item.rendered == ", ".join(map(str, item.reference.lines))


def test_strict_combined_with_only_some_kinds(branches: tuple[Program, Trace]) -> None:
    program, trace = branches
    (question,) = build_questions(program, trace, ["state", "next"], "execverify-strict", seed=4)
    kinds = [item.kind for item in question.items]
    assert kinds == sorted(kinds, key=[Kind.NEXT, Kind.STATE].index)
    assert "or `not executed` if" in question.prompt
    missing = [
        item
        for item in question.items
        if item.kind is Kind.STATE and item.reference.literal == NOT_EXECUTED
    ]
    assert [item.rendered for item in missing] == ["not executed"]
    assert question.reference_answer.count("\n") == len(question.items) + 1
