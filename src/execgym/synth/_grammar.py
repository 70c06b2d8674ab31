"""The constraint-based generator: programs that satisfy a spec by construction, no model.

A program is built in four parts, each switched on by the spec:

1. the method under test nested ``call_nesting`` deep in one expression, on a parameter
   (``text.replace('a', 'e').replace(' ', '')``), assigned to a named variable;
2. ``extra_methods`` other catalog operations applied one after another to that value, each
   result feeding the next (so nothing is dead);
3. the control-flow blueprint over the last value, updating an accumulator that is returned
   (:mod:`execgym.synth._blocks`);
4. a chain of ``helper_chain`` helper functions applied inside the innermost block.

A draw that cannot meet the spec (a statement bound, a type dead end) is retried with a
seed derived from the item seed and the try number, so generation is a pure function of
``(spec, item_seed)``. Inputs come from :mod:`execgym.synth._inputs`.
"""

from __future__ import annotations

import ast
import functools
import random

from execgym.synth._blocks import ControlFlowBuilder
from execgym.synth._builder import GenerationError, ProgramBuilder, Value
from execgym.synth._candidate import Candidate, GenerationFailure
from execgym.synth._catalog import (
    ELEMENT_TYPE,
    LI,
    LS,
    SI,
    TI,
    TS,
    B,
    D,
    F,
    I,
    Operation,
    S,
    methods,
    operations,
    short_name,
)
from execgym.synth._checker import count_statements, unused_variables
from execgym.synth._inputs import synthesize_inputs
from execgym.synth._naming import Names
from execgym.synth._normalize import tree_key
from execgym.synth._seeds import sub_seed
from execgym.synth._spec import ConstraintSpec

_HELPER_ARGS = {S: ("word", "text"), I: ("value", "number"), F: ("amount", "price")}


class GrammarGenerator:
    """Builds programs from the catalog; ``generate`` is a pure function of its arguments."""

    def __init__(self, max_tries: int = 40) -> None:
        self.max_tries = max_tries

    @property
    def name(self) -> str:
        return "grammar"

    async def generate(self, spec: ConstraintSpec, item_seed: int) -> Candidate | GenerationFailure:
        return self.candidate(spec, item_seed)

    def candidate(self, spec: ConstraintSpec, item_seed: int) -> Candidate | GenerationFailure:
        """One program for ``spec``: the method is drawn once, each try redraws the rest."""
        choices = eligible_methods(spec)
        if not choices:
            wanted = ", ".join(spec.methods) or "any"
            return GenerationFailure("no_method", f"no catalog method fits {spec.name} ({wanted})")
        method = choices[random.Random(item_seed).randrange(len(choices))]
        problem = ""
        for attempt in range(self.max_tries):
            rng = random.Random(sub_seed(item_seed, "try", attempt))
            try:
                return self._build(spec, method, rng)
            except GenerationError as error:
                problem = str(error)
        return GenerationFailure("unsatisfiable", f"{method}: {problem}")

    # ---- assembly ----------------------------------------------------------------------
    def _build(self, spec: ConstraintSpec, method: str, rng: random.Random) -> Candidate:
        b = ProgramBuilder(spec, rng, method)
        flow, expression = _method_under_test(b, spec, method)
        control = spec.control_depth > 0
        if not control and spec.extra_methods == 0 and rng.random() < 0.5:
            b.emit(f"return {expression}")
        else:
            last = _last_operation(method, flow.type)
            flow = b.assign(expression, flow.type, last.nouns if last else ())
            flow = _extra_operations(b, spec, flow, control)
            if control:
                path = spec.control_flow or _blueprint(spec, rng)
                transform = None
                if spec.helper_chain:
                    chain = spec.helper_chain

                    def transform(value: Value) -> Value:
                        return _helper_chain(b, value, chain)

                ControlFlowBuilder(b, transform).build(path, flow)
            else:
                b.emit(f"return {flow.src}")
        tree = ast.parse(b.source())
        code = ast.unparse(tree) + "\n"
        _check_shape(tree, spec)
        inputs = synthesize_inputs(b.params, b.hints, spec, rng, spec.input_candidates)
        if not inputs:
            raise GenerationError("no inputs")
        return Candidate(
            code=code,
            inputs=tuple(inputs),
            method=method,
            generator=self.name,
            key=tree_key(tree),
        )


def _blueprint(spec: ConstraintSpec, rng: random.Random) -> tuple[str, ...]:
    """A random nesting path; from depth 2 on it holds a loop when loops are allowed."""
    kinds = spec.control_kinds
    path = [kinds[rng.randrange(len(kinds))] for _ in range(spec.control_depth)]
    loops = [k for k in kinds if k in ("for", "while")]
    if len(path) >= 2 and loops and not any(k in loops for k in path):
        path[rng.randrange(len(path))] = loops[rng.randrange(len(loops))]
    return tuple(path)


def _variants(method: str) -> list[Operation]:
    return [op for op in operations() if op.method == method and op.result is not None]


@functools.cache
def eligible_methods(spec: ConstraintSpec) -> tuple[str, ...]:
    """The methods under test the generator can use for ``spec`` (in catalog order)."""
    wanted = spec.methods or tuple(methods())
    chosen = []
    for method in wanted:
        variants = [
            op
            for op in _variants(method)
            if op.slots[0].type in spec.input_types and not op.is_operator
        ]
        if spec.max_extra_methods is not None:
            variants = [
                op
                for op in variants
                if len(op.called - {short_name(method)}) <= spec.max_extra_methods
            ]
        if not variants:
            continue
        if spec.call_nesting > 1 and not any(
            _adapters(
                inner.result or "",
                outer.slots[outer.nest_slot].type,
                inner.nonempty,
                outer.idempotent,
            )
            for inner in variants
            for outer in variants
            if outer.nest_slot is not None
        ):
            continue
        chosen.append(method)
    return tuple(chosen)


def _adapters(from_type: str, to_type: str, nonempty: bool, idempotent: bool = False) -> list[str]:
    """Ways (``{x}`` templates, no calls) to pass a ``from_type`` where ``to_type`` goes."""
    if from_type == to_type:
        extra = {I: ["{x} + 1"], LI: ["{x}[1:]", "{x}[:3]"], LS: ["{x}[1:]", "{x}[:3]"]}
        if idempotent:
            return extra.get(from_type, [])
        return ["{x}", "{x}", *extra.get(from_type, []), *(["{x}[1:]"] if from_type == S else [])]
    if nonempty and from_type in (LS, TS, LI, TI) and ELEMENT_TYPE[from_type] == to_type:
        return ["{x}[0]", "{x}[-1]"]
    return []


def _method_under_test(b: ProgramBuilder, spec: ConstraintSpec, method: str) -> tuple[Value, str]:
    """The nested call expression of the method under test, and its type."""
    rng = b.rng
    variants = [
        op
        for op in _variants(method)
        if op.slots[0].type in spec.input_types
        and b.fits_budget(op.called)
        and (spec.call_nesting == 1 or op.result is not None)
    ]
    if not variants:
        raise GenerationError(f"{method} has no variant for these input types")
    inner = variants[rng.randrange(len(variants))]
    base = b.new_param(inner.slots[0].type)
    if base is None:
        raise GenerationError("no room for a parameter")
    expression = b.render(inner, {0: base.src})
    result, nonempty = inner.result or "", inner.nonempty
    for _ in range(spec.call_nesting - 1):
        outers = []
        for op in variants:
            if op.nest_slot is None or (op.slots[0].type != base.type and op.nest_slot != 0):
                continue
            ways = _adapters(result, op.slots[op.nest_slot].type, nonempty, op.idempotent)
            if ways:
                outers.append((op, ways))
        if not outers:
            raise GenerationError(f"{method} cannot be nested on a {result}")
        outer, ways = outers[rng.randrange(len(outers))]
        nest = outer.nest_slot
        assert nest is not None
        adapted = ways[rng.randrange(len(ways))].replace("{x}", f"({expression})")
        given = {nest: adapted}
        if nest != 0:
            given[0] = base.src
        expression = b.render(outer, given)
        result, nonempty = outer.result or "", outer.nonempty
    return Value(expression, result), expression


def _last_operation(method: str, result: str) -> Operation | None:
    for op in _variants(method):
        if op.result == result and op.nouns:
            return op
    return None


def _extra_operations(b: ProgramBuilder, spec: ConstraintSpec, flow: Value, control: bool) -> Value:
    """Apply other methods to ``flow`` until the spec's count is met; returns the last value."""
    rng = b.rng
    wanted = spec.extra_methods
    if spec.max_extra_methods is None or spec.max_extra_methods > wanted:
        wanted += rng.randint(0, 1)
    steps = 0
    while b.extra_used() < wanted:
        steps += 1
        if steps > 8:
            raise GenerationError("could not reach the number of extra methods")
        final = b.extra_used() + 1 >= wanted
        options = []
        for op in operations():
            if op.slots[0].type != flow.type or op.is_operator or op.method == b.method:
                continue
            if op.empties:
                continue
            if b.method_short in op.called or all(name in b.used for name in op.called):
                continue
            if not b.fits_budget(op.called):
                continue
            if op.result == B and (control or not final):
                continue
            if control and not _keeps_data(op, flow.type):
                continue
            options.append(op)
        if not options:
            # A conversion or an operator moves the value to a type more methods take.
            options = [
                op
                for op in operations()
                if op.slots[0].type == flow.type
                and op.is_operator
                and op.result not in (None, B, flow.type)
            ]
        if not options:
            raise GenerationError(f"no further method applies to a {flow.type}")
        op = options[rng.randrange(len(options))]
        source = b.render(op, {0: flow.src})
        if op.result is None:
            b.emit(source)
        else:
            previous = flow
            flow = b.assign(source, op.result, op.nouns)
            _retire(b, previous)
    return flow


RETIRE_CHANCE = 0.2
"""How often a container the data flow has moved on from is emptied (``clear``)."""


def _retire(b: ProgramBuilder, value: Value) -> None:
    """Sometimes empty ``value`` with its type's ``clear``: the program never reads it again
    (each step makes a new value), so its result stays what it was."""
    if value.kind != "var" or b.rng.random() >= RETIRE_CHANCE:
        return
    options = [
        op
        for op in operations()
        if op.empties
        and op.slots[0].type == value.type
        and op.method != b.method
        and b.method_short not in op.called
        and b.fits_budget(op.called)
    ]
    if options:
        b.emit(b.render(options[b.rng.randrange(len(options))], {0: value.src}))


_COLLECTIONS = (LI, LS, D, SI, TI, TS)


def _keeps_data(op: Operation, from_type: str) -> bool:
    """Whether ``op`` leaves something worth looping over (no collection reduced to a
    number, no string to a flag), for the value a control-flow blueprint will walk."""
    if op.result is None:
        return True
    if from_type in _COLLECTIONS:
        return op.result in (LI, LS, D, SI) or op.method == "str.join"
    if from_type == S:
        return op.result in (S, LS)
    return op.result != B


def _helper_chain(b: ProgramBuilder, value: Value, length: int) -> Value:
    """Define ``length`` helpers, each calling the next, and return the call of the first."""
    rng = b.rng
    current = value.type if value.type in _HELPER_ARGS else None
    if current is None:
        raise GenerationError(f"no helper takes a {value.type}")
    chosen: list[Operation] = []
    types = [current]
    for _ in range(length):
        options = [
            op
            for op in operations()
            if op.slots[0].type == current
            and op.result in _HELPER_ARGS
            and not op.is_operator
            and all(s.const is not None for s in op.slots[1:])
        ]
        if not options:
            raise GenerationError(f"no helper step from a {current}")
        op = options[rng.randrange(len(options))]
        chosen.append(op)
        current = op.result or I
        types.append(current)
    # Every helper takes the original value; chosen[0] is applied first, by the deepest
    # helper, and names[-1] is the helper f calls.
    noun = _HELPER_ARGS[types[0]][0]
    names = [b.names.take((f"{op.verb}_{noun}",)) for op in chosen]
    for depth, (op, name) in enumerate(zip(chosen, names, strict=True)):
        local = Names(rng)
        arg = local.take(_HELPER_ARGS[types[0]])
        if depth == 0:
            body = f"    return {b.render(op, {0: arg}, allow_param=False)}"
        else:
            inner = local.take(chosen[depth - 1].nouns or ("inner",))
            call = f"{names[depth - 1]}({arg})"
            body = f"    {inner} = {call}\n    return {b.render(op, {0: inner}, allow_param=False)}"
        b.helpers.append(f"def {name}({arg}):\n{body}")
    return Value(f"{names[-1]}({value.src})", current)


def _check_shape(tree: ast.Module, spec: ConstraintSpec) -> None:
    """The generator's own sanity bounds: statement count and no unused variable."""
    functions = [node for node in tree.body if isinstance(node, ast.FunctionDef)]
    statements = count_statements(functions)
    if not spec.min_statements <= statements <= spec.max_statements:
        raise GenerationError(
            f"{statements} statements, outside {spec.min_statements}..{spec.max_statements}"
        )
    for fn in functions:
        unused = unused_variables(fn)
        if unused:
            raise GenerationError(f"unused variable {unused[0]!r} in {fn.name}")
