"""Checkers that bench problems name beyond the sandbox's built-in ones: the ``evalplus``
checker at a task's own tolerance, registered on demand under ``evalplus-atol=<atol>``."""

from __future__ import annotations

import dataclasses
import threading
from typing import Any, Final

from execgym.sandbox import checker_names, get_checker
from execgym.sandbox import register as register_checker

EVALPLUS_ATOL_PREFIX: Final = "evalplus-atol="

_lock = threading.Lock()


def evalplus_checker_name(atol: float) -> str:
    """The name of the ``evalplus`` checker with tolerance ``atol``, registered on demand."""
    if atol == 0:
        return "evalplus"
    name = f"{EVALPLUS_ATOL_PREFIX}{atol!r}"
    with _lock:
        if name not in checker_names():
            # The built-in ``evalplus`` checker is a dataclass whose tolerance is its ``atol``.
            evalplus: Any = get_checker("evalplus")
            register_checker(dataclasses.replace(evalplus, name=name, atol=atol))
    return name


def ensure_checker(name: str) -> None:
    """Register ``name`` if it is one of the on-demand checkers (a problem read back from
    JSON in a fresh process names one that this process has not registered yet)."""
    if name.startswith(EVALPLUS_ATOL_PREFIX):
        try:
            atol = float(name.removeprefix(EVALPLUS_ATOL_PREFIX))
        except ValueError:
            return
        evalplus_checker_name(atol)
