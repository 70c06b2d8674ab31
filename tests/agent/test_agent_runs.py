"""Runs of many episodes: the run directory, resume, concurrency, and the SFT export."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest

from agent.scripted import ScriptedChatModel, code_reply, recode_policy
from execgym.agent import (
    AgentSettings,
    Budgets,
    ExecutorLimits,
    episode_seed,
    export_sft,
    finished_episodes,
    run_agent,
    sft_examples,
)
from execgym.bench import ResumeMismatch
from execgym.sandbox import Sandbox

CLEAN = {"task_types": "clean"}


def settings(**changes: Any) -> AgentSettings:
    base: dict[str, Any] = {
        "env": "household",
        "method": "recode",
        "model": "scripted",
        "n": 4,
        "concurrency": 2,
        "budgets": Budgets(max_steps=200, max_calls=40),
        "executor": ExecutorLimits(block_s=1.0, grace_s=1.5),
        "env_options": CLEAN,
    }
    base.update(changes)
    return AgentSettings(**base)


def test_a_run_writes_episodes_and_a_summary_and_resumes(
    agent_sandbox: Sandbox, tmp_path: Path
) -> None:
    model = ScriptedChatModel(recode_policy())
    report = asyncio.run(run_agent(settings(), model, tmp_path, agent_sandbox))
    assert (report.played, report.resumed, report.aborted) == (4, 0, None)
    records = finished_episodes(tmp_path)
    assert sorted(records, key=int) == ["0", "1", "2", "3"]
    assert [records[str(i)]["seed"] for i in range(4)] == [episode_seed(0, i) for i in range(4)]
    summary = json.loads((tmp_path / "summary.json").read_text())
    successes = sum(record["success"] for record in records.values())
    assert summary["success_rate"] == successes / 4 == 1.0
    assert summary["by_task_type"] == {
        "pick_clean_then_place_in_recep": {
            "episodes": 4,
            "success_rate": 1.0,
            "average_reward": 1.0,
        }
    }
    calls = [record["calls"] for record in records.values()]
    assert summary["per_episode"]["calls"] == sum(calls) / 4
    assert summary["usage"]["calls"] == sum(calls) == len(model.requests)
    assert summary["ends"] == {"done": 4} and summary["missing"] == []
    assert json.loads((tmp_path / "config.json").read_text())["method"] == "recode"
    # A rerun plays nothing; a lost last line is played again, and only it.
    again = asyncio.run(run_agent(settings(), model, tmp_path, agent_sandbox))
    assert (again.played, again.resumed) == (0, 4)
    lines = (tmp_path / "episodes.jsonl").read_text().splitlines()
    lost = json.loads(lines[-1])["id"]
    (tmp_path / "episodes.jsonl").write_text("\n".join(lines[:-1]) + "\n" + lines[-1][:40])
    asked = len(model.requests)
    third = asyncio.run(run_agent(settings(), model, tmp_path, agent_sandbox))
    assert (third.played, third.resumed) == (1, 3)
    assert finished_episodes(tmp_path)[lost]["success"]
    assert len(model.requests) - asked == records[lost]["calls"]
    assert json.loads((tmp_path / "summary.json").read_text())["runs"] == 3
    with pytest.raises(ResumeMismatch, match="method"):
        asyncio.run(run_agent(settings(method="react"), model, tmp_path, agent_sandbox))


def test_episodes_run_concurrently_in_a_run(agent_sandbox: Sandbox, tmp_path: Path) -> None:
    model = ScriptedChatModel(recode_policy(), latency=0.05)
    report = asyncio.run(run_agent(settings(n=6, concurrency=3), model, tmp_path, agent_sandbox))
    assert report.played == 6
    assert model.max_in_flight == 3


def test_a_model_that_fails_stops_the_run_and_keeps_what_is_finished(
    agent_sandbox: Sandbox, tmp_path: Path
) -> None:
    from execgym.llm import ModelUnavailable

    policy = recode_policy()
    asked = {"count": 0}

    def flaky(messages: Any) -> str:
        asked["count"] += 1
        if asked["count"] > 12:
            raise ModelUnavailable("http://model", 3, "connection refused")
        return policy(messages)

    report = asyncio.run(
        run_agent(settings(n=4, concurrency=1), ScriptedChatModel(flaky), tmp_path, agent_sandbox)
    )
    assert report.aborted is not None and "unavailable" in report.aborted
    assert 1 <= report.played < 4
    summary = json.loads((tmp_path / "summary.json").read_text())
    assert summary["aborted"] == report.aborted
    assert len(summary["missing"]) == 4 - report.played


def test_the_sft_export_holds_exactly_the_kept_expansions(
    agent_sandbox: Sandbox, tmp_path: Path
) -> None:
    overrides = {
        "solve": ["I will explain instead of coding."],
        "treat": [code_reply("raise RuntimeError('the sink is busy')")],
    }
    model = ScriptedChatModel(recode_policy(overrides))
    asyncio.run(run_agent(settings(n=1, concurrency=1), model, tmp_path, agent_sandbox))
    (record,) = finished_episodes(tmp_path).values()
    assert record["success"]
    asked = [
        messages[0]["content"].rsplit("Function to implement:\n", 1)[1].split("\n")[0]
        for messages in model.requests
    ]
    assert asked == [
        "solve(instruction, observation)",
        "solve(instruction, observation)",
        "obj, target, kind = read_task(instruction)",
        "obj_id = find_and_take(obj, sources)",
        "treat(obj_id, kind, places)",
        "treat(obj_id, kind, places)",
        "put_in(obj_id, target, places)",
    ]
    out = tmp_path / "sft.jsonl"
    report = export_sft(tmp_path, 1.0, out)
    examples = [json.loads(line) for line in out.read_text().splitlines()]
    assert (report.episodes, report.used, report.examples) == (1, 1, 5)
    # Exactly: the second solve (the first had no code), read_task, find_and_take, the
    # second treat (the first raised), put_in; each is the prompt and the reply sent.
    kept = [1, 2, 3, 5, 6]
    assert [example["messages"][:-1] for example in examples] == [model.requests[i] for i in kept]
    replies = [call["reply"] for call in record["model_calls"]]
    assert [example["messages"][-1] for example in examples] == [
        {"role": "assistant", "content": replies[i]} for i in kept
    ]
    assert [(e["function"], e["depth"]) for e in examples] == [
        ("solve", 0),
        ("read_task", 1),
        ("find_and_take", 1),
        ("treat", 1),
        ("put_in", 1),
    ]
    assert all(e["episode"] == "0" and e["reward"] == 1.0 for e in examples)
    assert sft_examples(record) == examples
    # Above the episode's reward nothing is exported.
    assert export_sft(tmp_path, 1.5, out).examples == 0
    assert out.read_text() == ""
