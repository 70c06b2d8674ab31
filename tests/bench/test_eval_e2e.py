"""End to end: ``execgym eval cruxeval-o`` against a fake OpenAI-compatible server over real
HTTP, with injected faults, a killed first run and a resumed second one."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest
from test_eval_data import cli_app, fake_openai_module
from typer.testing import CliRunner

from execgym.bench._eval_task import get_eval_task
from execgym.bench._runner import select_items

_fake = fake_openai_module()
FakeOpenAIServer, Fault, last_user_message = (
    _fake.FakeOpenAIServer,
    _fake.Fault,
    _fake.last_user_message,
)

SAMPLES = 10
N = 5
WRONG = "[ANSWER]\nassert f(0) == '__definitely wrong__'\n[/ANSWER]"


CHILD = """
import sys
sys.path.insert(0, {here!r})
from test_eval_data import cli_app
cli_app()(sys.argv[1:])
"""


def _rows(shared_data: Path) -> list[dict[str, Any]]:
    lines = (shared_data / "cruxeval.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:SAMPLES]]


def _prompts(shared_data: Path) -> list[str]:
    task = get_eval_task("cruxeval-o")
    items = select_items(task.load(shared_data / "cruxeval.jsonl", cot=False), SAMPLES)
    return [item.prompt for item in items]


def _right_counts() -> list[int]:
    """Correct samples of 5 per item: 7 items all right, one 2 of 5, two none."""
    return [N] * 7 + [2, 0, 0]


def _responder(rows: list[dict[str, Any]], prompts: list[str]) -> Any:
    index_of = {prompt: index for index, prompt in enumerate(prompts)}

    def answer(body: dict[str, Any]) -> list[str]:
        index = index_of[last_user_message(body)]
        row = rows[index]
        right = f"[ANSWER]\nassert f({row['input']}) == {row['output']}\n[/ANSWER]"
        good = _right_counts()[index]
        return [right if i < good else WRONG for i in range(int(body.get("n") or 1))]

    return answer


def _expected_pass_at(k: int) -> float:
    from math import comb

    values = [1.0 - comb(N - c, k) / comb(N, k) for c in _right_counts()]
    return sum(values) / len(values)


def test_eval_survives_faults_and_a_kill_and_repeats_no_call(
    shared_data: Path, tmp_path: Path
) -> None:
    rows = _rows(shared_data)
    prompts = _prompts(shared_data)
    server = FakeOpenAIServer(responses=_responder(rows, prompts))
    # Item 4 hangs (the first run is killed while waiting for it); items 5-7 meet a 429 then
    # a 500, a timeout (3 s against a 1 s client timeout), and a malformed JSON body.
    server.faults_by_prompt = {
        prompts[4]: [Fault.slow(60)],
        prompts[5]: [Fault.rate_limited(), Fault.http(500)],
        prompts[6]: [Fault.slow(3)],
        prompts[7]: [Fault.malformed()],
    }
    run_dir = tmp_path / "run"
    data = str(shared_data / "cruxeval.jsonl")
    with server:
        args = [
            "eval", "cruxeval-o", "--model", "fake-model", "--base-url", server.base_url,
            "--data", data, "--limit", str(SAMPLES), "--n", str(N), "--temperature", "0.8",
            "--request-timeout", "1", "--workers", "2", "-o", str(run_dir),
        ]  # fmt: skip
        script = tmp_path / "child.py"
        script.write_text(CHILD.format(here=str(Path(__file__).resolve().parent)))
        child = subprocess.Popen(
            [sys.executable, str(script), *args, "--concurrency", "1"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            deadline = time.monotonic() + 60
            while prompts[4] not in server.prompts():
                assert child.poll() is None, "the first run ended before it was killed"
                assert time.monotonic() < deadline, "the first run never reached item 4"
                time.sleep(0.05)
        finally:
            child.send_signal(signal.SIGKILL)
            child.wait(timeout=30)
        first_run = server.calls
        asked_first = set(server.prompts())
        assert asked_first == set(prompts[:5])

        result = CliRunner().invoke(cli_app(), [*args, "--concurrency", "4"])
        assert result.exit_code == 0, result.output

    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["pass@1"] == pytest.approx(_expected_pass_at(1), abs=1e-12)
    assert summary["pass@1"] == pytest.approx(0.74, abs=1e-12)
    assert summary["pass@5"] == pytest.approx(_expected_pass_at(5), abs=1e-12)
    assert summary["finished"] == SAMPLES and summary["judged_samples"] == SAMPLES * N

    answered: dict[str, int] = {}
    for request in server.requests:
        if request.fault is None:
            prompt = last_user_message(request.body)
            answered[prompt] = answered.get(prompt, 0) + 1
    assert answered == {prompt: 1 for prompt in prompts}, "a prompt was answered twice"
    second_run = [last_user_message(r.body) for r in server.requests[first_run:]]
    assert not set(second_run) & set(prompts[:4]), "the resumed run asked finished items again"
    faults = [r.fault.kind for r in server.requests if r.fault is not None]
    assert sorted(faults) == ["malformed", "slow", "slow", "status", "status"]

    records = [json.loads(line) for line in (run_dir / "items.jsonl").read_text().splitlines()]
    assert sorted(r["id"] for r in records) == sorted(row["id"] for row in rows)
    first = next(r for r in records if r["id"] == rows[0]["id"])
    assert first["prompt"] == prompts[0]
    assert first["samples"][0]["extracted"] == rows[0]["output"]
    assert first["samples"][0]["verdict"] == "OK"
    wrong = next(r for r in records if r["id"] == rows[9]["id"])
    assert {s["verdict"] for s in wrong["samples"]} == {"WRONG_ANSWER"}
    assert "pass@1 | 74.0" in result.output
