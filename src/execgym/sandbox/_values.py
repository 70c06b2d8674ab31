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


COLLISION_CAP = 64
"""Most elements of one decoded set or dict that may share a hash value. More is never the
work of a real set (building it would have cost the program quadratic time) but of a forged
encoding meant to make the judge's hashing quadratic; such a value is refused."""


def decode_value(data: JSONValue) -> object:
    """Turn the JSON form back into built-in values (in the judging process).

    Untrusted input: the walk is iterative (no recursion however deep), stops at
    ``MAX_NODES`` nodes and ``MAX_DEPTH`` levels, and refuses sets and dicts whose elements
    pile onto one hash value. Raises ``ValueError`` naming what was wrong.
    """
    budget = MAX_NODES
    out: list[object] = []
    tasks: list[tuple[Any, ...]] = [(_VISIT, data, 0)]
    while tasks:
        task = tasks.pop()
        if task[0] is _BUILD:
            _, tag, count = task
            items = out[len(out) - count :] if count else []
            del out[len(out) - count :]
            out.append(_build(tag, items))
            continue
        _, node, depth = task
        budget -= 1
        if budget < 0:
            raise ValueError(f"the value has more than {MAX_NODES} nodes")
        if depth > MAX_DEPTH:
            raise ValueError(f"the value nests deeper than {MAX_DEPTH}")
        if node is None or isinstance(node, (bool, int, float, str)):
            out.append(node)
        elif isinstance(node, list):
            tasks.append((_BUILD, "list", len(node)))
            tasks.extend((_VISIT, item, depth + 1) for item in reversed(node))
        elif isinstance(node, dict) and "$" in node:
            _visit_tagged(node, depth, tasks, out)
        else:
            raise ValueError(f"not an encoded value: {str(node)[:200]}")
    return out[0]


_VISIT = object()
_BUILD = object()
_CONTAINERS = ("tuple", "list", "set", "frozenset")


def _visit_tagged(
    node: dict[str, Any], depth: int, tasks: list[tuple[Any, ...]], out: list[object]
) -> None:
    tag = node["$"]
    if tag in _CONTAINERS:
        items = node.get("v")
        if not isinstance(items, list):
            raise ValueError(f"a {tag} without its items")
        tasks.append((_BUILD, tag, len(items)))
        tasks.extend((_VISIT, item, depth + 1) for item in reversed(items))
    elif tag == "dict":
        pairs = node.get("v")
        if not isinstance(pairs, list) or not all(
            isinstance(p, list) and len(p) == 2 for p in pairs
        ):
            raise ValueError("a dict without its key-value pairs")
        tasks.append((_BUILD, "dict", 2 * len(pairs)))
        for key, value in reversed(pairs):
            tasks.append((_VISIT, value, depth + 1))
            tasks.append((_VISIT, key, depth + 1))
    elif tag == "sub":
        tasks.append((_VISIT, node.get("v"), depth))
    else:
        out.append(_decode_leaf(tag, node))


def _decode_leaf(tag: object, node: dict[str, Any]) -> object:
    try:
        if tag == "int":
            return int(node["hex"], 16)
        if tag == "float":
            return float(node["v"])
        if tag == "bytes":
            return bytes.fromhex(node["hex"])
        if tag == "complex":
            return complex(_decode_float(node["re"]), _decode_float(node["im"]))
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"a malformed {tag} ({type(exc).__name__})") from None
    if tag == "object":
        return Opaque(str(node.get("type", "?"))[:200], str(node.get("repr", ""))[:_REPR_CAP])
    if tag == "too_large":
        return Opaque("too_large", "value exceeded the encoding bound")
    if tag == "invalid":
        return Opaque("invalid", str(node.get("reason", ""))[:_REPR_CAP])
    raise ValueError(f"unknown value tag {str(tag)[:40]!r}")


def _build(tag: str, items: list[object]) -> object:
    if tag == "list":
        return items
    if tag == "tuple":
        return tuple(items)
    if tag == "dict":
        keys = [_hashable(k) for k in items[0::2]]
        _check_hashes(keys, "dict")
        return dict(zip(keys, items[1::2], strict=True))
    elements = [_hashable(item) for item in items]
    _check_hashes(elements, tag)
    return set(elements) if tag == "set" else frozenset(elements)


def _check_hashes(items: list[object], what: str) -> None:
    if len(items) <= COLLISION_CAP:
        return
    counts: dict[int, int] = {}
    for item in items:
        h = hash(item)
        counts[h] = counts.get(h, 0) + 1
    worst = max(counts.values())
    if worst > COLLISION_CAP:
        raise ValueError(f"{worst} elements of a {what} share one hash value")


def _decode_float(data: JSONValue) -> float:
    if isinstance(data, dict):
        return float(data["v"])
    return float(data)


def _hashable(value: object) -> object:
    try:
        hash(value)
    except TypeError:
        return Opaque(type(value).__name__, _safe_repr(value)[:_REPR_CAP])
    return value


def value_repr(data: JSONValue, limit: int = 2000) -> str:
    """A short readable form of an encoded value, for reports."""
    try:
        text = repr(decode_value(data))
    except (ValueError, KeyError, TypeError, RecursionError):
        text = str(data)[:limit]
    return text if len(text) <= limit else text[:limit] + "..."
