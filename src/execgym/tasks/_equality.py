"""The two equalities an answer's value may be compared with (:data:`EQUALITIES`).

``strict`` (:func:`~execgym.tasks.values_match`)
    Type-aware structural equality: ``1``, ``1.0`` and ``True`` all differ, as do ``list``
    and ``tuple``; floats within a relative tolerance; ``nan`` equals ``nan``; sets and dict
    keys order-free (see :mod:`._values`).
``python`` (:func:`python_equal`)
    Python's own ``==`` on the two values, which is what ExecVerify's reward does when it
    runs ``assert f(<input>) == <answer>``: ``1``, ``1.0`` and ``True`` are equal, a ``set``
    equals a ``frozenset`` with the same items, a ``list`` never equals a ``tuple``, floats
    are compared exactly. One difference, so that a reference always equals itself: ``nan``
    equals ``nan`` (also inside lists, tuples and dict values), where ``==`` says no.
"""

from __future__ import annotations

import math
from typing import Literal

from execgym.tasks._values import MAX_DEPTH, values_match

__all__ = ["EQUALITIES", "Equality", "python_equal", "values_equal_as"]

Equality = Literal["python", "strict"]
EQUALITIES: tuple[Equality, ...] = ("python", "strict")


def python_equal(answer: object, reference: object) -> bool:
    """Python's ``==``, except that ``nan`` equals ``nan`` (see the module docstring)."""
    try:
        if answer == reference:
            return True
        return _nan_equal(answer, reference, 0)
    except (RecursionError, TypeError, ValueError):
        return False


def _nan_equal(answer: object, reference: object, depth: int) -> bool:
    """Whether ``answer == reference`` failed only because both hold ``nan`` in one place."""
    if depth > MAX_DEPTH:
        return False
    if type(answer) is float and type(reference) is float:
        return math.isnan(answer) and math.isnan(reference)
    if (type(answer) is list and type(reference) is list) or (
        type(answer) is tuple and type(reference) is tuple
    ):
        return len(answer) == len(reference) and all(
            x == y or _nan_equal(x, y, depth + 1) for x, y in zip(answer, reference, strict=True)
        )
    if type(answer) is dict and type(reference) is dict:
        return answer.keys() == reference.keys() and all(
            answer[key] == reference[key] or _nan_equal(answer[key], reference[key], depth + 1)
            for key in answer
        )
    return False


def values_equal_as(equality: Equality, answer: object, reference: object) -> bool:
    """Whether ``answer`` equals ``reference`` by ``equality``."""
    if equality == "python":
        return python_equal(answer, reference)
    return values_match(answer, reference)
