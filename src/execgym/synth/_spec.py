"""Constraint specs: what a synthesized program must contain, and how they are read from files.

A :class:`ConstraintSpec` names the method(s) under test and the switchable constraints of
one difficulty level. Both generators (the grammar one and the model-driven one) read the
same spec, and :func:`execgym.synth.check_program` verifies a program against it by reading
the code. A spec is frozen plain data; files (TOML or YAML) hold a table ``levels`` whose
keys are level names and whose values give the fields below (a level may start from another
with ``base = "L5"``).
"""

from __future__ import annotations

import dataclasses
import importlib
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CONTROL_KINDS = ("if", "for", "while", "if-elif")
"""Control-flow constructs a blueprint may name; ``if-elif`` is an ``if`` with an ``elif``."""

INPUT_TYPES = (
    "str",
    "int",
    "float",
    "list[int]",
    "list[str]",
    "dict[str, int]",
    "set[int]",
    "tuple[int, ...]",
)
"""Argument types the input synthesizer can produce (and the checker recognises)."""


class SpecError(ValueError):
    """A constraint spec that cannot be used; the message names the source, level and field."""

    def __init__(self, where: str, field_name: str, problem: str) -> None:
        super().__init__(f"{where}: field {field_name!r}: {problem}")
        self.where = where
        self.field = field_name
        self.problem = problem


@dataclass(frozen=True)
class ConstraintSpec:
    """The constraints of one level.

    Every program is one function ``f`` (plus helpers) with at least one argument and no
    default parameter values.

    - ``methods``: the method(s) under test, as ``"str.replace"`` or ``"sorted"``; one is
      chosen per program. Empty: any catalog method that can satisfy the spec.
    - ``call_nesting``: the method under test is called at least this many times along one
      nesting path of a single expression (``s.replace(a, b).replace(c, d)`` is 2).
    - ``extra_methods`` / ``max_extra_methods``: how many distinct *other* methods and
      built-in functions the program calls (conversions such as ``list`` and ``str`` are not
      counted). ``max_extra_methods=None`` means no upper bound.
    - ``control_depth``: the exact maximum nesting depth of control-flow statements.
      ``control_flow`` optionally fixes the nesting path (outermost first, e.g.
      ``("for", "if")``); otherwise constructs are drawn from ``control_kinds``.
    - ``helper_chain``: the length of the chain of helper functions called from ``f``
      (``f`` calls ``h1``, ``h1`` calls ``h2``: 2).
    - ``min_statements`` / ``max_statements``: statements in all function bodies.
    - ``max_args``; ``input_types``: the types arguments may have; ``max_items``: length
      bound of every list, dict, set and tuple argument; ``max_str_len``: of every string
      argument; ``max_int``: bound of the absolute value of every int argument.
    - ``max_output_chars``: the longest output literal kept.
    - ``allow_exceptions``: keep programs whose call raises (the row records the exception).
    - ``input_candidates``: candidate inputs tried per program when it branches.
    """

    name: str
    description: str = ""
    methods: tuple[str, ...] = ()
    call_nesting: int = 1
    extra_methods: int = 0
    max_extra_methods: int | None = None
    control_depth: int = 0
    control_flow: tuple[str, ...] = ()
    control_kinds: tuple[str, ...] = CONTROL_KINDS
    helper_chain: int = 0
    min_statements: int = 1
    max_statements: int = 16
    max_args: int = 3
    input_types: tuple[str, ...] = INPUT_TYPES
    max_items: int = 6
    max_str_len: int = 32
    max_int: int = 20
    max_output_chars: int = 300
    allow_exceptions: bool = False
    input_candidates: int = 4

    def __post_init__(self) -> None:
        where = f"level {self.name!r}"
        if not self.name or not all(c.isalnum() or c in "_-" for c in self.name):
            raise SpecError(where, "name", "must be letters, digits, '_' or '-'")
        for name in ("call_nesting", "min_statements", "max_args", "max_items", "max_str_len"):
            if getattr(self, name) < 1:
                raise SpecError(where, name, "must be at least 1")
        for name in ("extra_methods", "control_depth", "helper_chain", "max_int"):
            if getattr(self, name) < 0:
                raise SpecError(where, name, "must not be negative")
        if self.max_extra_methods is not None and self.max_extra_methods < self.extra_methods:
            raise SpecError(where, "max_extra_methods", "is below extra_methods")
        if self.max_statements < self.min_statements:
            raise SpecError(where, "max_statements", "is below min_statements")
        if self.control_depth > 3 or self.helper_chain > 3 or self.call_nesting > 4:
            raise SpecError(
                where, "control_depth", "control depth and helper chain go up to 3, nesting to 4"
            )
        for kind in (*self.control_kinds, *self.control_flow):
            if kind not in CONTROL_KINDS:
                raise SpecError(where, "control_flow", f"{kind!r} is not one of {CONTROL_KINDS}")
        if self.control_flow and len(self.control_flow) != self.control_depth:
            raise SpecError(
                where, "control_flow", "its length must equal control_depth (or omit one of them)"
            )
        if self.control_depth and not self.control_kinds:
            raise SpecError(where, "control_kinds", "is empty but control_depth is set")
        for kind in self.input_types:
            if kind not in INPUT_TYPES:
                raise SpecError(where, "input_types", f"{kind!r} is not one of {INPUT_TYPES}")
        if not self.input_types:
            raise SpecError(where, "input_types", "is empty")
        if self.max_output_chars < 1 or self.input_candidates < 1:
            raise SpecError(where, "max_output_chars", "bounds must be at least 1")

    def to_dict(self) -> dict[str, Any]:
        """The spec as plain JSON data (tuples as lists)."""
        data = dataclasses.asdict(self)
        return {k: list(v) if isinstance(v, tuple) else v for k, v in data.items()}


_FIELDS = {f.name: f for f in dataclasses.fields(ConstraintSpec)}
_TUPLE_FIELDS = {"methods", "control_flow", "control_kinds", "input_types"}
_INT_FIELDS = {
    "call_nesting",
    "extra_methods",
    "control_depth",
    "helper_chain",
    "min_statements",
    "max_statements",
    "max_args",
    "max_items",
    "max_str_len",
    "max_int",
    "max_output_chars",
    "input_candidates",
}


def spec_from_mapping(
    name: str,
    data: Mapping[str, Any],
    where: str = "<spec>",
    bases: Mapping[str, ConstraintSpec] | None = None,
) -> ConstraintSpec:
    """Build a spec from decoded TOML/YAML; unknown keys and wrong types are errors.

    ``base`` names a level (from ``bases``) whose fields are the defaults.
    """
    where = f"{where}: level {name!r}"
    values: dict[str, Any] = {}
    base_name = data.get("base")
    if base_name is not None:
        if bases is None or base_name not in bases:
            known = ", ".join(sorted(bases or {}))
            raise SpecError(where, "base", f"{base_name!r} is not a known level ({known})")
        values = {
            k: v for k, v in dataclasses.asdict(bases[base_name]).items() if k != "description"
        }
    for key, value in data.items():
        if key == "base":
            continue
        if key not in _FIELDS or key == "name":
            raise SpecError(where, key, "is not a constraint field")
        values[key] = _coerce(key, value, where)
    try:
        return ConstraintSpec(**{**values, "name": name})
    except SpecError as error:
        raise SpecError(where, error.field, error.problem) from None


def _coerce(key: str, value: Any, where: str) -> Any:
    if key in _TUPLE_FIELDS:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise SpecError(where, key, f"expected a list of strings, got {value!r}")
        return tuple(value)
    if key in _INT_FIELDS:
        if isinstance(value, bool) or not isinstance(value, int):
            raise SpecError(where, key, f"expected an integer, got {value!r}")
        return value
    if key == "max_extra_methods":
        if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
            raise SpecError(where, key, f"expected an integer or null, got {value!r}")
        return value
    if key == "allow_exceptions":
        if not isinstance(value, bool):
            raise SpecError(where, key, f"expected true or false, got {value!r}")
        return value
    if key == "description":
        if not isinstance(value, str):
            raise SpecError(where, key, f"expected a string, got {value!r}")
        return value
    return value


def load_levels(
    path: str | Path, bases: Mapping[str, ConstraintSpec] | None = None
) -> dict[str, ConstraintSpec]:
    """Read user-defined levels from a ``.toml``, ``.yaml`` or ``.yml`` file, in file order.

    The file holds a table ``levels`` mapping level names to their fields. ``bases`` are
    the levels ``base = ...`` may refer to (earlier levels of the same file are added).
    """
    path = Path(path)
    where = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SpecError(where, "<file>", f"cannot be read: {exc.strerror or exc}") from None
    data = _decode(text, path)
    levels = data.get("levels") if isinstance(data, Mapping) else None
    if not isinstance(levels, Mapping) or not levels:
        raise SpecError(where, "levels", "expected a non-empty table of levels")
    known: dict[str, ConstraintSpec] = dict(bases or {})
    loaded: dict[str, ConstraintSpec] = {}
    for name, fields in levels.items():
        if not isinstance(fields, Mapping):
            raise SpecError(where, str(name), "expected a table of constraint fields")
        spec = spec_from_mapping(str(name), fields, where, known)
        known[spec.name] = spec
        loaded[spec.name] = spec
    return loaded


def _decode(text: str, path: Path) -> Any:
    suffix = path.suffix.lower()
    if suffix == ".toml":
        try:
            return tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise SpecError(str(path), "<file>", f"is not valid TOML: {exc}") from None
    if suffix in (".yaml", ".yml"):
        try:
            yaml: Any = importlib.import_module("yaml")
        except ImportError:
            raise SpecError(str(path), "<file>", "YAML needs the pyyaml package") from None
        try:
            return yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise SpecError(str(path), "<file>", f"is not valid YAML: {exc}") from None
    raise SpecError(str(path), "<file>", "expected a .toml, .yaml or .yml file")
