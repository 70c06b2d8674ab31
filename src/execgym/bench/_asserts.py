"""Assert statements (MBPP's tests) as sandbox call tests.

``assert f(<args>) == <literal>`` becomes ``CallTest(fn_name="f", args_src="<args>",
expected_literal="<literal>")``: the child only calls ``f`` and the judging process compares
the returned plain data, so a candidate cannot pass by returning an object whose ``__eq__``
always says yes. Any other assertion (``assert math.isclose(f(x), 1.5)``, ``assert
set(f(x)) == {1, 2}``) becomes ``CallTest(fn_name=HOLDS_HELPER, args_src="<condition>",
expected=True)``, for which the problem's ``test_code`` must define :data:`HOLDS_HELPER`
(:data:`HOLDS_HELPER_CODE`); such a condition is evaluated inside the child, so it trusts the
candidate's objects as the original benchmark does.
"""

from __future__ import annotations

import ast

from execgym.sandbox import CallTest

HOLDS_HELPER = "_execgym_holds"
"""Name of the helper that turns an assert-style condition into a returned ``bool``."""

HOLDS_HELPER_CODE = f"""

def {HOLDS_HELPER}(condition):
    return bool(condition)
"""
"""The helper's definition, for a problem's ``test_code``."""


def call_test_from_assert(source: str) -> CallTest:
    """The call test of one ``assert`` statement; ``ValueError`` if ``source`` is not one."""
    try:
        tree = ast.parse(source.strip())
    except SyntaxError as exc:
        raise ValueError(f"not a Python assert statement: {exc.msg}") from None
    if len(tree.body) != 1 or not isinstance(tree.body[0], ast.Assert):
        raise ValueError("not a single assert statement")
    condition = tree.body[0].test
    comparison = _call_equals_literal(condition)
    if comparison is not None:
        call, expected = comparison
        assert isinstance(call.func, ast.Name)
        return CallTest(
            fn_name=call.func.id,
            args_src=_arguments_source(call),
            expected_literal=ast.unparse(expected),
        )
    return CallTest(fn_name=HOLDS_HELPER, args_src=ast.unparse(condition), expected=True)


def called_function(source: str) -> str | None:
    """The name of the first function an assert statement calls by plain name, if any."""
    try:
        tree = ast.parse(source.strip())
    except SyntaxError:
        return None
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Name)
            and node.func.id not in _BUILTIN_NAMES
        ):
            return node.func.id
    return None


def _call_equals_literal(condition: ast.expr) -> tuple[ast.Call, ast.expr] | None:
    if not (
        isinstance(condition, ast.Compare)
        and len(condition.ops) == 1
        and isinstance(condition.ops[0], ast.Eq)
    ):
        return None
    left, right = condition.left, condition.comparators[0]
    if not (isinstance(left, ast.Call) and isinstance(left.func, ast.Name)):
        return None
    if left.func.id in _BUILTIN_NAMES:
        return None
    try:
        ast.literal_eval(right)
    except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        return None
    return left, right


def _arguments_source(call: ast.Call) -> str:
    parts = [ast.unparse(arg) for arg in call.args]
    for keyword in call.keywords:
        value = ast.unparse(keyword.value)
        parts.append(f"{keyword.arg}={value}" if keyword.arg else f"**{value}")
    return ", ".join(parts)


_BUILTIN_NAMES = frozenset(
    {
        "abs",
        "all",
        "any",
        "bool",
        "dict",
        "float",
        "frozenset",
        "int",
        "isinstance",
        "len",
        "list",
        "max",
        "min",
        "repr",
        "round",
        "set",
        "sorted",
        "str",
        "sum",
        "tuple",
        "type",
    }
)
"""Builtins an assertion wraps around the call under test (``set(f(x)) == ...``)."""
