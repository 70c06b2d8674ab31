"""Checkers: named comparison rules between what a program produced and what was expected.

A checker runs in the judging process on plain data only: standard output as ``str`` and
return values already decoded from the child's plain-data encoding into built-in Python
values (``None``, ``bool``, ``int``, ``float``, ``complex``, ``str``, ``bytes``, ``list``,
``tuple``, ``dict``, ``set``, ``frozenset``). No object created by untrusted code ever
reaches a checker, so no untrusted ``__eq__`` runs here.

The checkers are one :class:`~execgym.registry.Registry` (:data:`CHECKERS`, entry-point group
``execgym.checkers``): each is registered with :func:`register` beside its definition, with a
one-line ``summary``, and looked up with :func:`get_checker`; an unknown name raises
:class:`~execgym.registry.UnknownName` (a ``KeyError``) listing the known ones.
"""

from __future__ import annotations

from typing import Any, Protocol

from execgym.registry import Registry


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


CHECKERS: Registry[Checker] = Registry("checker", builtins=("execgym.sandbox._builtin_checkers",))
"""Every checker by name; the built-in ones load on the first lookup."""


def register(checker: Checker, *, summary: str | None = None, **metadata: Any) -> Checker:
    """Add ``checker`` under ``checker.name``; a duplicate name is an error.

    ``summary`` (one line) defaults to the first line of the checker class's docstring; the
    README's table lists the checkers registered with a summary of their own (``listed``),
    not those registered on demand (another tolerance of a built-in rule).
    """
    listed = summary is not None
    if summary is None:
        doc = (type(checker).__doc__ or "").strip()
        summary = doc.splitlines()[0] if doc else checker.name
    return CHECKERS.register(checker.name, checker, summary=summary, listed=listed, **metadata)


def get_checker(name: str) -> Checker:
    """The checker registered as ``name``; an unknown name raises ``UnknownName``."""
    return CHECKERS.get(name)


def checker_names() -> list[str]:
    """Names of all registered checkers, sorted."""
    return CHECKERS.names()
