"""The roles' output contracts: what a reply must hold, and the reason when it does not."""

from __future__ import annotations

import pytest

from execgym.bench import Problem
from execgym.repair import ContractBreach, ProposedTests, parse_program, parse_tests
from execgym.repair._contracts import parse_expected_output
from execgym.sandbox import CallTest, StdioTest


def test_the_program_is_the_last_fenced_python_block(apps: dict[str, Problem]) -> None:
    stdin = apps["2287"]
    reply = "First try:\n```python\nprint(1)\n```\nBetter:\n```python\nprint(2)\n```\n"
    assert parse_program(reply, stdin) == "print(2)\n"
    assert parse_program("```\nprint(3)\n```", stdin) == "print(3)\n"  # untagged is Python


@pytest.mark.parametrize(
    ("reply", "reason"),
    [
        ("print(1)", "no fenced ```python block in the reply"),
        ("```js\nconsole.log(1)\n```", "no fenced ```python block in the reply"),
        (
            "```python\nprint(1)\n",
            "the last ```python block is not closed (was the reply cut short?)",
        ),
        (
            "```python\nprint(1\n```",
            "the program is not valid Python: '(' was never closed (line 1)",
        ),
        ("", "no fenced ```python block in the reply"),
    ],
)
def test_a_reply_without_a_usable_program_is_a_breach(
    reply: str, reason: str, apps: dict[str, Problem]
) -> None:
    assert parse_program(reply, apps["2287"]) == ContractBreach(reason)


def test_stdin_tests_are_read_after_any_reasoning(apps: dict[str, Problem]) -> None:
    reply = (
        "The code mishandles a single vertex.\n"
        "<test><input>\n1\n0\n</input><output>\nYes\n0\n</output></test>\n"
        "<test><input>2\n1 2\n0</input><output>Yes\n0\n1</output></test>"
    )
    parsed = parse_tests(reply, apps["2287"], "auditor", limit=5)
    assert isinstance(parsed, ProposedTests)
    first, second = parsed.tests
    assert first.case == StdioTest(input="1\n0\n", output="Yes\n0")
    assert second.shown_input == "2\n1 2\n0\n" and second.shown_output == "Yes\n0\n1"
    assert first.origin == "auditor" and parsed.notes == []


def test_call_tests_read_literals_only_and_keep_a_canonical_call(
    apps: dict[str, Problem],
) -> None:
    problem = apps["4184"]
    reply = (
        "<test><call>is_prime( 25 )</call><output>False</output></test>"
        "<test><call>is_prime(__import__('os'))</call><output>False</output></test>"
        "<test><call>is_prime(25)</call><output>True</output></test>"
        "<test><call>prime(3)</call><output>True</output></test>"
        "<test><input>3</input><output>True</output></test>"
        "<test><call>is_prime(7)</call><output>maybe</output></test>"
        "<test><call>is_prime(11)</call></test>"
        "<test><call>is_prime(13)</call><output>True</output></test>"
    )
    parsed = parse_tests(reply, problem, "auditor", limit=5)
    assert isinstance(parsed, ProposedTests)
    assert [t.shown_input for t in parsed.tests] == ["is_prime(25)", "is_prime(13)"]
    case = parsed.tests[0].case
    assert isinstance(case, CallTest) and case.expected_literal == "False" and case.encoded_args
    assert parsed.notes == [
        "test 2 left out: not a literal: argument 1: a call is not a literal",
        "test 3 left out: it repeats the input of an earlier test",
        "test 4 left out: calls prime, not the entry point is_prime",
        "test 5 left out: an <input> test, but the problem calls is_prime(...)",
        "test 6 left out: not a literal: the name 'maybe' is not a literal",
        "test 7 left out: needs exactly one <output>, found 0",
    ]


def test_a_reply_without_a_usable_test_is_a_breach(apps: dict[str, Problem]) -> None:
    problem = apps["2287"]
    assert parse_tests("Looks right to me.", problem, "auditor", 5) == ContractBreach(
        "no <test>...</test> element in the reply"
    )
    broken = parse_tests("<test><call>f(1)</call><output>1</output></test>", problem, "tester", 5)
    assert broken == ContractBreach(
        "no usable test: test 1 left out: a <call> test, but the problem reads standard input"
    )


def test_only_the_first_tests_up_to_the_limit_are_kept(apps: dict[str, Problem]) -> None:
    reply = "".join(
        f"<test><call>is_prime({n})</call><output>True</output></test>" for n in (2, 3, 5)
    )
    parsed = parse_tests(reply, apps["4184"], "tester", limit=2)
    assert isinstance(parsed, ProposedTests)
    assert len(parsed.tests) == 2
    assert parsed.notes == ["test 3 left out: only the first 2 tests are used"]


def test_a_vote_gives_the_output_of_the_input_asked_about(apps: dict[str, Problem]) -> None:
    problem = apps["4184"]
    reply = "<test><call>is_prime(9)</call><output>False</output></test>"
    assert parse_expected_output(reply, problem, "is_prime(9)") == "False"
    assert parse_expected_output(reply, problem, "is_prime(8)") == ContractBreach(
        "no test for the input asked about"
    )
