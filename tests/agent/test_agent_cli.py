"""``execgym agent run | show | export`` against a real HTTP server answering like a model."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from cli_process import interrupt_when
from llm.fake_openai import FakeOpenAIServer
from typer.testing import CliRunner

from agent.scripted import recode_policy
from execgym.cli import app

runner = CliRunner()


@pytest.fixture
def recode_server() -> Iterator[FakeOpenAIServer]:
    policy = recode_policy()
    with FakeOpenAIServer(responses=lambda body: [policy(body["messages"])]) as server:
        yield server


def agent(*args: str) -> Any:
    return runner.invoke(app, ["agent", *args])


def run_args(server: FakeOpenAIServer, run_dir: Path, *extra: str) -> list[str]:
    return [
        "run", "--env", "household", "--method", "recode", "--model", "fake-model",
        "--base-url", server.base_url, "-n", "3", "-c", "3", "--seed", "7",
        "--max-steps", "200", "-o", str(run_dir), *extra,
    ]  # fmt: skip


def test_run_show_export(recode_server: FakeOpenAIServer, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    result = agent(*run_args(recode_server, run_dir))
    assert result.exit_code == 0, result.output
    assert "household · recode · fake-model" in result.output
    assert "| all | 3 | 100.0 | 1.000 |" in result.output
    records = [json.loads(line) for line in (run_dir / "episodes.jsonl").read_text().splitlines()]
    assert sorted(r["id"] for r in records) == ["0", "1", "2"]
    assert all(r["success"] and r["end"] == "done" for r in records)
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["success_rate"] == 1.0 and summary["episodes"] == 3
    assert set(summary["by_task_type"]) == {r["task_type"] for r in records}
    assert (run_dir / "llm-cache.sqlite").is_file()
    calls = recode_server.calls
    assert calls == sum(r["calls"] for r in records)

    # The same command again: everything is finished, nothing is asked.
    again = agent(*run_args(recode_server, run_dir))
    assert again.exit_code == 0 and "resumed: 3 episodes" in again.output
    assert recode_server.calls == calls
    # Other settings into the same directory are refused.
    other = agent(*run_args(recode_server, run_dir, "--temperature", "0.7"))
    assert other.exit_code == 2 and "temperature" in other.output

    shown = agent("show", str(run_dir), "1")
    assert shown.exit_code == 0, shown.output
    assert "solve(instruction, observation)" in shown.output
    assert "obj_id = find_and_take(obj, sources)" in shown.output
    assert "Result: success, reward 1, ended: done" in shown.output
    assert "> go to " in shown.output
    missing = agent("show", str(run_dir), "9")
    assert missing.exit_code == 2 and "no episode '9'" in missing.output

    out = tmp_path / "sft.jsonl"
    exported = agent("export", str(run_dir), "--min-reward", "1", "-o", str(out))
    assert exported.exit_code == 0, exported.output
    examples = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(examples) == sum(r["calls"] for r in records)  # every expansion held
    assert f"wrote {len(examples)} examples from 3 of 3 episodes" in exported.output
    assert all(e["messages"][-1]["role"] == "assistant" for e in examples)


def test_the_baselines_run_through_the_same_command(tmp_path: Path) -> None:
    with FakeOpenAIServer(responses=lambda body: ["Thought: look again.\nAction: look"]) as server:
        react = agent(
            "run", "--method", "react", "--model", "fake-model", "--base-url", server.base_url,
            "-n", "2", "--max-steps", "3", "-o", str(tmp_path / "react"),
        )  # fmt: skip
    assert react.exit_code == 0, react.output
    summary = json.loads((tmp_path / "react" / "summary.json").read_text())
    assert summary["success_rate"] == 0.0 and summary["ends"] == {"max_steps": 2}
    assert summary["per_episode"]["steps"] == 3.0
    code = "<execute>\nprint(run('look'))\n</execute>"
    with FakeOpenAIServer(responses=lambda body: [code]) as server:
        codeact = agent(
            "run", "--method", "codeact", "--model", "fake-model", "--base-url",
            server.base_url, "-n", "1", "--max-calls", "2", "-o", str(tmp_path / "codeact"),
        )  # fmt: skip
    assert codeact.exit_code == 0, codeact.output
    (record,) = [json.loads(line) for line in (tmp_path / "codeact" / "episodes.jsonl").open()]
    assert (record["end"], record["calls"], record["steps"]) == ("max_calls", 2, 2)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--method", "planner"], "unknown agent method 'planner'; known agent methods: codeact"),
        (["--env", "moon"], "unknown environment 'moon'"),
        (["--env-option", "colour"], "--env-option takes KEY=VALUE"),
        (["--env-option", "colour=red"], "unknown option 'colour' for environment 'household'"),
        (["--env", "alfworld"], "the alfworld environment needs its configuration"),
    ],
)
def test_usage_errors_name_what_is_wrong(tmp_path: Path, args: list[str], message: str) -> None:
    result = agent("run", "--model", "m", "-o", str(tmp_path / "r"), *args)
    assert result.exit_code == 2
    assert message in " ".join(result.output.split())


def test_show_and_export_want_a_run_directory(tmp_path: Path) -> None:
    for args in (["show", str(tmp_path), "0"], ["export", str(tmp_path), "-o", "x.jsonl"]):
        result = agent(*args)
        assert result.exit_code == 2 and "not an agent run directory" in result.output


def test_ctrl_c_keeps_the_finished_episodes_and_says_how_to_resume(tmp_path: Path) -> None:
    policy = recode_policy()
    run_dir = tmp_path / "run"
    episodes = run_dir / "episodes.jsonl"
    with FakeOpenAIServer(responses=lambda body: [policy(body["messages"])], delay=0.05) as server:
        args = run_args(server, run_dir)
        args[args.index("-n") + 1] = "40"
        args[args.index("-c") + 1] = "1"
        status, stderr = interrupt_when(
            ["agent", *args],
            lambda: episodes.exists() and episodes.read_text().count("\n") >= 1,
            "finished an episode",
        )
        assert status == 130, stderr
        assert "interrupted:" in stderr and "rerun the same command to resume" in stderr
        done = len(episodes.read_text().splitlines())
        assert 1 <= done < 40
        assert f"{done} of 40 episodes are finished" in stderr
        summary = json.loads((run_dir / "summary.json").read_text())
        assert summary["aborted"] == "interrupted" and summary["episodes"] == done
