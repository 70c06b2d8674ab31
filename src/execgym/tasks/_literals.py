"""Reading Python literals and argument lists from untrusted text, without running code.

:func:`parse_literal` reads one literal expression: ``None``, ``True``/``False``, numbers
(also signed, and complex ``1+2j``), strings and bytes (any quoting), and tuples, lists,
sets and dicts of literals, nested. Beyond :func:`ast.literal_eval` it reads the forms
``repr`` gives for values literal_eval cannot: ``nan``, ``inf``, ``-inf``, ``math.nan``,
``math.inf``, ``float('nan')``/``float('inf')`` (any string ``float`` accepts), ``set()``,
``frozenset()``/``frozenset({...})``, ``tuple()``/``list()``/``set()``/``frozenset()`` of a
literal container, and ``dict()``/``dict(key=value, ...)``. Anything else — a name, an
attribute, a subscript, an operator, a comprehension, a lambda, any other call — is not a
literal, and neither is an unquoted word: ``a`` never matches the string ``'a'``.

:func:`read_arguments` reads an argument list (``1, [2, 3], key='v'``) by the same rules,
each argument one such literal: the strict allowlist an input-prediction answer must pass
before anything runs. The values it returns are plain data, sent to the sandbox as data; no
text of the answer is ever evaluated, in this process or in the program's.

Bounds, so a hostile answer cannot hang the reader: at most :data:`MAX_LITERAL_CHARS`
characters, nesting at most :data:`MAX_DEPTH` deep, and no integer literal longer than
:data:`MAX_INT_DIGITS` decimal digits (Python's own default int/str conversion limit; a
``10**5``-digit literal is rejected in about a millisecond, and still rejected if the
process lifted Python's limit). Every reference the tracer produces is within these bounds.
"""

from __future__ import annotations

import ast
import math
import re
import sys
import warnings
from dataclasses import dataclass, field
from typing import Any

__all__ = [
    "MAX_DEPTH",
    "MAX_INT_DIGITS",
    "MAX_LITERAL_CHARS",
    "Arguments",
    "LiteralError",
    "parse_expression",
    "parse_literal",
    "read_arguments",
]

MAX_LITERAL_CHARS = 100_000
MAX_DEPTH = 100
MAX_INT_DIGITS = 4300

_NAMED = {"nan": math.nan, "inf": math.inf}
_MATH_NAMED = {"nan": math.nan, "inf": math.inf}
_CONTAINER_CALLS = {"set": set, "frozenset": frozenset, "tuple": tuple, "list": list}
_NUMBER_TYPES = (int, float, complex)
_SMALL_INT = re.compile(r"-?(?:0|[1-9][0-9]{0,17})")
_KEYWORDS: dict[str, object] = {"True": True, "False": False, "None": None}
_LONG_DIGITS = re.compile(rf"\d{{{MAX_INT_DIGITS + 1},}}")


def parse_expression(text: str) -> ast.Expression:
    """``ast.parse(text, mode="eval")`` without the compiler's warnings.

    A model's answer may hold invalid escapes (``'\\]'``) or odd syntax the compiler warns
    about; those warnings would flood a training log, so they are silenced here.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(text, mode="eval")


class LiteralError(ValueError):
    """The text is not a Python literal this scorer reads; the message says why."""


def parse_literal(text: str) -> object:
    """The value of one Python literal expression (see the module docstring)."""
    if len(text) > MAX_LITERAL_CHARS:
        raise LiteralError(f"the answer is longer than {MAX_LITERAL_CHARS} characters")
    limit = sys.get_int_max_str_digits()
    if (limit == 0 or limit > MAX_INT_DIGITS) and _LONG_DIGITS.search(text):
        raise LiteralError(f"a number longer than {MAX_INT_DIGITS} digits")
    stripped = text.strip()
    if not stripped:
        raise LiteralError("empty answer")
    if _SMALL_INT.fullmatch(stripped):  # the most common answer, without compiling
        return int(stripped)
    if stripped in _KEYWORDS:
        return _KEYWORDS[stripped]
    try:
        tree = parse_expression(stripped)
    except SyntaxError as exc:
        message = str(exc.msg) if exc.msg else "invalid syntax"
        if "integer string conversion" in message:
            raise LiteralError(f"a number longer than {MAX_INT_DIGITS} digits") from None
        raise LiteralError(f"not a Python literal ({message})") from None
    except (ValueError, RecursionError, MemoryError, OverflowError) as exc:
        raise LiteralError(f"not a Python literal ({type(exc).__name__})") from None
    try:
        return _convert(tree.body, 0)
    except RecursionError:
        raise LiteralError("nested too deeply") from None
    except (TypeError, OverflowError, MemoryError) as exc:
        raise LiteralError(f"not a Python literal ({type(exc).__name__}: {exc})") from None


def _convert(node: ast.expr, depth: int) -> object:
    if depth > MAX_DEPTH:
        raise LiteralError(f"nested more than {MAX_DEPTH} deep")
    kind = type(node)
    if kind is ast.Constant:
        value = node.value  # type: ignore[attr-defined]
        if value is Ellipsis:
            raise LiteralError("'...' is not a value")
        return value
    inner = depth + 1
    if kind is ast.List:
        return [_convert(e, inner) for e in node.elts]  # type: ignore[attr-defined]
    if kind is ast.Tuple:
        return tuple(_convert(e, inner) for e in node.elts)  # type: ignore[attr-defined]
    if kind is ast.Set:
        return {_hashable(_convert(e, inner)) for e in node.elts}  # type: ignore[attr-defined]
    if kind is ast.Dict:
        return _convert_dict(node, inner)  # type: ignore[arg-type]
    if kind is ast.UnaryOp:
        return _convert_unary(node, inner)  # type: ignore[arg-type]
    if kind is ast.BinOp:
        return _convert_complex(node, inner)  # type: ignore[arg-type]
    if kind is ast.Name:
        name = node.id  # type: ignore[attr-defined]
        if name in _NAMED:
            return _NAMED[name]
        raise LiteralError(f"the name {name!r} is not a literal")
    if kind is ast.Attribute:
        value = node.value  # type: ignore[attr-defined]
        attr = node.attr  # type: ignore[attr-defined]
        if isinstance(value, ast.Name) and value.id == "math" and attr in _MATH_NAMED:
            return _MATH_NAMED[attr]
        raise LiteralError("an attribute is not a literal")
    if kind is ast.Call:
        return _convert_call(node, inner)  # type: ignore[arg-type]
    raise LiteralError(f"a {kind.__name__} expression is not a literal")


def _hashable(value: object) -> object:
    try:
        hash(value)
    except TypeError:
        raise LiteralError(f"unhashable {type(value).__name__} in a set or as a key") from None
    return value


def _convert_dict(node: ast.Dict, depth: int) -> dict[object, object]:
    result: dict[object, object] = {}
    for key, value in zip(node.keys, node.values, strict=True):
        if key is None:
            raise LiteralError("'**' unpacking is not a literal")
        result[_hashable(_convert(key, depth))] = _convert(value, depth)
    return result


def _convert_unary(node: ast.UnaryOp, depth: int) -> object:
    operand = _convert(node.operand, depth)
    if type(operand) not in _NUMBER_TYPES:
        raise LiteralError("a sign applies only to a number")
    if isinstance(node.op, ast.USub):
        return -operand  # type: ignore[operator]
    if isinstance(node.op, ast.UAdd):
        return +operand  # type: ignore[operator]
    raise LiteralError("only '+' and '-' may precede a number")


def _convert_complex(node: ast.BinOp, depth: int) -> object:
    # Only ``real +/- imaginary``, as ``repr`` writes a complex number.
    if not isinstance(node.op, (ast.Add, ast.Sub)):
        raise LiteralError("an operator expression is not a literal")
    left = _convert(node.left, depth)
    right = _convert(node.right, depth)
    if type(left) not in (int, float) or type(right) is not complex:
        raise LiteralError("an operator expression is not a literal")
    return left + right if isinstance(node.op, ast.Add) else left - right  # type: ignore[operator]


def _convert_call(node: ast.Call, depth: int) -> object:
    func = node.func
    name = func.id if isinstance(func, ast.Name) else None
    if name == "dict" and node.keywords and not node.args:
        return _keyword_values(node.keywords, depth)
    if name is None or node.keywords or len(node.args) > 1:
        raise LiteralError("a call is not a literal")
    if name == "float" and len(node.args) == 1:
        arg = _convert(node.args[0], depth)
        if type(arg) is str and len(arg) <= 64:
            try:
                return float(arg)
            except ValueError:
                raise LiteralError(f"float({arg!r}) is not a number") from None
        if type(arg) in (int, float):
            return float(arg)  # type: ignore[arg-type]
        raise LiteralError("float() of something that is not a number")
    if name in _CONTAINER_CALLS:
        if not node.args:
            return _CONTAINER_CALLS[name]()
        arg = _convert(node.args[0], depth)
        if type(arg) not in (list, tuple, set, frozenset):
            raise LiteralError(f"{name}() of something that is not a container literal")
        if name in ("set", "frozenset"):
            for element in arg:  # type: ignore[attr-defined]
                _hashable(element)
        return _CONTAINER_CALLS[name](arg)
    if name == "dict" and not node.args:
        return {}
    raise LiteralError("a call is not a literal")


def _keyword_values(keywords: list[ast.keyword], depth: int) -> dict[str, Any]:
    values: dict[str, Any] = {}
    for keyword in keywords:
        if keyword.arg is None:
            raise LiteralError("'**' unpacking is not a literal")
        if keyword.arg in values:
            raise LiteralError(f"the keyword {keyword.arg!r} is repeated")
        values[keyword.arg] = _convert(keyword.value, depth)
    return values


@dataclass(frozen=True)
class Arguments:
    """An argument list read as plain values."""

    args: tuple[Any, ...] = ()
    kwargs: dict[str, Any] = field(default_factory=dict)


_PACKER = "_execgym_arguments_"


def read_arguments(text: str) -> Arguments:
    """The values of an argument list, each argument a literal (see the module docstring);
    raises :class:`LiteralError` naming the first argument that is not."""
    if len(text) > MAX_LITERAL_CHARS:
        raise LiteralError(f"the answer is longer than {MAX_LITERAL_CHARS} characters")
    limit = sys.get_int_max_str_digits()
    if (limit == 0 or limit > MAX_INT_DIGITS) and _LONG_DIGITS.search(text):
        raise LiteralError(f"a number longer than {MAX_INT_DIGITS} digits")
    try:
        call = parse_expression(f"{_PACKER}({text}\n)").body
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        raise LiteralError("not an argument list") from None
    if not (
        isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == _PACKER
    ):
        raise LiteralError("not an argument list")
    try:
        args = []
        for position, node in enumerate(call.args, 1):
            if isinstance(node, ast.Starred):
                raise LiteralError("'*' unpacking is not a literal argument")
            try:
                args.append(_convert(node, 1))
            except LiteralError as exc:
                raise LiteralError(f"argument {position}: {exc}") from None
        return Arguments(tuple(args), _keyword_values(call.keywords, 1))
    except RecursionError:
        raise LiteralError("nested too deeply") from None
    except (TypeError, OverflowError, MemoryError) as exc:
        raise LiteralError(f"not a literal ({type(exc).__name__}: {exc})") from None
