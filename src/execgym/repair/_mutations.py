"""Single-site AST mutations of a program: the bugs a careful programmer still makes.

:func:`mutants` gives every program that differs from the original by one mutation (in a
fixed order: the tree's breadth-first walk), each with its kind and where it is:

``operator``
    An arithmetic, bitwise or boolean operator swapped for its usual confusion: ``+``/``-``,
    ``*``/``//``, ``/``→``//``, ``%``→``//``, ``&``/``|``, ``<<``/``>>``, ``and``/``or``
    (in augmented assignments too).
``comparison``
    ``<``/``<=``, ``>``/``>=``, ``==``/``!=``, ``in``/``not in``, ``is``/``is not``.
``off-by-one``
    An integer literal one larger, and one smaller.
``boundary``
    A loop or slice bound moved by one: the stop of ``range(...)``, and each bound written
    in a slice, plus or minus one.
``dropped-statement``
    One statement removed from a block that keeps at least one (never a definition, an
    import, a ``global``/``nonlocal`` or a docstring).

Programs are rebuilt with :func:`ast.unparse`, so comments and layout are not kept; mutants
that unparse to the same text are given once.
"""

from __future__ import annotations

import ast
import copy
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Literal

MutationKind = Literal["operator", "comparison", "off-by-one", "boundary", "dropped-statement"]
MUTATION_KINDS: tuple[MutationKind, ...] = (
    "operator",
    "comparison",
    "off-by-one",
    "boundary",
    "dropped-statement",
)

_OPERATORS: dict[type[ast.AST], type[ast.AST]] = {
    ast.Add: ast.Sub,
    ast.Sub: ast.Add,
    ast.Mult: ast.FloorDiv,
    ast.FloorDiv: ast.Mult,
    ast.Div: ast.FloorDiv,
    ast.Mod: ast.FloorDiv,
    ast.BitAnd: ast.BitOr,
    ast.BitOr: ast.BitAnd,
    ast.LShift: ast.RShift,
    ast.RShift: ast.LShift,
    ast.And: ast.Or,
    ast.Or: ast.And,
}
_COMPARISONS: dict[type[ast.AST], type[ast.AST]] = {
    ast.Lt: ast.LtE,
    ast.LtE: ast.Lt,
    ast.Gt: ast.GtE,
    ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq,
    ast.NotEq: ast.Eq,
    ast.In: ast.NotIn,
    ast.NotIn: ast.In,
    ast.Is: ast.IsNot,
    ast.IsNot: ast.Is,
}
_SYMBOLS = {
    ast.Add: "+", ast.Sub: "-", ast.Mult: "*", ast.FloorDiv: "//", ast.Div: "/", ast.Mod: "%",
    ast.BitAnd: "&", ast.BitOr: "|", ast.LShift: "<<", ast.RShift: ">>", ast.And: "and",
    ast.Or: "or", ast.Lt: "<", ast.LtE: "<=", ast.Gt: ">", ast.GtE: ">=", ast.Eq: "==",
    ast.NotEq: "!=", ast.In: "in", ast.NotIn: "not in", ast.Is: "is", ast.IsNot: "is not",
}  # fmt: skip
_KEPT_STATEMENTS = (
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
    ast.Import,
    ast.ImportFrom,
    ast.Global,
    ast.Nonlocal,
)


@dataclass(frozen=True)
class Mutant:
    """A program one mutation away from the original."""

    code: str
    kind: MutationKind
    description: str
    """What changed and where: ``line 4: < became <=``."""


Edit = Callable[[ast.AST], str | None]
"""Applies one mutation to the node it is given (in a fresh copy of the tree); returns the
description, or ``None`` when it does not apply."""


def mutants(code: str) -> list[Mutant]:
    """Every single-site mutant of ``code`` (see the module docstring); ``[]`` when it does
    not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return []
    original = ast.unparse(tree)
    found: list[Mutant] = []
    seen = {original}
    nodes = list(ast.walk(tree))
    for position, node in enumerate(nodes):
        for kind, edit in _edits(node):
            fresh = copy.deepcopy(tree)
            target = list(ast.walk(fresh))[position]
            description = edit(target)
            if description is None:
                continue
            try:
                mutated = ast.unparse(ast.fix_missing_locations(fresh))
                compile(mutated, "<mutant>", "exec")
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
            if mutated not in seen:
                seen.add(mutated)
                found.append(Mutant(mutated + "\n", kind, description))
    return found


def _edits(node: ast.AST) -> Iterator[tuple[MutationKind, Edit]]:
    if isinstance(node, (ast.BinOp, ast.AugAssign, ast.BoolOp)) and type(node.op) in _OPERATORS:
        yield "operator", _swap_operator
    if isinstance(node, ast.Compare):
        for index, op in enumerate(node.ops):
            if type(op) in _COMPARISONS:
                yield "comparison", _swap_comparison(index)
    if (
        isinstance(node, ast.Constant)
        and isinstance(node.value, int)
        and not isinstance(node.value, bool)
    ):
        yield "off-by-one", _shift_constant(1)
        yield "off-by-one", _shift_constant(-1)
    if _is_range_call(node):
        yield "boundary", _shift_range_stop(1)
        yield "boundary", _shift_range_stop(-1)
    if isinstance(node, ast.Slice):
        for bound in ("lower", "upper"):
            if getattr(node, bound) is not None:
                yield "boundary", _shift_slice(bound, 1)
                yield "boundary", _shift_slice(bound, -1)
    for field in ("body", "orelse", "finalbody"):
        block = getattr(node, field, None)
        if isinstance(block, list) and len(block) >= 2:
            for index, statement in enumerate(block):
                if _droppable(statement, index):
                    yield "dropped-statement", _drop(field, index)


def _line(node: ast.AST) -> int:
    return int(getattr(node, "lineno", 0))


def _swap_operator(node: ast.AST) -> str | None:
    assert isinstance(node, (ast.BinOp, ast.AugAssign, ast.BoolOp))
    old = type(node.op)
    new = _OPERATORS[old]
    node.op = new()  # type: ignore[assignment]
    return f"line {_line(node)}: {_SYMBOLS[old]} became {_SYMBOLS[new]}"


def _swap_comparison(index: int) -> Edit:
    def edit(node: ast.AST) -> str | None:
        assert isinstance(node, ast.Compare)
        old = type(node.ops[index])
        new = _COMPARISONS[old]
        replacement = new()
        assert isinstance(replacement, ast.cmpop)
        node.ops[index] = replacement
        return f"line {_line(node)}: {_SYMBOLS[old]} became {_SYMBOLS[new]}"

    return edit


def _shift_constant(step: int) -> Edit:
    def edit(node: ast.AST) -> str | None:
        assert isinstance(node, ast.Constant) and isinstance(node.value, int)
        old = node.value
        node.value = old + step
        return f"line {_line(node)}: {old} became {old + step}"

    return edit


def _is_range_call(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "range"
        and 1 <= len(node.args) <= 3
        and not node.keywords
    )


def _moved(expression: ast.expr, step: int) -> ast.expr:
    operator: ast.operator = ast.Add() if step > 0 else ast.Sub()
    return ast.BinOp(left=expression, op=operator, right=ast.Constant(abs(step)))


def _shift_range_stop(step: int) -> Edit:
    def edit(node: ast.AST) -> str | None:
        assert isinstance(node, ast.Call)
        position = 0 if len(node.args) == 1 else 1
        node.args[position] = _moved(node.args[position], step)
        return f"line {_line(node)}: the stop of range moved by {step:+d}"

    return edit


def _shift_slice(bound: str, step: int) -> Edit:
    def edit(node: ast.AST) -> str | None:
        assert isinstance(node, ast.Slice)
        value = getattr(node, bound)
        setattr(node, bound, _moved(value, step))
        return f"line {_line(value)}: the {bound} bound of a slice moved by {step:+d}"

    return edit


def _droppable(statement: ast.stmt, index: int) -> bool:
    if isinstance(statement, _KEPT_STATEMENTS):
        return False
    docstring = (
        index == 0
        and isinstance(statement, ast.Expr)
        and isinstance(statement.value, ast.Constant)
        and isinstance(statement.value.value, str)
    )
    return not docstring


def _drop(field: str, index: int) -> Edit:
    def edit(node: ast.AST) -> str | None:
        block: list[ast.stmt] = getattr(node, field)
        statement = block.pop(index)
        return f"line {_line(statement)}: dropped `{_first_line(statement)}`"

    return edit


def _first_line(statement: ast.stmt) -> str:
    text = ast.unparse(statement).split("\n", 1)[0]
    return text if len(text) <= 60 else text[:57] + "..."
