"""Input prediction: answers run in a real sandbox; sandbox failures are never scored wrong."""
# mypy: disable-error-code="attr-defined,arg-type"

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
from execgym.sandbox import Sandbox, SandboxConfig
from execgym.tasks import ArgumentError, Arguments, Item, Kind, normalize_arguments

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
        reference=dict(literal="'ab', 2", target_output=target, entry="f"),
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


def test_values_reach_the_program_with_their_types(sandbox: Sandbox) -> None:
    program = (
        "def f(*args, **kwargs):\n    return [type(a).__name__ for a in args] + sorted(kwargs)\n"
    )
    item = Item(
        id="in",
        kind=Kind.INPUT,
        text="",
        answer_format="",
        reference=dict(
            literal="(1,), {2}, b'x', frozenset(), 1.5, 1j, dict(a=1), k=None",
            target_output="['tuple', 'set', 'bytes', 'frozenset', 'float', 'complex', 'dict', 'k']",
            entry="f",
        ),
        rendered="",
    )
    answer = "(1,), {2}, b'x', frozenset(), 1.5, 1j, dict(a=1), k=None"
    scored = score_item(item, answer, sandbox=sandbox, code=program)
    assert scored.correct, scored.reason


FORGED_CODE = (
    "(x for x in []).gi_frame.f_builtins['exec']"
    "(\"f.__code__ = (lambda *a, **k: 'ZYX3').__code__\", (x for x in []).gi_frame.f_globals)"
)


@pytest.mark.parametrize(
    ("answer", "why"),
    [
        (FORGED_CODE, "a call is not a literal"),
        ("'a' + 'b', 2", "an operator expression is not a literal"),
        ("''.join(['a', 'b']), 2", "a call is not a literal"),
        ("'A-B'.lower(), 2", "a call is not a literal"),
        ("'ab'.__class__, 2", "an attribute is not a literal"),
        ("'abc'[:2], 2", "a Subscript expression is not a literal"),
        ("**dict(text='ab', times=2)", "'**' unpacking is not a literal"),
        ("*['ab', 2]", "'*' unpacking is not a literal argument"),
        ("'ab', [n for n in range(5) if n == 2][0]", "is not a literal"),
        ("'ab', (lambda k: k + 1)(1)", "a call is not a literal"),
        ("[1, 2], lambda x: -x", "a Lambda expression is not a literal"),
        ("'ab', CONSTANT", "the name 'CONSTANT' is not a literal"),
        ("f(f('ab', 1), 2)", "a call is not a literal"),
        ("'ab', f", "the name 'f' is not a literal"),
        ("__import__('os').system('true')", "a call is not a literal"),
        ("exec('f = 1'), 2", "a call is not a literal"),
        ("open('/etc/passwd').read(), 2", "a call is not a literal"),
        ("range(3), 2", "a call is not a literal"),
        ("(x := 'ab'), 2", "NamedExpr"),
        ("'ab'), print(1", "not an argument list"),
        ("'ab', 2)\nimport os\nf(('x'", "not an argument list"),
        ("The input is 'ab', 2", "not an argument list"),
    ],
)
def test_anything_but_literal_arguments_scores_zero_with_a_reason(
    sandbox: Sandbox, answer: str, why: str
) -> None:
    code = PROGRAM + "CONSTANT = 2\nWORDS = ['ab']\n"
    scored = score_item(input_item(TARGET), answer, sandbox=sandbox, code=code)
    assert not scored.correct and not scored.parsed
    assert why in scored.reason, scored.reason


def test_normalize_arguments_unwraps_calls_and_asserts() -> None:
    assert normalize_arguments("f('x', 1)", "f") == Arguments(("x", 1))
    assert normalize_arguments("assert f('x', [1]) == 3", "f") == Arguments(("x", [1]))
    assert normalize_arguments("  'x'  ", "f") == Arguments(("x",))
    assert normalize_arguments("", "f") == Arguments()
    assert normalize_arguments("a=dict(b=(1,))", "f") == Arguments((), {"a": {"b": (1,)}})
    nan_args = normalize_arguments("nan, [inf], math.nan, float('-inf')", "f").args
    assert [repr(v) for v in nan_args] == ["nan", "[inf]", "nan", "-inf"]
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
