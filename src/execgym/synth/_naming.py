"""Meaningful variable, parameter and helper names for generated programs.

Names come from what a value is (its type, the role of the slot it fills, the operation that
made it), never ``x1``; a clash takes the next name of the pool and only then a suffix.
"""

from __future__ import annotations

import builtins
import keyword
import random

from execgym.synth._catalog import LI, LS, SI, TI, TS, B, D, F, I, S

PARAM_NAMES: dict[str, tuple[str, ...]] = {
    S: ("text", "phrase", "sentence", "label", "line", "message", "title"),
    I: ("number", "count", "limit", "size", "amount", "start"),
    F: ("price", "ratio", "weight", "rate"),
    LI: ("numbers", "values", "scores", "readings", "amounts"),
    LS: ("words", "names", "tokens", "items", "tags"),
    D: ("counts", "inventory", "stock", "ages", "prices"),
    SI: ("ids", "codes", "marks"),
    TI: ("point", "dims", "pair"),
}

ELEMENT_NAMES: dict[str, tuple[str, ...]] = {
    S: ("char", "letter", "symbol"),
    LS: ("word", "name", "token", "item"),
    LI: ("value", "number", "score", "reading"),
    TI: ("value", "part"),
    TS: ("part", "section"),
    SI: ("code", "value"),
    D: ("key", "name"),
}

ACCUMULATOR_NAMES: dict[str, tuple[str, ...]] = {
    I: ("total", "count", "score", "tally"),
    F: ("balance", "running_total", "sum_so_far"),
    S: ("result", "output", "built"),
    LI: ("result", "collected", "picked"),
    LS: ("result", "kept", "selected"),
    D: ("counts", "tally", "frequencies"),
    SI: ("seen", "found"),
    B: ("found", "flag"),
}

_RESERVED = frozenset(dir(builtins)) | frozenset(keyword.kwlist) | {"f"}


class Names:
    """Allocates distinct names within one program."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.taken: set[str] = set()

    def take(self, candidates: tuple[str, ...] | list[str], fallback: str = "value") -> str:
        """The first free name among ``candidates`` (tried in a random rotation)."""
        pool = list(candidates) or [fallback]
        start = self.rng.randrange(len(pool))
        for name in pool[start:] + pool[:start]:
            if name not in self.taken and name not in _RESERVED:
                self.taken.add(name)
                return name
        base = pool[start] if pool[start] not in _RESERVED else fallback
        suffix = 2
        while f"{base}_{suffix}" in self.taken:
            suffix += 1
        name = f"{base}_{suffix}"
        self.taken.add(name)
        return name
