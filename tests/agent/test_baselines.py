"""ReAct and CodeAct in the same harness: same episodes, same budgets, same record."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Iterator

import pytest

from agent.scripted import Policy, ScriptedChatModel, code_reply, codeact_policy, react_policy
from execgym.agent import METHODS, Budgets, Episode, ExecutorLimits, StepResult
from execgym.agent.envs.household import TASK_TYPES, HouseholdEnv, expert_actions
from execgym.llm import SamplingParams
from execgym.sandbox import Sandbox

FAST = ExecutorLimits(block_s=1.0, grace_s=1.5)


ROOMY = Budgets(max_steps=200, max_calls=20)


def play(
    method: str,
    make_policy: Callable[[HouseholdEnv], Policy],
    sandbox: Sandbox | None,
    task_type: str = "pick_cool_then_place_in_recep",
    budgets: Budgets = ROOMY,
) -> tuple[Episode, ScriptedChatModel]:
    """Play one episode of ``method``; the policy is made knowing the episode's world."""
    env = HouseholdEnv([task_type])
    start = env.reset(5)
    model = ScriptedChatModel(make_policy(env))
    episode = Episode(0, 5, env, start, model, SamplingParams(), budgets, sandbox, FAST)
    tree = asyncio.run(METHODS.get(method).play(episode))
    assert (tree is not None) == (method == "recode")
    return episode, model


@pytest.mark.parametrize("task_type", list(TASK_TYPES))
def test_react_plays_every_task_type(task_type: str) -> None:
    episode, model = play(
        "react", lambda env: react_policy(expert_actions(env.world, env.task)), None, task_type
    )
    assert (episode.end, episode.success, episode.reward) == ("done", True, 1.0)
    assert len(episode.calls) == len(episode.steps)
    assert model.requests[1][-1]["content"].startswith("Observation: ")
    assert "Your task is to: " in model.requests[0][0]["content"]


def test_react_fails_when_its_actions_lead_nowhere() -> None:
    episode, _ = play(
        "react", lambda env: react_policy(["look"]), None, budgets=Budgets(max_steps=10)
    )
    assert (episode.end, episode.success, len(episode.steps)) == ("max_steps", False, 10)


def test_a_react_reply_without_an_action_is_answered_and_counted() -> None:
    replies = iter(["Thought: I am not sure yet.", "Thought: now\nAction: inventory"])
    episode, model = play(
        "react",
        lambda env: lambda messages: next(replies, "Action: look"),
        None,
        budgets=Budgets(max_calls=3),
    )
    assert episode.end == "max_calls"
    assert [call.kept for call in episode.calls] == [False, True, True]
    assert "No action was taken" in model.requests[1][-1]["content"]
    assert episode.steps[0].action == "inventory"


@pytest.mark.parametrize("task_type", list(TASK_TYPES))
def test_codeact_plays_every_task_type(agent_sandbox: Sandbox, task_type: str) -> None:
    episode, _ = play("codeact", lambda env: codeact_policy(), agent_sandbox, task_type)
    assert (episode.end, episode.success, episode.reward) == ("done", True, 1.0)
    assert len(episode.calls) == 1  # one block solved it


def test_codeact_keeps_state_and_reports_errors_and_hostile_blocks(agent_sandbox: Sandbox) -> None:
    turns: Iterator[str] = iter(
        [
            code_reply("places = re.findall(r'[a-z]+ \\d+', observation)\nprint(len(places))"),
            code_reply("run(f'go to {places[0]}')\nundefined_helper()"),
            code_reply("while True:\n    pass"),
            code_reply("sum(range(10 ** 12))"),
            code_reply("print('places' in dir())"),
        ]
    )
    budgets = Budgets(max_steps=50, max_calls=5)
    episode, model = play(
        "codeact", lambda env: lambda messages: next(turns), agent_sandbox, budgets=budgets
    )
    assert episode.end == "max_calls" and not episode.success
    feedback = [messages[-1]["content"] for messages in model.requests[1:]]
    assert feedback[0].startswith("No actions were performed.\nPrinted:\n")
    assert (
        feedback[1].startswith("> go to ") and "NameError: name 'undefined_helper'" in feedback[1]
    )
    assert "BlockTimeout" in feedback[2]
    assert feedback[3].startswith("the interpreter was stopped and restarted")
    assert [call.kept for call in episode.calls] == [True, False, False, False, False]
    assert any("restarted" in note for note in episode.notes)


def test_every_method_spends_the_same_call_budget(agent_sandbox: Sandbox) -> None:
    budgets = Budgets(max_steps=50, max_calls=4, max_rewrites=10)
    for method in ("recode", "react", "codeact"):
        episode, model = play(
            method,
            lambda env: lambda messages: "I will not answer in the format.",
            agent_sandbox,
            budgets=budgets,
        )
        assert (episode.end, len(episode.calls), len(model.requests)) == ("max_calls", 4, 4)
        assert not any(call.kept for call in episode.calls)


class SlowHousehold(HouseholdEnv):
    """A household whose every step takes 0.2 s, as a simulator behind an adapter might."""

    def step(self, action: str) -> StepResult:
        time.sleep(0.2)
        return super().step(action)


def test_a_slow_environment_does_not_hold_up_other_episodes() -> None:
    async def main() -> float:
        episodes = []
        for index in range(3):
            env = SlowHousehold()
            episodes.append(
                Episode(
                    index,
                    index,
                    env,
                    env.reset(index),
                    ScriptedChatModel(react_policy(["look"])),
                    SamplingParams(),
                    Budgets(max_steps=3),
                    None,
                    FAST,
                )
            )
        began = time.monotonic()
        await asyncio.gather(*(METHODS.get("react").play(episode) for episode in episodes))
        assert all(episode.end == "max_steps" for episode in episodes)
        return time.monotonic() - began

    assert asyncio.run(main()) < 3 * 3 * 0.2 * 0.6  # sequential steps would take 1.8 s
