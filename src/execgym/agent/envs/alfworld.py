"""ALFWorld's text games (the ``alfworld`` package) as an environment.

Setup: ``pip install 'execgym[alfworld]'`` (the ``alfworld`` package with TextWorld), then
``alfworld-download`` to fetch its games into ``$ALFWORLD_DATA`` (``~/.cache/alfworld`` by
default), and point ``--env-option config=PATH`` at an ALFWorld configuration file (its
``configs/base_config.yaml``, whose ``env.type`` is ``AlfredTWEnv``). ``--env-option
split=eval_out_of_distribution`` (the default; 134 games) or ``eval_in_distribution`` or
``train`` chooses the games.

Episode ``i`` is the ``i``-th game of the split in the order of its file paths. The adapter
drives ALFWorld as its own agents do (``get_environment(type)(config, train_eval=split)``,
one game loaded with ``init_env(batch_size=1)``, ``reset()``, ``step([action])``); the
reward is 1 when ALFWorld reports the game won. The task type is the game's directory name
up to its first ``-`` (``pick_clean_then_place_in_recep``).
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from execgym.agent._environment import (
    ENVIRONMENTS,
    ActionSpec,
    EnvironmentOptionError,
    EpisodeStart,
    StepResult,
    check_options,
)
from execgym.agent.envs._adapter import import_package, split_task
from execgym.agent.envs.household import ACTIONS

SETUP = (
    "install it with pip install 'execgym[alfworld]', fetch the games with alfworld-download "
    "and pass --env-option config=PATH/TO/base_config.yaml"
)
SPLITS = ("eval_out_of_distribution", "eval_in_distribution", "train")


class ALFWorldEnv:
    """ALFWorld's TextWorld games; the package is imported when the first game is loaded."""

    name = "alfworld"

    def __init__(self, config: str | Path, split: str = "eval_out_of_distribution") -> None:
        if split not in SPLITS:
            raise EnvironmentOptionError(
                f"environment option split of 'alfworld' must be one of {', '.join(SPLITS)}, "
                f"not {split!r}"
            )
        self.config_path = Path(config)
        self.split = split
        self._alfworld: Any = None
        self._games: list[str] = []
        self._game: Any = None
        self._won = False

    def _load(self) -> None:
        if self._alfworld is not None:
            return
        environment = import_package("alfworld.agents.environment", "alfworld", SETUP)
        yaml = importlib.import_module("yaml")

        try:
            config = yaml.safe_load(self.config_path.read_text(encoding="utf-8"))
        except OSError as exc:
            raise EnvironmentOptionError(
                f"environment option config: cannot read {self.config_path}: {exc.strerror}"
            ) from None
        cls = environment.get_environment(config["env"]["type"])
        self._alfworld = cls(config, train_eval=self.split)
        self._games = sorted(str(path) for path in self._alfworld.game_files)

    @property
    def fixed_episodes(self) -> int | None:
        self._load()
        return len(self._games)

    def actions(self) -> Sequence[ActionSpec]:
        return ACTIONS

    def reset(self, seed: int) -> EpisodeStart:
        self._load()
        if not self._games:
            raise EnvironmentOptionError(f"ALFWorld found no games for split {self.split!r}")
        game = self._games[seed % len(self._games)]
        self._alfworld.game_files = [game]
        self._alfworld.num_games = 1
        self._game = self._alfworld.init_env(batch_size=1)
        observations, _ = self._game.reset()
        text = str(observations[0])
        instruction, observation = split_task(text)
        self._won = False
        return EpisodeStart(instruction, observation, task_type_of(game), text)

    def step(self, action: str) -> StepResult:
        if self._game is None:
            raise RuntimeError("no ALFWorld game is loaded: call reset(seed) first")
        observations, _, dones, infos = self._game.step([action])
        won = infos.get("won")
        self._won = self._won or bool(won[0] if won is not None else False)
        done = bool(dones[0]) or self._won
        return StepResult(str(observations[0]), 1.0 if self._won else 0.0, done, self._won)

    def close(self) -> None:
        closer = getattr(self._game, "close", None)
        if closer is not None:
            closer()
        self._game = None


def task_type_of(game: str) -> str:
    """The task type of a game file (its task directory's name up to the first ``-``)."""
    parts = Path(game).parts
    folder = parts[-3] if len(parts) >= 3 else Path(game).name
    return folder.split("-")[0]


def alfworld_factory(options: Mapping[str, str]) -> ALFWorldEnv:
    checked = check_options("alfworld", options, ["config", "split"])
    if "config" not in checked:
        raise EnvironmentOptionError(f"the alfworld environment needs its configuration: {SETUP}")
    return ALFWorldEnv(checked["config"], checked.get("split", SPLITS[0]))


ENVIRONMENTS.register(
    "alfworld",
    alfworld_factory,
    summary="ALFWorld's text games (extra: alfworld)",
    extra="alfworld",
)
