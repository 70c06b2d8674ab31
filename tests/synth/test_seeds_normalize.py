"""Per-item seeds are hashed, not added; duplicates are found up to names and constants."""

from __future__ import annotations

from execgym.synth import item_seed, normalized_key


def test_item_seeds_are_stable_and_not_shifted_copies() -> None:
    assert item_seed(0, "L1", 0) == item_seed(0, "L1", 0)
    assert item_seed(1, "L1", 0) != item_seed(0, "L1", 1)
    assert item_seed(0, "L1", 3) != item_seed(0, "L2", 3)
    assert len({item_seed(s, "L1", i) for s in range(20) for i in range(20)}) == 400


def test_normalized_key_ignores_bound_names_and_constant_values() -> None:
    first = "def f(text):\n    cleaned = text.replace('a', 'b')\n    return len(cleaned) + 1\n"
    second = "def f(line):\n    out = line.replace('x', '')\n    return len(out) + 7\n"
    assert normalized_key(first) == normalized_key(second)


def test_normalized_key_keeps_structure_builtins_and_constant_types() -> None:
    base = "def f(text):\n    return len(text) + 1\n"
    assert normalized_key(base) != normalized_key("def f(text):\n    return sum(text) + 1\n")
    assert normalized_key(base) != normalized_key("def f(text):\n    return len(text) + 1.0\n")
    assert normalized_key(base) != normalized_key("def f(text):\n    return len(text) - 1\n")
