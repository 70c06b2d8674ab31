"""Measured difficulty of a traced program.

Every kept program records, from its code and the trace of its primary call:

- ``trace_length``: executed lines (``line`` events in every frame);
- ``max_nesting``: the deepest stack of nesting constructs around any node of a function
  body, counting each enclosing ``if`` / ``for`` / ``while`` (an ``elif`` at its ``if``'s
  depth) and each enclosing call (a node inside a call's receiver or arguments);
- ``distinct_constructs``: distinct kinds of statement, operator, comparison, subscript,
  lambda and called name;
- ``branches_taken``: distinct branch outcomes the run took, an outcome being a branch
  line (``if`` / ``elif`` / ``while`` / ``for``) and the next line its frame ran;
- ``branch_coverage``: ``branches_taken`` over two outcomes per branch line (1.0 when
  there is none);
- ``call_depth``: the deepest stack of the program's own frames (``f`` alone is 1);
- ``statements``: statements in function bodies.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

METRICS = (
    "trace_length",
    "max_nesting",
    "distinct_constructs",
    "branches_taken",
    "branch_coverage",
    "call_depth",
    "statements",
)


@functools.lru_cache(maxsize=4096)
def static_profile(code: str) -> tuple[frozenset[int], int, int, int]:
    """Branch lines, maximum nesting, distinct constructs and statements of ``code``."""
    tree = ast.parse(code)
    functions = [n for n in tree.body if isinstance(n, ast.FunctionDef)]
    branch_lines: set[int] = set()
    constructs: set[str] = set()
    statements = 0
    for fn in functions:
        for node in ast.walk(fn):
            if isinstance(node, ast.stmt) and not isinstance(node, ast.FunctionDef):
                statements += 1
            if isinstance(node, (ast.If, ast.While, ast.For)):
                branch_lines.add(node.lineno)
            label = _construct(node)
            if label:
                constructs.add(label)
    nesting = max((_deepest(fn.body, 0) for fn in functions), default=0)
    return frozenset(branch_lines), nesting, len(constructs), statements


def _construct(node: ast.AST) -> str | None:
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "?")
        return f"call:{name}"
    if isinstance(node, (ast.BinOp, ast.AugAssign)):
        return f"{type(node).__name__}:{type(node.op).__name__}"
    if isinstance(node, ast.Compare):
        return "Compare:" + ",".join(type(op).__name__ for op in node.ops)
    if isinstance(node, (ast.BoolOp, ast.UnaryOp)):
        return f"{type(node).__name__}:{type(node.op).__name__}"
    if isinstance(node, (ast.stmt, ast.Subscript, ast.Slice, ast.Lambda)) and not isinstance(
        node, ast.FunctionDef
    ):
        return type(node).__name__
    return None


def _deepest(nodes: Iterable[ast.AST], depth: int) -> int:
    best = depth
    for node in nodes:
        best = max(best, _node_depth(node, depth))
    return best


def _node_depth(node: ast.AST, depth: int) -> int:
    if isinstance(node, ast.If):
        inner = _deepest([node.test], depth)
        inner = max(inner, _deepest(node.body, depth + 1))
        orelse = node.orelse
        is_elif = len(orelse) == 1 and isinstance(orelse[0], ast.If)
        is_elif = is_elif and orelse[0].col_offset == node.col_offset
        return max(inner, _deepest(orelse, depth if is_elif else depth + 1))
    if isinstance(node, (ast.For, ast.While)):
        head = [node.iter, node.target] if isinstance(node, ast.For) else [node.test]
        inner = _deepest(head, depth)
        return max(inner, _deepest(node.body, depth + 1), _deepest(node.orelse, depth + 1))
    if isinstance(node, ast.Call):
        return _deepest(ast.iter_child_nodes(node), depth + 1)
    return _deepest(ast.iter_child_nodes(node), depth)


def branch_arcs(code: str, steps: Iterable[Mapping[str, Any]]) -> set[tuple[int, int]]:
    """Distinct (branch line, next line in the same frame) pairs of a trace's raw steps.

    A frame that ends right after a branch line gives the pair (line, 0).
    """
    return arcs_between(static_profile(code)[0], steps)


def arcs_between(
    branch_lines: frozenset[int], steps: Iterable[Mapping[str, Any]]
) -> set[tuple[int, int]]:
    """:func:`branch_arcs` given the program's branch lines (``static_profile(code)[0]``)."""
    last_line: dict[int, int] = {}
    arcs: set[tuple[int, int]] = set()
    for step in steps:
        frame = int(step["frame"])
        event = step["event"]
        if event == "line":
            previous = last_line.get(frame)
            if previous in branch_lines:
                arcs.add((previous, int(step["line"])))
            last_line[frame] = int(step["line"])
        elif event == "return":
            previous = last_line.get(frame)
            if previous in branch_lines:
                arcs.add((previous, 0))
            last_line.pop(frame, None)
    return arcs


def difficulty_metrics(code: str, steps: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    """The metrics of ``code`` traced as ``steps`` (raw step records or ``Step.model_dump``)."""
    branch_lines, nesting, constructs, statements = static_profile(code)
    arcs = branch_arcs(code, steps)
    possible = 2 * len(branch_lines)
    return {
        "trace_length": sum(1 for step in steps if step["event"] == "line"),
        "max_nesting": nesting,
        "distinct_constructs": constructs,
        "branches_taken": len(arcs),
        "branch_coverage": round(len(arcs) / possible, 4) if possible else 1.0,
        "call_depth": max((int(step["depth"]) for step in steps), default=-1) + 1,
        "statements": statements,
    }
