"""Code-generation benchmarks as eval tasks: judging responses, the metrics, ``execgym
score humaneval`` and an ``execgym eval`` run against a scripted model."""

from __future__ import annotations

import asyncio
import gzip
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from _bench_samples import (
    Sample,
    apps_jsonl,
    codecontests,
    humaneval_plus,
    livecodebench,
    mbpp,
    mbpp_plus,
    xcodeeval,
)
from test_eval_data import ScriptedModel, cli_app
from typer.testing import CliRunner

from execgym.bench._eval_task import get_eval_task
from execgym.bench._runner import EvalSettings, run_eval
from execgym.bench._task_codegen import CodegenTask
from execgym.sandbox import Sandbox

SAMPLES: dict[str, Callable[[Path], Sample]] = {
    "humaneval+": humaneval_plus,
    "mbpp": mbpp,
    "mbpp+": mbpp_plus,
    "apps": apps_jsonl,
    "codecontests": codecontests,
    "xcodeeval": xcodeeval,
    "lcb-codegen": livecodebench,
}


def fenced(code: str) -> str:
    return f"Here is my solution.\n```python\n{code}\n```\n"


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_right_programs_pass_and_wrong_ones_fail(
    name: str, tmp_path: Path, sandbox: Sandbox
) -> None:
    sample = SAMPLES[name](tmp_path)
    task = get_eval_task(name)
    assert isinstance(task, CodegenTask)
    items = {item.id: item for item in task.load(sample.path, cot=False)}
    assert set(sample.right) <= set(items)
    for problem_id, right in sample.right.items():
        item = items[problem_id]
        good, bad, empty = task.judge(
            item, [fenced(right), fenced(sample.wrong[problem_id]), ""], sandbox
        )
        assert good.correct is True, (name, problem_id, good)
        assert bad.correct is False, (name, problem_id, bad)
        assert empty.correct is False and empty.verdict == "COMPILE_ERROR"
        assert empty.reason  # why no code was found


def humaneval_rows(shared_data: Path, count: int) -> list[dict[str, str]]:
    with gzip.open(shared_data / "HumanEval.jsonl.gz", "rt") as f:
        return [json.loads(line) for line in f][:count]


def test_score_humaneval_canonical_is_one_and_wrong_is_zero(
    tmp_path: Path, shared_data: Path
) -> None:
    rows = humaneval_rows(shared_data, 164)
    data = tmp_path / "HumanEval.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    canonical = {r["task_id"]: [fenced(r["prompt"] + r["canonical_solution"])] for r in rows}
    wrong = {
        r["task_id"]: [fenced(r["prompt"] + "    return None\n")] for r in rows
    }  # fmt: skip
    runner = CliRunner()
    app = cli_app()
    for generations, expected in ((canonical, 1.0), (wrong, 0.0)):
        path = tmp_path / f"gen-{expected}.json"
        path.write_text(json.dumps(generations))
        out = tmp_path / f"run-{expected}"
        result = runner.invoke(
            app,
            ["score", "humaneval", "--generations", str(path), "--data", str(data), "-o", str(out)],
        )
        assert result.exit_code == 0, result.output
        summary = json.loads((out / "summary.json").read_text())
        assert summary["pass@1"] == expected
        assert summary["task_metrics"]["avg_pass_ratio"] == expected


def test_eval_run_metrics_with_a_scripted_model(
    tmp_path: Path, shared_data: Path, sandbox: Sandbox
) -> None:
    rows = humaneval_rows(shared_data, 6)
    data = tmp_path / "he.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    by_prompt_end = {r["prompt"].strip()[-60:]: r for r in rows}

    def answer(prompt: str, n: int) -> list[str]:
        row = next(r for end, r in by_prompt_end.items() if end in prompt)
        good = fenced(row["prompt"] + row["canonical_solution"])
        bad = fenced(row["prompt"] + "    return None\n")
        index = rows.index(row)
        # Problem i gets i right answers out of 5 (capped at 5).
        return [good if k < index else bad for k in range(n)]

    task = get_eval_task("humaneval")
    items = task.load(data, cot=False)
    settings = EvalSettings(task="humaneval", model="scripted", n=5, data=str(data))
    report = asyncio.run(
        run_eval(task, items, ScriptedModel(answer), settings, tmp_path / "run", sandbox)
    )
    summary = report.summary
    # c = 0, 1, 2, 3, 4, 5 correct of n = 5: pass@1 = mean(c / 5) = 15 / 30.
    assert summary["pass@1"] == pytest.approx(0.5)
    # pass@5 = 1 for every problem with at least one right answer: 5 of 6.
    assert summary["pass@5"] == pytest.approx(5 / 6)
    assert summary["task_metrics"]["strict_accuracy"] == pytest.approx(0.5)
