"""Structural identity of programs: the AST with names and constants canonicalised.

Two programs are duplicates when they differ only in the names they bind (parameters,
variables, loop targets, helper functions, lambda parameters) and in the values of their
constants. Names a program does not bind (``len``, ``sorted``) and attribute names
(``.upper``) are kept, as are ``True``, ``False`` and ``None``; every other constant is
replaced by its type.
"""

from __future__ import annotations

import ast
import hashlib


class _Canonicaliser(ast.NodeTransformer):
    def __init__(self, bound: set[str]) -> None:
        self.bound = bound
        self.mapping: dict[str, str] = {}

    def _name(self, name: str) -> str:
        if name not in self.bound:
            return name
        return self.mapping.setdefault(name, f"v{len(self.mapping)}")

    def visit_Name(self, node: ast.Name) -> ast.AST:
        return ast.Name(id=self._name(node.id), ctx=node.ctx)

    def visit_arg(self, node: ast.arg) -> ast.AST:
        return ast.arg(arg=self._name(node.arg))

    def visit_FunctionDef(self, node: ast.FunctionDef) -> ast.AST:
        node.name = self._name(node.name)
        self.generic_visit(node)
        return node

    def visit_Constant(self, node: ast.Constant) -> ast.AST:
        if node.value is None or isinstance(node.value, bool):
            return node
        return ast.Constant(value=type(node.value).__name__)


def bound_names(tree: ast.AST) -> set[str]:
    """Names the program itself binds: functions, parameters, assignment and loop targets."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef):
            bound.add(node.name)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
    return bound


def normalized_key(code: str) -> str:
    """A short hash of the canonical AST; equal for programs that are duplicates."""
    return tree_key(ast.parse(code))


def tree_key(tree: ast.Module) -> str:
    """:func:`normalized_key` of a parsed program (the tree is rewritten in place)."""
    canonical = _Canonicaliser(bound_names(tree)).visit(tree)
    dump = ast.dump(canonical, annotate_fields=False, include_attributes=False)
    return hashlib.sha256(dump.encode()).hexdigest()[:24]
