"""Every catalog operation renders valid code whose calls match its declared names."""

from __future__ import annotations

import ast

from execgym.synth import operations
from execgym.synth._catalog import CODE_POOLS, CONSTANT_POOLS, CONVERSIONS, FN, VALUE_TYPES


def _operands(op) -> list[str]:  # type: ignore[no-untyped-def]
    values = []
    for i, slot in enumerate(op.slots):
        if slot.type == FN:
            values.append(CODE_POOLS[slot.const][0])
        elif slot.const is not None and i > 0:
            values.append(repr(CONSTANT_POOLS[slot.const][0]))
        else:
            values.append(f"operand_{i}")
    return values


def test_every_operation_renders_and_declares_its_calls() -> None:
    ops = operations()
    assert len(ops) > 100
    assert len({op.key for op in ops}) == len(ops)
    for op in ops:
        source = op.render(_operands(op))
        tree = ast.parse(source, mode="eval")
        calls = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Call):
                func = node.func
                calls.add(func.id if isinstance(func, ast.Name) else getattr(func, "attr", ""))
        # Calls inside a function argument (a lambda) belong to the argument, not the op.
        argument_calls = {
            name
            for slot in op.slots
            if slot.type == FN
            for code in [CODE_POOLS[slot.const or ""][0]]
            for node in ast.walk(ast.parse(code, mode="eval"))
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
            for name in [node.func.id]
        }
        assert op.called == frozenset(calls - CONVERSIONS - argument_calls), op.key
        assert op.result is None or op.result in VALUE_TYPES, op.key
        for slot in op.slots:
            assert slot.type in (*VALUE_TYPES, FN), op.key
            assert slot.const is None or slot.const in CONSTANT_POOLS or slot.const in CODE_POOLS


def test_nest_slots_take_what_the_method_can_give() -> None:
    for op in operations():
        if op.nest_slot is None:
            continue
        assert op.result is not None, op.key
        slot = op.slots[op.nest_slot]
        assert slot.value_ok, op.key


def test_every_operation_is_total_on_sample_inputs() -> None:
    samples = {
        "str": "a b,c:d",
        "int": 7,
        "float": 2.5,
        "list[int]": [3, 1, 2],
        "list[str]": ["ab", "c"],
        "dict[str, int]": {"a": 1, "b": 2},
        "set[int]": {1, 2},
        "tuple[int, ...]": (1, 2),
        "tuple[str, ...]": ("a", ",", "b"),
    }
    for op in operations():
        operands = _operands(op)
        operands[0] = repr(samples[op.slots[0].type])
        for i, slot in enumerate(op.slots[1:], start=1):
            if slot.const is None:
                operands[i] = repr(samples[slot.type])
        source = op.render(operands)
        if op.result is None:
            exec(f"value = {operands[0]}\n{op.render(['value', *operands[1:]])}", {})
        else:
            eval(source, {})
