"""The environment an agent acts in: one protocol, one registry.

An :class:`Environment` is reset to an episode by a seed and then stepped with text
actions, as ALFWorld, ScienceWorld and WebShop are::

    start = env.reset(seed)            # the task and the first observation
    result = env.step("go to cabinet 1")
    result.observation, result.reward, result.done, result.success

``reward`` is the episode's reward so far, in [0, 1] (the last one is the episode's
reward); ``done`` ends the episode; ``success`` says the task was accomplished. An
environment built from a fixed list of games (the adapters) says how many it holds in
:attr:`Environment.fixed_episodes`: the runner then resets episode ``i`` with seed ``i``,
the ``i``-th game; a generated world (``household``) has ``None`` there and gets a seed
hashed from the run's seed and the episode's index.

Environments register a factory in :data:`ENVIRONMENTS` (entry-point group
``execgym.environments`` for plugins); a factory takes the options a command line gave as
``--env-option KEY=VALUE`` and raises :class:`EnvironmentOptionError` naming a bad one.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from execgym.registry import Registry


@dataclass(frozen=True)
class ActionSpec:
    """One kind of action: its syntax (``take {object} from {receptacle}``) and meaning."""

    template: str
    description: str


@dataclass(frozen=True)
class EpisodeStart:
    """What an episode starts with.

    ``instruction`` is the task as the environment words it; ``observation`` the first
    observation without the task; ``intro`` the environment's whole first text as its own
    agents see it (banner, observation and task); ``task_type`` the task's family, for the
    per-type metrics.
    """

    instruction: str
    observation: str
    task_type: str
    intro: str


@dataclass(frozen=True)
class StepResult:
    """The outcome of one action."""

    observation: str
    reward: float
    done: bool
    success: bool


@runtime_checkable
class Environment(Protocol):
    """A text environment: reset to an episode, then stepped one action at a time."""

    @property
    def name(self) -> str:
        """The registry name (``household``, ``alfworld``, ...)."""
        ...

    @property
    def fixed_episodes(self) -> int | None:
        """How many fixed games the environment holds (``None``: worlds are generated)."""
        ...

    def actions(self) -> Sequence[ActionSpec]:
        """The action vocabulary, for prompts."""
        ...

    def reset(self, seed: int) -> EpisodeStart:
        """Start the episode ``seed`` names (the same seed gives the same episode)."""
        ...

    def step(self, action: str) -> StepResult:
        """Carry out one action of the current episode."""
        ...

    def close(self) -> None:
        """Release what the environment holds (a simulator process, files)."""
        ...


EnvironmentFactory = Callable[[Mapping[str, str]], Environment]
"""Builds an environment from its options (``--env-option KEY=VALUE`` on the command line)."""


class EnvironmentOptionError(ValueError):
    """An environment option that is unknown or malformed; the message names it."""


class EnvironmentNotInstalled(RuntimeError):
    """An adapter whose package is not installed; the message says how to install it."""


ENVIRONMENTS: Registry[EnvironmentFactory] = Registry(
    "environment",
    builtins=(
        "execgym.agent.envs.household",
        "execgym.agent.envs.alfworld",
        "execgym.agent.envs.scienceworld",
        "execgym.agent.envs.webshop",
    ),
)
"""Every environment by name; members register with ``summary`` (one line) metadata."""


def make_environment(name: str, options: Mapping[str, str] | None = None) -> Environment:
    """The environment registered as ``name``, built with ``options``."""
    return ENVIRONMENTS.get(name)(dict(options or {}))


def check_options(
    environment: str, options: Mapping[str, str], known: Sequence[str]
) -> dict[str, str]:
    """``options`` as a dict, after refusing any name not in ``known``."""
    for key in options:
        if key not in known:
            listed = ", ".join(known) or "none"
            raise EnvironmentOptionError(
                f"unknown option {key!r} for environment {environment!r}; known options: {listed}"
            )
    return dict(options)
