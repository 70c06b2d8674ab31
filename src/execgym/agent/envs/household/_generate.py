"""Seeded generation of a household and its task: the same seed gives the same world.

A room of a kind the task type can happen in gets its receptacles (counts drawn per kind),
the task's objects (one to three, two to four for ``pick_two_obj_and_place``) in receptacles
that can hold them but are not of the target kind (so no goal holds at the start), a desk
lamp on a desk, dresser or side table for ``look_at_obj_in_light``, and distractor objects
of other kinds wherever they fit. Openable receptacles start closed. Objects are numbered per
kind in a shuffled order, so a listing does not give away which object the task is about.
"""

from __future__ import annotations

import random

from execgym.agent.envs.household._catalog import (
    CONTAINS,
    LAMP,
    LAMP_STANDS,
    OBJECTS,
    ROOMS,
    Room,
)
from execgym.agent.envs.household._tasks import Task, TaskType
from execgym.agent.envs.household._world import Item, Receptacle, World, numbered

ATTEMPTS = 1000


class GenerationError(RuntimeError):
    """No household could be drawn for a task type (a catalog without a fitting room)."""


def generate(seed: int, task_type: TaskType) -> tuple[World, Task]:
    """The household and task of ``seed`` for ``task_type``."""
    rng = random.Random(f"household:{task_type.name}:{seed}")
    for _ in range(ATTEMPTS):
        drawn = _attempt(rng, task_type)
        if drawn is not None:
            return drawn
    raise GenerationError(f"no household fits task type {task_type.name}")


def _receptacles(rng: random.Random, room: Room) -> list[Receptacle]:
    made: list[Receptacle] = []
    for kind in sorted(room.receptacles):
        low, high = room.receptacles[kind]
        made += [Receptacle(numbered(kind, n), kind) for n in range(1, rng.randint(low, high) + 1)]
    return made


def _attempt(rng: random.Random, task_type: TaskType) -> tuple[World, Task] | None:
    room = ROOMS[rng.choice(task_type.rooms)]
    receptacles = _receptacles(rng, room)
    kinds = sorted({r.kind for r in receptacles})
    look = task_type.name == "look_at_obj_in_light"
    candidates = [
        kind
        for kind in room.objects
        if task_type.needs is None or getattr(OBJECTS[kind], task_type.needs)
    ]
    obj = rng.choice(candidates)
    if look:
        target = LAMP
        stands = [r for r in receptacles if r.kind in LAMP_STANDS]
        if not stands:
            return None
    else:
        targets = [k for k in kinds if obj in CONTAINS[k] and k != task_type.appliance]
        if not targets:
            return None
        target = rng.choice(targets)
    homes = [r for r in receptacles if obj in CONTAINS[r.kind] and r.kind != target]
    if not homes:
        return None
    count = rng.randint(2, 4) if task_type.name == "pick_two_obj_and_place" else rng.randint(1, 3)
    placed = [(obj, rng.choice(homes).name) for _ in range(count)]
    if look:
        placed.append((LAMP, rng.choice(stands).name))
    others = [kind for kind in room.objects if kind != obj]
    for _ in range(rng.randint(6, 14)):
        kind = rng.choice(others)
        fitting = [r for r in receptacles if kind in CONTAINS[r.kind]]
        if fitting:
            placed.append((kind, rng.choice(fitting).name))
    rng.shuffle(placed)
    world = World(receptacles={r.name: r for r in receptacles})
    counters: dict[str, int] = {}
    for kind, place in placed:
        counters[kind] = counters.get(kind, 0) + 1
        item = Item(numbered(kind, counters[kind]), kind, place)
        world.items[item.name] = item
    wording = task_type.word(rng.randint(0, 1), obj, target)
    return world, Task(task_type.name, obj, target, wording)
