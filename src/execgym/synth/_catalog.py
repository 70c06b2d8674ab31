"""The catalog of built-in methods, functions and operators the grammar generator draws from.

Every :class:`Operation` is one way to compute a value (or to mutate one) from typed slots:
``"{0}.replace({1}, {2})"`` takes a ``str`` receiver and two ``str`` constants and gives a
``str``. Slot 0 is where data flows in (``primary``); other slots take a constant from a
named pool, a parameter or a variable of their type. Every operation is total on the inputs
the generator feeds it (``max`` with ``default``; ``index``, ``pop`` and ``remove`` behind a
membership or emptiness test, ``xs.index(v) if v in xs else -1``), so a program built from
them raises nothing by construction.

The catalog covers ExecVerify's method pool (its ``data/methods/*.txt``): every named method
of ``str``, ``list``, ``dict``, ``set``, ``tuple`` and ``float`` there, and the built-ins
``enumerate``, ``filter``, ``range``, ``reversed`` and ``zip``, except ``math.ceil`` and
``math.floor`` (a generated program is functions only, with no ``import``). Its operators
(``+``, ``in``, slices, ``|``, ``&``, ...) are glue here: the method under test is a call.

``nest_slot`` marks the slot that can take a call of the same method (through an adapter
such as ``[0]`` or ``+ 1``): that is how the method under test is nested. One
:func:`register` call per operation, beside the definitions; :func:`operations` lists them
and a test walks the whole registry.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

S = "str"
I = "int"  # noqa: E741 - the type's own name
F = "float"
B = "bool"
LI = "list[int]"
LS = "list[str]"
D = "dict[str, int]"
SI = "set[int]"
TI = "tuple[int, ...]"
TS = "tuple[str, ...]"
FN = "function"

VALUE_TYPES = (S, I, F, B, LI, LS, D, SI, TI, TS)
ELEMENT_TYPE = {S: S, LI: I, LS: S, D: S, SI: I, TI: I, TS: S}

CONVERSIONS = frozenset({"list", "set", "tuple", "dict", "str", "int", "float", "bool"})
"""Constructor calls that do not count as methods (``list(reversed(x))`` uses ``reversed``)."""

CONSTANT_POOLS: dict[str, tuple[object, ...]] = {
    "char": ("a", "e", "o", "s", "t", "x", " "),
    "sub": ("a", "an", "e", "is", "o", "on", "x", "ab"),
    "sep": (",", "-", ":", " ", ";"),
    "fill": ("*", "-", ".", "#"),
    "word": ("apple", "box", "cat", "dog", "echo", "gold", "kiwi"),
    "key": ("a", "b", "c", "x", "y"),
    "small": (1, 2, 3, 4, 5),
    "zero": (0,),
    "empty": ("",),
    "width": (6, 8, 10, 12),
    "factor": (2, 3, 4),
    "digits": (1, 2),
    "index": (0, 1, 2),
    "few": (1, 2, 3),
    "float": (0.5, 1.5, 2.0, 2.5),
    "ints": ([1, 2], [3], [0, 5], [2, 4, 6]),
    "strs": (["x"], ["a", "b"], ["kiwi"]),
    "pairs": ({"a": 1}, {"z": 2}, {"b": 0, "c": 5}),
    "fmt": ("[{}]", "<{}>", "{}!", "({})"),
    "fmt_word": ("<{word}>", "{word}!", "[{word}]"),
    "spec_str": (">8", "<8", "^9", "*>7"),
    "spec_int": ("05d", "x", "b", "+d", ">4"),
    "spec_float": (".2f", ".1f", "08.3f", "+.1f"),
    "tr_from": ("ae", "so", "ti"),
    "tr_to": ("xy", "01", "_-"),
}
"""Constant pools: a slot names one; its values are written as Python literals."""

CODE_POOLS: dict[str, tuple[str, ...]] = {
    "pred_int": (
        "lambda value: value % 2 == 0",
        "lambda value: value > 3",
        "lambda value: value % 3 != 0",
        "lambda value: value < 10",
    ),
    "pred_str": (
        "str.isalpha",
        "str.isdigit",
        "str.islower",
        "lambda word: len(word) > 3",
        "lambda word: 'a' in word",
    ),
    "fn_int": ("abs", "lambda value: value * 2", "lambda value: value + 1", "lambda value: -value"),
    "fn_str": ("str.upper", "str.lower", "str.strip", "str.title", "str.capitalize"),
    "table": ("{97: 'e'}", "{32: '_'}", "{111: '0', 101: '3'}"),
}
"""Pools of arguments written as source: functions (for ``map`` and ``filter``) and
translation tables (for ``str.translate``)."""

ROLE_NAMES: dict[str, tuple[str, ...]] = {
    "char": ("char", "symbol", "mark"),
    "sub": ("target", "needle", "pattern", "piece"),
    "sep": ("separator", "delimiter"),
    "fill": ("fill", "padding"),
    "word": ("word", "extra_word", "suffix_word"),
    "key": ("key", "name"),
    "small": ("limit", "amount", "threshold"),
    "width": ("width", "size"),
    "factor": ("factor", "divisor"),
    "digits": ("digits", "places"),
    "index": ("start", "offset"),
    "float": ("rate", "scale"),
    "ints": ("extra", "others"),
    "strs": ("more_words", "additions"),
}
"""Parameter names for a slot filled by a parameter instead of a constant of that pool."""


@dataclass(frozen=True)
class Slot:
    """One operand: its type, the constant pool it may draw from, whether a value may fill it."""

    type: str
    const: str | None = None
    value_ok: bool = True


@dataclass(frozen=True)
class Operation:
    """One built-in method, function or operator use, with the types it takes and gives.

    ``method`` is the name a spec uses (``"str.replace"``, ``"sorted"``, ``"+"``);
    ``result`` is ``None`` for a mutating call written as a statement (it mutates slot 0).
    ``nouns`` name a variable holding the result; ``verb`` names a helper function doing it.
    ``nonempty``: the result always has an item (so ``[0]`` is safe). ``idempotent``:
    applying it twice in a row is pointless, so it nests only through a slice. ``empties``:
    a mutating call that empties its receiver (``clear``), used only on a value the program
    has moved on from. ``called`` are the names the rendered code calls, other than
    conversions (filled in by :func:`register`).
    """

    key: str
    method: str
    template: str
    slots: tuple[Slot, ...]
    result: str | None
    nouns: tuple[str, ...] = ()
    verb: str = ""
    nest_slot: int | None = None
    nonempty: bool = False
    idempotent: bool = False
    empties: bool = False
    called: frozenset[str] = field(default=frozenset())

    @property
    def is_operator(self) -> bool:
        return not self.called

    def render(self, operands: list[str]) -> str:
        """The source of this operation on ``operands`` (each one parenthesised)."""
        return self.template.format(*(_wrap(o) for o in operands))


def _wrap(source: str) -> str:
    # Redundant parentheses are dropped when the program is unparsed.
    if source.isidentifier():
        return source
    return f"({source})"


_REGISTRY: dict[str, Operation] = {}


def register(operation: Operation) -> Operation:
    """Add ``operation`` to the catalog (its ``called`` names are read from its template)."""
    if operation.key in _REGISTRY:
        raise ValueError(f"operation {operation.key!r} is registered twice")
    names = [f"_v{i}" for i in range(len(operation.slots))]
    tree = ast.parse(operation.template.format(*names), mode="eval")
    called = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                called.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                called.add(node.func.attr)
    registered = Operation(
        **{
            **{f: getattr(operation, f) for f in operation.__dataclass_fields__},
            "called": frozenset(called - CONVERSIONS),
        }
    )
    _REGISTRY[registered.key] = registered
    return registered


def operations() -> list[Operation]:
    """Every registered operation, in registration order."""
    return list(_REGISTRY.values())


def operation(key: str) -> Operation:
    return _REGISTRY[key]


def methods() -> list[str]:
    """The distinct method names of the catalog (operators left out)."""
    seen: dict[str, None] = {}
    for op in _REGISTRY.values():
        if not op.is_operator:
            seen.setdefault(op.method)
    return list(seen)


def short_name(method: str) -> str:
    """The name a call site shows: ``"str.replace"`` → ``"replace"``, ``"sorted"`` → itself."""
    return method.rsplit(".", 1)[-1]


def _op(
    key: str,
    template: str,
    slots: list[Slot | str],
    result: str | None,
    nouns: str = "",
    verb: str = "",
    *,
    method: str | None = None,
    nest: int | None = None,
    nonempty: bool = False,
    idempotent: bool = False,
    empties: bool = False,
) -> Operation:
    return register(
        Operation(
            key=key,
            method=method or key.split("/", 1)[0],
            template=template,
            slots=tuple(s if isinstance(s, Slot) else Slot(s) for s in slots),
            result=result,
            nouns=tuple(nouns.split()),
            verb=verb,
            nest_slot=nest,
            nonempty=nonempty,
            idempotent=idempotent,
            empties=empties,
        )
    )


def _c(type_: str, pool: str, value_ok: bool = True) -> Slot:
    return Slot(type_, pool, value_ok)


# ---- str ---------------------------------------------------------------------------------
_op("str.upper", "{0}.upper()", [S], S, "upper_text loud", "shout")
_op("str.lower", "{0}.lower()", [S], S, "lower_text quiet", "lowercase")
_op("str.title", "{0}.title()", [S], S, "titled heading", "titlecase")
_op("str.capitalize", "{0}.capitalize()", [S], S, "capitalized", "capitalize")
_op("str.swapcase", "{0}.swapcase()", [S], S, "swapped", "swap_case")
_op("str.casefold", "{0}.casefold()", [S], S, "folded", "fold")
_op("str.strip", "{0}.strip()", [S], S, "trimmed stripped", "trim")
_op("str.strip/chars", "{0}.strip({1})", [S, _c(S, "char")], S, "trimmed stripped", "trim", nest=0)
_op(
    "str.lstrip/chars",
    "{0}.lstrip({1})",
    [S, _c(S, "char")],
    S,
    "left_trimmed",
    "trim_left",
    nest=0,
)
_op(
    "str.rstrip/chars",
    "{0}.rstrip({1})",
    [S, _c(S, "char")],
    S,
    "right_trimmed",
    "trim_right",
    nest=0,
)
_op(
    "str.replace",
    "{0}.replace({1}, {2})",
    [S, _c(S, "sub"), _c(S, "sub")],
    S,
    "replaced cleaned",
    "swap_parts",
    nest=0,
)
_op(
    "str.replace/count",
    "{0}.replace({1}, {2}, {3})",
    [S, _c(S, "sub"), _c(S, "sub"), _c(I, "index", False)],
    S,
    "replaced edited",
    "swap_parts",
    nest=0,
)
_op(
    "str.center",
    "{0}.center({1}, {2})",
    [S, _c(I, "width"), _c(S, "fill")],
    S,
    "centered framed",
    "center",
    nest=0,
)
_op(
    "str.ljust",
    "{0}.ljust({1}, {2})",
    [S, _c(I, "width"), _c(S, "fill")],
    S,
    "padded left_aligned",
    "pad_right",
    nest=0,
)
_op(
    "str.rjust",
    "{0}.rjust({1}, {2})",
    [S, _c(I, "width"), _c(S, "fill")],
    S,
    "padded right_aligned",
    "pad_left",
    nest=0,
)
_op("str.zfill", "{0}.zfill({1})", [S, _c(I, "width")], S, "zero_padded", "zero_pad", nest=0)
_op(
    "str.removeprefix",
    "{0}.removeprefix({1})",
    [S, _c(S, "sub")],
    S,
    "remainder rest",
    "drop_prefix",
    nest=0,
)
_op(
    "str.removesuffix",
    "{0}.removesuffix({1})",
    [S, _c(S, "sub")],
    S,
    "stem base",
    "drop_suffix",
    nest=0,
)
_op("str.split", "{0}.split()", [S], LS, "words tokens", "split_words")
_op(
    "str.split/sep",
    "{0}.split({1})",
    [S, _c(S, "sep")],
    LS,
    "parts fields pieces",
    "split_fields",
    nest=0,
    nonempty=True,
)
_op(
    "str.rsplit/sep",
    "{0}.rsplit({1}, 1)",
    [S, _c(S, "sep")],
    LS,
    "halves",
    "split_last",
    nest=0,
    nonempty=True,
)
_op("str.splitlines", "{0}.splitlines()", [S], LS, "lines rows", "split_lines")
_op(
    "str.partition",
    "{0}.partition({1})",
    [S, _c(S, "sep")],
    TS,
    "sections",
    "cut",
    nest=0,
    nonempty=True,
)
_op(
    "str.rpartition",
    "{0}.rpartition({1})",
    [S, _c(S, "sep")],
    TS,
    "sections",
    "cut_last",
    nest=0,
    nonempty=True,
)
_op("str.count", "{0}.count({1})", [S, _c(S, "sub")], I, "occurrences hits", "count_hits")
_op(
    "str.count/start",
    "{0}.count({1}, {2})",
    [S, _c(S, "sub"), _c(I, "index")],
    I,
    "occurrences later_hits",
    "count_hits",
    nest=2,
)
_op("str.find", "{0}.find({1})", [S, _c(S, "sub")], I, "position found_at", "locate")
_op(
    "str.find/start",
    "{0}.find({1}, {2})",
    [S, _c(S, "sub"), _c(I, "index")],
    I,
    "position next_position",
    "locate",
    nest=2,
)
_op("str.rfind", "{0}.rfind({1})", [S, _c(S, "sub")], I, "last_position", "locate_last")
_op(
    "str.rfind/start",
    "{0}.rfind({1}, {2})",
    [S, _c(S, "sub"), _c(I, "index")],
    I,
    "last_position",
    "locate_last",
    nest=2,
)
_op(
    "str.startswith",
    "{0}.startswith({1})",
    [S, _c(S, "sub")],
    B,
    "starts has_prefix",
    "starts_with",
)
_op("str.endswith", "{0}.endswith({1})", [S, _c(S, "sub")], B, "ends has_suffix", "ends_with")
_op("str.isdigit", "{0}.isdigit()", [S], B, "all_digits", "is_number")
_op("str.isalpha", "{0}.isalpha()", [S], B, "all_letters", "is_word")
_op("str.isupper", "{0}.isupper()", [S], B, "shouting", "is_loud")
_op("str.islower", "{0}.islower()", [S], B, "all_lower", "is_quiet")
_op("str.isalnum", "{0}.isalnum()", [S], B, "alphanumeric", "is_plain")
_op("str.join", "{1}.join({0})", [LS, _c(S, "sep", False)], S, "joined sentence", "join_words")
_op("len/str", "len({0})", [S], I, "length size", "measure")
_op("sorted/str", "sorted({0})", [S], LS, "letters sorted_chars", "sort_letters")
_op("in/str", "{1} in {0}", [S, _c(S, "sub")], B, "present contains", "contains")
_op("+/str", "{0} + {1}", [S, _c(S, "word")], S, "combined extended", "extend")
_op("*/str", "{0} * {1}", [S, _c(I, "factor", False)], S, "repeated", "repeat")
_op("slice/str", "{0}[::-1]", [S], S, "reversed_text mirrored", "mirror")

# ---- list[int] ---------------------------------------------------------------------------
_op(
    "list.count/int",
    "{0}.count({1})",
    [LI, _c(I, "small")],
    I,
    "matches occurrences",
    "count_value",
    method="list.count",
)
_op("list.copy/int", "{0}.copy()", [LI], LI, "copied snapshot", "copy_values", method="list.copy")
_op("list.append/int", "{0}.append({1})", [LI, _c(I, "small")], None, method="list.append")
_op("list.extend/int", "{0}.extend({1})", [LI, _c(LI, "ints")], None, method="list.extend")
_op(
    "list.insert/int",
    "{0}.insert({1}, {2})",
    [LI, _c(I, "index", False), _c(I, "small")],
    None,
    method="list.insert",
)
_op("list.reverse/int", "{0}.reverse()", [LI], None, method="list.reverse")
_op("list.sort/int", "{0}.sort()", [LI], None, method="list.sort")
_op("list.sort/int-desc", "{0}.sort(reverse=True)", [LI], None, method="list.sort")
_op("len/list-int", "len({0})", [LI], I, "length size", "measure", method="len")
_op("sum/list-int", "sum({0})", [LI], I, "total", "add_up", method="sum")
_op(
    "max/list-int",
    "max({0}, default={1})",
    [LI, _c(I, "zero", False)],
    I,
    "largest peak",
    "find_largest",
    method="max",
)
_op(
    "min/list-int",
    "min({0}, default={1})",
    [LI, _c(I, "zero", False)],
    I,
    "smallest lowest",
    "find_smallest",
    method="min",
)
_op(
    "sorted/list-int",
    "sorted({0})",
    [LI],
    LI,
    "ordered ranked",
    "order",
    method="sorted",
    nest=0,
    idempotent=True,
)
_op(
    "sorted/list-int-desc",
    "sorted({0}, reverse=True)",
    [LI],
    LI,
    "descending ranked",
    "order_down",
    method="sorted",
    nest=0,
    idempotent=True,
)
_op(
    "reversed/list-int",
    "list(reversed({0}))",
    [LI],
    LI,
    "backwards flipped",
    "flip",
    method="reversed",
    nest=0,
    idempotent=True,
)
_op(
    "filter/list-int",
    "list(filter({1}, {0}))",
    [LI, _c(FN, "pred_int", False)],
    LI,
    "kept filtered",
    "keep_some",
    method="filter",
    nest=0,
)
_op(
    "map/list-int",
    "list(map({1}, {0}))",
    [LI, _c(FN, "fn_int", False)],
    LI,
    "mapped adjusted",
    "adjust",
    method="map",
    nest=0,
)
_op(
    "map/list-int-str", "list(map(str, {0}))", [LI], LS, "labels digits_text", "label", method="map"
)
_op("set/list-int", "set({0})", [LI], SI, "unique distinct", "deduplicate", method="set")
_op("tuple/list-int", "tuple({0})", [LI], TI, "frozen fixed", "freeze", method="tuple")
_op(
    "+/list-int",
    "{0} + {1}",
    [LI, _c(LI, "ints")],
    LI,
    "joined_values extended",
    "extend",
    method="+",
)
_op(
    "in/list-int",
    "{1} in {0}",
    [LI, _c(I, "small")],
    B,
    "present included",
    "contains",
    method="in",
)
_op(
    "slice/list-int",
    "{0}[{1}:]",
    [LI, _c(I, "index")],
    LI,
    "tail rest",
    "drop_first",
    method="slice",
)
_op(
    "zip/list-int",
    "dict(zip({1}, {0}))",
    [LI, _c(LS, "strs", False)],
    D,
    "lookup paired",
    "pair_up",
    method="zip",
)

# ---- list[str] ---------------------------------------------------------------------------
_op(
    "list.count/str",
    "{0}.count({1})",
    [LS, _c(S, "word")],
    I,
    "matches occurrences",
    "count_word",
    method="list.count",
)
_op("list.copy/str", "{0}.copy()", [LS], LS, "copied snapshot", "copy_words", method="list.copy")
_op("list.append/str", "{0}.append({1})", [LS, _c(S, "word")], None, method="list.append")
_op("list.extend/str", "{0}.extend({1})", [LS, _c(LS, "strs")], None, method="list.extend")
_op(
    "list.insert/str",
    "{0}.insert({1}, {2})",
    [LS, _c(I, "index", False), _c(S, "word")],
    None,
    method="list.insert",
)
_op("list.reverse/str", "{0}.reverse()", [LS], None, method="list.reverse")
_op("list.sort/str", "{0}.sort()", [LS], None, method="list.sort")
_op("len/list-str", "len({0})", [LS], I, "length size", "measure", method="len")
_op(
    "sorted/list-str",
    "sorted({0})",
    [LS],
    LS,
    "ordered alphabetical",
    "order",
    method="sorted",
    nest=0,
    idempotent=True,
)
_op(
    "sorted/list-str-len",
    "sorted({0}, key=len)",
    [LS],
    LS,
    "by_length",
    "order_by_length",
    method="sorted",
    nest=0,
    idempotent=True,
)
_op(
    "reversed/list-str",
    "list(reversed({0}))",
    [LS],
    LS,
    "backwards flipped",
    "flip",
    method="reversed",
    nest=0,
    idempotent=True,
)
_op(
    "filter/list-str",
    "list(filter({1}, {0}))",
    [LS, _c(FN, "pred_str", False)],
    LS,
    "kept selected",
    "keep_some",
    method="filter",
    nest=0,
)
_op(
    "map/list-str",
    "list(map({1}, {0}))",
    [LS, _c(FN, "fn_str", False)],
    LS,
    "normalized converted",
    "convert",
    method="map",
    nest=0,
)
_op(
    "map/list-str-len",
    "list(map(len, {0}))",
    [LS],
    LI,
    "lengths sizes",
    "measure_all",
    method="map",
)
_op(
    "max/list-str",
    "max({0}, key=len, default={1})",
    [LS, _c(S, "empty", False)],
    S,
    "longest",
    "find_longest",
    method="max",
)
_op(
    "min/list-str",
    "min({0}, key=len, default={1})",
    [LS, _c(S, "empty", False)],
    S,
    "shortest",
    "find_shortest",
    method="min",
)
_op(
    "dict.fromkeys",
    "dict.fromkeys({0}, {1})",
    [LS, _c(I, "zero")],
    D,
    "defaults table",
    "make_table",
)
_op("in/list-str", "{1} in {0}", [LS, _c(S, "word")], B, "present listed", "contains", method="in")
_op(
    "slice/list-str",
    "{0}[{1}:]",
    [LS, _c(I, "index")],
    LS,
    "tail rest",
    "drop_first",
    method="slice",
)

# ---- dict[str, int] ----------------------------------------------------------------------
_op(
    "dict.get",
    "{0}.get({1}, {2})",
    [D, _c(S, "key"), _c(I, "zero")],
    I,
    "amount looked_up",
    "look_up",
    nest=2,
)
_op("dict.keys", "list({0}.keys())", [D], LS, "keys names", "list_keys")
_op("dict.values", "list({0}.values())", [D], LI, "amounts quantities", "list_amounts")
_op("dict.copy", "{0}.copy()", [D], D, "copied snapshot", "copy_table")
_op("dict.update", "{0}.update({1})", [D, _c(D, "pairs", False)], None)
_op("len/dict", "len({0})", [D], I, "entries size", "measure", method="len")
_op("sorted/dict", "sorted({0})", [D], LS, "sorted_keys", "order_keys", method="sorted")
_op("in/dict", "{1} in {0}", [D, _c(S, "key")], B, "present known", "contains", method="in")

# ---- set[int] ----------------------------------------------------------------------------
_op("set.union", "{0}.union({1})", [SI, _c(LI, "ints")], SI, "combined merged", "merge", nest=0)
_op(
    "set.intersection",
    "{0}.intersection({1})",
    [SI, _c(LI, "ints")],
    SI,
    "common shared",
    "keep_common",
    nest=0,
)
_op(
    "set.difference",
    "{0}.difference({1})",
    [SI, _c(LI, "ints")],
    SI,
    "remaining missing",
    "remove_known",
    nest=0,
)
_op(
    "set.symmetric_difference",
    "{0}.symmetric_difference({1})",
    [SI, _c(LI, "ints")],
    SI,
    "differing",
    "differ",
    nest=0,
)
_op("set.issubset", "{0}.issubset({1})", [SI, _c(LI, "ints")], B, "contained", "is_within")
_op("set.isdisjoint", "{0}.isdisjoint({1})", [SI, _c(LI, "ints")], B, "separate", "is_apart")
_op("set.add", "{0}.add({1})", [SI, _c(I, "small")], None)
_op("set.discard", "{0}.discard({1})", [SI, _c(I, "small")], None)
_op("sorted/set", "sorted({0})", [SI], LI, "ordered ranked", "order", method="sorted")
_op("len/set", "len({0})", [SI], I, "distinct_count size", "measure", method="len")
_op("sum/set", "sum({0})", [SI], I, "total", "add_up", method="sum")
_op("in/set", "{1} in {0}", [SI, _c(I, "small")], B, "present seen_before", "contains", method="in")

# ---- tuple[int, ...] ---------------------------------------------------------------------
_op("tuple.count", "{0}.count({1})", [TI, _c(I, "small")], I, "matches occurrences", "count_value")
_op("sum/tuple", "sum({0})", [TI], I, "total", "add_up", method="sum")
_op("sorted/tuple", "sorted({0})", [TI], LI, "ordered ranked", "order", method="sorted")
_op(
    "max/tuple",
    "max({0}, default={1})",
    [TI, _c(I, "zero", False)],
    I,
    "largest",
    "find_largest",
    method="max",
)

# ---- tuple[str, ...] ---------------------------------------------------------------------
_op(
    "str.join/tuple",
    "{1}.join({0})",
    [TS, _c(S, "sep", False)],
    S,
    "joined rejoined",
    "join_parts",
    method="str.join",
)
_op("sorted/tuple-str", "sorted({0})", [TS], LS, "ordered alphabetical", "order", method="sorted")
_op(
    "tuple.count/str",
    "{0}.count({1})",
    [TS, _c(S, "sub")],
    I,
    "matches occurrences",
    "count_part",
    method="tuple.count",
)
_op("list/tuple-str", "list({0})", [TS], LS, "sections_list", "to_list", method="list")

# ---- int and float -----------------------------------------------------------------------
_op("abs/int", "abs({0})", [I], I, "magnitude distance", "magnitude", method="abs")
_op(
    "max/int",
    "max({0}, {1})",
    [I, _c(I, "small")],
    I,
    "bounded larger",
    "at_least",
    method="max",
    nest=0,
)
_op(
    "min/int",
    "min({0}, {1})",
    [I, _c(I, "small")],
    I,
    "capped smaller",
    "at_most",
    method="min",
    nest=0,
)
_op(
    "divmod",
    "divmod({0}, {1})",
    [I, _c(I, "factor", False)],
    TI,
    "division quotient_pair",
    "divide",
    nest=0,
    nonempty=True,
)
_op("int.bit_length", "{0}.bit_length()", [I], I, "bits", "count_bits")
_op("pow/int", "pow({0}, 2)", [I], I, "squared", "square", method="pow")
_op("str/int", "str({0})", [I], S, "digits_text as_text", "spell", method="str")
_op("+/int", "{0} + {1}", [I, _c(I, "small")], I, "raised shifted", "shift", method="+")
_op("-/int", "{0} - {1}", [I, _c(I, "small")], I, "lowered reduced", "reduce", method="-")
_op("*/int", "{0} * {1}", [I, _c(I, "factor")], I, "scaled multiplied", "scale", method="*")
_op("//", "{0} // {1}", [I, _c(I, "factor", False)], I, "quotient halved", "divide_down")
_op("%", "{0} % {1}", [I, _c(I, "factor", False)], I, "remainder leftover", "wrap")
_op("/", "{0} / {1}", [I, _c(I, "factor", False)], F, "ratio share", "divide")
_op("round", "round({0}, {1})", [F, _c(I, "digits", False)], F, "rounded", "round_off", nest=0)
_op("round/int", "round({0})", [F], I, "whole nearest", "nearest", method="round")
_op("float.is_integer", "{0}.is_integer()", [F], B, "is_whole", "is_whole")
_op("abs/float", "abs({0})", [F], F, "magnitude", "magnitude", method="abs")
_op(
    "max/float",
    "max({0}, {1})",
    [F, _c(F, "float")],
    F,
    "bounded larger",
    "at_least",
    method="max",
    nest=0,
)
_op(
    "min/float",
    "min({0}, {1})",
    [F, _c(F, "float")],
    F,
    "capped smaller",
    "at_most",
    method="min",
    nest=0,
)
_op("*/float", "{0} * {1}", [F, _c(F, "float")], F, "scaled product", "scale", method="*")
_op("int/float", "int({0})", [F], I, "truncated whole_part", "truncate", method="int")


# ---- the rest of ExecVerify's method pool -----------------------------------------------------
# str
_op("str.format", "{1}.format({0})", [S, _c(S, "fmt", False)], S, "formatted", "decorate", nest=0)
_op(
    "str.format_map",
    "{1}.format_map({{'word': {0}}})",
    [S, _c(S, "fmt_word", False)],
    S,
    "filled",
    "fill_in",
    nest=0,
)
_op("format/str", "format({0}, {1})", [S, _c(S, "spec_str", False)], S, "aligned", "align",
    method="format", nest=0)  # fmt: skip
_op("format/int", "format({0}, {1})", [I, _c(S, "spec_int", False)], S, "formatted",
    "format_number", method="format")  # fmt: skip
_op("format/float", "format({0}, {1})", [F, _c(S, "spec_float", False)], S, "formatted",
    "format_amount", method="format")  # fmt: skip
_op("str.encode", "list({0}.encode())", [S], LI, "codes byte_values", "encode")
_op("str.expandtabs", "{0}.expandtabs({1})", [S, _c(I, "width")], S, "expanded", "expand",
    nest=0)  # fmt: skip
_op("str.translate", "{0}.translate({1})", [S, _c(FN, "table", False)], S, "translated",
    "translate", nest=0)  # fmt: skip
_op(
    "str.maketrans",
    "{0}.translate(str.maketrans({1}, {2}))",
    [S, _c(S, "tr_from", False), _c(S, "tr_to", False)],
    S,
    "translated",
    "translate",
)
_op("str.index", "{0}.index({1}) if {1} in {0} else -1", [S, _c(S, "sub")], I, "position",
    "locate")  # fmt: skip
_op("str.rindex", "{0}.rindex({1}) if {1} in {0} else -1", [S, _c(S, "sub")], I,
    "last_position", "locate_last")  # fmt: skip
_op("str.isascii", "{0}.isascii()", [S], B, "plain_ascii", "is_ascii")
_op("str.isdecimal", "{0}.isdecimal()", [S], B, "all_decimal", "is_decimal")
_op("str.isidentifier", "{0}.isidentifier()", [S], B, "valid_name", "is_name")
_op("str.isnumeric", "{0}.isnumeric()", [S], B, "all_numeric", "is_numeric")
_op("str.isprintable", "{0}.isprintable()", [S], B, "printable", "is_printable")
_op("str.isspace", "{0}.isspace()", [S], B, "blank", "is_blank")
_op("str.istitle", "{0}.istitle()", [S], B, "titled_case", "is_title")

# list
for _type, _pool, _name in ((LI, "small", "int"), (LS, "word", "str")):
    _op(f"list.index/{_name}", "{0}.index({1}) if {1} in {0} else -1",
        [_type, _c(ELEMENT_TYPE[_type], _pool)], I, "position", "locate",
        method="list.index")  # fmt: skip
    _op(f"list.pop/{_name}", "{0}.pop() if {0} else {1}",
        [_type, _c(ELEMENT_TYPE[_type], "zero" if _type == LI else "empty", False)],
        ELEMENT_TYPE[_type], "last_item popped", "take_last", method="list.pop")  # fmt: skip
    _op(f"list.remove/{_name}", "{0}.remove({1}) if {1} in {0} else None",
        [_type, _c(ELEMENT_TYPE[_type], _pool)], None, method="list.remove")  # fmt: skip
    _op(f"list.clear/{_name}", "{0}.clear()", [_type], None, method="list.clear", empties=True)
_op("*/list-int", "{0} * {1}", [LI, _c(I, "factor", False)], LI, "repeated", "repeat",
    method="*")  # fmt: skip

# dict
_op(
    "dict.items",
    "{{entry_key: entry_value + {1} for entry_key, entry_value in {0}.items()}}",
    [D, _c(I, "small")],
    D,
    "raised adjusted",
    "raise_all",
    nest=0,
)
_op(
    "dict.items/keys",
    "[entry_key for entry_key, entry_value in {0}.items() if entry_value > {1}]",
    [D, _c(I, "small")],
    LS,
    "large_keys",
    "keys_above",
)
_op("dict.pop", "{0}.pop({1}, {2})", [D, _c(S, "key"), _c(I, "zero")], I, "removed_amount",
    "take_out", nest=2)  # fmt: skip
_op("dict.popitem", "{0}.popitem()[1] if {0} else {1}", [D, _c(I, "zero", False)], I,
    "last_amount", "take_last")  # fmt: skip
_op("dict.setdefault", "{0}.setdefault({1}, {2})", [D, _c(S, "key"), _c(I, "zero")], I,
    "stored_amount", "ensure", nest=2)  # fmt: skip
_op("dict.clear", "{0}.clear()", [D], None, empties=True)
_op("|/dict", "{0} | {1}", [D, _c(D, "pairs", False)], D, "merged", "merge", method="|")

# set
_op("set.update", "{0}.update({1})", [SI, _c(LI, "ints")], None)
_op("set.issuperset", "{0}.issuperset({1})", [SI, _c(LI, "ints")], B, "covering", "covers")
_op("set.copy", "{0}.copy()", [SI], SI, "copied snapshot", "copy_ids", idempotent=True)
_op("set.difference_update", "{0}.difference_update({1})", [SI, _c(LI, "ints")], None)
_op("set.intersection_update", "{0}.intersection_update({1})", [SI, _c(LI, "ints")], None)
_op(
    "set.symmetric_difference_update",
    "{0}.symmetric_difference_update({1})",
    [SI, _c(LI, "ints")],
    None,
)
_op("set.pop", "{0}.pop() if {0} else {1}", [SI, _c(I, "zero", False)], I, "taken", "take_one")
_op("set.remove", "{0}.remove({1}) if {1} in {0} else None", [SI, _c(I, "small")], None)
_op("set.clear", "{0}.clear()", [SI], None, empties=True)
for _symbol, _key in (("&", "and"), ("|", "or"), ("-", "minus"), ("^", "xor")):
    _op(f"{_symbol}/set-{_key}", f"{{0}} {_symbol} set({{1}})", [SI, _c(LI, "ints")], SI,
        "combined", "combine", method=_symbol)  # fmt: skip

# tuple and float
_op("tuple.index", "{0}.index({1}) if {1} in {0} else -1", [TI, _c(I, "small")], I, "position",
    "locate")  # fmt: skip
_op("float.as_integer_ratio", "{0}.as_integer_ratio()", [F], TI, "fraction ratio_parts",
    "as_fraction", nonempty=True)  # fmt: skip
_op("float.conjugate", "{0}.conjugate()", [F], F, "conjugated", "conjugate", nest=0)

# enumerate and range (both can be the method under test)
_op("enumerate/list-int", "[elem * idx for idx, elem in enumerate({0})]", [LI], LI, "weighted",
    "weigh", method="enumerate", nest=0)  # fmt: skip
_op("enumerate/list-int-start", "[elem + idx for idx, elem in enumerate({0}, {1})]",
    [LI, _c(I, "index")], LI, "shifted", "shift_each", method="enumerate", nest=0)  # fmt: skip
_op("enumerate/list-str", "[str(idx) + elem for idx, elem in enumerate({0})]", [LS], LS,
    "numbered", "number_each", method="enumerate", nest=0)  # fmt: skip
_op("enumerate/str", "[idx for idx, elem in enumerate({0}) if elem == {1}]", [S, _c(S, "char")],
    LI, "positions", "find_all", method="enumerate")  # fmt: skip
_op("range/list", "list(range({0}))", [I], LI, "steps counting", "count_up", method="range")
_op("range/window", "list(range({0} % {1}, {1}))", [I, _c(I, "factor", False)], LI,
    "window", "window", method="range", nest=0, nonempty=True)  # fmt: skip
_op("range/step", "list(range(0, {0}, {1}))", [I, _c(I, "factor", False)], LI, "strides",
    "stride", method="range")  # fmt: skip
_op("range/sum", "sum(range({0}))", [I], I, "triangle", "sum_below", method="range", nest=0)
