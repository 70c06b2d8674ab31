"""ALFWorld's six task types: what each asks, how it is worded, and when it is done.

The names, the wording templates (two per type, as ALFWorld's ``gen/goal_library.py`` has
them) and the goals are ALFWorld's:

* ``pick_and_place_simple``: an object of the kind in a receptacle of the kind;
* ``pick_clean_then_place_in_recep``, ``pick_heat_then_place_in_recep``,
  ``pick_cool_then_place_in_recep``: the same with the object cleaned (in a sink basin),
  hot (from a microwave) or cool (from a fridge);
* ``pick_two_obj_and_place``: two distinct objects of the kind in one receptacle of the kind;
* ``look_at_obj_in_light``: the agent holds an object of the kind and a desk lamp that has
  been switched on stands where the agent is.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from execgym.agent.envs.household._catalog import FRIDGE, LAMP, MICROWAVE, SINK
from execgym.agent.envs.household._world import Item, World


@dataclass(frozen=True)
class Task:
    """One episode's task: its type, the object kind, and the receptacle (or lamp) kind."""

    type: str
    object: str
    target: str
    wording: str
    """The instruction as the agent reads it, e.g. ``put a clean lettuce in diningtable.``"""


@dataclass(frozen=True)
class TaskType:
    """A task type: its ALFWorld name, short name, wordings, the appliance it needs, the
    object property it needs, and the rooms it can happen in."""

    name: str
    short: str
    templates: tuple[str, str]
    appliance: str | None
    needs: str | None
    rooms: tuple[str, ...]

    def word(self, template: int, obj: str, target: str) -> str:
        text = self.templates[template].format(obj=obj, recep=target, toggle=target)
        return text + "."


TASK_TYPES: dict[str, TaskType] = {
    t.name: t
    for t in (
        TaskType(
            "pick_and_place_simple",
            "pick",
            ("put a {obj} in {recep}", "put some {obj} on {recep}"),
            None,
            None,
            ("kitchen", "livingroom", "bedroom", "bathroom"),
        ),
        TaskType(
            "look_at_obj_in_light",
            "look",
            ("look at {obj} under the {toggle}", "examine the {obj} with the {toggle}"),
            None,
            None,
            ("livingroom", "bedroom"),
        ),
        TaskType(
            "pick_clean_then_place_in_recep",
            "clean",
            ("put a clean {obj} in {recep}", "clean some {obj} and put it in {recep}"),
            SINK,
            "cleanable",
            ("kitchen", "bathroom"),
        ),
        TaskType(
            "pick_heat_then_place_in_recep",
            "heat",
            ("put a hot {obj} in {recep}", "heat some {obj} and put it in {recep}"),
            MICROWAVE,
            "heatable",
            ("kitchen",),
        ),
        TaskType(
            "pick_cool_then_place_in_recep",
            "cool",
            ("put a cool {obj} in {recep}", "cool some {obj} and put it in {recep}"),
            FRIDGE,
            "coolable",
            ("kitchen",),
        ),
        TaskType(
            "pick_two_obj_and_place",
            "two",
            ("put two {obj} in {recep}", "find two {obj} and put them in {recep}"),
            None,
            None,
            ("kitchen", "livingroom", "bedroom", "bathroom"),
        ),
    )
}
"""The six task types by ALFWorld name, in ALFWorld's order."""

SHORT_NAMES = {t.short: t.name for t in TASK_TYPES.values()}


def task_type_named(name: str) -> TaskType:
    """A task type by its ALFWorld name or short name (``clean``); a ``ValueError`` names
    the known ones."""
    full = SHORT_NAMES.get(name, name)
    if full not in TASK_TYPES:
        known = ", ".join(f"{t.short} ({t.name})" for t in TASK_TYPES.values())
        raise ValueError(f"unknown household task type {name!r}; known: {known}")
    return TASK_TYPES[full]


def _in_target(world: World, item: Item, target: str) -> bool:
    return item.place is not None and world.receptacles[item.place].kind == target


_PROPERTY: dict[str, Callable[[Item], bool]] = {
    "pick_and_place_simple": lambda item: True,
    "pick_clean_then_place_in_recep": lambda item: item.clean,
    "pick_heat_then_place_in_recep": lambda item: item.hot,
    "pick_cool_then_place_in_recep": lambda item: item.cool,
}


def goal_reached(world: World, task: Task) -> bool:
    """Whether ``world`` satisfies ``task``'s goal."""
    if task.type == "look_at_obj_in_light":
        held = world.held()
        if held is None or held.kind != task.object:
            return False
        return any(
            lamp.toggled and lamp.place is not None and lamp.place == world.at
            for lamp in world.items_of_kind(LAMP)
        )
    placed = [
        item for item in world.items_of_kind(task.object) if _in_target(world, item, task.target)
    ]
    if task.type == "pick_two_obj_and_place":
        places = [item.place for item in placed]
        return any(places.count(place) >= 2 for place in places)
    check = _PROPERTY[task.type]
    return any(check(item) for item in placed)
