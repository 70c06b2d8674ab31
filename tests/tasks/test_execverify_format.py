"""ExecVerify's own format (``--style execverify``), checked against rows written the way
ExecVerify's data pipeline writes them, and its selection rules on real programs."""
# mypy: disable-error-code="attr-defined,arg-type"

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from execgym.rewards import reward, score_question
from execgym.sandbox import Sandbox
from execgym.tasks import (
    NOT_EXECUTED,
    Kind,
    Program,
    Question,
    build_questions,
    extract_answers,
    read_programs,
)
from execgym.tasks._style_execverify import numbered_lines
from execgym.trace import Trace, TraceStatus, trace_many

# The example program of ExecVerify's own prompt, asked about the call f(1.1, 2).
PAPER = """def f(a, b):
    ans = a + b
    if ans > 0:
        ans = int(a)
    else:
        ans = b
    return ans
"""

# The row ExecVerify's pipeline writes for PAPER and f(1.1, 2) (rl_dataset.json: the
# question texts of get_path_qas / get_state_qas, their answers as it stores them: the next
# line as written, with its indentation; a state as (type, str(value))). One difference,
# on purpose: ExecVerify counts the return event as a second run of line 7 ("for the 2
# time"); execgym asks about its one run.
UPSTREAM_ROW = {
    "func_name": "f",
    "func_args": "1.1, 2",
    "result": "1",
    "questions": {
        "path_questions": [
            "While executing f(1.1, 2), which line of code is executed immediately after "
            "line 2:     ans = a + b has been executed for the 1 time?",
            "While executing f(1.1, 2), which line of code is executed immediately after "
            "line 3:     if ans > 0: has been executed for the 1 time?",
            "While executing f(1.1, 2), which line of code is executed immediately after "
            "line 4:         ans = int(a) has been executed for the 1 time?",
            "While executing f(1.1, 2), which line of code is executed immediately after "
            "line 7:     return ans has been executed for the 1 time?",
            "While executing f(1.1, 2), which line of code is executed immediately after "
            "line 6:         ans = b has been executed for the 1 time?",
        ],
        "state_questions": [
            "Is line 2:     ans = a + b executed when f(1.1, 2) is called? If so, what are the "
            "value and type of the variable 'ans' after line 2 has been executed for the 1 "
            "time?",
            "Is line 4:         ans = int(a) executed when f(1.1, 2) is called? If so, what are "
            "the value and type of the variable 'ans' after line 4 has been executed for the 1 "
            "time?",
        ],
    },
    "question_answers": {
        "path_answers": [
            ["    if ans > 0:"],
            ["        ans = int(a)"],
            ["    return ans"],
            ["-1"],
            ["-1"],
        ],
        "state_as": [[("float", "3.1")], [("int", "1")]],
    },
}

HELPER = """def twice(x):
    return x * 2

def f(xs):
    keep = sorted(xs, key=lambda v: -v)
    seen = set()
    doubled = [twice(x) for x in keep]
    for x in keep:
        seen.add(x)
    return seen, doubled
"""

OPENS_BRACKET = """def f(xs):
    total = sum(
        xs)
    if total > 3:
        total = -total
    return total
"""

CRUX_PROGRAMS = 60


@pytest.fixture(scope="module")
def traced(sandbox: Sandbox, shared_data: Path) -> dict[str, tuple[Program, Trace]]:
    programs = [
        *read_programs(shared_data / "cruxeval.jsonl")[:CRUX_PROGRAMS],
        Program("paper", PAPER, "1.1, 2"),
        Program("helper", HELPER, "[3, 1, 2]"),
        Program("opens", OPENS_BRACKET, "[1, 2, 3]"),
    ]
    traces = list(trace_many(sandbox, [program.call_item() for program in programs]))
    assert all(trace.status is TraceStatus.OK for trace in traces)
    return {program.id: (program, trace) for program, trace in zip(programs, traces, strict=True)}


def combined(traced: dict[str, tuple[Program, Trace]], name: str, seed: int = 0) -> Question:
    program, trace = traced[name]
    questions = build_questions(program, trace, ["output", "next", "state"], "execverify", seed)
    (question,) = questions
    return question


def upstream_answers() -> dict[str, list[str]]:
    """Question text → the answers the upstream row accepts, written as ExecVerify writes them."""
    answers: dict[str, list[str]] = {}
    questions = UPSTREAM_ROW["questions"]
    truth = UPSTREAM_ROW["question_answers"]
    assert isinstance(questions, dict) and isinstance(truth, dict)
    for text, accepted in zip(questions["path_questions"], truth["path_answers"], strict=True):
        answers[text] = list(accepted)
    for text, states in zip(questions["state_questions"], truth["state_as"], strict=True):
        answers[text] = [f"{value}; {type_name}" for type_name, value in states]
    return answers


# ----------------------------------------------------------------------------- the paper's rows


def test_questions_and_answers_match_the_upstream_row(
    traced: dict[str, tuple[Program, Trace]],
) -> None:
    question = combined(traced, "paper")
    accepted = upstream_answers()
    output, *whitebox = question.items
    assert output.kind is Kind.OUTPUT and output.text == "Fill the assertion statement."
    assert output.rendered == f"assert f(1.1, 2) == {UPSTREAM_ROW['result']}"
    assert {item.text for item in whitebox} == set(accepted)
    for item in whitebox:
        written = [answer.strip() for answer in accepted[item.text]]
        assert item.rendered in written, (item.text, item.rendered)


def test_a_response_written_from_the_upstream_row_earns_full_reward(
    traced: dict[str, tuple[Program, Trace]],
) -> None:
    question = combined(traced, "paper")
    accepted = upstream_answers()
    # As ExecVerify's own example answers: the assertion in its own spelling, the next line
    # with its indentation, str(value) and the type.
    lines = ["assert(f(1.1, 2)) == 1"] + [accepted[item.text][0] for item in question.items[1:]]
    body = "\n".join(lines)
    response = f"<reasoning>\nf adds, then truncates.\n</reasoning>\n<answer>\n{body}\n</answer>"
    score = score_question(question, response)
    assert score.accuracy == 1.0, [s.reason for s in score.items if not s.correct]
    assert reward("execverify", question, response) == 2.0


def test_combined_prompt_layout(traced: dict[str, tuple[Program, Trace]]) -> None:
    question = combined(traced, "paper")
    prompt = question.prompt
    assert prompt.startswith("You are a programming expert.\nYour task is to analyze the Python")
    assert "Example (DO NOT EXECUTE OR ANSWER):" in prompt
    assert (
        "The correct output:\n<answer>\nassert(f(1.1, 2)) == 1\n1; int\nreturn ans\n</answer>"
        in (prompt)
    )
    task = prompt.split("Your task (this is the ONLY part you should answer):\n", 1)[1]
    shown = PAPER.rstrip() + "\n\n\n\nassert f(1.1, 2) == ????\n"
    assert numbered_lines(shown) in task
    assert "7\t    return ans\n\n\n\n11\tassert f(1.1, 2) == ????" in task  # blank lines unnumbered
    questions = [line for line in task.split("\n\n") if line.startswith("Question")]
    assert questions[0] == "Question1: Fill the assertion statement."
    for number, (line, item) in enumerate(zip(questions[1:], question.items[1:], strict=True), 2):
        assert line == f"Question{number}: {item.text}."  # "...time?." as ExecVerify numbers them
    assert 'Guidelines for "next statement" questions:' in task
    assert "  - Examples: 1; int    {'a', 'd'}; set    [1, 2]; list" in task
    assert task.endswith(
        "Answer for question1\nAnswer for question2\n...\nAnswer for questionN.\n</answer>"
    )
    assert question.reference_answer == (
        "<answer>\n" + "\n".join(item.rendered for item in question.items) + "\n</answer>"
    )


def test_input_prompt_and_answer(
    traced: dict[str, tuple[Program, Trace]], sandbox: Sandbox
) -> None:
    program, trace = traced["paper"]
    (question,) = build_questions(program, trace, ["input"], "execverify")
    assert question.prompt == (
        "\nFill in the missing assertion. Try to find out the ???? in the following code. \n"
        "Here is the provided code: \n```\n" + PAPER.rstrip() + "\n\n\n\nassert f(????) == 1\n\n"
        "```\n\nOutput the complete test case in the following format:\n```python\n"
        "<test case content, including the function content and the assertion statement>\n"
        "```\n\nFormat your response strictly as follows:\n<reasoning>\nyour step-by-step "
        "reasoning here\n</reasoning>\n<answer>\nYou answer to the question\n</answer>\n"
    )
    (item,) = question.items
    assert item.rendered == f"```python\n{PAPER.rstrip()}\n\nassert f(1.1, 2) == 1\n```"
    assert reward("execverify", question, question.reference_answer, sandbox=sandbox) == 2.0
    other = "<answer>\n```python\n" + PAPER + "\nassert f(1.5, 3) == 1\n```\n</answer>"
    assert reward("execverify", question, other, sandbox=sandbox) == 2.0  # any input that works
    wrong = "<answer>\n```python\n" + PAPER + "\nassert f(2.5, 0) == 1\n```\n</answer>"
    assert reward("execverify", question, wrong, sandbox=sandbox) == 0.0


# ----------------------------------------------------------------------------- selection rules


def line_events(trace: Trace) -> list[tuple[int, str, int]]:
    return [(s.line, s.func, s.frame) for s in trace.steps if s.event == "line"]


def statement_starts(code: str) -> dict[int, ast.stmt]:
    return {node.lineno: node for node in ast.walk(ast.parse(code)) if isinstance(node, ast.stmt)}


def test_next_questions_only_on_branching_or_non_sequential_lines(
    traced: dict[str, tuple[Program, Trace]],
) -> None:
    asked = 0
    for name in [f"sample_{n}" for n in range(CRUX_PROGRAMS)]:
        program, trace = traced[name]
        starts = statement_starts(program.code)
        headers = {n for n, s in starts.items() if isinstance(s, (ast.If, ast.For, ast.While))}
        events = [line for line, func, _ in line_events(trace) if not func.startswith("<")]
        ran = set(events)
        for item in combined(traced, name, seed=5).items:
            if item.kind is not Kind.NEXT:
                continue
            asked += 1
            assert item.line is not None and item.occurrence is not None
            assert item.line in starts
            if item.line not in ran:
                assert item.reference.line == -1 and item.rendered == "-1"
                continue
            after = item.reference.line
            later = sorted(n for n in starts if n > item.line)
            written_next = later[0] if later else None
            assert item.line in headers or after in headers or after != written_next, (
                name,
                item.line,
                after,
            )
            assert after != item.line and after is not None
            expected = program.code.splitlines()[after - 1].strip() if after != -1 else "-1"
            assert item.rendered == expected
    assert asked >= CRUX_PROGRAMS * 2


def test_state_questions_only_on_executed_lines(traced: dict[str, tuple[Program, Trace]]) -> None:
    asked = 0
    for name in [f"sample_{n}" for n in range(CRUX_PROGRAMS)]:
        _, trace = traced[name]
        ran = {line for line, _, _ in line_events(trace)}
        for item in combined(traced, name, seed=5).items:
            if item.kind is not Kind.STATE:
                continue
            asked += 1
            assert item.reference.literal != NOT_EXECUTED
            assert item.line in ran
            assert item.rendered == f"{item.reference.literal}; {item.reference.type_name}"
            assert item.rendered != "Nil"
    assert asked >= CRUX_PROGRAMS * 2


def test_no_lambda_or_comprehension_variables_and_one_run_per_return(
    traced: dict[str, tuple[Program, Trace]],
) -> None:
    returns_asked = set()
    for seed in range(20):
        for item in combined(traced, "helper", seed).items:
            if item.kind is Kind.STATE:
                # line 5 runs a lambda (parameter v), line 7 a comprehension over x: only the
                # assigned names are asked; x is asked only as the loop variable of line 8.
                assert item.variable != "v"
                assert (item.line, item.variable) != (7, "x")
                assert item.variable != "x" or item.line == 8
            if item.kind is Kind.NEXT and item.line == 2:
                # twice() runs three times: its return line has three runs, not six.
                assert item.occurrence is not None and 1 <= item.occurrence <= 3
                returns_asked.add(item.occurrence)
            if item.kind is Kind.NEXT and item.line == 10:
                assert item.occurrence == 1 and item.rendered == "-1"
    assert returns_asked


def test_an_empty_set_is_typed_set(traced: dict[str, tuple[Program, Trace]]) -> None:
    rendered = {
        item.rendered
        for seed in range(20)
        for item in combined(traced, "helper", seed).items
        if item.kind is Kind.STATE and item.variable == "seen" and item.line == 6
    }
    assert rendered == {"set(); set"}


def test_a_next_answer_that_opens_a_bracket_stays_one_line(
    traced: dict[str, tuple[Program, Trace]],
) -> None:
    for seed in range(10):
        question = combined(traced, "opens", seed)
        rendered = [item.rendered for item in question.items]
        assert [a.text for a in extract_answers(question, question.reference_answer)] == [
            r.replace("assert f([1, 2, 3]) == ", "") for r in rendered
        ]
        assert score_question(question, question.reference_answer).accuracy == 1.0
