"""The built-in household world as an :class:`~execgym.agent.Environment`."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from execgym.agent._environment import (
    ActionSpec,
    EnvironmentOptionError,
    EpisodeStart,
    StepResult,
    check_options,
)
from execgym.agent.envs.household import _text
from execgym.agent.envs.household._commands import apply_command
from execgym.agent.envs.household._generate import generate
from execgym.agent.envs.household._tasks import (
    TASK_TYPES,
    Task,
    TaskType,
    goal_reached,
    task_type_named,
)
from execgym.agent.envs.household._world import World

ACTIONS = (
    ActionSpec("go to {receptacle}", "walk to a receptacle and see what is on or in it"),
    ActionSpec("open {receptacle}", "open a closed receptacle (cabinet, drawer, fridge, ...)"),
    ActionSpec("close {receptacle}", "close an open receptacle"),
    ActionSpec("take {object} from {receptacle}", "pick up an object (one at a time)"),
    ActionSpec("move {object} to {receptacle}", "put the object you hold in or on a receptacle"),
    ActionSpec("use {object}", "switch on an object such as a desklamp where you stand"),
    ActionSpec("heat {object} with {microwave}", "heat the object you hold"),
    ActionSpec("cool {object} with {fridge}", "cool the object you hold"),
    ActionSpec("clean {object} with {sinkbasin}", "clean the object you hold"),
    ActionSpec("examine {something}", "look at a receptacle where you stand, or an object"),
    ActionSpec("inventory", "say what you are carrying"),
    ActionSpec("look", "look around where you are"),
)


class HouseholdEnv:
    """ALFWorld's text protocol over generated households, with no download and no simulator.

    ``reset(seed)`` draws the task type ``task_types[seed % len(task_types)]`` (all six by
    default) and the household from the seed. The episode is done, with reward 1, at the
    first step after which the task's goal holds.
    """

    name = "household"
    fixed_episodes: int | None = None

    def __init__(self, task_types: Sequence[str] | None = None) -> None:
        self.task_types: tuple[TaskType, ...] = (
            tuple(task_type_named(name) for name in task_types)
            if task_types
            else tuple(TASK_TYPES.values())
        )
        self._world: World | None = None
        self._task: Task | None = None
        self._done = False

    @property
    def world(self) -> World:
        """The current episode's world (after :meth:`reset`)."""
        if self._world is None:
            raise RuntimeError("the household has no episode yet: call reset(seed) first")
        return self._world

    @property
    def task(self) -> Task:
        if self._task is None:
            raise RuntimeError("the household has no episode yet: call reset(seed) first")
        return self._task

    def actions(self) -> Sequence[ActionSpec]:
        return ACTIONS

    def reset(self, seed: int) -> EpisodeStart:
        task_type = self.task_types[seed % len(self.task_types)]
        self._world, self._task = generate(seed, task_type)
        self._done = False
        return EpisodeStart(
            instruction=self._task.wording,
            observation=_text.room_overview(self._world),
            task_type=task_type.name,
            intro=_text.intro(self._world, self._task.wording),
        )

    def step(self, action: str) -> StepResult:
        feedback = apply_command(self.world, action)
        self._done = self._done or goal_reached(self.world, self.task)
        reward = 1.0 if self._done else 0.0
        return StepResult(feedback, reward, self._done, self._done)

    def close(self) -> None:
        """Nothing to release."""


def household_factory(options: Mapping[str, str]) -> HouseholdEnv:
    """``--env-option task_types=clean,heat`` narrows the task types (short or ALFWorld
    names)."""
    checked = check_options("household", options, ["task_types"])
    names = [name.strip() for name in checked.get("task_types", "").split(",") if name.strip()]
    try:
        return HouseholdEnv(names or None)
    except ValueError as exc:
        raise EnvironmentOptionError(f"environment option task_types: {exc}") from None
