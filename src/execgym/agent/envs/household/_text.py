"""The household's wording: ALFWorld's text protocol, sentence for sentence.

The sentences are those of ALFWorld's TextWorld grammar (``data/alfred.twl2``): the banner,
the room overview, what a receptacle shows when the agent arrives, opens or examines it,
the feedback of each action, ``examine`` on an object, ``inventory`` and ``look``. Lists read
as TextWorld writes them: ``nothing``, ``a apple 1``, ``a apple 1, and a bread 1``,
``a apple 1, a bread 1, and a cup 1`` (ALFWorld's article is always ``a``).
"""

from __future__ import annotations

from collections.abc import Sequence

from execgym.agent.envs.household._world import Item, Receptacle, World, name_order

BANNER = "-= Welcome to TextWorld, ALFRED! =-"
NOTHING_HAPPENS = "Nothing happens."


def listing(names: Sequence[str]) -> str:
    """TextWorld's list of things seen: ``nothing``, or each with ``a``, the last after
    ``, and``."""
    things = [f"a {name}" for name in names]
    if not things:
        return "nothing"
    if len(things) == 1:
        return things[0]
    return ", ".join(things[:-1]) + ", and " + things[-1]


def room_overview(world: World) -> str:
    """What the agent sees from the middle of the room (receptacles by kind, highest number
    first within a kind, as ALFWorld lists them)."""
    names = sorted(world.receptacles, key=lambda name: (name_order(name)[0], -name_order(name)[1]))
    return f"You are in the middle of a room. Looking quickly around you, you see {listing(names)}."


def intro(world: World, task: str) -> str:
    """The first text of an episode: banner, room overview and task."""
    return f"{BANNER}\n\n{room_overview(world)}\n\nYour task is to: {task}"


def receptacle_view(world: World, receptacle: Receptacle) -> str:
    """What a receptacle shows (on arriving, opening or examining it)."""
    inside = listing([item.name for item in world.contents(receptacle.name)])
    if receptacle.openable and receptacle.opened:
        return f"The {receptacle.name} is open. In it, you see {inside}."
    if receptacle.openable:
        return f"The {receptacle.name} is closed."
    return f"On the {receptacle.name}, you see {inside}."


RECEPTACLE_OBJECTS = frozenset({"bowl", "box", "cup", "mug", "pan", "plate", "pot"})
"""Objects that are receptacles themselves: ``examine`` describes them as such first."""


def object_view(item: Item) -> str:
    """``examine`` on an object: the first of ALFWorld's descriptions that applies."""
    name = item.name
    if item.kind in RECEPTACLE_OBJECTS:
        return f"This is a normal {name}. In it, you see nothing."
    if item.clean and item.hot:
        return f"This is a hot and clean {name}."
    if item.clean and item.cool:
        return f"This is a cool and clean {name}."
    if item.hot:
        return f"This is a hot {name}."
    if item.clean:
        return f"This is a clean {name}."
    if item.cool:
        return f"This is a cold {name}."
    if item.toggleable:
        return f"This {name} is {'on' if item.toggled else 'off'}."
    return f"There's nothing special about {name}."


def inventory(world: World) -> str:
    held = world.held()
    if held is None:
        return "You are not carrying anything."
    return f"You are carrying: {listing([held.name])}."


def look(world: World) -> str:
    if world.at is None:
        return room_overview(world)
    return f"You are facing the {world.at}. Next to it, you see nothing."
