"""MBPP+ test inputs back to the Python types the tasks take.

MBPP+ stores inputs as JSON, which has no tuples, sets or complex numbers; EvalPlus turns
them back per task (evalplus/evalplus, ``evalplus/data/mbpp.py``, ``mbpp_deserialize_inputs``).
This module applies the same per-task conversions, written independently from the task
numbers and shapes listed there. ``args`` is one test's argument list; tasks not listed keep
their JSON values.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

Args = list[Any]


def _each_to_tuple(args: Args) -> Args:
    return [tuple(arg) for arg in args]


def _each_to_list_of_tuples(args: Args) -> Args:
    return [[tuple(item) for item in arg] for arg in args]


def _first_to_list_of_tuples(args: Args) -> Args:
    return [[tuple(item) for item in args[0]], args[1]]


def _second_to_tuple(args: Args) -> Args:
    return [args[0], tuple(args[1])]


def _first_to_tuple(args: Args) -> Args:
    return [tuple(args[0]), *args[1:]]


def _each_to_tuple_of_tuples(args: Args) -> Args:
    return [tuple(tuple(item) for item in arg) for arg in args]


def _deep_tuple(value: Any) -> Any:
    return tuple(_deep_tuple(item) for item in value) if isinstance(value, list) else value


def _each_to_deep_tuple(args: Args) -> Args:
    return [_deep_tuple(arg) for arg in args]


def _task_115(args: Args) -> Args:
    # A list of sets; an empty JSON list stands for an empty dict, as EvalPlus reads it.
    return [[set(item) if isinstance(item, list) and item else {} for item in args[0]]]


def _task_124(args: Args) -> Args:
    return [float(args[0]), complex(args[1])]


def _task_252(args: Args) -> Args:
    return [complex(args[0])]


def _task_278(args: Args) -> Args:
    return [tuple(tuple(item) if isinstance(item, list) else item for item in args[0])]


def _task_722(args: Args) -> Args:
    return [{key: tuple(value) for key, value in args[0].items()}, *args[1:]]


def _tasks(numbers: str) -> tuple[int, ...]:
    return tuple(int(number) for number in numbers.split())


_RULES: dict[int, Callable[[Args], Args]] = {
    **dict.fromkeys(
        _tasks("2 116 132 143 222 261 273 394 399 421 424 429 470 560 579 596 616 630 726 740")
        + _tasks("744 809"),
        _each_to_tuple,
    ),
    **dict.fromkeys(
        _tasks("63 64 70 94 120 237 272 299 400 409 417 438 473 614 780"), _each_to_list_of_tuples
    ),
    **dict.fromkeys(_tasks("75 413 444 753"), _first_to_list_of_tuples),
    **dict.fromkeys(_tasks("106 750"), _second_to_tuple),
    **dict.fromkeys(_tasks("250 405 446 617 720 763 808 307"), _first_to_tuple),
    **dict.fromkeys(_tasks("259 401 445"), _each_to_tuple_of_tuples),
    **dict.fromkeys(_tasks("580 615 791"), _each_to_deep_tuple),
    115: _task_115,
    124: _task_124,
    252: _task_252,
    278: _task_278,
    722: _task_722,
}


def mbpp_plus_args(task_id: str, args: Args) -> Args:
    """``args`` of MBPP+ task ``task_id`` (``"Mbpp/2"``) with their Python types restored."""
    try:
        number = int(task_id.rsplit("/", 1)[-1])
    except ValueError:
        return args
    rule = _RULES.get(number)
    return rule(args) if rule is not None else args
