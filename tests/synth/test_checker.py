"""The independent constraint checker finds each kind of violation by reading code."""

from __future__ import annotations

import ast

from execgym.synth import ConstraintSpec, builtin_levels, check_program
from execgym.synth._checker import unused_variables

L1 = builtin_levels()["L1"]
LOOSE = ConstraintSpec(name="loose", max_statements=50, control_kinds=("if", "for", "while"))


def test_a_good_l1_program_passes() -> None:
    code = "def f(text):\n    return text.replace('a', 'b').replace('c', 'd')\n"
    report = check_program(code, L1, "str.replace", "'abc'")
    assert report.ok, report.violations
    assert report.measured["method_nesting"] == 2


def test_nesting_extra_methods_and_signature_violations() -> None:
    code = "def f(text='x'):\n    return len(text.replace('a', 'b'))\n"
    violations = " | ".join(check_program(code, L1, "str.replace").violations)
    assert "default parameter values" in violations
    assert "nested 1 deep" in violations
    assert "other methods" in violations


def test_control_depth_elif_and_blueprint() -> None:
    spec = ConstraintSpec(
        name="two", control_depth=2, control_flow=("for", "if-elif"), max_statements=50
    )
    code = (
        "def f(values):\n    total = 0\n    for value in values:\n"
        "        if value > 2:\n            total += value\n        elif value < 0:\n"
        "            total -= value\n    return sorted([total])\n"
    )
    report = check_program(code, spec, "sorted")
    assert report.measured["control_depth"] == 2, report.measured
    assert report.ok, report.violations
    nested_else_if = code.replace(
        "        elif value < 0:\n            total -= value\n",
        ("        else:\n            if value < 0:\n                total -= value\n"),
    )
    assert check_program(nested_else_if, spec, "sorted").measured["control_depth"] == 3


def test_helper_chain_dead_code_comments_and_recursion() -> None:
    spec = ConstraintSpec(name="helpers", helper_chain=2, max_statements=50)
    code = (
        "def g(word):\n    return h(word).upper()\n\n"
        "def h(word):\n    return word.strip()\n\n"
        "def f(text):\n    unused = 1\n    return g(text)  # note\n"
    )
    report = check_program(code, spec, "str.upper")
    joined = " | ".join(report.violations)
    assert report.measured["helper_chain"] == 2
    assert "never read" in joined and "comments" in joined
    recursive = "def f(n):\n    return f(n)\n"
    assert any("recursive" in v for v in check_program(recursive, LOOSE).violations)


def test_input_types_counts_and_bounds() -> None:
    code = "def f(values, text):\n    return sorted(sorted(values)[1:])\n"
    spec = ConstraintSpec(name="inputs", call_nesting=2, max_items=3, input_types=("list[int]",))
    report = check_program(code, spec, "sorted", "[1, 2, 3, 4], 'x'")
    joined = " | ".join(report.violations)
    assert "more than 3" in joined and "type not in" in joined
    assert any("never read" in v for v in report.violations)


def test_one_unused_variable_rule_for_the_checker_and_the_generator() -> None:
    # ``x += 1`` updates x in place; a variable only ever updated is unused in both.
    code = "def f(a):\n    x = 0\n    x += 1\n    return a\n"
    (fn,) = [node for node in ast.parse(code).body if isinstance(node, ast.FunctionDef)]
    assert unused_variables(fn) == ["x"]
    report = check_program(code, L1, "str.replace", "[1]")
    assert any("variables never read: ['x']" in v for v in report.violations)
    read = "def f(a):\n    x = 0\n    x += a\n    return x\n"
    (fn,) = [node for node in ast.parse(read).body if isinstance(node, ast.FunctionDef)]
    assert unused_variables(fn) == []


def test_model_written_inputs_are_read_by_the_literal_reader() -> None:
    spec = L1
    code = "def f(a):\n    return len(a)\n"
    assert not any(
        "literal" in v for v in check_program(code, spec, "str.replace", "'ab'").violations
    )
    for source in ("__import__('os')", "[1] * 10**9", "x", "*[1]"):
        report = check_program(code, spec, "str.replace", source)
        assert "the input is not a list of Python literals" in report.violations, source
    assert (
        "the input passes arguments by keyword"
        in check_program(code, spec, "str.replace", "a='ab'").violations
    )
