"""Input synthesis: candidate argument lists for a generated function.

Values are built from the constants the program itself uses (its hints: the substrings it
replaces, the separators it splits on, the keys it looks up), so that branches on them can
go either way, mixed with a small vocabulary and bounded sizes: strings up to
``spec.max_str_len`` characters, containers up to ``spec.max_items`` items, ints up to
``spec.max_int`` in absolute value. Candidates differ in size and in how many hints they
carry; the filters keep the ones that raise branch coverage.

Only the parent's own ``random.Random`` is used, and nothing iterates a set, so the same
seed gives the same inputs in any process.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from execgym.synth._catalog import CONSTANT_POOLS, LI, LS, SI, TI, D, F, I, S
from execgym.synth._spec import ConstraintSpec

VOCABULARY = (
    "apple",
    "box",
    "cat",
    "data",
    "echo",
    "fig",
    "gate",
    "hello",
    "ink",
    "joy",
    "kiwi",
    "lemon",
    "moon",
    "nest",
    "oak",
    "pen",
    "sun",
    "tea",
    "a1",
    "42",
    "Bob",
    "ZED",
)


@dataclass
class Hints:
    """Constants a program uses, in the order it first used them (no duplicates)."""

    strings: list[str] = field(default_factory=list)
    ints: list[int] = field(default_factory=list)
    keys: list[str] = field(default_factory=list)
    separators: list[str] = field(default_factory=list)

    def add(self, pool: str, value: object) -> None:
        if isinstance(value, bool):
            return
        if isinstance(value, str):
            target = {"key": self.keys, "sep": self.separators}.get(pool, self.strings)
            if value and value not in target:
                target.append(value)
        elif isinstance(value, int) and value not in self.ints:
            self.ints.append(value)
        elif isinstance(value, list):
            for item in value:
                self.add(pool, item)


@dataclass(frozen=True)
class Parameter:
    """A parameter of the generated function: its name, type and the role it fills.

    ``role`` is the constant pool of the slot it replaced (``"sep"``, ``"width"``), or
    ``None`` for a data parameter.
    """

    name: str
    type: str
    role: str | None = None


def synthesize_inputs(
    parameters: list[Parameter],
    hints: Hints,
    spec: ConstraintSpec,
    rng: random.Random,
    count: int,
) -> list[str]:
    """``count`` distinct candidate argument lists (fewer if they collide)."""
    seen: dict[str, None] = {}
    for index in range(count * 3):
        if len(seen) >= count:
            break
        richness = (index % count + 1) / count
        values = [_value(p, hints, spec, rng, richness) for p in parameters]
        seen.setdefault(", ".join(render_literal(v) for v in values))
    return list(seen)


def render_literal(value: object) -> str:
    """A Python literal for ``value``; sets are written in sorted order."""
    if isinstance(value, (set, frozenset)):
        return "{" + ", ".join(render_literal(v) for v in sorted(value)) + "}"
    return repr(value)


def _value(
    parameter: Parameter, hints: Hints, spec: ConstraintSpec, rng: random.Random, richness: float
) -> object:
    if parameter.role is not None:
        return _role_value(parameter, hints, spec, rng)
    kind = parameter.type
    size = max(1, round(richness * spec.max_items))
    size = rng.randint(max(1, size - 2), size)
    if kind == S:
        return _text(hints, spec, rng, richness)
    if kind == I:
        return _int(hints, spec, rng)
    if kind == F:
        return round(rng.uniform(0, spec.max_int) * 4) / 4
    if kind == LI:
        return [_int(hints, spec, rng) for _ in range(size)]
    if kind == TI:
        return tuple(_int(hints, spec, rng) for _ in range(size))
    if kind == SI:
        return {abs(_int(hints, spec, rng)) for _ in range(size)}
    if kind == LS:
        return [_token(hints, rng, richness, spec.max_str_len) for _ in range(size)]
    if kind == D:
        keys = [*hints.keys, *(t for t in VOCABULARY if t.isalpha())]
        chosen: dict[str, int] = {}
        for _ in range(size):
            key = keys[rng.randrange(len(keys))] if rng.random() < 0.8 else rng.choice(VOCABULARY)
            if rng.random() < richness and hints.keys:
                key = rng.choice(hints.keys)
            chosen[key] = rng.randint(0, spec.max_int)
        return chosen
    raise ValueError(f"no input synthesis for type {kind!r}")


def _role_value(
    parameter: Parameter, hints: Hints, spec: ConstraintSpec, rng: random.Random
) -> object:
    pool = CONSTANT_POOLS.get(parameter.role or "", ())
    if parameter.role in ("sub", "char", "word") and hints.strings and rng.random() < 0.5:
        return rng.choice(hints.strings)
    if parameter.role == "small":
        return rng.randint(0, min(spec.max_int, 6))
    if pool:
        value = pool[rng.randrange(len(pool))]
        return list(value) if isinstance(value, list) else value
    return _value(Parameter(parameter.name, parameter.type), hints, spec, rng, 0.5)


def _int(hints: Hints, spec: ConstraintSpec, rng: random.Random) -> int:
    roll = rng.random()
    if hints.ints and roll < 0.3:
        return rng.choice(hints.ints) + rng.choice((-1, 0, 0, 1))
    if roll < 0.4:
        return rng.randint(-min(spec.max_int, 5), 0)
    return rng.randint(0, spec.max_int)


def _token(hints: Hints, rng: random.Random, richness: float, limit: int) -> str:
    if hints.strings and rng.random() < richness * 0.6:
        base = rng.choice(hints.strings)
        token = base if rng.random() < 0.5 else base + rng.choice(VOCABULARY)
    else:
        token = rng.choice(VOCABULARY)
    roll = rng.random()
    if roll < 0.15:
        token = token.upper()
    elif roll < 0.3:
        token = token.title()
    return token[: max(1, limit // 4)].strip() or "a"


def _text(hints: Hints, spec: ConstraintSpec, rng: random.Random, richness: float) -> str:
    separators = [*hints.separators, " "]
    separator = rng.choice(separators)
    tokens: list[str] = []
    length = 0
    wanted = rng.randint(1, max(1, round(1 + richness * 4)))
    while len(tokens) < wanted:
        token = _token(hints, rng, richness, spec.max_str_len)
        if length + len(token) + len(separator) > spec.max_str_len:
            break
        tokens.append(token)
        length += len(token) + len(separator)
    text = separator.join(tokens) or "a"
    if rng.random() < 0.2 and len(text) + 2 <= spec.max_str_len:
        pad = rng.choice([" ", *(h for h in hints.strings if len(h) == 1)])
        text = pad + text + pad
    return text[: spec.max_str_len]
