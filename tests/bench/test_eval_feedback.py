"""What eval and score tell the user while they run: totals kept across resumed runs, a
server being retried, Ctrl-C, and progress that moves as items finish."""

from __future__ import annotations

import json
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cli_process import interrupt_when
from test_eval_data import fake_openai_module
from typer.testing import CliRunner, Result

from execgym.bench._eval_task import EvalItem, Judgement, get_eval_task
from execgym.bench._runner import score_generations
from execgym.cli import app
from execgym.sandbox import Sandbox

_fake = fake_openai_module()
FakeOpenAIServer, Fault, last_user_message = (
    _fake.FakeOpenAIServer,
    _fake.Fault,
    _fake.last_user_message,
)


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def eval_args(server: Any, data: Path, run_dir: Path, limit: int) -> list[str]:
    return [
        "eval", "cruxeval-o", "--model", "fake-model", "--base-url", server.base_url,
        "--data", str(data), "--n", "2", "--limit", str(limit), "--workers", "1",
        "-o", str(run_dir),
    ]  # fmt: skip


def summary_of(run_dir: Path) -> dict[str, Any]:
    return dict(json.loads((run_dir / "summary.json").read_text(encoding="utf-8")))


def test_rerunning_a_finished_eval_keeps_its_totals(shared_data: Path, tmp_path: Path) -> None:
    data, run_dir = shared_data / "cruxeval.jsonl", tmp_path / "run"
    with FakeOpenAIServer() as server:
        assert invoke(*eval_args(server, data, run_dir, 2)).exit_code == 0
        first = summary_of(run_dir)
        assert first["runs"] == 1
        assert first["usage"]["prompt_tokens"] > 0 and first["usage"]["completion_tokens"] > 0
        assert first["this_run"] == {"elapsed_s": first["elapsed_s"], "usage": first["usage"]}

        assert invoke(*eval_args(server, data, run_dir, 2)).exit_code == 0  # nothing to ask
        second = summary_of(run_dir)
        assert second["usage"] == first["usage"]
        assert second["elapsed_s"] >= first["elapsed_s"]
        assert second["runs"] == 2
        assert second["this_run"]["usage"] == dict.fromkeys(first["usage"], 0)

        calls = server.calls
        assert invoke(*eval_args(server, data, run_dir, 3)).exit_code == 0  # one item more
        third = summary_of(run_dir)
        assert server.calls == calls + 1
        asked = third["this_run"]["usage"]
        assert asked["prompt_tokens"] > 0
        for key, value in first["usage"].items():
            assert third["usage"][key] == value + asked[key]
        assert third["runs"] == 3 and third["finished"] == 3


def test_eval_says_which_server_fails_and_that_it_retries(
    shared_data: Path, tmp_path: Path
) -> None:
    with FakeOpenAIServer() as server:
        server.faults_by_call = {0: Fault.http(503, "engine loading")}
        result = invoke(*eval_args(server, shared_data / "cruxeval.jsonl", tmp_path / "r", 1))
    assert result.exit_code == 0, result.output
    notice = " ".join(result.stderr.split())
    assert f"model: {server.base_url}/chat/completions: HTTP 503: engine loading" in notice
    assert "retrying in" in notice and "(attempt 2 of 6)" in notice


def test_ctrl_c_in_eval_says_what_is_kept_and_how_to_resume(
    shared_data: Path, tmp_path: Path
) -> None:
    data, run_dir = shared_data / "cruxeval.jsonl", tmp_path / "run"
    task = get_eval_task("cruxeval-o")
    prompts = [item.prompt for item in task.load(data, cot=False)[:5]]
    with FakeOpenAIServer() as server:
        server.faults_by_prompt = {prompts[2]: [Fault.slow(60)]}
        args = [*eval_args(server, data, run_dir, 5), "--concurrency", "1"]
        items = run_dir / "items.jsonl"
        status, message = interrupt_when(
            args,
            lambda: prompts[2] in server.prompts() and items.read_text().count("\n") >= 2,
            "reached the third item",
        )
        assert status == 130, message
        assert "interrupted: 2 of 5 items are finished and kept in" in message
        assert "rerun the same command to resume" in message
        interrupted = summary_of(run_dir)
        assert interrupted["aborted"] == "interrupted"
        assert interrupted["finished"] == 2 and interrupted["runs"] == 1
        assert interrupted["usage"]["prompt_tokens"] > 0

        resumed = invoke(*args)
        assert resumed.exit_code == 0, resumed.output
        final = summary_of(run_dir)
        assert final["finished"] == 5 and final["runs"] == 2 and final["aborted"] is None
        for key, value in interrupted["usage"].items():
            assert final["usage"][key] == value + final["this_run"]["usage"][key]


class _SlowFirstItem:
    """cruxeval-o, except that judging the first item waits until every other item has been
    counted by the progress callback (or gives up after a while)."""

    def __init__(self, first: str, others_counted: threading.Event) -> None:
        self._inner = get_eval_task("cruxeval-o")
        self._first = first
        self._others_counted = others_counted
        self.waited_for_others = False

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)

    def judge(self, item: EvalItem, responses: Sequence[str], sandbox: Sandbox) -> list[Judgement]:
        if item.id == self._first:
            self.waited_for_others = self._others_counted.wait(timeout=20)
        judged: list[Judgement] = self._inner.judge(item, responses, sandbox)
        return judged


def test_score_progress_counts_items_as_they_finish(
    shared_data: Path, tmp_path: Path, sandbox: Sandbox
) -> None:
    items = get_eval_task("cruxeval-o").load(shared_data / "cruxeval.jsonl", cot=False)[:12]
    generations = {item.id: ["0"] for item in items}
    others_counted = threading.Event()
    counted = 0

    def advance() -> None:
        nonlocal counted
        counted += 1
        if counted == len(items) - 1:
            others_counted.set()

    task = _SlowFirstItem(items[0].id, others_counted)
    report = score_generations(task, items, generations, tmp_path, sandbox, advance)
    assert task.waited_for_others, "progress waited for the slow first item"
    assert counted == len(items)
    assert report.summary["finished"] == len(items)
    written = [
        json.loads(line)["id"] for line in (tmp_path / "items.jsonl").read_text().splitlines()
    ]
    assert written == [item.id for item in items]  # still in item order
