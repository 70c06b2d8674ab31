"""The state of one program under construction: names, parameters, lines and constants.

The grammar generator (:mod:`execgym.synth._grammar`) and the control-flow builder
(:mod:`execgym.synth._blocks`) write into a :class:`ProgramBuilder`; it fills operation
slots with constants, parameters or variables, records the constants as input hints and
keeps count of the methods called, so that a level's method budget holds by construction.
"""

from __future__ import annotations

import ast
import functools
import random
from dataclasses import dataclass

from execgym.synth._catalog import (
    CODE_POOLS,
    CONSTANT_POOLS,
    CONVERSIONS,
    FN,
    ROLE_NAMES,
    Operation,
    Slot,
)
from execgym.synth._inputs import Hints, Parameter
from execgym.synth._naming import PARAM_NAMES, Names
from execgym.synth._spec import ConstraintSpec


class GenerationError(Exception):
    """This draw cannot satisfy the spec; the generator retries with another draw."""


@dataclass
class Value:
    """Something an operand can be: a parameter, a variable, a loop item or an expression.

    ``atomic``: a single character taken from a string (not worth iterating).
    """

    src: str
    type: str
    kind: str = "var"
    atomic: bool = False


@functools.cache
def called_names(source: str) -> frozenset[str]:
    """Names the source (an expression or statements) calls, conversions left out."""
    names = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name):
                names.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                names.add(node.func.attr)
    return frozenset(names - CONVERSIONS)


class ProgramBuilder:
    """Lines of ``f`` (and its helpers) being written for one spec."""

    def __init__(self, spec: ConstraintSpec, rng: random.Random, method: str) -> None:
        self.spec = spec
        self.rng = rng
        self.method = method
        self.method_short = method.rsplit(".", 1)[-1]
        self.names = Names(rng)
        self.params: list[Parameter] = []
        self.lines: list[str] = []
        self.helpers: list[str] = []
        self.hints = Hints()
        self.used: dict[str, None] = {}
        self.allow_params = True

    # ---- methods budget ----------------------------------------------------------------
    def extra_used(self) -> int:
        """Distinct methods called other than the method under test."""
        return sum(1 for name in self.used if name != self.method_short)

    def fits_budget(self, names: frozenset[str]) -> bool:
        """Whether calling ``names`` keeps the program within ``max_extra_methods``."""
        limit = self.spec.max_extra_methods
        if limit is None:
            return True
        new = {n for n in names if n != self.method_short and n not in self.used}
        return self.extra_used() + len(new) <= limit

    def note_calls(self, source: str) -> None:
        for name in sorted(called_names(source)):
            self.used.setdefault(name)

    # ---- parameters, constants, slots --------------------------------------------------
    def new_param(self, type_: str, role: str | None = None) -> Value | None:
        """A fresh parameter, or ``None`` when the spec's argument bound is reached."""
        if len(self.params) >= self.spec.max_args or type_ not in self.spec.input_types:
            return None
        pool = ROLE_NAMES.get(role, ()) if role else PARAM_NAMES.get(type_, ())
        if not pool:
            return None
        name = self.names.take(pool)
        self.params.append(Parameter(name, type_, role))
        return Value(name, type_, "param")

    def constant(self, pool: str) -> str:
        values = CONSTANT_POOLS[pool]
        value = values[self.rng.randrange(len(values))]
        self.hints.add(pool, value)
        return repr(value)

    def fill(self, slot: Slot, allow_param: bool = True) -> str:
        """An operand for ``slot``: a constant of its pool, or sometimes a new parameter."""
        if slot.type == FN:
            choices = [c for c in CODE_POOLS[slot.const or ""] if self.fits_budget(called_names(c))]
            if not choices:
                raise GenerationError("no function argument fits the method budget")
            code = choices[self.rng.randrange(len(choices))]
            self.note_calls(code)
            return code
        if (
            allow_param
            and self.allow_params
            and slot.value_ok
            and slot.const in ROLE_NAMES
            and self.rng.random() < 0.3
        ):
            param = self.new_param(slot.type, slot.const)
            if param is not None:
                return param.src
        if slot.const is None:
            raise GenerationError(f"slot of type {slot.type} needs a value")
        return self.constant(slot.const)

    def render(self, op: Operation, given: dict[int, str], allow_param: bool = True) -> str:
        """``op`` with the ``given`` operands and every other slot filled."""
        operands = [
            given[i] if i in given else self.fill(slot, allow_param)
            for i, slot in enumerate(op.slots)
        ]
        source = op.render(operands)
        for name in sorted(op.called):
            self.used.setdefault(name)
        return source

    # ---- lines -------------------------------------------------------------------------
    def emit(self, line: str, indent: int = 0) -> int:
        self.lines.append("    " * indent + line)
        return len(self.lines) - 1

    def assign(self, source: str, type_: str, nouns: tuple[str, ...], indent: int = 0) -> Value:
        name = self.names.take(nouns or ("result",))
        self.emit(f"{name} = {source}", indent)
        return Value(name, type_, "var")

    def source(self) -> str:
        """The whole program: helpers first, then ``f``."""
        params = ", ".join(p.name for p in self.params)
        body = "\n".join("    " + line for line in self.lines)
        return "\n\n".join([*self.helpers, f"def f({params}):\n{body}"]) + "\n"
