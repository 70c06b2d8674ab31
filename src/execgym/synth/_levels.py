"""The built-in difficulty levels: ExecVerify's six, and two stricter variants.

Each of ExecVerify's levels adds one thing to the one before (its code-synthesis
configurations 1-6):

- **L1** nested calls of the method under test (the method nested 2 deep in one
  expression), and no other method;
- **L2** plus at least one other built-in method;
- **L3**, **L4**, **L5** plus control flow (if / for / while / if-elif) nested 1, 2, 3 deep;
- **L6** control flow 3 deep, and exactly two functions: a helper and the entry function,
  which calls it (``f`` → ``h1``).

The stricter variants execgym built before matching the paper, kept as extra levels:

- **L2-strict** L1 plus at least two other built-in methods;
- **L6-strict** control flow 3 deep, at least two other methods, and a chain of two helper
  functions (``f`` → ``h1`` → ``h2``, three functions).

``--levels 1-6`` selects ExecVerify's six; the variants are selected by name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping

from execgym.synth._spec import ConstraintSpec, SpecError

_L1 = ConstraintSpec(
    name="L1",
    description="nested calls of the method under test",
    call_nesting=2,
    max_extra_methods=0,
    min_statements=1,
    max_statements=3,
    max_args=2,
    input_candidates=1,
)
_L2 = ConstraintSpec(
    name="L2",
    description="L1 plus at least one other built-in method",
    call_nesting=2,
    extra_methods=1,
    min_statements=3,
    max_statements=6,
    max_args=3,
    input_candidates=1,
)
_L3 = ConstraintSpec(
    name="L3",
    description="L2 plus control flow nested 1 deep",
    call_nesting=2,
    extra_methods=1,
    control_depth=1,
    min_statements=4,
    max_statements=12,
)
_L4 = ConstraintSpec(
    name="L4",
    description="L2 plus control flow nested 2 deep",
    call_nesting=2,
    extra_methods=1,
    control_depth=2,
    min_statements=5,
    max_statements=14,
)
_L5 = ConstraintSpec(
    name="L5",
    description="L2 plus control flow nested 3 deep",
    call_nesting=2,
    extra_methods=1,
    control_depth=3,
    min_statements=6,
    max_statements=16,
    max_items=5,
)
_L6 = ConstraintSpec(
    name="L6",
    description="L5 plus exactly two functions: a helper and the entry that calls it",
    call_nesting=2,
    extra_methods=1,
    control_depth=3,
    helper_chain=1,
    min_statements=8,
    max_statements=20,
    max_items=5,
)
_L2_STRICT = dataclasses.replace(
    _L2,
    name="L2-strict",
    description="L1 plus at least two other built-in methods",
    extra_methods=2,
)
_L6_STRICT = dataclasses.replace(
    _L6,
    name="L6-strict",
    description="L5 with two other methods plus a chain of two helper functions",
    extra_methods=2,
    helper_chain=2,
)

BUILTIN_LEVELS: dict[str, ConstraintSpec] = {
    s.name: s for s in (_L1, _L2, _L3, _L4, _L5, _L6, _L2_STRICT, _L6_STRICT)
}


def builtin_levels() -> dict[str, ConstraintSpec]:
    """A fresh mapping of the built-in levels: ``L1`` to ``L6``, then ``L2-strict`` and
    ``L6-strict``."""
    return dict(BUILTIN_LEVELS)


def select_levels(selection: str, levels: Mapping[str, ConstraintSpec]) -> list[ConstraintSpec]:
    """The levels a ``--levels`` value names, in the order given.

    ``"1-6"`` (a range of numbered levels ``L1``..``L6``), ``"2,4"``, ``"L3"``, a variant's
    name (``"L6-strict"``) or a custom level's name; items are separated by commas. An
    unknown name is a :class:`SpecError`.
    """
    chosen: list[ConstraintSpec] = []
    for item in (part.strip() for part in selection.split(",")):
        if not item:
            continue
        names: list[str]
        if "-" in item and all(p.strip().isdigit() for p in item.split("-", 1)):
            low, high = (int(p) for p in item.split("-", 1))
            if low > high:
                raise SpecError("--levels", item, "the range runs backwards")
            names = [f"L{n}" for n in range(low, high + 1)]
        elif item.isdigit():
            names = [f"L{item}"]
        else:
            names = [item]
        for name in names:
            if name not in levels:
                known = ", ".join(levels)
                raise SpecError("--levels", item, f"level {name!r} is not defined ({known})")
            if levels[name] not in chosen:
                chosen.append(levels[name])
    if not chosen:
        raise SpecError("--levels", selection, "names no level")
    return chosen
