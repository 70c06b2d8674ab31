"""One shape for every extensible family: a named registry of values with metadata.

Each family of execgym (checkers, datasets, eval tasks, question kinds, rewards, model
backends, and the families to come: repair methods, environments, agent methods) is one
:class:`Registry`. A member registers itself with one call beside its definition::

    CHECKERS = Registry[Checker]("checker", builtins=("execgym.sandbox._builtin_checkers",))
    CHECKERS.register("exact", ExactChecker(), summary="type-aware exact equality")

Lookups load the family's built-in modules once (lazily: a fork-server never pays for a
family it does not use), then the third-party plugins of its entry-point group
(``execgym.checkers`` for the ``checker`` family): an entry point names an object, which is
registered under the entry point's name unless importing it registered it already::

    [project.entry-points."execgym.checkers"]
    my-checker = "my_package.checkers:MY_CHECKER"

An unknown name raises :class:`UnknownName` (a ``KeyError`` and a ``ValueError``, so that
either ``except`` clause catches it) listing the known names; names always come sorted. A
plugin that fails to load is skipped with the reason kept, and named when its name is
asked for. Only the standard library is imported here: every layer may use it.
"""

from __future__ import annotations

import importlib
import threading
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib.metadata import entry_points
from types import MappingProxyType
from typing import Any, Generic, TypeVar

T = TypeVar("T")

__all__ = ["DuplicateName", "Entry", "Registry", "UnknownName"]


class UnknownName(KeyError, ValueError):
    """A name no member of the family is registered under; the message lists the known."""

    def __init__(self, family: str, name: str, known: Sequence[str], note: str = "") -> None:
        self.family = family
        self.name = name
        self.known = list(known)
        listed = ", ".join(self.known) or "(none)"
        message = f"unknown {family} {name!r}; known {family}s: {listed}"
        self.message = message + (f" ({note})" if note else "")
        super().__init__(self.message)

    def __str__(self) -> str:
        return self.message


class DuplicateName(ValueError):
    """A second member registered under a name already taken."""


@dataclass(frozen=True)
class Entry(Generic[T]):
    """One member: its name, its value, and what its registration said about it."""

    name: str
    value: T
    metadata: Mapping[str, Any] = field(default_factory=dict)


class Registry(Generic[T]):
    """The members of one family, by name."""

    def __init__(
        self,
        family: str,
        *,
        builtins: Sequence[str] = (),
        entry_point_group: str | None = None,
    ) -> None:
        self.family = family
        self.entry_point_group = entry_point_group or f"execgym.{family.replace(' ', '_')}s"
        self._builtins = tuple(builtins)
        self._entries: dict[str, Entry[T]] = {}
        self._loaded = False
        self._in_progress = False
        self._loading = threading.RLock()
        self.plugin_errors: dict[str, str] = {}
        """Plugins of the entry-point group that could not be loaded, with the reason."""

    # ---- registering -----------------------------------------------------------------
    def register(self, name: str, value: T, *, replace: bool = False, **metadata: Any) -> T:
        """Add ``value`` under ``name`` (returned, so this can end a definition)."""
        if not name or not isinstance(name, str):
            raise ValueError(f"a {self.family} needs a non-empty name, not {name!r}")
        if name in self._entries and not replace:
            raise DuplicateName(f"{self.family} {name!r} is already registered")
        self._entries[name] = Entry(name, value, MappingProxyType(dict(metadata)))
        return value

    def unregister(self, name: str) -> None:
        """Remove ``name`` (for tests and plugins that replace a member)."""
        self._ensure_loaded()
        if name not in self._entries:
            raise self._unknown(name)
        del self._entries[name]

    # ---- looking up ------------------------------------------------------------------
    def get(self, name: str) -> T:
        return self.entry(name).value

    def entry(self, name: str) -> Entry[T]:
        self._ensure_loaded()
        try:
            return self._entries[name]
        except KeyError:
            raise self._unknown(name) from None

    def names(self) -> list[str]:
        self._ensure_loaded()
        return sorted(self._entries)

    def entries(self) -> list[Entry[T]]:
        self._ensure_loaded()
        return [self._entries[name] for name in sorted(self._entries)]

    def __contains__(self, name: object) -> bool:
        self._ensure_loaded()
        return name in self._entries

    def __iter__(self) -> Iterator[str]:
        return iter(self.names())

    def __len__(self) -> int:
        self._ensure_loaded()
        return len(self._entries)

    def _unknown(self, name: str) -> UnknownName:
        note = ""
        if name in self.plugin_errors:
            note = f"its plugin failed to load: {self.plugin_errors[name]}"
        return UnknownName(self.family, name, sorted(self._entries), note)

    # ---- loading ---------------------------------------------------------------------
    def _ensure_loaded(self) -> None:
        if self._loaded:
            return
        with self._loading:  # other threads wait here until the members are loaded
            if self._loaded or self._in_progress:
                return  # loaded meanwhile, or a built-in module looking itself up
            self._in_progress = True
            try:
                for module in self._builtins:
                    importlib.import_module(module)
                self._load_plugins()
                self._loaded = True
            finally:
                self._in_progress = False

    def _load_plugins(self) -> None:
        for point in entry_points(group=self.entry_point_group):
            try:
                value = point.load()
            except Exception as exc:  # a broken plugin must not break the family
                self.plugin_errors[point.name] = f"{point.value}: {type(exc).__name__}: {exc}"
                continue
            if point.name not in self._entries:
                self.register(point.name, value, plugin=point.value)
