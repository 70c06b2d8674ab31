"""ReCode through the real controller and the sandboxed interpreter, with scripted replies."""

from __future__ import annotations

import asyncio
import re
from typing import Any

import pytest

from agent.scripted import (
    ScriptedChatModel,
    code_reply,
    expanded_function,
    recode_policy,
    table_policy,
)
from execgym.agent import Budgets, Episode, ExecutorLimits
from execgym.agent.envs.household import TASK_TYPES, HouseholdEnv
from execgym.agent.methods.recode import ReCode
from execgym.llm import SamplingParams
from execgym.sandbox import Sandbox

FAST = ExecutorLimits(block_s=1.0, grace_s=1.5)
ROOMY = Budgets(max_steps=200, max_calls=60)


def play(
    sandbox: Sandbox,
    policy: Any,
    task_type: str = "pick_clean_then_place_in_recep",
    seed: int = 1,
    budgets: Budgets = ROOMY,
) -> tuple[Episode, dict[str, Any], ScriptedChatModel]:
    env = HouseholdEnv([task_type])
    start = env.reset(seed)
    model = ScriptedChatModel(policy)
    episode = Episode(0, seed, env, start, model, SamplingParams(), budgets, sandbox, FAST)
    tree = asyncio.run(ReCode().play(episode))
    assert tree is not None
    return episode, tree, model


def nodes_named(tree: dict[str, Any], name: str) -> list[dict[str, Any]]:
    return [node for node in tree["nodes"] if node["name"] == name]


@pytest.mark.parametrize("task_type", list(TASK_TYPES))
def test_every_task_type_to_success(agent_sandbox: Sandbox, task_type: str) -> None:
    episode, tree, _ = play(agent_sandbox, recode_policy(), task_type)
    assert (episode.end, episode.success, episode.reward) == ("done", True, 1.0)
    root = tree["nodes"][tree["root"]]
    assert root["status"] == "interrupted"  # the task was done while its block ran
    assert all(node["status"] in ("completed", "interrupted") for node in tree["nodes"])


@pytest.mark.parametrize("task_type", list(TASK_TYPES))
def test_every_task_type_to_failure(agent_sandbox: Sandbox, task_type: str) -> None:
    careless = code_reply("run('inventory')")
    policy = recode_policy({"put_in": [careless] * 9, "light_up": [careless] * 9})
    episode, tree, _ = play(agent_sandbox, policy, task_type)
    assert (episode.end, episode.success, episode.reward) == ("finished", False, 0.0)
    assert tree["nodes"][tree["root"]]["status"] == "completed"
    assert episode.steps[-1].action == "inventory"


def test_the_step_budget_ends_an_episode(agent_sandbox: Sandbox) -> None:
    episode, _, _ = play(agent_sandbox, recode_policy(), budgets=Budgets(max_steps=3))
    assert (episode.end, len(episode.steps), episode.success) == ("max_steps", 3, False)


ROOT_WITH_EXPRESSIONS = """\
places = re.findall(r'[a-z]+ \\d+', observation)
labels = [label_of(p) for p in places[:3]]
if count_of(places) > 2:
    print('many', labels)
first, rest = split_first(places)
"""


def test_arguments_become_named_inputs_and_assigned_names_are_returned(
    agent_sandbox: Sandbox,
) -> None:
    policy = table_policy(
        {
            "solve": code_reply(ROOT_WITH_EXPRESSIONS),
            "label_of": code_reply("result = p.upper()"),
            "count_of": code_reply("result = len(places)"),
            "split_first": code_reply("first = places[0]\nrest = places[1:]"),
        }
    )
    episode, tree, model = play(agent_sandbox, policy)
    assert episode.end == "finished"
    labels = nodes_named(tree, "label_of")
    places = re.findall(r"[a-z]+ \d+", episode.start.observation)
    assert [node["inputs"]["p"]["value"] for node in labels] == places[:3]
    assert [node["attempts"][0]["reused"] for node in labels] == [False, True, True]
    assert [node["attempts"][0]["outputs"]["result"]["value"] for node in labels] == [
        node["inputs"]["p"]["value"].upper() for node in labels
    ]
    (count,) = nodes_named(tree, "count_of")
    assert count["signature"] == "result = count_of(places)"
    assert count["inputs"]["places"]["type"] == "list[str]"
    (split,) = nodes_named(tree, "split_first")
    assert split["signature"] == "first, rest = split_first(places)"
    assert set(split["attempts"][0]["outputs"]) == {"first", "rest"}
    root = tree["nodes"][tree["root"]]
    assert root["attempts"][0]["stdout"].startswith("many ['")
    # One expansion per placeholder: the loop's later calls reuse label_of's.
    asked = [expanded_function(messages)[0] for messages in model.requests]
    assert asked == ["solve", "label_of", "count_of", "split_first"]
    assert all(call.kept for call in episode.calls)


def test_a_placeholder_in_a_loop_is_expanded_once_and_reused(agent_sandbox: Sandbox) -> None:
    policy = table_policy(
        {
            "solve": code_reply(
                "for place in re.findall(r'[a-z]+ \\d+', observation)[:3]:\n    visit(place)"
            ),
            "visit": code_reply("run(f'go to {place}')"),
        }
    )
    episode, tree, model = play(agent_sandbox, policy)
    visits = nodes_named(tree, "visit")
    assert len(visits) == 3 and len(model.requests) == 2
    assert [step.action for step in episode.steps] == [
        f"go to {node['inputs']['place']['value']}" for node in visits
    ]
    assert [step.node for step in episode.steps] == [node["id"] for node in visits]


def test_the_depth_budget_stops_expanding_and_fails_the_call(agent_sandbox: Sandbox) -> None:
    policy = table_policy(
        {
            "solve": code_reply("level_one(instruction)"),
            "level_one": code_reply("level_two(instruction)"),
            "level_two": code_reply("level_three(instruction)"),
        }
    )
    budgets = Budgets(max_steps=20, max_calls=20, max_depth=2, max_retries=0)
    episode, tree, model = play(agent_sandbox, policy, budgets=budgets)
    (deepest,) = nodes_named(tree, "level_three")
    assert deepest["depth"] == 3 and deepest["status"] == "failed"
    assert "already 2 levels deep" in deepest["failure"]
    assert [expanded_function(m)[0] for m in model.requests] == ["solve", "level_one", "level_two"]
    # The failure went up through every caller: each saw its placeholder raise.
    (two,) = nodes_named(tree, "level_two")
    assert "PlaceholderFailed: level_three was not expanded" in two["attempts"][0]["error"]
    assert episode.end == "failed"


def test_unusable_replies_are_asked_again_with_the_problem(agent_sandbox: Sandbox) -> None:
    replies = [
        "I would rather describe the plan in words.",
        code_reply("x = (\n"),
        code_reply("def helper():\n    pass"),
        code_reply("run('look')"),
    ]
    episode, tree, model = play(agent_sandbox, table_policy({"solve": replies}))
    root = tree["nodes"][tree["root"]]
    assert [r["problem"].split(";")[0].split(":")[0] for r in root["rejected"]] == [
        "the reply has no code block",
        "SyntaxError",
        "the block defines a function (helper) with def",
    ]
    # Each retry is the same conversation plus the problem; nothing was skipped.
    assert [len(messages) for messages in model.requests] == [1, 3, 5, 7]
    assert "cannot be run: the reply has no code block" in model.requests[1][-1]["content"]
    assert "SyntaxError" in model.requests[2][-1]["content"]
    assert [call.kept for call in episode.calls] == [False, False, False, True]
    assert episode.steps[0].action == "look"


def test_the_rewrite_budget_fails_the_function(agent_sandbox: Sandbox) -> None:
    policy = table_policy({"solve": "no code at all"})
    budgets = Budgets(max_steps=20, max_calls=20, max_rewrites=1)
    episode, tree, _ = play(agent_sandbox, policy, budgets=budgets)
    assert (episode.end, len(episode.calls)) == ("failed", 2)
    assert tree["nodes"][0]["status"] == "failed"


def test_an_error_is_re_expanded_with_its_traceback_and_actions(agent_sandbox: Sandbox) -> None:
    broken = code_reply("run('inventory')\nraise ValueError('no sink here')")
    policy = recode_policy({"treat": [broken]})
    episode, tree, model = play(agent_sandbox, policy)
    assert episode.success
    (treat,) = nodes_named(tree, "treat")
    assert [a["outcome"] for a in treat["attempts"]] == ["error", "completed"]
    assert treat["retries"] == 1
    retry = next(m for m in model.requests if "An earlier implementation" in m[0]["content"])
    prompt = retry[0]["content"]
    assert "raise ValueError('no sink here')" in prompt
    assert "> inventory\nYou are carrying: a " in prompt
    assert "ValueError: no sink here" in prompt
    kept = {index for index, call in enumerate(episode.calls) if call.kept}
    assert treat["attempts"][0]["source"] not in kept
    assert treat["attempts"][1]["source"] in kept


def test_a_failure_past_its_retries_goes_to_the_caller(agent_sandbox: Sandbox) -> None:
    broken = code_reply("raise KeyError('cabinet')")
    policy = recode_policy({"find_and_take": [broken, broken]})
    budgets = Budgets(max_steps=200, max_calls=60, max_retries=1)
    episode, tree, model = play(agent_sandbox, policy, budgets=budgets)
    finds = nodes_named(tree, "find_and_take")
    assert finds[0]["status"] == "failed"
    assert "find_and_take failed: KeyError: 'cabinet'" in finds[0]["failure"]
    root = tree["nodes"][tree["root"]]
    assert root["attempts"][0]["outcome"] == "error"
    assert "PlaceholderFailed: find_and_take failed" in root["attempts"][0]["error"]
    # The caller re-planned: solve was asked again with the failure, and the new plan worked.
    solves = [m[0]["content"] for m in model.requests if expanded_function(m)[0] == "solve"]
    assert len(solves) == 2 and "PlaceholderFailed: find_and_take failed" in solves[1]
    assert episode.success and finds[-1]["status"] in ("completed", "interrupted")


@pytest.mark.parametrize(
    ("hostile", "error"),
    [
        ("while True:\n    pass", "BlockTimeout"),
        ("while True:\n    print('flood')", "OutputFlood"),
        ("print('x' * 50_000_000)", "OutputFlood"),
    ],
)
def test_a_hostile_block_is_contained_and_reported(
    agent_sandbox: Sandbox, hostile: str, error: str
) -> None:
    policy = recode_policy({"treat": [code_reply(hostile)]})
    episode, tree, model = play(agent_sandbox, policy)
    (treat,) = nodes_named(tree, "treat")
    assert treat["attempts"][0]["outcome"] == "error"
    assert error in treat["attempts"][0]["error"]
    assert any(error in m[0]["content"] for m in model.requests)
    assert episode.success


def test_a_block_that_hangs_its_interpreter_restarts_the_plan(agent_sandbox: Sandbox) -> None:
    policy = recode_policy({"read_task": [code_reply("sum(range(10 ** 12))")]})
    episode, tree, model = play(agent_sandbox, policy)
    assert episode.success
    assert any("interpreter was stopped and restarted" in note for note in episode.notes)
    root = tree["nodes"][tree["root"]]
    assert [a["outcome"] for a in root["attempts"]] == ["aborted", "interrupted"]
    first_read = nodes_named(tree, "read_task")[0]
    assert first_read["status"] == "failed"
    assert "did not stop at its time limit" in root["attempts"][0]["error"]
    replanned = [m[0]["content"] for m in model.requests if expanded_function(m)[0] == "solve"]
    assert len(replanned) == 2 and "did not stop at its time limit" in replanned[1]


def test_episodes_run_concurrently(agent_sandbox: Sandbox) -> None:
    """Four episodes with a model of 0.2 s per call take about as long as one."""

    async def main() -> tuple[float, list[Episode]]:
        envs = [HouseholdEnv(["pick_heat_then_place_in_recep"]) for _ in range(4)]
        episodes = [
            Episode(
                i,
                i,
                env,
                env.reset(i),
                ScriptedChatModel(recode_policy(), latency=0.2),
                SamplingParams(),
                ROOMY,
                agent_sandbox,
                FAST,
            )
            for i, env in enumerate(envs)
        ]
        began = asyncio.get_running_loop().time()
        await asyncio.gather(*(ReCode().play(episode) for episode in episodes))
        return asyncio.get_running_loop().time() - began, episodes

    took, episodes = asyncio.run(main())
    assert all(episode.success for episode in episodes)
    calls = sum(len(episode.calls) for episode in episodes)
    sequential = calls * 0.2
    assert took < sequential / 2, (took, sequential)
