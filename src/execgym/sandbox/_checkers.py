"""Checkers: named comparison rules between what a program produced and what was expected.

A checker runs in the judging process on plain data only: standard output as ``str`` and
return values already decoded from the child's plain-data encoding into built-in Python
values (``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``, ``bytes``, ``list``,
``tuple``, ``dict``, ``set``, ``frozenset``). No object created by untrusted code ever
reaches a checker, so no untrusted ``__eq__`` runs here.

Every checker is registered by name with :func:`register` beside its definition and looked
up with :func:`get_checker`.
"""

from __future__ import annotations

from typing import Protocol


class Checker(Protocol):
    """One comparison rule, for standard output and for return values."""

    @property
    def name(self) -> str:
        """Registry name, e.g. ``"tokens"`` (read-only, so frozen dataclasses conform)."""
        ...

    def compare_stdout(self, actual: str, expected: str) -> bool:
        """Whether ``actual`` standard output is accepted against one expected output."""
        ...

    def compare_value(self, actual: object, expected: object) -> bool:
        """Whether a returned value is accepted against the expected value."""
        ...


_REGISTRY: dict[str, Checker] = {}


def register(checker: Checker) -> Checker:
    """Add ``checker`` to the registry under ``checker.name``; a duplicate name is an error."""
    if checker.name in _REGISTRY:
        raise ValueError(f"checker {checker.name!r} is already registered")
    _REGISTRY[checker.name] = checker
    return checker


def get_checker(name: str) -> Checker:
    """The checker registered as ``name``; an unknown name raises ``KeyError`` naming the known."""
    _ensure_loaded()
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY))
        raise KeyError(f"unknown checker {name!r}; known checkers: {known}") from None


def checker_names() -> list[str]:
    """Names of all registered checkers, sorted."""
    _ensure_loaded()
    return sorted(_REGISTRY)


def _ensure_loaded() -> None:
    # The built-in checkers register themselves when their module is imported.
    from execgym.sandbox import _builtin_checkers  # noqa: F401
