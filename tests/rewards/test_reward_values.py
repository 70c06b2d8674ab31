"""Reading answer literals and comparing them with references: the adversarial cases."""

from __future__ import annotations

import math
import sys
import time

import pytest

from execgym.rewards import LiteralError, parse_literal, values_match
from execgym.tasks import MAX_INT_DIGITS, MAX_LITERAL_CHARS, calls_function


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("-1", -1),
        ("+2.5", 2.5),
        ("1e3", 1000.0),
        ("0x1f", 31),
        ("1_000", 1000),
        ("True", True),
        ("None", None),
        ("'a'", "a"),
        ('"a"', "a"),
        ("'''a'''", "a"),
        ("b'x'", b"x"),
        ("(1+2j)", 1 + 2j),
        ("-1-2j", -1 - 2j),
        ("[1, (2, 3), {4}]", [1, (2, 3), {4}]),
        ("{'a': [1], 2: None}", {"a": [1], 2: None}),
        ("set()", set()),
        ("frozenset()", frozenset()),
        ("frozenset({1, 2})", frozenset({1, 2})),
        ("set([1, 2])", {1, 2}),
        ("tuple([1])", (1,)),
        ("list((1,))", [1]),
        ("dict()", {}),
        ("inf", math.inf),
        ("-inf", -math.inf),
        ("float('inf')", math.inf),
        ("float('-inf')", -math.inf),
        ("math.inf", math.inf),
        ("float('1.5')", 1.5),
        ("  [1,\n 2]  ", [1, 2]),
    ],
)
def test_reads_literals(text: str, expected: object) -> None:
    value = parse_literal(text)
    assert type(value) is type(expected)
    assert value == expected


@pytest.mark.parametrize("text", ["nan", "float('nan')", "-nan", "math.nan", "[nan]"])
def test_reads_nan(text: str) -> None:
    value = parse_literal(text)
    assert values_match(value, float("nan") if not isinstance(value, list) else [math.nan])


@pytest.mark.parametrize(
    "text",
    [
        "a",  # an unquoted word is not the string 'a'
        "f(1)",
        "x + 1",
        "[x for x in y]",
        "lambda: 1",
        "__import__('os')",
        "{**a}",
        "[*a]",
        "...",
        "not True",
        "-True",
        "-'a'",
        "1 + 2",
        "{[1]: 2}",
        "{[1]}",
        "set('ab', 'c')",
        "float('abc')",
        "frozenset(1)",
        "open('x')",
        "",
        "   ",
        "1 2",
        "[1, 2",
        "'unterminated",
        "\x00",
    ],
)
def test_rejects_what_is_not_a_literal(text: str) -> None:
    with pytest.raises(LiteralError):
        parse_literal(text)


def test_type_must_match() -> None:
    assert not values_match(1, 1.0)
    assert not values_match(1, True)
    assert not values_match(1.0, True)
    assert not values_match([1, 2], (1, 2))
    assert not values_match({1}, frozenset({1}))
    assert not values_match("1", 1)
    assert values_match(parse_literal("'a'"), parse_literal('"a"'))


def test_float_tolerance_is_relative() -> None:
    assert values_match(1.0000001, 1.0)
    assert not values_match(1.00001, 1.0)
    assert values_match(1e20 * (1 + 1e-7), 1e20)
    assert not values_match(1e-12, 0.0)  # no absolute tolerance
    assert values_match(math.inf, math.inf)
    assert not values_match(math.inf, -math.inf)
    assert values_match([0.30000000000000004], [0.3])


def test_containers_are_order_free_where_python_is() -> None:
    assert values_match(parse_literal("{1, 2}"), parse_literal("{2, 1}"))
    assert values_match(parse_literal("{'b': 1, 'a': 2}"), parse_literal("{'a': 2, 'b': 1}"))
    assert not values_match(parse_literal("[1, 2]"), parse_literal("[2, 1]"))
    assert values_match(parse_literal("{(1, 2): [nan]}"), parse_literal("{(1, 2): [nan]}"))
    assert not values_match(parse_literal("{1: 1}"), parse_literal("{True: 1}"))


def test_huge_int_literal_is_rejected_quickly() -> None:
    text = "1" * 100_000
    started = time.perf_counter()
    with pytest.raises(LiteralError, match=f"longer than {MAX_INT_DIGITS} digits"):
        parse_literal(text)
    assert time.perf_counter() - started < 1.0


def test_huge_int_rejected_even_when_python_limit_is_lifted() -> None:
    previous = sys.get_int_max_str_digits()
    sys.set_int_max_str_digits(0)
    try:
        with pytest.raises(LiteralError, match="digits"):
            parse_literal("7" * 50_000)
    finally:
        sys.set_int_max_str_digits(previous)


def test_size_and_depth_caps() -> None:
    with pytest.raises(LiteralError, match="longer than"):
        parse_literal("[" + "1, " * MAX_LITERAL_CHARS + "]")
    with pytest.raises(LiteralError):
        parse_literal("[" * 500 + "]" * 500)
    assert parse_literal("[" * 50 + "]" * 50) is not None


def test_calls_function_ignores_strings() -> None:
    assert calls_function("f(3)", "f")
    assert calls_function("[f(3)]", "f")
    assert calls_function("f(3) == 5", "f")
    assert not calls_function("'f(3)'", "f")
    assert not calls_function("ff(3)", "f")
    assert not calls_function("float('nan')", "f")
