"""The built-in checkers: execgym's own comparison rules and re-implementations of the judges
of public code benchmarks.

Every checker here is a small frozen dataclass registered with
:func:`~execgym.sandbox.register` right below its definition, with the one-line
``summary`` the README's checker table shows. Its docstring states
exactly which rule it applies; the benchmark checkers (``apps``, ``lcb``, ``codecontests``,
``xcodeeval``, ``evalplus``) reproduce the semantics of that benchmark's official judge, read
from its source and written here independently, without numpy. Where a re-implementation
cannot or does not follow the official judge, its docstring says so.

A checker compares against ONE expected output: a judge that accepts any of several outputs
calls :meth:`compare_stdout` once per alternative. Checkers run on plain data only (``str``
standard output, built-in decoded values), so they never run untrusted code. A value nested
too deeply to compare (``RecursionError``) is rejected rather than crashing the judge.

The fields of each dataclass are keyword-only; a caller may build its own instance with other
tolerances (and another ``name``) and register it.
"""

from __future__ import annotations

import cmath
import itertools
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import MAX_EMAX, MIN_EMIN, Context, Decimal
from typing import Final, TypeVar

from execgym.sandbox._checkers import register

__all__ = [
    "AppsChecker",
    "CodeContestsChecker",
    "EvalPlusChecker",
    "ExactChecker",
    "FloatChecker",
    "LiveCodeBenchChecker",
    "TokensChecker",
    "XCodeEvalChecker",
    "values_equal",
]

_MISSING: Final = object()
"""Sentinel for "no such item"; never equal to any value a checker sees."""

_SCALAR_TYPES: Final[frozenset[type]] = frozenset(
    {type(None), bool, int, float, complex, str, bytes}
)
"""Types for which ``==`` together with identical types is type-aware equality."""

_T = TypeVar("_T")


# --------------------------------------------------------------------------------------------
# Shared helpers: type-aware value equality
# --------------------------------------------------------------------------------------------


def values_equal(
    actual: object, expected: object, *, rel_tol: float = 0.0, abs_tol: float = 0.0
) -> bool:
    """Type-aware structural equality of two plain-data values.

    - The two values must have exactly the same type: ``1``, ``1.0`` and ``True`` all differ
      from each other, as do ``list`` and ``tuple`` and ``set`` and ``frozenset``.
    - ``float``: equal when ``==``, when both are nan, or, with a non-zero tolerance, when
      ``math.isclose(actual, expected, rel_tol=rel_tol, abs_tol=abs_tol)`` (so infinities
      equal only themselves). ``complex``: real and imaginary parts compared as floats.
    - ``list``/``tuple``: same length and element-wise equal, in order.
    - ``dict``: the same keys, matched type-aware and exactly (nan matches nan, tolerances do
      not apply to keys), each mapped to equal values.
    - ``set``/``frozenset``: a one-to-one pairing of type-aware-equal elements exists,
      whatever the order (tolerances apply to float elements).
    - Anything else (``None``, ``bool``, ``int``, ``str``, ``bytes``): ``==``.

    Recurses through nested containers.
    """
    if type(actual) is not type(expected):
        return False
    if isinstance(expected, float) and isinstance(actual, float):
        return _floats_equal(actual, expected, rel_tol, abs_tol)
    if isinstance(expected, (list, tuple)) and isinstance(actual, (list, tuple)):
        return _sequences_equal(actual, expected, rel_tol, abs_tol)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return _dicts_equal(actual, expected, rel_tol, abs_tol)
    if isinstance(expected, (set, frozenset)) and isinstance(actual, (set, frozenset)):
        return _sets_equal(actual, expected, rel_tol, abs_tol)
    if isinstance(expected, complex) and isinstance(actual, complex):
        return _floats_equal(actual.real, expected.real, rel_tol, abs_tol) and _floats_equal(
            actual.imag, expected.imag, rel_tol, abs_tol
        )
    return actual == expected


def _floats_equal(actual: float, expected: float, rel_tol: float, abs_tol: float) -> bool:
    if actual == expected:
        return True
    if math.isnan(actual) or math.isnan(expected):
        return math.isnan(actual) and math.isnan(expected)
    if rel_tol == 0.0 and abs_tol == 0.0:
        return False
    return math.isclose(actual, expected, rel_tol=rel_tol, abs_tol=abs_tol)


def _sequences_equal(
    actual: Sequence[object], expected: Sequence[object], rel_tol: float, abs_tol: float
) -> bool:
    if len(actual) != len(expected):
        return False
    # Fast path for the common case: C-level ``==`` plus identical scalar element types is
    # already type-aware equality, and it is much cheaper than a Python-level walk.
    if actual == expected:
        expected_types = list(map(type, expected))
        if expected_types == list(map(type, actual)) and _SCALAR_TYPES.issuperset(expected_types):
            return True
    return all(
        values_equal(a, e, rel_tol=rel_tol, abs_tol=abs_tol)
        for a, e in zip(actual, expected, strict=True)
    )


def _dicts_equal(
    actual: dict[object, object],
    expected: dict[object, object],
    rel_tol: float,
    abs_tol: float,
) -> bool:
    if len(actual) != len(expected):
        return False
    # Hash lookup finds the one actual key that is ``==`` to each expected key; it still has to
    # be type-aware equal. Keys it cannot pair (nan, 1 vs True, ...) are paired by search.
    actual_keys: dict[object, object] = {key: key for key in actual}
    pending: list[tuple[object, object]] = []
    for key, value in expected.items():
        found = actual_keys.get(key, _MISSING)
        if found is not _MISSING and values_equal(found, key):
            del actual_keys[key]
            if not values_equal(actual[found], value, rel_tol=rel_tol, abs_tol=abs_tol):
                return False
        else:
            pending.append((key, value))
    if not pending:
        return True
    remaining = [(key, actual[key]) for key in actual_keys.values()]

    def same_item(a: tuple[object, object], e: tuple[object, object]) -> bool:
        return values_equal(a[0], e[0]) and values_equal(
            a[1], e[1], rel_tol=rel_tol, abs_tol=abs_tol
        )

    return _perfect_matching(remaining, pending, same_item)


def _sets_equal(
    actual: set[object] | frozenset[object],
    expected: set[object] | frozenset[object],
    rel_tol: float,
    abs_tol: float,
) -> bool:
    if len(actual) != len(expected):
        return False
    actual_items: dict[object, object] = {item: item for item in actual}
    pending: list[object] = []
    for item in expected:
        found = actual_items.get(item, _MISSING)
        if found is not _MISSING and values_equal(found, item, rel_tol=rel_tol, abs_tol=abs_tol):
            del actual_items[item]
        else:
            pending.append(item)
    if not pending:
        return True

    def same(a: object, e: object) -> bool:
        return values_equal(a, e, rel_tol=rel_tol, abs_tol=abs_tol)

    return _perfect_matching(list(actual_items.values()), pending, same)


def _perfect_matching(actual: list[_T], expected: list[_T], same: Callable[[_T, _T], bool]) -> bool:
    """Whether every expected item can be paired with its own actual item that is ``same``.

    Bipartite matching by augmenting paths (iterative, so deep inputs cannot overflow the
    stack). Only the few items the hash lookup could not pair reach here.
    """
    if len(actual) != len(expected):
        return False
    candidates = [[i for i, a in enumerate(actual) if same(a, e)] for e in expected]
    owner: list[int] = [-1] * len(actual)  # actual index -> expected index paired with it
    paired: list[int] = [-1] * len(expected)  # expected index -> actual index
    for start in range(len(expected)):
        reached_from: dict[int, int] = {}  # actual index -> expected index that reached it
        stack = [start]
        free = -1
        while stack and free < 0:
            e = stack.pop()
            for i in candidates[e]:
                if i in reached_from:
                    continue
                reached_from[i] = e
                if owner[i] < 0:
                    free = i
                    break
                stack.append(owner[i])
        if free < 0:
            return False
        i = free
        while True:  # flip the path back to ``start``
            e = reached_from[i]
            previous = paired[e]
            owner[i], paired[e] = e, i
            if e == start:
                break
            i = previous
    return True


def _guarded(compare: Callable[[object, object], bool], actual: object, expected: object) -> bool:
    """``compare(actual, expected)``, rejecting values nested too deeply to compare."""
    try:
        return compare(actual, expected)
    except RecursionError:
        return False


# --------------------------------------------------------------------------------------------
# Shared helpers: numbers in text
# --------------------------------------------------------------------------------------------

_DECIMAL_FLOAT: Final = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan)",
    re.IGNORECASE,
)
"""A decimal floating-point literal, as C's ``strtod`` reads one (without hex forms)."""


def _parse_float_token(token: str) -> float | None:
    """The float a whitespace-free token spells in plain decimal notation, else ``None``.

    Accepts an optional sign, digits with an optional point and exponent, ``inf``,
    ``infinity`` and ``nan`` (any case); rejects Python-only spellings such as ``1_000``
    and non-ASCII digits.
    """
    if _DECIMAL_FLOAT.fullmatch(token) is None:
        return None
    return float(token)


def _np_isclose(actual: complex, expected: complex, *, rtol: float, atol: float) -> bool:
    """``numpy.isclose(actual, expected, rtol, atol, equal_nan=False)`` for two scalars.

    numpy's rule is asymmetric: ``|a - e| <= atol + rtol * |e|`` for a finite expected
    value, or ``a == e`` (which lets an infinity match itself); nan matches nothing.
    """
    if actual == expected:
        return True
    if not cmath.isfinite(expected):
        return False
    return abs(actual - expected) <= atol + rtol * abs(expected)


# --------------------------------------------------------------------------------------------
# exact
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class ExactChecker:
    """``exact``: the strictest rule.

    Standard output: equal strings once every ``"\\r\\n"`` is replaced by ``"\\n"`` in both;
    nothing else is forgiven, not even a missing or extra trailing newline or space.

    Values: :func:`values_equal` with no tolerance: type-aware (``True``, ``1`` and ``1.0``
    all differ; ``list`` and ``tuple`` differ), floats exact except that nan equals nan, sets
    order-free, dicts key by key, recursively.
    """

    name: str = "exact"

    def compare_stdout(self, actual: str, expected: str) -> bool:
        return actual.replace("\r\n", "\n") == expected.replace("\r\n", "\n")

    def compare_value(self, actual: object, expected: object) -> bool:
        return _guarded(values_equal, actual, expected)


register(
    ExactChecker(),
    summary=(
        "output identical (after `\\r\\n` → `\\n`); values type-aware (`1`, `1.0`, `True` differ)"
    ),
)


# --------------------------------------------------------------------------------------------
# tokens
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class TokensChecker:
    """``tokens``: the default for standard-input tests.

    Standard output: the same whitespace-separated tokens in the same order,
    ``actual.split() == expected.split()``; the amount and kind of whitespace (spaces, tabs,
    newlines, ``\\r``, leading or trailing blank lines) does not matter, letter case does.

    Values: as ``exact`` (type-aware :func:`values_equal`, no tolerance).
    """

    name: str = "tokens"

    def compare_stdout(self, actual: str, expected: str) -> bool:
        return actual.split() == expected.split()

    def compare_value(self, actual: object, expected: object) -> bool:
        return _guarded(values_equal, actual, expected)


register(
    TokensChecker(),
    summary="the default: whitespace-insensitive output; values type-aware",
)


# --------------------------------------------------------------------------------------------
# float
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class FloatChecker:
    """``float``: whitespace-separated tokens, numbers within a tolerance.

    Standard output: both outputs split on whitespace must have as many tokens; tokens are
    paired in order. Two tokens that both spell a decimal number (optional sign, digits with
    an optional point and exponent, or ``inf``/``infinity``/``nan`` in any case) are equal
    when ``math.isclose(a, b, rel_tol=rel_tol, abs_tol=abs_tol)``, i.e. within the absolute
    OR the relative tolerance, or when both are nan; any other pair must be equal strings.

    Values: :func:`values_equal` with these tolerances: type-aware, so an ``int`` expected
    value still differs from a ``float`` result, but floats (also inside containers) are
    compared within the tolerance.

    Defaults: ``abs_tol = rel_tol = 1e-6``; both must be non-negative.
    """

    name: str = "float"
    abs_tol: float = 1e-6
    rel_tol: float = 1e-6

    def __post_init__(self) -> None:
        if self.abs_tol < 0 or self.rel_tol < 0:
            raise ValueError("tolerances must be non-negative")

    def compare_stdout(self, actual: str, expected: str) -> bool:
        actual_tokens, expected_tokens = actual.split(), expected.split()
        if len(actual_tokens) != len(expected_tokens):
            return False
        for a, e in zip(actual_tokens, expected_tokens, strict=True):
            if a == e:
                continue
            a_number, e_number = _parse_float_token(a), _parse_float_token(e)
            if a_number is None or e_number is None:
                return False
            if not _floats_equal(a_number, e_number, self.rel_tol, self.abs_tol):
                return False
        return True

    def compare_value(self, actual: object, expected: object) -> bool:
        def compare(a: object, e: object) -> bool:
            return values_equal(a, e, rel_tol=self.rel_tol, abs_tol=self.abs_tol)

        return _guarded(compare, actual, expected)


register(
    FloatChecker(),
    summary="tokens; numbers within absolute/relative tolerance (default 1e-6)",
)


# --------------------------------------------------------------------------------------------
# apps
# --------------------------------------------------------------------------------------------

_APPS_RTOL: Final = 1e-05
_APPS_ATOL: Final = 1e-08
"""``numpy.allclose``'s default tolerances, which APPS uses."""


@dataclass(frozen=True, kw_only=True)
class AppsChecker:
    """``apps``: the official APPS judge (hendrycks/apps, ``eval/testing_util.py``).

    Standard output. APPS captures the program's output as ``lines =
    actual.splitlines()`` and accepts at the first of these steps that succeeds:

    1. ``"\\n".join(lines).strip() == expected.strip()``, or the same with every line
       stripped first (``custom_compare_``);
    2. ``lines == [expected]`` (implied by step 1, so not repeated here);
    3. ``lines == truth``, where ``truth`` is the list of the expected output's lines
       (``expected.split("\\n")``) that are non-empty, each then stripped; note that
       ``lines`` are not stripped here;
    4. the same after dropping the empty strings from ``lines``;
    5. every line of ``lines`` and of ``truth`` parses with Python's ``float()``, there are
       as many of each, and they are pairwise close by ``numpy.allclose``'s rule
       (``|a - e| <= 1e-08 + 1e-05 * |e|``, or ``a == e``; nan never matches);
    6. ``lines == [set(...) for each truth line]``, which only holds when both are empty
       and so is implied by step 4;
    7. the set of per-line token sets of ``lines`` (``frozenset(line.split())`` for each
       line that has tokens) equals that of ``truth`` (whitespace-only truth lines give an
       empty token set): line order, token order within a line, and repeats of lines or of
       tokens are all ignored;
    8. the same with every token replaced by ``round(float(token), 3)``, when every token on
       both sides parses with ``float()``.

    Values (function-call problems). First the expected value is decoded as APPS does with
    its JSON: a dict becomes ``[{int(k): v}]``, and then a value whose first item
    (``expected[0]``) is a dict becomes ``[{int(k): v for that dict}]`` (dropping any further
    items), each only when every key converts with ``int()``. A tuple result becomes a list.
    The result is accepted when ``result == expected`` by plain Python ``==`` (so ``1``,
    ``1.0`` and ``True`` are all equal here, as in APPS), or when ``expected`` is a non-empty
    list and ``result == expected[0]`` (APPS stores a call's outputs wrapped in a list), or
    when the result's first item is a tuple and ``[list(x) for x in result] ==
    expected[0]``.

    Deviation: APPS compares floats with numpy; this uses the same formula in plain Python
    floats, which gives the same answers.
    """

    name: str = "apps"

    def compare_stdout(self, actual: str, expected: str) -> bool:
        lines = actual.splitlines()
        stripped_truth = expected.strip()
        # Step 1 (custom_compare_); step 2 is implied by it.
        if "\n".join(lines).strip() == stripped_truth:
            return True
        if "\n".join(line.strip() for line in lines).strip() == stripped_truth:
            return True
        # Step 3: the expected output's non-empty lines, stripped.
        truth = [line.strip() for line in expected.split("\n") if line]
        if lines == truth:
            return True
        # Step 4: drop the empty lines of the output (step 6 is implied by this).
        lines = [line for line in lines if line]
        if lines == truth:
            return True
        # Step 5: one float per line, numpy.allclose's rule.
        if len(lines) == len(truth) and _apps_lines_close(lines, truth):
            return True
        # Step 7: sets of per-line token sets.
        line_sets = [frozenset(tokens) for tokens in (line.split() for line in lines) if tokens]
        truth_sets = [frozenset(line.split()) for line in truth]
        if set(line_sets) == set(truth_sets):
            return True
        # Step 8: the same with every token rounded to 3 decimals.
        try:
            return _apps_rounded(line_sets) == _apps_rounded(truth_sets)
        except (ValueError, OverflowError):
            return False

    def compare_value(self, actual: object, expected: object) -> bool:
        return _guarded(_apps_values_match, actual, expected)


def _apps_lines_close(lines: list[str], truth: list[str]) -> bool:
    try:
        actual_numbers = [float(line) for line in lines]
        expected_numbers = [float(line) for line in truth]
    except ValueError:
        return False
    return all(
        _np_isclose(a, e, rtol=_APPS_RTOL, atol=_APPS_ATOL)
        for a, e in zip(actual_numbers, expected_numbers, strict=True)
    )


def _apps_rounded(token_sets: list[frozenset[str]]) -> set[frozenset[float]]:
    return {frozenset(round(float(token), 3) for token in tokens) for tokens in token_sets}


def _first_item(value: object) -> object:
    """``value[0]`` where Python would give it for plain data, else :data:`_MISSING`."""
    if isinstance(value, (list, tuple, str, bytes)):
        return value[0] if value else _MISSING
    if isinstance(value, dict):
        return value.get(0, _MISSING)
    return _MISSING


def _int_keyed(mapping: dict[object, object]) -> dict[int, object] | None:
    """``{int(k): v for k, v in mapping.items()}``, or ``None`` where ``int()`` fails."""
    converted: dict[int, object] = {}
    for key, value in mapping.items():
        if not isinstance(key, (str, bytes, int, float)):
            return None
        try:
            converted[int(key)] = value
        except (ValueError, OverflowError):
            return None
    return converted


def _apps_decode_expected(expected: object) -> object:
    if isinstance(expected, dict):
        converted = _int_keyed(expected)
        if converted is not None:
            expected = [converted]
    first = _first_item(expected)
    if isinstance(first, dict):
        converted = _int_keyed(first)
        if converted is not None:
            expected = [converted]
    return expected


def _apps_values_match(actual: object, expected: object) -> bool:
    expected = _apps_decode_expected(expected)
    result = list(actual) if isinstance(actual, tuple) else actual
    if result == expected:
        return True
    if isinstance(expected, list) and expected and result == expected[0]:
        return True
    if isinstance(_first_item(result), tuple) and isinstance(result, Iterable):
        first_expected = _first_item(expected)
        if first_expected is _MISSING:
            return False
        rows: list[list[object]] = []
        for row in result:
            if not isinstance(row, Iterable):
                return False
            rows.append(list(row))
        return rows == first_expected
    return False


register(
    AppsChecker(),
    summary="the APPS judge: its stdout cascade, `==` on values with list-wrapped outputs",
)


# --------------------------------------------------------------------------------------------
# lcb
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True, kw_only=True)
class LiveCodeBenchChecker:
    """``lcb``: LiveCodeBench's official judge (LiveCodeBench/LiveCodeBench,
    ``lcb_runner/evaluation/testing_util.py``, ``grade_stdio`` and ``grade_call_based``).

    Standard output: each output is stripped as a whole, split on ``"\\n"``, and every line
    stripped (so leading and trailing blank lines and spaces, and ``\\r`` line ends, do not
    matter; blank lines in the middle do). The two must have the same number of lines, and
    each pair of lines must either be equal strings or both split on whitespace into tokens
    that all parse as ``decimal.Decimal`` and give equal lists of Decimals (so ``0.50``
    equals ``0.5`` and ``1e2`` equals ``100``, exactly, with no tolerance; a ``NaN`` token
    never matches). Anything else fails.

    Values: a tuple result becomes a list; then plain Python ``result == expected`` (so
    ``1 == 1.0 == True``; floats exact; only the outermost tuple is converted).
    """

    name: str = "lcb"

    def compare_stdout(self, actual: str, expected: str) -> bool:
        actual_lines, expected_lines = _lcb_lines(actual), _lcb_lines(expected)
        if len(actual_lines) != len(expected_lines):
            return False
        for a, e in zip(actual_lines, expected_lines, strict=True):
            if a == e:
                continue
            a_numbers, e_numbers = _decimal_tokens(a), _decimal_tokens(e)
            if a_numbers is None or e_numbers is None:
                return False
            try:
                if a_numbers != e_numbers:
                    return False
            except ArithmeticError:  # a signalling NaN; LiveCodeBench errors out, i.e. fails
                return False
        return True

    def compare_value(self, actual: object, expected: object) -> bool:
        return _guarded(_lcb_values_match, actual, expected)


def _lcb_lines(text: str) -> list[str]:
    return [line.strip() for line in text.strip().split("\n")]


def _decimal_tokens(line: str) -> list[Decimal] | None:
    try:
        return [Decimal(token) for token in line.split()]
    except (ArithmeticError, ValueError):
        return None


def _lcb_values_match(actual: object, expected: object) -> bool:
    result = list(actual) if isinstance(actual, tuple) else actual
    return result == expected


register(
    LiveCodeBenchChecker(),
    summary="LiveCodeBench: stripped lines, then `Decimal` tokens",
)


# --------------------------------------------------------------------------------------------
# codecontests
# --------------------------------------------------------------------------------------------

_CC_TOKENIZE: Final = str.maketrans(
    {"\t": " ", "\n": " ", "\r": " ", "\v": " "}
    | {chr(code): chr(code + 32) for code in range(ord("A"), ord("Z") + 1)}
)
"""CodeContests' separators (space, ``\\n``, ``\\t``, ``\\r``, ``\\v``) to spaces, and ASCII
letters to lower case."""

_STRTOD_NUMBER: Final = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity|nan(\([0-9a-z_]*\))?)",
    re.IGNORECASE,
)


@dataclass(frozen=True, kw_only=True)
class CodeContestsChecker:
    """``codecontests``: DeepMind CodeContests' output check (google-deepmind/code_contests,
    ``execution/tester_sandboxer.cc``, ``OutputsMatch`` and ``ValuesMatch``).

    Standard output: both outputs are split into tokens on the characters space, ``\\n``,
    ``\\t``, ``\\r`` and ``\\v`` (empty tokens dropped) and ASCII letters are lower-cased
    (so ``YES`` equals ``yes``). Equal token lists are accepted. Otherwise both must have as
    many tokens, and each pair must match: when either token is not a number they must be
    equal strings; when both parse as a C ``double`` (decimal notation, ``inf``, ``nan``;
    an integer parses as a double too) they must satisfy ``|a - b| < 1e-5``, an absolute
    tolerance with a strict comparison and no relative part; so two infinities or two nans
    only match through the whole-list equality.

    Values: CodeContests has no function-call tests; this is execgym's own rule,
    :func:`values_equal` with ``abs_tol`` (type-aware, floats within ``1e-5``).

    Deviation: hex-float tokens (``0x1p3``), which older C libraries read as numbers, are
    compared as strings here.
    """

    name: str = "codecontests"
    abs_tol: float = 1e-5

    def compare_stdout(self, actual: str, expected: str) -> bool:
        actual_tokens = _cc_tokens(actual)
        expected_tokens = _cc_tokens(expected)
        if actual_tokens == expected_tokens:
            return True
        if len(actual_tokens) != len(expected_tokens):
            return False
        for a, e in zip(actual_tokens, expected_tokens, strict=True):
            a_number, e_number = _strtod(a), _strtod(e)
            if a_number is None or e_number is None:
                if a != e:
                    return False
            elif not abs(a_number - e_number) < self.abs_tol:
                return False
        return True

    def compare_value(self, actual: object, expected: object) -> bool:
        def compare(a: object, e: object) -> bool:
            return values_equal(a, e, abs_tol=self.abs_tol)

        return _guarded(compare, actual, expected)


def _cc_tokens(text: str) -> list[str]:
    return [token for token in text.translate(_CC_TOKENIZE).split(" ") if token]


def _strtod(token: str) -> float | None:
    # absl::SimpleAtod ignores surrounding ASCII whitespace; only \f can still be there.
    text = token.strip(" \t\n\v\f\r")
    if _STRTOD_NUMBER.fullmatch(text) is None:
        return None
    if "(" in text:  # nan(chars)
        return math.nan
    return float(text)


register(
    CodeContestsChecker(),
    summary="CodeContests: tokens, numbers within 1e-5",
)


# --------------------------------------------------------------------------------------------
# xcodeeval
# --------------------------------------------------------------------------------------------

_XCE_WORDS: Final = frozenset({"yes", "no", "true", "false"})
_XCE_TOLERANCE: Final = 1e-12
"""``gmpy2.mpfr(1e-12, 129)`` holds exactly the double nearest to 1e-12."""
_XCE_EXPONENT_LIMIT: Final = 323_228_496
"""MPFR's default exponent range (2**30 - 1 bits) in decimal digits."""
_XCE_CONTEXT: Final = Context(
    prec=39,  # 129 bits
    Emax=_XCE_EXPONENT_LIMIT,
    Emin=-_XCE_EXPONENT_LIMIT,
    traps=[],
)
_XCE_DIFFERENCE: Final = Context(prec=80, Emax=MAX_EMAX, Emin=MIN_EMIN, traps=[])
"""Subtracts two numbers (nearly) exactly, before the difference is rounded to a double."""
_XCE_NUMBER: Final = re.compile(
    r"(?P<sign>[+-]?)(?:"
    r"(?P<mantissa>[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE@](?P<exponent>[+-]?[0-9]+))?"
    r"|(?P<inf>inf|infinity|@inf@)|(?P<nan>nan(?:\([0-9a-z]*\))?|@nan@))",
    re.IGNORECASE,
)


@dataclass(frozen=True, kw_only=True)
class XCodeEvalChecker:
    """``xcodeeval``: the xCodeEval judge (ntunlp/ExecEval,
    ``execution_engine/execution_engine.py``, ``init_validate_outputs``).

    ExecEval accepts a test when the program's output matches ANY of the test's accepted
    outputs; the judge layer does that by calling :meth:`compare_stdout` once per accepted
    output. Against one expected output:

    1. Lines: both outputs are stripped, split on ``"\\n"``, and accepted when they have the
       same number of lines and the lines are equal after stripping each.
    2. Otherwise tokens: both outputs split on whitespace must have as many tokens, and each
       pair must match. When both tokens read as MPFR numbers at 129 bits (gmpy2's syntax:
       underscores are ignored, a token of only underscores is 0, decimal notation with an
       ``e`` or ``@`` exponent, ``inf``/``infinity``/``@inf@``, ``nan``/``nan(...)``/
       ``@nan@``, any case), they match unless ``|a - b| > 1e-12``, the difference being
       rounded to 53 bits (gmpy2's default context) before the test, so ``1.000000000001``
       matches ``1``; because the test is false for nan, a nan token matches any number,
       and two equal infinities match. When
       either does not read as a number, they must be equal strings, except that ``yes``,
       ``no``, ``true`` and ``false`` are compared case-insensitively.

    Values: ExecEval has no function-call tests; this is execgym's own rule, as ``exact``
    (type-aware :func:`values_equal`).

    Deviations: numbers are read with 39 significant decimal digits instead of 129 binary
    ones, which differs only for tokens of more than about 38 significant digits; gmpy2's
    ``0x``/``0b`` prefixed numbers are compared as strings.
    """

    name: str = "xcodeeval"

    def compare_stdout(self, actual: str, expected: str) -> bool:
        actual_lines = actual.strip().split("\n")
        expected_lines = expected.strip().split("\n")
        if len(actual_lines) == len(expected_lines) and all(
            a.strip() == e.strip() for a, e in zip(actual_lines, expected_lines, strict=True)
        ):
            return True
        actual_tokens, expected_tokens = actual.split(), expected.split()
        if len(actual_tokens) != len(expected_tokens):
            return False
        for a, e in zip(actual_tokens, expected_tokens, strict=True):
            if a == e:  # equal text always matches, as a number (difference 0 or nan) or not
                continue
            a_number, e_number = _mpfr_number(a), _mpfr_number(e)
            if a_number is not None and e_number is not None:
                # MPFR rounds the difference to gmpy2's default 53-bit precision, like a
                # double; a nan difference (nan token, equal infinities) is never too large.
                difference = _XCE_DIFFERENCE.subtract(a_number, e_number)
                if abs(float(difference)) > _XCE_TOLERANCE:
                    return False
                continue
            if a.lower() in _XCE_WORDS:
                a = a.lower()
            if e.lower() in _XCE_WORDS:
                e = e.lower()
            if a != e:
                return False
        return True

    def compare_value(self, actual: object, expected: object) -> bool:
        return _guarded(values_equal, actual, expected)


def _mpfr_number(token: str) -> Decimal | None:
    """The number gmpy2 reads from ``token`` (rounded to the checker's precision), else None."""
    text = token.replace("_", "")
    if not text:
        return Decimal(0)
    match = _XCE_NUMBER.fullmatch(text)
    if match is None:
        return None
    negative = match["sign"] == "-"
    if match["nan"] is not None:
        return Decimal("NaN")
    if match["inf"] is not None:
        return Decimal("-Infinity" if negative else "Infinity")
    mantissa: str = match["mantissa"]
    exponent: str = (match["exponent"] or "0").lstrip("+")
    exponent_digits = exponent.lstrip("-").lstrip("0")
    if len(exponent_digits) > 12:  # far past the exponent range: overflow or underflow
        if not mantissa.strip("0."):
            return Decimal("-0" if negative else "0")
        if exponent.startswith("-"):
            return Decimal("-0" if negative else "0")
        return Decimal("-Infinity" if negative else "Infinity")
    return _XCE_CONTEXT.plus(Decimal(f"{match['sign']}{mantissa}e{exponent}"))


register(
    XCodeEvalChecker(),
    summary="xCodeEval / ExecEval: lines, then tokens; several accepted outputs",
)


# --------------------------------------------------------------------------------------------
# evalplus
# --------------------------------------------------------------------------------------------

_EVALPLUS_RTOL: Final = 1e-07
_EVALPLUS_FLOAT_ATOL: Final = 1e-6
_INT64_MIN: Final = -(2**63)
_UINT64_END: Final = 2**64


@dataclass(frozen=True, kw_only=True)
class EvalPlusChecker:
    """``evalplus``: EvalPlus's judge for HumanEval+ and MBPP+ (evalplus/evalplus,
    ``evalplus/eval/__init__.py``, ``unsafe_execute`` and ``is_floats``).

    Values: accepted when ``result == expected`` by plain Python ``==`` (no type check, so
    ``1 == 1.0 == True``). Otherwise the tolerance ``atol`` is the task's ``atol`` (this
    dataclass's field, 0 by default), raised to ``1e-6`` when it is 0 and the expected
    value "is floats" (a ``float``, or a non-empty list or tuple of nothing but floats).
    With a zero tolerance the result is rejected. With a non-zero one it is accepted only
    when ``type(result) is type(expected)``, a list or tuple has the same length, and
    ``numpy.allclose(result, expected, rtol=1e-07, atol=atol)`` holds: both convert to
    numeric arrays (numbers, or rectangular nested lists/tuples of numbers; ints in arrays
    must fit int64/uint64), their shapes broadcast by numpy's rules, and every pair
    satisfies ``|a - e| <= atol + 1e-07 * |e|`` or ``a == e`` (nan never matches). Anything
    numpy could not compare (strings, None, ragged lists, dicts, sets) is rejected.

    Standard output: EvalPlus has no standard-input tests; this is execgym's own rule, as
    ``tokens``.

    Not reproduced: EvalPlus's per-task special oracles (chosen by entry point, e.g.
    ``find_zero``, the MBPP set-equality and not-None tasks), and the quirk that a raised
    tolerance stays raised for the later tests of the same task; a judge that needs a
    task's ``atol`` builds ``EvalPlusChecker(atol=...)``.
    """

    name: str = "evalplus"
    atol: float = 0.0

    def __post_init__(self) -> None:
        if self.atol < 0:
            raise ValueError("atol must be non-negative")

    def compare_stdout(self, actual: str, expected: str) -> bool:
        return actual.split() == expected.split()

    def compare_value(self, actual: object, expected: object) -> bool:
        return _guarded(self._values_match, actual, expected)

    def _values_match(self, actual: object, expected: object) -> bool:
        if actual == expected:
            return True
        atol = self.atol
        if atol == 0 and _evalplus_is_floats(expected):
            atol = _EVALPLUS_FLOAT_ATOL
        if atol == 0 or type(actual) is not type(expected):
            return False
        if (
            isinstance(actual, (list, tuple))
            and isinstance(expected, (list, tuple))
            and len(actual) != len(expected)
        ):
            return False
        return _np_allclose(actual, expected, rtol=_EVALPLUS_RTOL, atol=atol)


def _evalplus_is_floats(value: object) -> bool:
    if isinstance(value, float):
        return True
    if isinstance(value, (list, tuple)) and value:
        return all(isinstance(item, float) for item in value)
    return False


_Array = tuple[tuple[int, ...], list[complex]]
"""A numeric array as numpy would build it: its shape and its items in row-major order."""


def _as_array(value: object, *, top: bool = True) -> _Array | None:
    """``value`` as a numeric array, or ``None`` where numpy could not compare it."""
    if isinstance(value, (bool, int)):
        # numpy keeps a bare Python int as a scalar; inside an array it needs (u)int64.
        if not top and not _INT64_MIN <= value < _UINT64_END:
            return None
        try:
            return (), [float(value)]
        except OverflowError:
            return None
    if isinstance(value, (float, complex)):
        return (), [value]
    if isinstance(value, (list, tuple)):
        parts = [_as_array(item, top=False) for item in value]
        if any(part is None for part in parts):
            return None
        arrays = [part for part in parts if part is not None]
        shapes = {shape for shape, _ in arrays}
        if len(shapes) > 1:
            return None  # ragged: numpy refuses
        inner = shapes.pop() if shapes else ()
        items = [item for _, part_items in arrays for item in part_items]
        return (len(value), *inner), items
    return None


def _np_allclose(actual: object, expected: object, *, rtol: float, atol: float) -> bool:
    """``numpy.allclose(actual, expected, rtol, atol)``, with its broadcasting."""
    a_array, e_array = _as_array(actual), _as_array(expected)
    if a_array is None or e_array is None:
        return False
    (a_shape, a_items), (e_shape, e_items) = a_array, e_array
    ndim = max(len(a_shape), len(e_shape))
    a_shape = (1,) * (ndim - len(a_shape)) + a_shape
    e_shape = (1,) * (ndim - len(e_shape)) + e_shape
    shape: list[int] = []
    for a_dim, e_dim in zip(a_shape, e_shape, strict=True):
        if a_dim != e_dim and 1 not in (a_dim, e_dim):
            return False  # shapes do not broadcast
        shape.append(e_dim if a_dim == 1 else a_dim)
    a_strides, e_strides = _broadcast_strides(a_shape), _broadcast_strides(e_shape)
    for index in itertools.product(*(range(dim) for dim in shape)):
        a_item = a_items[sum(i * s for i, s in zip(index, a_strides, strict=True))]
        e_item = e_items[sum(i * s for i, s in zip(index, e_strides, strict=True))]
        if not _np_isclose(a_item, e_item, rtol=rtol, atol=atol):
            return False
    return True


def _broadcast_strides(shape: tuple[int, ...]) -> list[int]:
    """Row-major strides of ``shape``, with 0 for the axes of length 1 (broadcast)."""
    strides: list[int] = []
    step = 1
    for dim in reversed(shape):
        strides.append(0 if dim == 1 else step)
        step *= dim
    return strides[::-1]


register(
    EvalPlusChecker(),
    summary="EvalPlus: `==`, floats with `allclose` tolerance",
)
