"""Judging helpers: program assembly modes, test selection, responses without code."""

from __future__ import annotations

from pathlib import Path

import pytest

from execgym.bench import (
    Problem,
    ProgramMode,
    assemble_program,
    judge_request,
    judge_response,
    judge_responses,
    judge_solution,
    load_dataset,
    resolve_expected_outputs,
    resolve_mode,
)
from execgym.sandbox import CallTest, Limits, Sandbox, StdioTest, Verdict, checker_names


@pytest.fixture(scope="module")
def humaneval(shared_data: Path) -> list[Problem]:
    return load_dataset("humaneval", shared_data / "HumanEval.jsonl.gz", limit=3)


def test_completion_full_and_auto_modes(sandbox: Sandbox, humaneval: list[Problem]) -> None:
    problem = humaneval[0]  # has_close_elements(numbers: List[float], threshold: float)
    body = problem.reference_solutions[0].removeprefix(problem.starter_code)
    full = "def has_close_elements(numbers, threshold):\n" + body
    assert resolve_mode(problem, body) == "completion"
    assert resolve_mode(problem, full) == "full"
    # The full program keeps the prompt in front (its "from typing import List").
    assert assemble_program(problem, full).startswith(problem.starter_code.rstrip("\n"))
    assert assemble_program(problem, body, "completion").startswith(problem.starter_code + body)
    modes: list[tuple[str, ProgramMode]] = [
        (body, "completion"),
        (full, "full"),
        (body, "auto"),
        (full, "auto"),
    ]
    for code, mode in modes:
        assert judge_solution(sandbox, problem, code, mode=mode).verdict is Verdict.OK, mode
    wrong = "def has_close_elements(numbers, threshold):\n    return False\n"
    assert judge_solution(sandbox, problem, wrong, mode="auto").verdict is not Verdict.OK


def test_judge_response_extracts_and_judges(sandbox: Sandbox, humaneval: list[Problem]) -> None:
    problem = humaneval[2]  # truncate_number
    response = "Here you go:\n```python\ndef truncate_number(number):\n    return number % 1.0\n```"
    extracted, result = judge_response(sandbox, problem, response)
    assert extracted.method == "fenced" and result.verdict is Verdict.OK
    assert result.id == problem.id


def test_a_response_without_code_is_a_compile_error_with_the_reason(
    sandbox: Sandbox, humaneval: list[Problem]
) -> None:
    pairs = [(humaneval[0], "I don't know."), (humaneval[2], "    return number % 1.0\n")]
    (none, _), (body, judged) = judge_responses(sandbox, pairs)
    assert none.code is None
    assert body.method == "completion" and judged.verdict is Verdict.OK
    _, result = judge_responses(sandbox, pairs)[0]
    assert result.verdict is Verdict.COMPILE_ERROR
    assert (result.passed, result.total) == (0, 1)
    assert "no code to judge" in result.detail


def _stdio_problem() -> Problem:
    return Problem(
        id="double",
        source="handmade",
        statement="Print twice the integer you read.",
        public_tests=[StdioTest(input="2\n", output="4\n")],
        hidden_tests=[StdioTest(input="12345\n", output="24690\n")],
        limits=Limits(time_s=2.0),
    )


def test_test_selection(sandbox: Sandbox) -> None:
    problem = _stdio_problem()
    cheat = "n = int(input())\nprint(4 if n == 2 else 0)\n"
    assert judge_solution(sandbox, problem, cheat, tests="public").verdict is Verdict.OK
    hidden = judge_solution(sandbox, problem, cheat, tests="hidden")
    assert hidden.verdict is Verdict.WRONG_ANSWER and hidden.total == 1
    both = judge_solution(sandbox, problem, cheat)
    assert (both.passed, both.total) == (1, 2)
    with pytest.raises(ValueError, match="unknown test selection"):
        problem.tests("private")  # type: ignore[arg-type]


def test_an_empty_selection_is_an_error(humaneval: list[Problem]) -> None:
    with pytest.raises(ValueError, match="has no public tests"):
        judge_request(humaneval[0], "pass", tests="public")


def test_expected_outputs_from_a_reference(sandbox: Sandbox) -> None:
    problem = Problem(
        id="pairs",
        source="handmade",
        entry_point="pairs",
        hidden_tests=[
            CallTest(fn_name="pairs", args=[3]),
            CallTest(fn_name="pairs", args=[-1]),  # the reference raises: dropped
        ],
        expected_from_reference=True,
        reference_solutions=[
            "def pairs(n):\n    if n < 0:\n        raise ValueError(n)\n"
            "    return [(i, i * i) for i in range(n)]\n"
        ],
        checker="exact",
    )
    with pytest.raises(ValueError, match="no expected outputs yet"):
        judge_request(problem, "pass")
    resolved = resolve_expected_outputs(sandbox, problem)
    assert resolve_expected_outputs(sandbox, problem) is resolved  # cached
    (test,) = resolved.hidden_tests
    assert isinstance(test, CallTest)
    assert test.expected_literal == "[(0, 0), (1, 1), (2, 4)]"
    assert resolved.metadata["reference_failures"] == 1
    lists = "def pairs(n):\n    return [[i, i * i] for i in range(n)]\n"
    assert judge_solution(sandbox, problem, lists).verdict is Verdict.WRONG_ANSWER
    assert judge_solution(sandbox, problem, problem.reference_solutions[0]).verdict is Verdict.OK


def test_prompt_text_parts(humaneval: list[Problem]) -> None:
    problem = _stdio_problem()
    text = problem.prompt_text()
    assert text.startswith("Print twice the integer you read.\n\nExamples:")
    assert "Input:\n2\nOutput:\n4" in text and "12345" not in text
    assert problem.prompt_text(include_public_tests=False) == problem.statement


def test_a_problem_read_back_from_json_gets_its_tolerance_checker(sandbox: Sandbox) -> None:
    problem = Problem(
        id="close",
        source="handmade",
        entry_point="f",
        hidden_tests=[CallTest(fn_name="f", expected=1.0)],
        checker="evalplus-atol=0.25",
    )
    assert "evalplus-atol=0.25" not in checker_names()
    copy = Problem.model_validate_json(problem.model_dump_json())
    assert judge_solution(sandbox, copy, "def f():\n    return 1.2\n").verdict is Verdict.OK
    assert judge_solution(sandbox, copy, "def f():\n    return 1.3\n").verdict is not Verdict.OK
