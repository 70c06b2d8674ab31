"""The household's actions: ALFWorld's command syntax, preconditions and effects.

Each command is one of ALFWorld's (``go to``, ``open``, ``close``, ``take X from Y``, ``move X
to Y``, ``use``, ``heat``/``cool``/``clean X with Y``, ``examine``, ``inventory``, ``look``),
with the preconditions of its PDDL domain (``data/alfred.pddl``): a receptacle is reached by
going to it (going where the agent already is does nothing), what an openable receptacle
holds is out of reach until it is opened, the agent holds one object at a time, an object
goes only where its kind fits, a sink basin cleans, a microwave heats, a fridge cools, and a
lamp is switched on where it stands. ALFWorld's older ``put X in/on Y`` is read as ``move X
to Y``. A command that is malformed or whose preconditions fail answers ``Nothing
happens.`` and changes nothing.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from execgym.agent.envs.household import _text
from execgym.agent.envs.household._catalog import CONTAINS, FRIDGE, MICROWAVE, OBJECTS, SINK
from execgym.agent.envs.household._world import Item, Receptacle, World

_NAME = r"[a-z]+ \d+"
Handler = Callable[[World, dict[str, str]], str | None]


def _receptacle_here(world: World, name: str) -> Receptacle | None:
    """The receptacle ``name`` if the agent stands at it."""
    receptacle = world.receptacles.get(name)
    return receptacle if receptacle is not None and world.at == name else None


def _visible_item(world: World, name: str) -> Item | None:
    """The item ``name`` if the agent holds it or it lies in reach where the agent stands."""
    item = world.items.get(name)
    if item is None:
        return None
    if item.place is None:
        return item
    here = _receptacle_here(world, item.place)
    return item if here is not None and here.reachable else None


def _go_to(world: World, args: dict[str, str]) -> str | None:
    receptacle = world.receptacles.get(args["r"])
    if receptacle is None or world.at == receptacle.name:
        return None
    world.at = receptacle.name
    return f"You arrive at {receptacle.name}. {_text.receptacle_view(world, receptacle)}"


def _open(world: World, args: dict[str, str]) -> str | None:
    receptacle = _receptacle_here(world, args["r"])
    if receptacle is None or not receptacle.openable or receptacle.opened:
        return None
    receptacle.opened = True
    return f"You open the {receptacle.name}. {_text.receptacle_view(world, receptacle)}"


def _close(world: World, args: dict[str, str]) -> str | None:
    receptacle = _receptacle_here(world, args["r"])
    if receptacle is None or not receptacle.openable or not receptacle.opened:
        return None
    receptacle.opened = False
    return f"You close the {receptacle.name}."


def _take(world: World, args: dict[str, str]) -> str | None:
    receptacle = _receptacle_here(world, args["r"])
    item = world.items.get(args["o"])
    if receptacle is None or item is None or world.holding is not None:
        return None
    if item.place != receptacle.name or not receptacle.reachable or not item.pickupable:
        return None
    item.place = None
    world.holding = item.name
    # The item goes to the end of the listing order when it is put down again.
    del world.items[item.name]
    world.items[item.name] = item
    return f"You pick up the {item.name} from the {receptacle.name}."


def _move(world: World, args: dict[str, str]) -> str | None:
    receptacle = _receptacle_here(world, args["r"])
    item = world.held()
    if receptacle is None or item is None or item.name != args["o"]:
        return None
    if not receptacle.reachable or item.kind not in CONTAINS.get(receptacle.kind, ()):
        return None
    item.place = receptacle.name
    world.holding = None
    return f"You move the {item.name} to the {receptacle.name}."


def _use(world: World, args: dict[str, str]) -> str | None:
    item = world.items.get(args["o"])
    if item is None or not item.toggleable or item.place is None:
        return None
    if _receptacle_here(world, item.place) is None:
        return None
    item.toggled = True
    return f"You turn on the {item.name}."


def _change(appliance: str, verb: str) -> Handler:
    def handler(world: World, args: dict[str, str]) -> str | None:
        receptacle = _receptacle_here(world, args["r"])
        item = world.held()
        if receptacle is None or receptacle.kind != appliance or item is None:
            return None
        kind = OBJECTS.get(item.kind)
        if item.name != args["o"] or kind is None:
            return None
        if verb == "clean" and kind.cleanable:
            item.clean = True
        elif verb == "heat" and kind.heatable:
            item.hot, item.cool = True, False
        elif verb == "cool" and kind.coolable:
            item.cool, item.hot = True, False
        else:
            return None
        return f"You {verb} the {item.name} using the {receptacle.name}."

    return handler


def _examine(world: World, args: dict[str, str]) -> str | None:
    name = args["x"]
    if name in world.receptacles:
        receptacle = _receptacle_here(world, name)
        return _text.receptacle_view(world, receptacle) if receptacle is not None else None
    item = _visible_item(world, name)
    return _text.object_view(item) if item is not None else None


_COMMANDS: list[tuple[re.Pattern[str], Handler]] = [
    (re.compile(rf"go to (?P<r>{_NAME})"), _go_to),
    (re.compile(rf"open (?P<r>{_NAME})"), _open),
    (re.compile(rf"close (?P<r>{_NAME})"), _close),
    (re.compile(rf"take (?P<o>{_NAME}) from (?P<r>{_NAME})"), _take),
    (re.compile(rf"move (?P<o>{_NAME}) to (?P<r>{_NAME})"), _move),
    (re.compile(rf"put (?P<o>{_NAME}) (?:in/on|in|on) (?P<r>{_NAME})"), _move),
    (re.compile(rf"use (?P<o>{_NAME})"), _use),
    (re.compile(rf"clean (?P<o>{_NAME}) with (?P<r>{_NAME})"), _change(SINK, "clean")),
    (re.compile(rf"heat (?P<o>{_NAME}) with (?P<r>{_NAME})"), _change(MICROWAVE, "heat")),
    (re.compile(rf"cool (?P<o>{_NAME}) with (?P<r>{_NAME})"), _change(FRIDGE, "cool")),
    (re.compile(rf"examine (?P<x>{_NAME})"), _examine),
    (re.compile("inventory"), lambda world, args: _text.inventory(world)),
    (re.compile("look"), lambda world, args: _text.look(world)),
]


def normalize(command: str) -> str:
    """A command as the parser reads it: lower case, single spaces, no surrounding space."""
    return " ".join(command.lower().split())


def apply_command(world: World, command: str) -> str:
    """Carry out ``command`` on ``world``; the feedback (``Nothing happens.`` when it cannot)."""
    text = normalize(command)
    for pattern, handler in _COMMANDS:
        match = pattern.fullmatch(text)
        if match is not None:
            feedback = handler(world, match.groupdict())
            return feedback if feedback is not None else _text.NOTHING_HAPPENS
    return _text.NOTHING_HAPPENS
