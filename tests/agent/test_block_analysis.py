"""Placeholders are found from the syntax tree before a block runs; invalid blocks are
refused with a reason the model can act on."""

from __future__ import annotations

import re

import pytest

from execgym.agent import BlockRules, InvalidBlock, analyse_block

RECODE = BlockRules()
SCOPE = frozenset({"instruction", "observation"})


Site = tuple[str, tuple[str, ...], tuple[str, ...]]


def sites(code: str, scope: frozenset[str] = SCOPE) -> list[Site]:
    analysis = analyse_block(code, scope, RECODE)
    return [(s.name, s.params + s.keywords, s.outputs) for s in analysis.sites]


def test_nested_calls_are_placeholders_with_their_own_sites() -> None:
    assert sites("x = outer(inner(instruction), k=other())\n") == [
        ("outer", ("arg1", "k"), ("x",)),
        ("inner", ("instruction",), ("result",)),
        ("other", (), ("result",)),
    ]


def test_calls_in_conditions_loops_and_comprehensions() -> None:
    code = (
        "if is_ready(observation) and not blocked():\n"
        "    pass\n"
        "while keep_going():\n"
        "    step()\n"
        "names = [label(p) for p in places(observation) if wanted(p)]\n"
        "pairs = {p: score(p) for p in names}\n"
        "total = sum(weight(p) for p in names)\n"
    )
    assert [name for name, _, _ in sites(code)] == [
        "is_ready",
        "blocked",
        "keep_going",
        "step",
        "label",
        "places",
        "wanted",
        "score",
        "weight",
    ]


def test_primitives_helpers_inputs_and_bound_names_are_not_placeholders() -> None:
    code = (
        "run('look')\n"
        "n = len(re.findall('x', observation))\n"
        "helper = str.upper\n"
        "helper(instruction)\n"
        "for act in [run]:\n"
        "    act('inventory')\n"
        "key = lambda item: rank(item)\n"
        "try:\n"
        "    pass\n"
        "except ValueError as problem:\n"
        "    problem.args\n"
    )
    assert [name for name, _, _ in sites(code)] == ["rank"]


def test_a_name_in_scope_shadows_a_placeholder() -> None:
    assert sites("finder(instruction)\n", SCOPE | {"finder"}) == []
    assert [name for name, _, _ in sites("finder(instruction)\n")] == ["finder"]


def test_assigning_a_primitive_is_refused() -> None:
    with pytest.raises(InvalidBlock, match="assigns to run, which is a primitive"):
        analyse_block("run = print\nrun('look')\n", SCOPE, RECODE)
    with pytest.raises(InvalidBlock, match="primitive"):
        analyse_block("for run in range(3):\n    pass\n", SCOPE, RECODE)


def test_outputs_are_the_names_the_caller_assigns() -> None:
    assert sites("a, b = split_task(instruction)\n") == [
        ("split_task", ("instruction",), ("a", "b"))
    ]
    assert sites("c: str = pick()\n") == [("pick", (), ("c",))]
    assert sites("go_there(observation)\n") == [("go_there", ("observation",), ())]
    assert sites("d = pick() + 1\n") == [("pick", (), ("result",))]
    assert sites("x = y = pick()\n") == [("pick", (), ("result",))]
    assert sites("a, *rest = pick()\n") == [("pick", (), ("result",))]


def test_parameters_are_named_after_the_arguments() -> None:
    assert sites("f(instruction, instruction, 'lamp', observation[1:], size=3)\n") == [
        ("f", ("instruction", "arg2", "arg3", "arg4", "size"), ())
    ]


@pytest.mark.parametrize(
    ("code", "problem"),
    [
        ("x = (\n", "SyntaxError"),
        ("break\n", "SyntaxError: 'break' outside loop"),
        ("def helper():\n    pass\n", "defines a function (helper) with def"),
        ("class Thing:\n    pass\n", "defines a class"),
        ("import os\n", "imports a module"),
        ("from os import path\n", "imports a module"),
        ("global g\n", "global or nonlocal"),
        ("x = [(yield)]\n", "uses yield or await"),
        ("return 3\n", "return at its top level"),
        ("f(*instruction)\n", "passes *arguments"),
        ("f(**observation)\n", "passes **arguments"),
        ("f(instruction, instruction=1)\n", "both by position and by keyword"),
        ("# only a comment\n", "empty"),
        ("x = 1\n" * 5000, "longer than"),
    ],
)
def test_invalid_blocks_are_refused_with_the_reason(code: str, problem: str) -> None:
    with pytest.raises(InvalidBlock, match=re.escape(problem)):
        analyse_block(code, SCOPE, RECODE)


def test_codeact_allows_def_and_finds_no_placeholders() -> None:
    rules = BlockRules(placeholders=False, definitions=True)
    analysis = analyse_block("def helper(x):\n    return x\nhelper(unknown())\n", SCOPE, rules)
    assert analysis.sites == ()
