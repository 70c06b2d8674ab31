"""The plain-data encoding that carries return values out of the child."""

from __future__ import annotations

import collections
import enum
import json
import math

import pytest

from execgym.sandbox import decode_value, encode_value
from execgym.sandbox._values import Opaque


def roundtrip(value: object) -> object:
    return decode_value(json.loads(json.dumps(encode_value(value), allow_nan=False)))


@pytest.mark.parametrize(
    "value",
    [
        None,
        True,
        False,
        0,
        -7,
        2**200,
        -(2**70),
        1.5,
        -0.0,
        "text\n\u00e9",
        b"\x00\xff",
        [1, [2, (3,)]],
        (1, "a", None),
        {1: "a", (1, 2): [3]},
        {"k": {1, 2}},
        frozenset({1, 2}),
        set(),
        complex(1, -2),
        math.inf,
        -math.inf,
    ],
)
def test_plain_values_roundtrip_with_their_exact_type(value: object) -> None:
    back = roundtrip(value)
    assert type(back) is type(value)
    assert back == value


def test_nan_roundtrips_as_nan() -> None:
    back = roundtrip(float("nan"))
    assert isinstance(back, float) and math.isnan(back)


def test_bool_int_float_stay_distinct() -> None:
    assert [type(roundtrip(v)) for v in (1, 1.0, True)] == [int, float, bool]


def test_subclasses_decode_as_their_base_type() -> None:
    Point = collections.namedtuple("Point", "x y")

    class Color(enum.IntEnum):
        RED = 1

    assert roundtrip(Point(1, 2)) == (1, 2)
    assert type(roundtrip(Point(1, 2))) is tuple
    assert encode_value(Point(1, 2))["cls"].endswith("Point")
    assert type(roundtrip(Color.RED)) is int


def test_untrusted_eq_never_reaches_the_judge() -> None:
    class AlwaysEqual:
        def __eq__(self, other: object) -> bool:
            return True

        __hash__ = object.__hash__

    class SneakyList(list[int]):
        def __eq__(self, other: object) -> bool:
            return True

        def __iter__(self):  # type: ignore[no-untyped-def]
            return iter([99])

    decoded = roundtrip(AlwaysEqual())
    assert isinstance(decoded, Opaque)
    assert decoded != decoded
    assert roundtrip(SneakyList([1, 2])) == [1, 2]


def test_huge_and_cyclic_values_are_marked_too_large() -> None:
    cyclic: list[object] = []
    cyclic.append(cyclic)
    assert encode_value(cyclic) == {"$": "too_large"}
    assert isinstance(roundtrip(cyclic), Opaque)


def test_decode_rejects_unknown_tags() -> None:
    with pytest.raises(ValueError, match="unknown value tag"):
        decode_value({"$": "pickle", "v": "x"})
