"""The eval runner: write as you go, resume, model failures, unjudged samples, metrics."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from test_eval_data import ScriptedModel, cli_app, cruxeval_rows, write_jsonl
from typer.testing import CliRunner

from execgym.bench import (
    EvalSettings,
    ResumeMismatch,
    run_directory,
    run_eval,
    select_items,
)
from execgym.bench._eval_task import EvalItem, Judgement, get_eval_task
from execgym.bench._run_output import markdown_table, pass_at_k, summarize
from execgym.llm import ModelRequestError, ModelUnavailable
from execgym.sandbox import Sandbox

COUNT = 6


@pytest.fixture
def crux(shared_data: Path, tmp_path: Path) -> tuple[list[EvalItem], list[dict[str, Any]]]:
    rows = cruxeval_rows(shared_data, COUNT)
    items = get_eval_task("cruxeval-o").load(write_jsonl(tmp_path / "d.jsonl", rows), cot=False)
    return items, rows


def _answers(rows: list[dict[str, Any]], wrong: set[str] = frozenset()) -> Any:  # type: ignore[assignment]
    def answer(prompt: str, n: int) -> list[str]:
        row = next(r for r in rows if f"assert f({r['input']}) == ??\n[/PYTHON]" in prompt)
        text = "'wrong'" if row["id"] in wrong else row["output"]
        return [f"[ANSWER]\nassert f({row['input']}) == {text}\n[/ANSWER]"] * n

    return answer


def _run(
    items: list[EvalItem],
    model: Any,
    run_dir: Path,
    sandbox: Sandbox,
    **overrides: Any,
) -> Any:
    settings = EvalSettings(**{"task": "cruxeval-o", "model": "m", "n": 2, **overrides})
    task = get_eval_task("cruxeval-o")
    return asyncio.run(run_eval(task, items, model, settings, run_dir, sandbox))


def test_an_unavailable_server_stops_the_run_and_a_rerun_asks_only_the_rest(
    crux: Any, tmp_path: Path, sandbox: Sandbox
) -> None:
    items, rows = crux
    run_dir = tmp_path / "run"
    down = ScriptedModel(
        _answers(rows), fail_after=3, error=ModelUnavailable("http://x/v1", 6, "HTTP 503")
    )
    report = _run(items, down, run_dir, sandbox, concurrency=1)
    assert report.aborted and "HTTP 503" in report.aborted
    assert len(run_directory(run_dir).read_records()) == 3
    assert report.summary["finished"] == 3 and len(report.summary["missing"]) == 3

    up = ScriptedModel(_answers(rows))
    report = _run(items, up, run_dir, sandbox)
    assert report.resumed == 3 and report.asked == 3 and len(up.calls) == 3
    assert set(up.calls).isdisjoint(down.calls)
    assert report.summary["pass@1"] == 1.0 and report.summary["finished"] == COUNT


def test_a_line_cut_short_by_a_kill_is_dropped_and_asked_again(
    crux: Any, tmp_path: Path, sandbox: Sandbox
) -> None:
    items, rows = crux
    run_dir = tmp_path / "run"
    _run(items[:2], ScriptedModel(_answers(rows)), run_dir, sandbox)
    with (run_dir / "items.jsonl").open("a") as stream:
        stream.write('{"id": "sample_2", "samples": [{"resp')  # killed mid-write
    again = ScriptedModel(_answers(rows))
    report = _run(items, again, run_dir, sandbox)
    assert len(again.calls) == COUNT - 2 and report.resumed == 2
    lines = (run_dir / "items.jsonl").read_text().splitlines()
    assert len(lines) == COUNT and all(json.loads(line) for line in lines)


def test_rejected_requests_leave_items_unanswered_and_the_run_goes_on(
    crux: Any, tmp_path: Path, sandbox: Sandbox
) -> None:
    items, rows = crux

    class Picky(ScriptedModel):
        async def complete(self, messages: Any, params: Any) -> Any:
            if "assert f('bcksrut', 'q')" in messages[-1]["content"]:
                raise ModelRequestError(400, "prompt too long", "http://x/v1")
            return await super().complete(messages, params)

    report = _run(items, Picky(_answers(rows, {"sample_0"})), tmp_path / "run", sandbox)
    assert list(report.failures) == ["sample_3"] and not report.aborted
    assert report.summary["missing"] == ["sample_3"]
    assert report.summary["pass@1"] == pytest.approx(4 / 5)
    assert report.summary["model_failures"]["sample_3"].endswith("prompt too long")


def test_unjudged_samples_are_judged_again_without_asking(
    crux: Any, tmp_path: Path, sandbox: Sandbox
) -> None:
    items, rows = crux
    run_dir = tmp_path / "run"
    _run(items, ScriptedModel(_answers(rows)), run_dir, sandbox)
    records = run_directory(run_dir).read_records()
    broken = records["sample_1"].as_json()
    for sample in broken["samples"]:
        sample.update(correct=None, verdict="SANDBOX_ERROR", reason="fork-server died")
    with (run_dir / "items.jsonl").open("a") as stream:
        stream.write(json.dumps(broken) + "\n")
    assert _run(items, ScriptedModel(_answers(rows)), run_dir, sandbox).unjudged == 0
    never = ScriptedModel(_answers(rows), fail_after=0, error=AssertionError("asked"))
    report = _run(items, never, run_dir, sandbox)
    assert report.summary["unjudged_samples"] == 0 and report.resumed == COUNT


def test_a_failing_judge_gives_unjudged_samples(
    crux: Any, tmp_path: Path, sandbox: Sandbox
) -> None:
    items, rows = crux
    task = get_eval_task("cruxeval-o")

    class Broken:
        name, description, stop = task.name, task.description, task.stop
        default_max_tokens = task.default_max_tokens
        task_metrics = task.task_metrics

        def judge(self, item: EvalItem, responses: Any, sandbox: Sandbox) -> list[Judgement]:
            raise RuntimeError("bug")

    settings = EvalSettings(task="cruxeval-o", model="m", n=1)
    report = asyncio.run(
        run_eval(Broken(), items, ScriptedModel(_answers(rows)), settings, tmp_path, sandbox)  # type: ignore[arg-type]
    )
    assert report.unjudged == COUNT and report.summary["pass@1"] is None
    sample = run_directory(tmp_path).read_records()["sample_0"].samples[0]
    assert sample.verdict == "JUDGE_ERROR" and "RuntimeError: bug" in sample.reason


def test_resuming_with_other_settings_is_refused(
    crux: Any, tmp_path: Path, sandbox: Sandbox
) -> None:
    items, rows = crux
    run_dir = tmp_path / "run"
    _run(items[:1], ScriptedModel(_answers(rows)), run_dir, sandbox)
    with pytest.raises(ResumeMismatch, match="n: 2 there, 3 now"):
        _run(items[:1], ScriptedModel(_answers(rows)), run_dir, sandbox, n=3)


def test_cli_refuses_a_run_dir_with_other_settings(shared_data: Path, tmp_path: Path) -> None:
    run_dir = tmp_path / "run"
    run_dir.mkdir()
    (run_dir / "config.json").write_text(json.dumps({"task": "cruxeval-o", "n": 9}))
    result = CliRunner().invoke(
        cli_app(),
        ["eval", "cruxeval-o", "--model", "m", "--base-url", "http://127.0.0.1:9/v1",
         "--data", str(shared_data / "cruxeval.jsonl"), "--limit", "1", "-o", str(run_dir)],
    )  # fmt: skip
    assert result.exit_code == 2 and "other settings (n: 9 there, 5 now)" in result.output


def test_select_items_keeps_whole_groups() -> None:
    items = [EvalItem(id=f"{g}/{i}", kind="k", prompt="p", group=g) for g in "abc" for i in (1, 2)]
    assert [item.id for item in select_items(items, 2)] == ["a/1", "a/2", "b/1", "b/2"]
    assert select_items(items, None) == items


def test_pass_at_k_and_summary_by_hand() -> None:
    assert pass_at_k(5, 2, 1) == pytest.approx(0.4)
    assert pass_at_k(5, 2, 5) == 1.0
    assert pass_at_k(10, 3, 5) == pytest.approx(1 - (7 * 6 * 5 * 4 * 3) / (10 * 9 * 8 * 7 * 6))
    assert pass_at_k(2, 0, 5) == 0.0 and pass_at_k(2, 1, 5) == 1.0
    samples: list[dict[str, Any]] = [
        {"correct": True},
        {"correct": False},
        {"correct": None},
        {"correct": True, "counted": False},
    ]
    records: list[dict[str, Any]] = [
        {"id": "a", "kind": "output", "samples": samples},
        {"id": "b", "kind": "input", "samples": [{"correct": False}] * 2},
    ]
    summary = summarize(records, n=2, expected_ids=["a", "b", "c"], header={"task": "t"})
    assert summary["pass@1"] == pytest.approx((1 / 2 + 0) / 2)
    assert "pass@5" not in summary
    assert summary["unjudged_samples"] == 1 and summary["judged_samples"] == 4
    assert summary["missing"] == ["c"]
    assert summary["accuracy_by_kind"]["output"]["accuracy"] == 0.5
    table = markdown_table(summary)
    assert "| pass@1 | 25.0 |" in table and "| could not judge | 1 |" in table


def test_check_settings_writes_then_guards_the_settings(tmp_path: Path) -> None:
    from execgym.bench import CONFIG_FILE, run_directory

    log = run_directory(tmp_path)
    log.check_settings({"task": "apps", "budget": 20})
    stored = json.loads((tmp_path / CONFIG_FILE).read_text(encoding="utf-8"))
    assert stored == {"task": "apps", "budget": 20}
    log.check_settings({"task": "apps", "budget": 20, "added_later": 1})
    with pytest.raises(ResumeMismatch, match="budget: 20 there, 8 now"):
        log.check_settings({"task": "apps", "budget": 8})
