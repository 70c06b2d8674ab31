"""The roles: prompt programs over one shared model, each with its output contract.

Every prompt shows what the problem lets a model see (:meth:`execgym.bench.Problem.prompt_text`:
the statement, the starter code and the public examples) and never a hidden test.

``coder``
    The problem → one program (the last fenced ```python block).
``auditor``
    The problem and the candidate's code, verbatim → tests meant to expose its remaining
    bugs (``<test>`` elements, :mod:`execgym.repair._contracts`); reasoning first is allowed.
    Without the code (an ablation) it reads only the problem. A *vote* asks the Auditor for
    the expected output of one given input, without the candidate's code or output, so that
    votes are independent of the program they judge.
``fixer``
    The problem, the candidate's code verbatim and one failing test (its input, the expected
    output, what the candidate printed or returned or raised, the verdict) → the revised
    program, edited rather than rewritten. Without the test (an ablation) it is told only
    that the program is wrong on some input.
``tester``
    The problem only → tests (CURE's Tester and CodeT's test generator never read code).
``debugger``
    Self-debugging: the problem, the program and its results on the public examples → the
    revised program.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from execgym.bench import Problem
from execgym.llm import ChatMessage
from execgym.repair._execution import TestOutcome
from execgym.repair._tests import LoopTest, problem_io

Role = Literal["coder", "auditor", "fixer", "tester", "debugger"]
ROLES: tuple[Role, ...] = ("coder", "auditor", "fixer", "tester", "debugger")

_PROGRAM_REPLY = (
    "You may reason first. End your reply with the complete program in one ```python code "
    "block: the last ```python block of your reply is taken as the program."
)


def coder_messages(problem: Problem) -> list[ChatMessage]:
    """The Coder's prompt: write a program for the problem."""
    if problem_io(problem) == "stdin":
        task = "Solve the following programming problem in Python 3. The program reads "
        task += "standard input and writes standard output."
    elif problem.starter_code.strip():
        task = "Solve the following programming problem in Python 3, completing the starter "
        task += f"code (the function {problem.entry_point} is called on each test)."
    else:
        task = "Solve the following programming problem in Python 3 by writing the function "
        task += f"{problem.entry_point}."
    return _user(f"{task}\n{_PROGRAM_REPLY}\n\n{_problem_section(problem)}")


def auditor_messages(problem: Problem, code: str | None, count: int) -> list[ChatMessage]:
    """The Auditor's prompt; ``code`` ``None`` is the ablation that does not show it."""
    if code is None:
        intro = (
            "You are auditing solutions to the programming problem below. Write tests that a "
            "plausible but wrong solution would fail: edge cases, boundary values, the inputs "
            "where a careless solution goes wrong."
        )
        candidate = ""
    else:
        intro = (
            "You are auditing a candidate solution to the programming problem below. Read the "
            "candidate's code, find the inputs on which it is most likely wrong (edge cases, "
            "boundary values, the cases its logic mishandles) and write tests that expose "
            "those bugs."
        )
        candidate = f"\n\nCandidate code:\n{_fenced(code)}"
    rules = (
        "Each test's expected output must be the correct output by the problem statement, "
        "not what the candidate would print. Every input must respect the problem's input "
        "format and constraints. "
        f"You may reason first; then write at most {count} tests, each as\n"
        f"{_test_format(problem)}"
    )
    return _user(f"{intro}\n\n{_problem_section(problem)}{candidate}\n\n{rules}")


def tester_messages(problem: Problem, count: int) -> list[ChatMessage]:
    """A Tester's prompt (CURE, CodeT): tests from the problem alone."""
    text = (
        "Write tests for the programming problem below: inputs that respect its input format "
        "and constraints, each with the correct expected output by the problem statement. "
        "Prefer inputs that tell a correct solution from a wrong one.\n\n"
        f"{_problem_section(problem)}\n\n"
        f"You may reason first; then write at most {count} tests, each as\n"
        f"{_test_format(problem)}"
    )
    return _user(text)


def vote_messages(problem: Problem, test: LoopTest) -> list[ChatMessage]:
    """A vote on one test's expected output: the Auditor asked for this input's output."""
    what = "input" if test.kind == "stdin" else "call"
    text = (
        "What is the correct output for one input of the programming problem below? Work it "
        "out from the problem statement.\n\n"
        f"{_problem_section(problem)}\n\n"
        f"The {what}:\n{_block(test.shown_input)}\n\n"
        "You may reason first; then write exactly one test for this very "
        f"{what}, as\n{_test_format(problem)}"
    )
    return _user(text)


def fixer_messages(
    problem: Problem, code: str, test: LoopTest | None, outcome: TestOutcome | None
) -> list[ChatMessage]:
    """The Fixer's prompt; ``test`` ``None`` is the ablation that does not show the test."""
    intro = (
        "The program below is a candidate solution to the programming problem that follows, "
        "and it is wrong"
    )
    if test is None or outcome is None:
        failure = " on some input (which one is not shown). Find the bug and fix it."
    else:
        failure = f" on this test:\n\n{_failure(test, outcome)}"
    text = (
        f"{intro}{failure}\n\n{_problem_section(problem)}\n\nProgram:\n{_fenced(code)}\n\n"
        "Repair the program: change only what is needed to make it correct and keep the rest "
        f"as it is. {_PROGRAM_REPLY}"
    )
    return _user(text)


def debugger_messages(
    problem: Problem, code: str, results: Sequence[tuple[LoopTest, TestOutcome]]
) -> list[ChatMessage]:
    """Self-debugging: the program and its results on the public examples."""
    shown = []
    for number, (test, outcome) in enumerate(results, start=1):
        status = "passed" if outcome.passed else "FAILED"
        entry = f"Example {number}: {status}"
        if not outcome.passed:
            entry += "\n" + _failure(test, outcome)
        shown.append(entry)
    text = (
        "Your program below for the programming problem that follows does not pass all of "
        "the problem's examples. Explain what goes wrong, then fix the program.\n\n"
        f"{_problem_section(problem)}\n\nProgram:\n{_fenced(code)}\n\n"
        "Results on the examples:\n\n" + "\n\n".join(shown) + f"\n\n{_PROGRAM_REPLY}"
    )
    return _user(text)


def _failure(test: LoopTest, outcome: TestOutcome) -> str:
    if test.kind == "stdin":
        parts = [
            f"Input:\n{_block(test.shown_input)}",
            f"Expected output:\n{_block(test.shown_output)}",
        ]
        did = "The program printed"
    else:
        parts = [
            f"Call:\n{_block(test.shown_input)}",
            f"Expected return value:\n{_block(test.shown_output)}",
        ]
        did = "The program returned"
    if outcome.error:
        parts.append(f"The program failed with:\n{_block(outcome.error)}")
        if outcome.actual:
            parts.append(f"{did} before that:\n{_block(outcome.actual)}")
    else:
        parts.append(f"{did}:\n{_block(outcome.actual)}")
    parts.append(f"Verdict: {outcome.verdict.value}")
    return "\n".join(parts)


def _test_format(problem: Problem) -> str:
    if problem_io(problem) == "stdin":
        return (
            "<test><input>\nTHE STANDARD INPUT\n</input>"
            "<output>\nTHE EXPECTED STANDARD OUTPUT\n</output></test>"
        )
    entry = problem.entry_point
    return (
        f"<test><call>{entry}(ARGUMENTS)</call><output>THE EXPECTED RETURN VALUE</output></test>\n"
        "where the arguments and the return value are Python literals."
    )


def _problem_section(problem: Problem) -> str:
    return f"Problem:\n{problem.prompt_text()}"


def _fenced(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


def _block(text: str) -> str:
    body = text.rstrip("\n")
    return body if body.strip() else "(nothing)"


def _user(text: str) -> list[ChatMessage]:
    return [{"role": "user", "content": text}]
