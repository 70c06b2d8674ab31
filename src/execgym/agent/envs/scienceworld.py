"""ScienceWorld (the ``scienceworld`` package, a Java simulator) as an environment.

Setup: ``pip install 'execgym[scienceworld]'`` and a Java runtime (1.8 or later) on the
path. Options: ``--env-option tasks=boil,melt`` (task names; default every task),
``split=test`` (or ``dev``, ``train``: which variations), ``simplification=easy`` (the
simplification string ScienceWorld's ``load`` takes; ``easy`` is what ReCode and most
agents use), ``step_limit=100``.

Episode ``i`` is the ``i``-th (task, variation) pair, tasks in ScienceWorld's order and
variations of the split in order. The reward is the task's score divided by 100, the best
so far in the episode (ScienceWorld scores progress from 0 to 100, and ``-100`` on failure);
the task is accomplished at a score of 100.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from execgym.agent._environment import (
    ENVIRONMENTS,
    ActionSpec,
    EnvironmentOptionError,
    EpisodeStart,
    StepResult,
    check_options,
)
from execgym.agent.envs._adapter import import_package, int_option

SETUP = "install it with pip install 'execgym[scienceworld]' (it needs Java 1.8 or later)"
SPLITS = {
    "test": "get_variations_test",
    "dev": "get_variations_dev",
    "train": "get_variations_train",
}
ACTIONS = (
    ActionSpec("look around", "describe the current room"),
    ActionSpec("look at {object}", "describe an object"),
    ActionSpec("look in {container}", "describe a container's contents"),
    ActionSpec("open {object}", "open a door or container"),
    ActionSpec("close {object}", "close a door or container"),
    ActionSpec("activate {device}", "switch a device on"),
    ActionSpec("deactivate {device}", "switch a device off"),
    ActionSpec("go to {location}", "move to a neighbouring room"),
    ActionSpec("teleport to {location}", "move to any room (easy simplification)"),
    ActionSpec("pick up {object}", "put an object in the inventory"),
    ActionSpec("put down {object}", "drop an object from the inventory"),
    ActionSpec("move {object} to {container}", "place an object in a container"),
    ActionSpec("pour {liquid} into {container}", "pour a liquid"),
    ActionSpec("mix {container}", "chemically mix a container's contents"),
    ActionSpec("use {tool} on {object}", "use a tool on an object"),
    ActionSpec("focus on {object}", "signal the object the task is about (irreversible)"),
    ActionSpec("wait", "let time pass for ten steps"),
    ActionSpec("wait1", "let time pass for one step"),
    ActionSpec("read {object}", "read an object with writing"),
    ActionSpec("connect {terminal} to {terminal}", "connect electrical components"),
    ActionSpec("inventory", "list what the agent carries"),
)


class ScienceWorldAdapter:
    """ScienceWorld's tasks and variations; the simulator starts with the first use."""

    name = "scienceworld"

    def __init__(
        self,
        tasks: Sequence[str] = (),
        split: str = "test",
        simplification: str = "easy",
        step_limit: int = 100,
    ) -> None:
        if split not in SPLITS:
            raise EnvironmentOptionError(
                f"environment option split of 'scienceworld' must be one of "
                f"{', '.join(SPLITS)}, not {split!r}"
            )
        self.tasks = list(tasks)
        self.split = split
        self.simplification = simplification
        self.step_limit = step_limit
        self._env: Any = None
        self._episodes: list[tuple[str, int]] = []
        self._best = 0.0

    def _load(self) -> None:
        if self._env is not None:
            return
        module = import_package("scienceworld", "scienceworld", SETUP)
        env = module.ScienceWorldEnv("", serverPath=None, envStepLimit=self.step_limit)
        names = list(env.get_task_names())
        unknown = [task for task in self.tasks if task not in names]
        if unknown:
            raise EnvironmentOptionError(
                f"environment option tasks: unknown ScienceWorld tasks {', '.join(unknown)}; "
                f"known: {', '.join(names)}"
            )
        for task in self.tasks or names:
            env.load(task, 0, self.simplification)
            variations = getattr(env, SPLITS[self.split])()
            self._episodes += [(task, int(variation)) for variation in variations]
        self._env = env

    @property
    def fixed_episodes(self) -> int | None:
        self._load()
        return len(self._episodes)

    def actions(self) -> Sequence[ActionSpec]:
        return ACTIONS

    def reset(self, seed: int) -> EpisodeStart:
        self._load()
        task, variation = self._episodes[seed % len(self._episodes)]
        self._env.load(task, variation, self.simplification)
        observation, _ = self._env.reset()
        instruction = str(self._env.get_task_description())
        self._best = 0.0
        intro = f"{instruction}\n\n{observation}"
        return EpisodeStart(instruction, str(observation), task, intro)

    def step(self, action: str) -> StepResult:
        if self._env is None:
            raise RuntimeError("no ScienceWorld task is loaded: call reset(seed) first")
        observation, _, done, info = self._env.step(action)
        score = float(info.get("score") or 0)
        self._best = max(self._best, score / 100.0)
        return StepResult(str(observation), self._best, bool(done), score >= 100)

    def close(self) -> None:
        closer = getattr(self._env, "close", None)
        if closer is not None:
            closer()
        self._env = None


def scienceworld_factory(options: Mapping[str, str]) -> ScienceWorldAdapter:
    known = ["tasks", "split", "simplification", "step_limit"]
    checked = check_options("scienceworld", options, known)
    tasks = [name.strip() for name in checked.get("tasks", "").split(",") if name.strip()]
    return ScienceWorldAdapter(
        tasks,
        checked.get("split", "test"),
        checked.get("simplification", "easy"),
        int_option(checked, "step_limit", 100, "scienceworld"),
    )


ENVIRONMENTS.register(
    "scienceworld",
    scienceworld_factory,
    summary="ScienceWorld's science tasks (extra: scienceworld, needs Java)",
    extra="scienceworld",
)
