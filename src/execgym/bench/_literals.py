"""Python source text for plain data values, so that tests can carry them as ``args_src`` or
``expected_literal`` (which keep tuples, sets, complex numbers and non-finite floats that JSON
would lose)."""

from __future__ import annotations

import ast
import math


def python_source(value: object) -> str:
    """Source text that evaluates, with only builtins in scope, to a value equal to ``value``.

    Handles ``None``, ``bool``, ``int``, ``float`` (also nan and the infinities), ``complex``,
    ``str``, ``bytes``, ``list``, ``tuple``, ``dict``, ``set`` and ``frozenset``, nested;
    anything else raises ``TypeError``.
    """
    if value is None or isinstance(value, (bool, int, str, bytes)):
        return repr(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "float('nan')"
        if math.isinf(value):
            return "float('inf')" if value > 0 else "-float('inf')"
        return repr(value)
    if isinstance(value, complex):
        return f"complex({python_source(value.real)}, {python_source(value.imag)})"
    if isinstance(value, list):
        return "[" + ", ".join(python_source(item) for item in value) + "]"
    if isinstance(value, tuple):
        items = [python_source(item) for item in value]
        return "(" + ", ".join(items) + ("," if len(items) == 1 else "") + ")"
    if isinstance(value, dict):
        pairs = (f"{python_source(k)}: {python_source(v)}" for k, v in value.items())
        return "{" + ", ".join(pairs) + "}"
    if isinstance(value, frozenset):
        return "frozenset(" + (python_source(set(value)) if value else "") + ")"
    if isinstance(value, set):
        return "{" + ", ".join(python_source(item) for item in value) + "}" if value else "set()"
    raise TypeError(f"no Python source for a value of type {type(value).__name__}")


def literal_source(value: object) -> str | None:
    """:func:`python_source` where ``ast.literal_eval`` reads it back, else ``None`` (nan,
    infinities, frozensets and values of other types have no literal form)."""
    try:
        source = python_source(value)
        ast.literal_eval(source)
    except (TypeError, ValueError, SyntaxError, RecursionError, MemoryError):
        return None
    return source


def args_source(args: list[object] | tuple[object, ...]) -> str:
    """The source of a call's argument list, e.g. ``[1, (2, 3)]`` gives ``"1, (2, 3)"``."""
    return ", ".join(python_source(arg) for arg in args)


def is_json_plain(value: object) -> bool:
    """Whether ``value`` survives a JSON round trip unchanged (finite floats, lists, dicts
    with string keys, and scalars), so a test may carry it as plain JSON."""
    if value is None or isinstance(value, (bool, int, str)):
        return True
    if isinstance(value, float):
        return math.isfinite(value)
    if isinstance(value, list):
        return all(is_json_plain(item) for item in value)
    if isinstance(value, dict):
        return all(isinstance(k, str) and is_json_plain(v) for k, v in value.items())
    return False
