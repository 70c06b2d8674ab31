"""A scripted expert: the actions that solve a household's task, read off its true state.

It plans from the world as generated (it knows where everything is): fetch an object of the
task's kind (opening its receptacle when closed), clean, heat or cool it at the appliance
when the task asks, then put it in the first receptacle of the target kind (opening it when
closed), or carry it to the lamp and switch the lamp on. ``pick_two_obj_and_place`` fetches
and places a second object. Every action is one the environment accepts; a test runs the
plan against the environment to check that each task is solvable.
"""

from __future__ import annotations

from execgym.agent.envs.household._catalog import LAMP
from execgym.agent.envs.household._tasks import TASK_TYPES, Task
from execgym.agent.envs.household._world import World


class _Walker:
    """Writes actions while tracking where the agent stands and what it has opened."""

    def __init__(self, world: World) -> None:
        self.world = world
        self.at: str | None = world.at
        self.opened = {name for name, r in world.receptacles.items() if r.opened}
        self.actions: list[str] = []

    def reach(self, receptacle: str) -> None:
        if self.at != receptacle:
            self.actions.append(f"go to {receptacle}")
            self.at = receptacle
        if self.world.receptacles[receptacle].openable and receptacle not in self.opened:
            self.actions.append(f"open {receptacle}")
            self.opened.add(receptacle)


def expert_actions(world: World, task: Task) -> list[str]:
    """The expert's plan for ``task`` in ``world`` (the world is not changed)."""
    walker = _Walker(world)
    wanted = [item for item in world.items.values() if item.kind == task.object]
    needed = 2 if task.type == "pick_two_obj_and_place" else 1
    appliance = TASK_TYPES[task.type].appliance
    for item in wanted[:needed]:
        assert item.place is not None
        walker.reach(item.place)
        walker.actions.append(f"take {item.name} from {item.place}")
        if task.type == "look_at_obj_in_light":
            lamp = next(i for i in world.items.values() if i.kind == LAMP)
            assert lamp.place is not None
            if walker.at != lamp.place:
                walker.actions.append(f"go to {lamp.place}")
                walker.at = lamp.place
            walker.actions.append(f"use {lamp.name}")
            continue
        if appliance is not None:
            station = world.of_kind(appliance)[0].name
            if walker.at != station:
                walker.actions.append(f"go to {station}")
                walker.at = station
            verb = TASK_TYPES[task.type].short
            walker.actions.append(f"{verb} {item.name} with {station}")
        target = world.of_kind(task.target)[0].name
        walker.reach(target)
        walker.actions.append(f"move {item.name} to {target}")
    return walker.actions
