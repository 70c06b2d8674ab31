"""The state of one household: its receptacles, the objects in them, and the agent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from execgym.agent.envs.household._catalog import LAMP, OPENABLE


@dataclass
class Receptacle:
    """A fixed receptacle (``cabinet 3``); each stands at a location of its own."""

    name: str
    kind: str
    opened: bool = False

    @property
    def openable(self) -> bool:
        return self.kind in OPENABLE

    @property
    def reachable(self) -> bool:
        """Whether what it holds can be seen, taken, or added to (open, or not openable)."""
        return self.opened or not self.openable


@dataclass
class Item:
    """An object (``apple 2``): where it is (``None`` while the agent holds it) and its state."""

    name: str
    kind: str
    place: str | None
    clean: bool = False
    hot: bool = False
    cool: bool = False
    toggled: bool = False

    @property
    def toggleable(self) -> bool:
        return self.kind == LAMP

    @property
    def pickupable(self) -> bool:
        return self.kind != LAMP


@dataclass
class World:
    """Receptacles and items in a fixed order (the order of every listing), and the agent:
    ``at`` is the receptacle it stands at (``None``: the middle of the room)."""

    receptacles: dict[str, Receptacle] = field(default_factory=dict)
    items: dict[str, Item] = field(default_factory=dict)
    at: str | None = None
    holding: str | None = None

    def contents(self, receptacle: str) -> list[Item]:
        return [item for item in self.items.values() if item.place == receptacle]

    def held(self) -> Item | None:
        return self.items[self.holding] if self.holding is not None else None

    def of_kind(self, kind: str) -> list[Receptacle]:
        return [r for r in self.receptacles.values() if r.kind == kind]

    def items_of_kind(self, kind: str) -> list[Item]:
        return [item for item in self.items.values() if item.kind == kind]

    def snapshot(self) -> dict[str, Any]:
        """The whole state as plain data (two worlds are the same iff these are equal)."""
        return {
            "receptacles": [[r.name, r.opened] for r in self.receptacles.values()],
            "items": [
                [i.name, i.place, i.clean, i.hot, i.cool, i.toggled] for i in self.items.values()
            ],
            "at": self.at,
            "holding": self.holding,
        }


def numbered(kind: str, number: int) -> str:
    """The name ALFWorld's text games give the ``number``-th ``kind``: ``"cabinet 3"``."""
    return f"{kind} {number}"


def name_order(name: str) -> tuple[str, int]:
    kind, _, number = name.rpartition(" ")
    return kind, int(number)
