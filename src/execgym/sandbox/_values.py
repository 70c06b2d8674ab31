"""Plain-data encoding of Python values, so return values cross the process boundary as data.

The child encodes what a call returned with :func:`encode_value`; the judging process turns
it back into built-in values with :func:`decode_value`. The encoder only ever walks built-in
types through their base-class C methods, so an untrusted subclass cannot smuggle its own
``__eq__``, ``__iter__`` or ``__repr__`` into the comparison. Anything else is encoded as an
opaque ``{"$": "object"}`` record that no checker will accept as equal to a plain value.

The JSON form (one obvious form, stable across versions):

* ``None``, ``bool``, ``str``, ``float`` (finite) and ``int`` (up to 2**63 in magnitude) are
  JSON natives; ``list`` is a JSON array;
* ``{"$": "int", "hex": "-0x1f"}`` for larger ints (hex is linear-time, unlike decimal);
* ``{"$": "float", "v": "nan" | "inf" | "-inf"}``;
* ``{"$": "tuple" | "set" | "frozenset", "v": [...]}``, ``{"$": "dict", "v": [[k, v], ...]}``;
* ``{"$": "bytes", "hex": "..."}``, ``{"$": "complex", "re": x, "im": y}``;
* ``{"$": "object", "type": "module.Name", "repr": "..."}`` for anything else (not comparable);
* ``{"$": "too_large"}`` when the value exceeds the node budget or nesting depth.

A subclass of a built-in container or scalar (a ``namedtuple``, an ``IntEnum`` member) is
encoded as its base type with ``"cls"`` naming the subclass, for display only.
"""

from __future__ import annotations

import math
from typing import Any

MAX_NODES = 1_000_000
MAX_DEPTH = 100
_SMALL_INT = 2**63
_REPR_CAP = 2000

JSONValue = Any


class TooLarge(Exception):
    """Raised while encoding when a value exceeds the node budget or nesting depth."""


class Opaque:
    """A decoded value that was not plain data in the child: equal to nothing, not even itself."""

    __slots__ = ("repr", "type_name")

    def __init__(self, type_name: str, text: str) -> None:
        self.type_name = type_name
        self.repr = text

    def __eq__(self, other: object) -> bool:
        return False

    def __hash__(self) -> int:
        return id(self)

    def __repr__(self) -> str:
        return f"<unserialisable {self.type_name}: {self.repr}>"


def encode_value(value: object) -> JSONValue:
    """Encode ``value`` into the JSON form above; never raises for any input."""
    budget = [MAX_NODES]
    try:
        return _encode(value, 0, budget)
    except (TooLarge, RecursionError, MemoryError):
        return {"$": "too_large"}


def _encode(value: object, depth: int, budget: list[int]) -> JSONValue:
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_DEPTH:
        raise TooLarge
    kind = type(value)
    if value is None or kind is bool or kind is str:
        return value
    if kind is int:
        return _encode_int(value)  # type: ignore[arg-type]
    if kind is float:
        return _encode_float(value)  # type: ignore[arg-type]
    if kind is list:
        return [_encode(item, depth + 1, budget) for item in value]  # type: ignore[attr-defined]
    return _encode_other(value, kind, depth, budget)


def _encode_other(value: object, kind: type, depth: int, budget: list[int]) -> JSONValue:
    sub = depth + 1
    record: dict[str, JSONValue]
    if isinstance(value, int):  # an int subclass (bool cannot be subclassed)
        return _with_cls(_encode_int(int.__index__(value)), kind, int)
    if isinstance(value, str):
        return _with_cls(str.__str__(value), kind, str)
    if isinstance(value, float):
        return _with_cls(_encode_float(float.__float__(value)), kind, float)
    if isinstance(value, list):
        items = list.__getitem__(value, slice(None))
        return _with_cls([_encode(i, sub, budget) for i in items], kind, list)
    if isinstance(value, tuple):
        items_t = tuple.__getitem__(value, slice(None))
        record = {"$": "tuple", "v": [_encode(i, sub, budget) for i in items_t]}
        return _with_cls(record, kind, tuple)
    if isinstance(value, dict):
        pairs = [[_encode(k, sub, budget), _encode(v, sub, budget)] for k, v in dict.items(value)]
        return _with_cls({"$": "dict", "v": pairs}, kind, dict)
    if isinstance(value, frozenset):
        items_f = [_encode(i, sub, budget) for i in frozenset.__iter__(value)]
        return _with_cls({"$": "frozenset", "v": items_f}, kind, frozenset)
    if isinstance(value, set):
        items_s = [_encode(i, sub, budget) for i in set.__iter__(value)]
        return _with_cls({"$": "set", "v": items_s}, kind, set)
    if isinstance(value, bytes):
        return _with_cls({"$": "bytes", "hex": bytes.hex(value)}, kind, bytes)
    if isinstance(value, complex):
        c = complex.__complex__(value)
        record = {"$": "complex", "re": _encode_float(c.real), "im": _encode_float(c.imag)}
        return _with_cls(record, kind, complex)
    return {"$": "object", "type": _type_name(kind), "repr": _safe_repr(value)}


def _with_cls(encoded: JSONValue, kind: type, base: type) -> JSONValue:
    if kind is base:
        return encoded
    if isinstance(encoded, dict):
        return {**encoded, "cls": _type_name(kind)}
    return {"$": "sub", "cls": _type_name(kind), "v": encoded}


def _encode_int(value: int) -> JSONValue:
    if -_SMALL_INT < value < _SMALL_INT:
        return value
    return {"$": "int", "hex": value.__format__("#x")}


def _encode_float(value: float) -> JSONValue:
    if math.isfinite(value):
        return value
    return {"$": "float", "v": repr(value)}


def _type_name(kind: type) -> str:
    module = getattr(kind, "__module__", "?")
    name = getattr(kind, "__qualname__", "?")
    if not isinstance(module, str) or not isinstance(name, str):
        return "?"
    return name if module == "builtins" else f"{module}.{name}"


def _safe_repr(value: object) -> str:
    try:
        text = repr(value)
    except BaseException:
        return "<repr failed>"
    if type(text) is not str:
        return "<repr failed>"
    return text if len(text) <= _REPR_CAP else text[:_REPR_CAP] + "..."


def decode_value(data: JSONValue) -> object:
    """Turn the JSON form back into built-in values (in the judging process)."""
    if data is None or isinstance(data, (bool, int, float, str)):
        return data
    if isinstance(data, list):
        return [decode_value(item) for item in data]
    if not isinstance(data, dict) or "$" not in data:
        raise ValueError(f"not an encoded value: {data!r:.200}")
    tag = data["$"]
    if tag == "int":
        return int(data["hex"], 16)
    if tag == "float":
        return float(data["v"])
    if tag == "tuple":
        return tuple(decode_value(item) for item in data["v"])
    if tag == "list":
        return [decode_value(item) for item in data["v"]]
    if tag == "set":
        return {_hashable(decode_value(item)) for item in data["v"]}
    if tag == "frozenset":
        return frozenset(_hashable(decode_value(item)) for item in data["v"])
    if tag == "dict":
        return {_hashable(decode_value(k)): decode_value(v) for k, v in data["v"]}
    if tag == "bytes":
        return bytes.fromhex(data["hex"])
    if tag == "complex":
        return complex(_decode_float(data["re"]), _decode_float(data["im"]))
    if tag == "sub":
        return decode_value(data["v"])
    if tag == "object":
        return Opaque(str(data.get("type", "?")), str(data.get("repr", "")))
    if tag == "too_large":
        return Opaque("too_large", "value exceeded the encoding bound")
    raise ValueError(f"unknown value tag {tag!r}")


def _decode_float(data: JSONValue) -> float:
    if isinstance(data, dict):
        return float(data["v"])
    return float(data)


def _hashable(value: object) -> object:
    try:
        hash(value)
    except TypeError:
        return Opaque(type(value).__name__, repr(value)[:_REPR_CAP])
    return value


def value_repr(data: JSONValue, limit: int = 2000) -> str:
    """A short readable form of an encoded value, for reports."""
    try:
        text = repr(decode_value(data))
    except (ValueError, KeyError, TypeError):
        text = str(data)
    return text if len(text) <= limit else text[:limit] + "..."
