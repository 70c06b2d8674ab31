"""The ALFWorld, ScienceWorld and WebShop adapters against stand-ins of their packages'
interfaces (the packages are optional extras and are not installed here)."""

from __future__ import annotations

import asyncio
import sys
import types
from pathlib import Path
from typing import Any, ClassVar

import pytest

from agent.scripted import ScriptedChatModel, recode_policy
from execgym.agent import (
    AgentSettings,
    Budgets,
    EnvironmentNotInstalled,
    EnvironmentOptionError,
    finished_episodes,
    make_environment,
    run_agent,
)
from execgym.agent.envs.household import HouseholdEnv
from execgym.sandbox import Sandbox


def install(monkeypatch: pytest.MonkeyPatch, name: str, **attributes: Any) -> None:
    """Put a stand-in module (and its parent packages) where ``import name`` finds it."""
    parts = name.split(".")
    for depth in range(1, len(parts) + 1):
        module_name = ".".join(parts[:depth])
        module = sys.modules.get(module_name)
        if module is None or depth == len(parts):
            module = types.ModuleType(module_name)
            module.__path__ = []
            monkeypatch.setitem(sys.modules, module_name, module)
    for key, value in attributes.items():
        setattr(sys.modules[name], key, value)


# ---- ALFWorld ---------------------------------------------------------------------------

GAMES = [
    f"/data/valid_unseen/{task}-Obj-None-Recep-1/trial_{n}/game.tw-pddl"
    for n, task in enumerate(["pick_clean_then_place_in_recep", "pick_and_place_simple"])
]


class StandInAlfredTWEnv:
    """ALFWorld's AlfredTWEnv as its agents use it; each game is a household world."""

    made: ClassVar[list[tuple[dict[str, Any], str]]] = []

    def __init__(self, config: dict[str, Any], train_eval: str = "train") -> None:
        self.made.append((config, train_eval))
        self.game_files = list(reversed(GAMES))
        self.num_games = len(self.game_files)

    def init_env(self, batch_size: int) -> StandInBatch:
        assert batch_size == 1 and self.num_games == 1
        return StandInBatch(self.game_files[0])


class StandInBatch:
    def __init__(self, game: str) -> None:
        task = game.split("/")[-3].split("-")[0]
        self.game = game
        self.world = HouseholdEnv([task])

    def reset(self) -> tuple[list[str], dict[str, Any]]:
        start = self.world.reset(GAMES.index(self.game))
        return [start.intro], {"extra.gamefile": [self.game]}

    def step(self, actions: list[str]) -> tuple[list[str], list[int], list[bool], dict[str, Any]]:
        (action,) = actions
        result = self.world.step(action)
        won = result.success
        return [result.observation], [int(won)], [result.done], {"won": [won]}


@pytest.fixture
def alfworld(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    def get_environment(kind: str) -> type[StandInAlfredTWEnv]:
        assert kind == "AlfredTWEnv"
        return StandInAlfredTWEnv

    install(monkeypatch, "alfworld.agents.environment", get_environment=get_environment)
    StandInAlfredTWEnv.made = []
    config = tmp_path / "base_config.yaml"
    config.write_text("env:\n  type: AlfredTWEnv\ndataset:\n  eval_ood_data_path: /data\n")
    return config


def test_alfworld_games_in_order_with_their_task_types(alfworld: Path) -> None:
    env = make_environment("alfworld", {"config": str(alfworld)})
    assert env.fixed_episodes == 2
    assert StandInAlfredTWEnv.made[0][1] == "eval_out_of_distribution"
    start = env.reset(1)  # the second game in path order
    assert start.task_type == "pick_clean_then_place_in_recep"
    assert start.intro.startswith("-= Welcome to TextWorld, ALFRED! =-")
    assert start.observation.startswith("You are in the middle of a room.")
    assert start.instruction.startswith(("put a clean", "clean some"))
    assert env.step("jump").observation == "Nothing happens."
    assert env.reset(2).task_type == "pick_and_place_simple"


def test_recode_plays_alfworld_through_the_adapter(
    alfworld: Path, agent_sandbox: Sandbox, tmp_path: Path
) -> None:
    settings = AgentSettings(
        env="alfworld",
        method="recode",
        model="scripted",
        n=2,
        concurrency=1,
        budgets=Budgets(max_steps=200),
        env_options={"config": str(alfworld)},
    )
    model = ScriptedChatModel(recode_policy())
    report = asyncio.run(run_agent(settings, model, tmp_path / "run", agent_sandbox))
    assert report.summary["success_rate"] == 1.0
    records = finished_episodes(tmp_path / "run")
    assert [records[i]["seed"] for i in ("0", "1")] == [0, 1]
    assert {r["task_type"] for r in records.values()} == {
        "pick_clean_then_place_in_recep",
        "pick_and_place_simple",
    }


def test_alfworld_options_are_checked() -> None:
    with pytest.raises(EnvironmentOptionError, match="needs its configuration"):
        make_environment("alfworld", {})
    with pytest.raises(EnvironmentOptionError, match="split of 'alfworld' must be one of"):
        make_environment("alfworld", {"config": "c.yaml", "split": "valid"})


# ---- ScienceWorld -------------------------------------------------------------------------


class StandInScienceWorld:
    """ScienceWorld's ScienceWorldEnv: two tasks, test variations, scores out of 100."""

    VARIATIONS: ClassVar[dict[str, list[int]]] = {"boil": [0, 1], "melt": [7]}

    def __init__(self, taskName: str = "", serverPath: str | None = None, envStepLimit: int = 100):
        self.step_limit = envStepLimit
        self.loaded: tuple[str, int, str] = ("", 0, "")
        self.closed = False

    def get_task_names(self) -> list[str]:
        return list(self.VARIATIONS)

    def load(self, task: str, variation: int = 0, simplification: str = "") -> None:
        self.loaded = (task, variation, simplification)

    def get_variations_test(self) -> list[int]:
        return self.VARIATIONS[self.loaded[0]]

    def get_task_description(self) -> str:
        return f"Your task is to {self.loaded[0]} water (variation {self.loaded[1]})."

    def reset(self) -> tuple[str, dict[str, Any]]:
        self.score = 0
        return "This room is called the kitchen.", {"score": 0}

    def step(self, action: str) -> tuple[str, float, bool, dict[str, Any]]:
        scores = {"focus on water": 40, "heat water": 100, "drink water": -100}
        before = self.score
        self.score = scores.get(action, self.score)
        done = self.score in (100, -100)
        return f"You {action}.", self.score - before, done, {"score": self.score}

    def close(self) -> None:
        self.closed = True


def test_scienceworld_tasks_variations_and_scores(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, "scienceworld", ScienceWorldEnv=StandInScienceWorld)
    env = make_environment("scienceworld", {"step_limit": "30"})
    assert env.fixed_episodes == 3
    start = env.reset(2)
    assert (start.task_type, start.instruction) == (
        "melt",
        "Your task is to melt water (variation 7).",
    )
    assert start.observation == "This room is called the kitchen."
    focus = env.step("focus on water")
    assert (focus.reward, focus.done, focus.success) == (0.4, False, False)
    heat = env.step("heat water")
    assert (heat.reward, heat.done, heat.success) == (1.0, True, True)
    env.reset(0)
    env.step("focus on water")
    failed = env.step("drink water")
    assert (failed.reward, failed.done, failed.success) == (0.4, True, False)  # the best so far
    env.close()


def test_scienceworld_options_are_checked(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, "scienceworld", ScienceWorldEnv=StandInScienceWorld)
    assert make_environment("scienceworld", {"tasks": "melt"}).fixed_episodes == 1
    with pytest.raises(EnvironmentOptionError, match="unknown ScienceWorld tasks fly"):
        _ = make_environment("scienceworld", {"tasks": "melt,fly"}).fixed_episodes
    with pytest.raises(EnvironmentOptionError, match=r"step_limit .* positive integer"):
        make_environment("scienceworld", {"step_limit": "many"})


# ---- WebShop --------------------------------------------------------------------------------


class StandInWebShop:
    """WebShop's WebAgentTextEnv in text mode."""

    def __init__(self, observation_mode: str = "html", human_goals: bool = False) -> None:
        assert observation_mode == "text" and human_goals
        self.instruction_text = ""

    def reset(self, session: int | None = None) -> tuple[str, None]:
        self.instruction_text = f"i need goal number {session}"
        return f"WebShop [SEP] Instruction: [SEP] {self.instruction_text} [SEP] Search", None

    def step(self, action: str) -> tuple[str, float, bool, None]:
        if action == "click[buy now]":
            return "Thank you for shopping with us!", 0.75, True, None
        if action == "click[buy the right one]":
            return "Thank you for shopping with us!", 1.0, True, None
        return "[SEP] Back to Search [SEP] results", 0.0, False, None


def test_webshop_sessions_and_rewards(monkeypatch: pytest.MonkeyPatch) -> None:
    install(monkeypatch, "web_agent_site.envs", WebAgentTextEnv=StandInWebShop)
    env = make_environment("webshop", {"sessions": "10"})
    assert env.fixed_episodes == 10
    start = env.reset(13)
    assert start.instruction == "i need goal number 3"
    assert env.step("search[red shoes]").reward == 0.0
    bought = env.step("click[buy now]")
    assert (bought.reward, bought.done, bought.success) == (0.75, True, False)
    env.reset(4)
    assert env.step("click[buy the right one]").success


@pytest.mark.parametrize(
    ("name", "options", "extra"),
    [
        ("alfworld", {"config": "base_config.yaml"}, "pip install 'execgym[alfworld]'"),
        ("scienceworld", {}, "pip install 'execgym[scienceworld]'"),
        ("webshop", {}, "princeton-nlp/WebShop"),
    ],
)
def test_a_missing_package_says_how_to_install_it(
    name: str, options: dict[str, str], extra: str
) -> None:
    env = make_environment(name, options)  # building it imports nothing
    with pytest.raises(EnvironmentNotInstalled) as missing:
        env.reset(0)
    assert extra in str(missing.value)
