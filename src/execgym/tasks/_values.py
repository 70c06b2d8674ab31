"""Value semantics: when an answer's value equals the reference.

Reading is the literal reader of :mod:`._literals` (``parse_literal``: literals only, no code
run, bounded in size, depth and digits). Comparing (:func:`values_match`): type-aware
structural equality (:func:`execgym.sandbox` ``values_equal``): the types must
be the same — ``1``, ``1.0`` and ``True`` all differ, as do ``list`` and ``tuple`` and
``set`` and ``frozenset``; floats (also inside containers) are equal within a relative
tolerance of :data:`REL_TOL` (no absolute tolerance), and ``nan`` equals ``nan``; sets and
frozensets are compared without order; dicts key by key, whatever the key order;
containers recursively. A value nested too deeply to compare is unequal.
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache

from execgym.sandbox import values_equal
from execgym.tasks._extract import top_level_call_arguments
from execgym.tasks._literals import (
    MAX_DEPTH,
    MAX_INT_DIGITS,
    MAX_LITERAL_CHARS,
    LiteralError,
    parse_expression,
    parse_literal,
)

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_LITERAL_CHARS",
    "REL_TOL",
    "LiteralError",
    "calls_function",
    "parse_expression",
    "parse_literal",
    "reference_value",
    "short_repr",
    "values_match",
]

REL_TOL = 1e-6


def calls_function(text: str, name: str) -> bool:
    """Whether ``text`` parses as Python and calls ``name`` somewhere (outside strings)."""
    if not name or len(text) > MAX_LITERAL_CHARS:
        return False
    if re.search(rf"(?<![\w.]){re.escape(name)}\s*\(", text) is None:
        return False
    try:
        tree = parse_expression(text.strip())
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return _calls_by_text(text, name)
    try:
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == name
            ):
                return True
    except RecursionError:
        return False
    return False


def _calls_by_text(text: str, name: str) -> bool:
    # For text that does not parse (``f(3) == 5``, prose): a call outside string literals.
    return top_level_call_arguments(text, name) is not None


@lru_cache(maxsize=65_536)
def _reference(literal: str) -> tuple[bool, object]:
    try:
        return True, parse_literal(literal)
    except LiteralError as exc:
        return False, str(exc)


def reference_value(literal: str) -> object:
    """The value of a reference literal (cached: references repeat across rollouts).

    The cached value is shared: callers must not mutate it.
    """
    ok, value = _reference(literal)
    if not ok:
        raise LiteralError(f"the reference {literal[:80]!r} is not a readable literal: {value}")
    return value


def values_match(answer: object, reference: object) -> bool:
    """Type-aware equality with float tolerance (see the module docstring)."""
    try:
        return values_equal(answer, reference, rel_tol=REL_TOL)
    except RecursionError:
        return False


def short_repr(value: object, limit: int = 80) -> str:
    """A short ``repr`` for reasons."""
    try:
        text = repr(value)
    except (ValueError, RecursionError, MemoryError):
        text = f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."
