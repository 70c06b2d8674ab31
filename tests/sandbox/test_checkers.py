"""The built-in checkers: each rule accepts what it should and rejects what a sloppier rule
would let through."""

from __future__ import annotations

import copy

import pytest

from execgym.sandbox._builtin_checkers import (
    EvalPlusChecker,
    FloatChecker,
    values_equal,
)
from execgym.sandbox._checkers import Checker, checker_names, get_checker

NAN = float("nan")


def accepts_value(name: str, actual: object, expected: object) -> bool:
    return get_checker(name).compare_value(actual, expected)


def accepts_stdout(name: str, actual: str, expected: str) -> bool:
    return get_checker(name).compare_stdout(actual, expected)


# --- values_equal / exact ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (1, 1),
        (NAN, float("nan")),
        (-0.0, 0.0),
        ([1, "a", None, b"x"], [1, "a", None, b"x"]),
        ({3, 1, 2}, {1, 2, 3}),
        ({float("nan"), 1}, {NAN, 1}),
        ({(1, 2.0), (3, 4.0)}, {(3, 4.0), (1, 2.0)}),
        ({1: "a", "1": "b"}, {"1": "b", 1: "a"}),
        ({float("nan"): 1}, {NAN: 1}),
        ([[1, {2: (3.0, [None])}]], [[1, {2: (3.0, [None])}]]),
        (complex(1, NAN), complex(1, float("nan"))),
    ],
)
def test_exact_values_accept(actual: object, expected: object) -> None:
    assert accepts_value("exact", actual, expected)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (True, 1),
        (1.0, 1),
        (1, 1.0),
        (True, 1.0),
        ((1, 2), [1, 2]),
        (frozenset({1}), {1}),
        ({True}, {1}),
        ({1.0, 2}, {1, 2}),
        ({"1": "a"}, {1: "a"}),
        ({True: "a"}, {1: "a"}),
        ({1: 1.0}, {1: 1}),
        ([[1, {2: (3.0, [None])}]], [[1, {2: (3, [None])}]]),
        ([1, True], [1, 1]),
        (0.1 + 0.2, 0.3),
        ([1, 2], [1, 2, 3]),
    ],
)
def test_exact_values_reject(actual: object, expected: object) -> None:
    assert not accepts_value("exact", actual, expected)


def test_exact_stdout_forgives_only_crlf() -> None:
    assert accepts_stdout("exact", "1 2\r\n3\r\n", "1 2\n3\n")
    assert not accepts_stdout("exact", "1  2\n", "1 2\n")
    assert not accepts_stdout("exact", "1 2", "1 2\n")
    assert not accepts_stdout("exact", "1 2 \n", "1 2\n")


def test_values_equal_pairs_set_elements_one_to_one_within_tolerance() -> None:
    # 1.0 can only pair with 1.05, so 1.1 must take 1.2: a greedy pairing could fail here.
    assert values_equal({1.0, 1.1}, {1.05, 1.2}, abs_tol=0.15)
    assert not values_equal({1.0, 1.01}, {1.05, 1.2}, abs_tol=0.15)
    # Both actual elements are close to 1.0, but each expected element needs its own partner.
    assert not values_equal({1.0, 1.0001}, {1.0, 5.0}, abs_tol=0.15)


def test_values_equal_does_not_crash_on_deep_nesting() -> None:
    deep: list[object] = []
    for _ in range(100_000):
        deep = [deep]
    assert get_checker("exact").compare_value(deep, deep) is False


# --- tokens -----------------------------------------------------------------------------------


def test_tokens_stdout_ignores_whitespace_only() -> None:
    assert accepts_stdout("tokens", "1  2\n", "1 2")
    assert accepts_stdout("tokens", "\n 1\t2\r\n\n", "1 2")
    assert not accepts_stdout("tokens", "12", "1 2")
    assert not accepts_stdout("tokens", "1 2", "2 1")
    assert not accepts_stdout("tokens", "yes", "YES")


def test_tokens_values_are_type_aware() -> None:
    assert accepts_value("tokens", [1, 2], [1, 2])
    assert not accepts_value("tokens", True, 1)
    assert not accepts_value("tokens", 1.0, 1)


# --- float ------------------------------------------------------------------------------------


def test_float_stdout_tolerance() -> None:
    assert accepts_stdout("float", "1.0000001\n", "1.0")
    assert accepts_stdout("float", "1000000.5 x", "1000000 x")  # relative 1e-6
    assert accepts_stdout("float", "0.0000005", "0")  # absolute 1e-6
    assert accepts_stdout("float", "nan inf", "NaN Infinity")
    assert not accepts_stdout("float", "1.1", "1.0")
    assert not accepts_stdout("float", "inf", "-inf")
    assert not accepts_stdout("float", "1_0", "10")  # not a decimal number: compared as text
    assert not accepts_stdout("float", "abc", "ABC")
    assert not accepts_stdout("float", "1 2", "1")


def test_float_values_tolerance_keeps_types() -> None:
    assert accepts_value("float", 1.0000001, 1.0)
    assert accepts_value("float", [0.1 + 0.2, {"k": (1e-7,)}], [0.3, {"k": (0.0,)}])
    assert accepts_value("float", {0.1 + 0.2, 2.0}, {0.3, 2.0})
    assert not accepts_value("float", 1.1, 1.0)
    assert not accepts_value("float", 1.0, 1)
    assert not accepts_value("float", True, 1)


def test_float_checker_takes_custom_tolerances() -> None:
    loose = FloatChecker(abs_tol=0.1, rel_tol=0.0)
    assert loose.compare_value(1.05, 1.0)
    assert loose.compare_stdout("1.05", "1")
    assert not loose.compare_value(1.2, 1.0)
    with pytest.raises(ValueError):
        FloatChecker(abs_tol=-1.0)


# --- apps -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ((1, 2), [1, 2]),
        ([1, 2], [[1, 2]]),
        (True, 1),
        (1.0, [1]),
        ([(1, 2), (3, 4)], [[[1, 2], [3, 4]]]),
        ({1: "a"}, {"1": "a"}),  # APPS turns JSON's string keys back into ints
        ("x", ["x"]),
    ],
)
def test_apps_values_accept(actual: object, expected: object) -> None:
    assert accepts_value("apps", actual, expected)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (2, [3]),
        ([1, 2], [[2, 1]]),
        (0.1 + 0.2, 0.3),  # APPS compares call results with ==, no tolerance
        ({"1": "a"}, {"1": "a"}),  # ... after converting the expected keys to int
        ([1, 2], [1, [2]]),
    ],
)
def test_apps_values_reject(actual: object, expected: object) -> None:
    assert not accepts_value("apps", actual, expected)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("  1 2  \n", "1 2"),  # step 1: stripped
        ("a\nb\n", "a\n\nb"),  # step 3: the expected blank line is dropped
        ("1.000001\n", "1.0"),  # step 5: numpy.allclose's rtol 1e-5
        ("1 2", "2 1"),  # step 7: token order within a line is ignored
        ("1\n2", "2\n1"),  # step 7: line order is ignored
        ("1 1 2", "2 1"),  # step 7: repeated tokens are ignored
        ("1.0001", "1.0"),  # step 8: rounded to 3 decimals
    ],
)
def test_apps_stdout_accept(actual: str, expected: str) -> None:
    assert accepts_stdout("apps", actual, expected)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ("1.01", "1.0"),
        ("a", "b"),
        ("1 2", "1 2 3"),
        ("1 2\n3", "1\n2 3"),
        ("YES", "yes"),
    ],
)
def test_apps_stdout_reject(actual: str, expected: str) -> None:
    assert not accepts_stdout("apps", actual, expected)


# --- lcb --------------------------------------------------------------------------------------


def test_lcb_stdout_lines_then_decimals() -> None:
    assert accepts_stdout("lcb", "0.50\n", "0.5")
    assert accepts_stdout("lcb", "1e2 3\n", "100 3.0")
    assert accepts_stdout("lcb", "1  2\r\n\n\n", "1 2")  # tokens as Decimals
    assert accepts_stdout("lcb", "\n  a b  \n", "a b")
    assert not accepts_stdout("lcb", "a  b", "a b")  # words are not Decimals
    assert not accepts_stdout("lcb", "0.5000001", "0.5")  # exact, no tolerance
    assert not accepts_stdout("lcb", "1\n\n2", "1\n2")  # a blank line inside counts
    assert not accepts_stdout("lcb", "NaN 1", "nan 1")  # Decimal NaN never equals
    assert not accepts_stdout("lcb", "sNaN", "1")


def test_lcb_values_plain_equality_after_outer_tuple() -> None:
    assert accepts_value("lcb", (1, 2), [1, 2])
    assert accepts_value("lcb", True, 1)
    assert not accepts_value("lcb", [(1, 2)], [[1, 2]])  # only the outer tuple becomes a list
    assert not accepts_value("lcb", 0.1 + 0.2, 0.3)


# --- codecontests -----------------------------------------------------------------------------


def test_codecontests_stdout_absolute_tolerance() -> None:
    assert accepts_stdout("codecontests", "1.000009\n", "1")
    assert accepts_stdout("codecontests", "0.3333333", "0.33333")
    assert not accepts_stdout("codecontests", "1.00001", "1")  # |diff| < 1e-5 is strict
    assert not accepts_stdout("codecontests", "1000001", "1000000")  # no relative part
    assert not accepts_stdout("codecontests", "abc", "abd")


def test_codecontests_stdout_tokens_and_case() -> None:
    assert accepts_stdout("codecontests", "YES\n1\t2\r\n", "yes 1 2")
    assert not accepts_stdout("codecontests", "1\f2", "1 2")  # \f does not separate tokens
    assert accepts_stdout("codecontests", "inf 1", "INF 1")  # equal token lists
    # Token by token, inf - inf is nan and fails the tolerance test.
    assert not accepts_stdout("codecontests", "inf 1", "inf 1.000001")


def test_codecontests_values() -> None:
    assert accepts_value("codecontests", [1.000001], [1.0])
    assert not accepts_value("codecontests", 1.0, 1)
    assert not accepts_value("codecontests", True, 1)
    assert not accepts_value("codecontests", 1.0001, 1.0)


# --- xcodeeval --------------------------------------------------------------------------------


def test_xcodeeval_stdout() -> None:
    assert accepts_stdout("xcodeeval", "1 \n2  \n\n", "\n1\n2")
    assert accepts_stdout("xcodeeval", "1 2", "1\n2")  # tokens when the lines differ
    assert accepts_stdout("xcodeeval", "1.0000000000001", "1")
    assert accepts_stdout("xcodeeval", "1.000000000001", "1")  # the 53-bit difference
    assert accepts_stdout("xcodeeval", "YES", "yes")
    assert accepts_stdout("xcodeeval", "nan", "5")  # |nan - 5| > 1e-12 is false
    assert not accepts_stdout("xcodeeval", "1.00000000001", "1")
    assert not accepts_stdout("xcodeeval", "Abc", "abc")
    assert not accepts_stdout("xcodeeval", "inf", "-inf")
    assert not accepts_stdout("xcodeeval", "1 2", "1 2 3")
    assert not accepts_stdout("xcodeeval", "100000000000000000001", "100000000000000000000")


def test_xcodeeval_values_are_type_aware() -> None:
    assert accepts_value("xcodeeval", {"a": [1]}, {"a": [1]})
    assert not accepts_value("xcodeeval", True, 1)


# --- evalplus ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        (1, 1.0),  # plain == first
        (True, 1),
        (0.1 + 0.2, 0.3),  # a float expected raises atol to 1e-6
        ([0.1 + 0.2, 1.0], [0.3, 1.0]),
        ((1.0000001,), (1.0,)),
    ],
)
def test_evalplus_values_accept(actual: object, expected: object) -> None:
    assert accepts_value("evalplus", actual, expected)


@pytest.mark.parametrize(
    ("actual", "expected"),
    [
        ((0.3,), [0.3 + 1e-9]),  # the tolerance path checks the type
        ([1.0, 2.0], [1.0]),
        (1.001, 1.0),
        (4, 3),
        (1000000001, 1000000000),  # int expected: no tolerance
        (NAN, float("nan")),  # allclose's nan never matches
        ("a", "b"),
        ([0.3, "x"], [0.3 + 1e-9, "x"]),  # not all floats: atol stays 0
    ],
)
def test_evalplus_values_reject(actual: object, expected: object) -> None:
    assert not accepts_value("evalplus", actual, expected)


def test_evalplus_task_atol() -> None:
    checker = EvalPlusChecker(atol=1e-3)
    assert checker.compare_value(1.0005, 1.0)
    assert checker.compare_value([[1.0005], [2.0]], [[1.0], [2.0]])
    assert not checker.compare_value([[1.0005], [2.0]], [[1.0], [2.0, 3.0]])  # ragged
    assert not checker.compare_value(1.01, 1.0)


def test_evalplus_stdout_is_tokens() -> None:
    assert accepts_stdout("evalplus", "1  2\n", "1 2")
    assert not accepts_stdout("evalplus", "1 2", "1 3")


# --- the registry -----------------------------------------------------------------------------

# JSON-shaped samples: APPS and LiveCodeBench turn a tuple result into a list, so by design
# they reject a tuple compared with an equal tuple; the samples avoid nan (== rejects it) and
# integer-like string keys (APPS converts expected keys to int).
SAMPLE_VALUES: list[object] = [
    None,
    True,
    0,
    -7,
    10**30,
    2.5,
    -0.0,
    "",
    "text",
    [],
    [1, 2, 3],
    [0.1, [True, None], {"k": "v"}],
    {"a": [1, 2], "b": {"c": 1.5}},
    [{"a": 1}, 2],
]
SAMPLE_STDOUTS: list[str] = [
    "",
    "\n",
    "1\n",
    "1 2\n3 4\n",
    "hello world\n",
    "0.5 -1e-9\n",
    "YES\n",
    "  a  \n\n b\n",
    "nan inf\n",
]


@pytest.mark.parametrize("name", checker_names())
def test_every_checker_accepts_the_expected_output_itself(name: str) -> None:
    checker: Checker = get_checker(name)
    assert checker.name == name
    for value in SAMPLE_VALUES:
        assert checker.compare_value(copy.deepcopy(value), value), value
    for stdout in SAMPLE_STDOUTS:
        assert checker.compare_stdout(stdout, stdout), stdout


def test_registry_lists_all_builtin_checkers() -> None:
    names = checker_names()
    assert names == sorted(names)
    assert set(names) >= {
        "apps",
        "codecontests",
        "evalplus",
        "exact",
        "float",
        "lcb",
        "tokens",
        "xcodeeval",
    }
    assert all(get_checker(name).name == name for name in names)


def test_unknown_checker_names_the_known_ones() -> None:
    with pytest.raises(KeyError) as raised:
        get_checker("nope")
    message = str(raised.value)
    assert "nope" in message
    for name in checker_names():
        assert name in message
