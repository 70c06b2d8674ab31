"""Input prediction: answers run in a real sandbox; sandbox failures are never scored wrong."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from _reward_questions import SIMPLE, all_questions

from execgym.rewards import (
    SandboxUnavailable,
    reward,
    score_item,
    score_question,
    set_default_sandbox,
)
from execgym.rewards._input import ArgumentError, normalize_arguments
from execgym.sandbox import Sandbox, SandboxConfig
from execgym.tasks._question import Item, Kind, Reference

PROGRAM = """\
def f(text, times=1):
    if times < 0:
        raise ValueError('negative')
    while times > 100:
        pass
    return {'out': text * times, 'n': len(text) * times}
"""


def input_item(target: str) -> Item:
    return Item(
        id="in",
        kind=Kind.INPUT,
        text="",
        answer_format="",
        reference=Reference(literal="'ab', 2", target_output=target, entry="f"),
        rendered="'ab', 2",
    )


TARGET = "{'out': 'abab', 'n': 4}"


@pytest.fixture(scope="module")
def broken_sandbox() -> Iterator[Sandbox]:
    with Sandbox(workers=1, config=SandboxConfig(python="/nonexistent/python")) as sb:
        yield sb


def test_a_right_input_scores_one(sandbox: Sandbox) -> None:
    item = input_item(TARGET)
    for answer in ("'ab', 2", "'abab'", "text='ab', times=2", "f('ab', 2)", "'a' 'b', 2"):
        scored = score_item(item, answer, sandbox=sandbox, code=PROGRAM)
        assert scored.correct, (answer, scored.reason)


def test_a_wrong_input_scores_zero_with_the_returned_value(sandbox: Sandbox) -> None:
    scored = score_item(input_item(TARGET), "'ab', 3", sandbox=sandbox, code=PROGRAM)
    assert not scored.correct and scored.parsed
    assert "returned" in scored.reason and "'ababab'" in scored.reason


def test_an_input_that_raises_or_hangs_scores_zero(sandbox: Sandbox) -> None:
    raised = score_item(input_item(TARGET), "'ab', -1", sandbox=sandbox, code=PROGRAM)
    assert not raised.correct and "ValueError" in raised.reason
    hangs = score_item(input_item(TARGET), "'ab', 1000", sandbox=sandbox, code=PROGRAM)
    assert not hangs.correct and "TIME_LIMIT" in hangs.reason


@pytest.mark.parametrize(
    "answer",
    [
        "'a' + 'b', len([0, 0])",
        "''.join(['a', 'b']), 2",
        "'A-B'.lower().split('-')[0] + 'b', times=int('2')",
        "**dict(text='ab', times=2)",
        "*['ab', 2]",
        "'ab', [n for n in range(5) if n == 2][0]",
        "'ab', (lambda k: k + 1)(1)",
        "'ab', CONSTANT",
        "WORD[:2], CONSTANT",
    ],
)
def test_pure_expressions_are_accepted_like_cruxeval_references(
    sandbox: Sandbox, answer: str
) -> None:
    code = PROGRAM + "CONSTANT = 2\nWORD = 'abc'\n"
    scored = score_item(input_item(TARGET), answer, sandbox=sandbox, code=code)
    assert scored.correct, scored.reason


def test_function_arguments_as_lambdas(sandbox: Sandbox) -> None:
    program = "def f(xs, key):\n    return sorted(xs, key=key)\n"
    item = Item(
        id="in",
        kind=Kind.INPUT,
        text="",
        answer_format="",
        reference=Reference(literal="[1, 2], lambda x: -x", target_output="[2, 1]", entry="f"),
        rendered="[1, 2], lambda x: -x",
    )
    assert score_item(item, "[1, 2], lambda x: -x", sandbox=sandbox, code=program).correct
    assert score_item(item, "[2, 1], lambda v: 0", sandbox=sandbox, code=program).correct
    assert not score_item(item, "[1, 2], abs", sandbox=sandbox, code=program).correct


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        ("f(f('ab', 1), 2)", "calls f()"),
        ("'ab', f", "uses f"),
        ("__import__('os').system('true')", "the name '__import__'"),
        ("(globals().update(f=lambda *a: 0), 'ab')[1], 2", "the name 'globals'"),
        ("exec('f = 1'), 2", "the name 'exec'"),
        ("open('/etc/passwd').read(), 2", "the name 'open'"),
        ("'ab'.__class__, 2", "private attribute"),
        ("(x := 'ab'), 2", "NamedExpr"),
        ("text, 2", "the name 'text'"),
        ("'ab', CONSTANT()", "calls CONSTANT(), a name of the program"),
        ("'ab', CONSTANT.real", "passes 'CONSTANT', a name of the program"),
        ("WORDS.append('x'), 2", "passes 'WORDS'"),
        ("[WORDS][0].clear(), 2", "passes 'WORDS'"),
        ("list.clear(WORDS), 2", "passes 'WORDS'"),
        ("(WORDS or []).pop(), 2", "passes 'WORDS'"),
        ("'ab'), print(1", "not an argument list"),
        ("'ab', 2)\nimport os\nf(('x'", "not an argument list"),
        ("The input is 'ab', 2", "not an argument list"),
    ],
)
def test_a_non_argument_answer_scores_zero_with_a_reason(
    sandbox: Sandbox, answer: str, why: str
) -> None:
    code = PROGRAM + "CONSTANT = 2\nWORDS = ['ab']\n"
    scored = score_item(input_item(TARGET), answer, sandbox=sandbox, code=code)
    assert not scored.correct and not scored.parsed
    assert why in scored.reason


def test_normalize_arguments_unwraps_calls_and_asserts() -> None:
    assert normalize_arguments("f('x', 1)", "f") == "'x', 1"
    assert normalize_arguments("assert f('x', [1]) == 3", "f") == "'x', [1]"
    assert normalize_arguments("  'x'  ", "f") == "'x'"
    assert normalize_arguments("", "f") == ""
    assert normalize_arguments("nan, [inf], math.nan", "f") == (
        "float('nan'), [float('inf')], float('nan')"
    )
    # A program that defines its own `len` makes it a program name, not a pure built-in.
    with pytest.raises(ArgumentError, match="calls len\\(\\), a name of the program"):
        normalize_arguments("len([1])", "f", "def len(x):\n    return 0\ndef f(n): return n")
    with pytest.raises(ArgumentError):
        normalize_arguments("f('x')(1)", "f")


def test_a_sandbox_failure_is_not_scored_as_wrong(broken_sandbox: Sandbox) -> None:
    with pytest.raises(SandboxUnavailable):
        score_item(input_item(TARGET), "'ab', 2", sandbox=broken_sandbox, code=PROGRAM)
    # A non-argument answer needs no sandbox, so it is still a plain 0.
    scored = score_item(input_item(TARGET), "f(f(1))", sandbox=broken_sandbox, code=PROGRAM)
    assert not scored.correct


def test_whole_questions_with_input_items(sandbox: Sandbox) -> None:
    for question in all_questions():
        if question.items[0].kind is not Kind.INPUT:
            continue
        assert question.code == SIMPLE
        assert score_question(question, question.reference_answer, sandbox=sandbox).accuracy == 1
        assert reward("accuracy", question, question.reference_answer, sandbox=sandbox) == 1.0


def test_the_default_sandbox_can_be_injected(sandbox: Sandbox) -> None:
    previous = set_default_sandbox(sandbox)
    try:
        assert score_item(input_item(TARGET), "'ab', 2", code=PROGRAM).correct
    finally:
        set_default_sandbox(previous)
