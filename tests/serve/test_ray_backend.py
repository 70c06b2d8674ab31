"""The Ray backend on a local Ray cluster started here (two CPUs): a batch judged on it is
the local run's output line for line, an actor killed mid-batch loses nothing and writes
nothing twice, resuming works the same, and an eval's records are the local run's."""

from __future__ import annotations

import asyncio
import json
import os
import re
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from execgym.bench import (
    BatchEvents,
    BatchJob,
    EvalSettings,
    get_eval_task,
    judge_batch,
    run_directory,
    run_eval,
)
from execgym.cli import app
from execgym.llm import ChatMessage, Completion, SamplingParams, Usage
from execgym.sandbox import Sandbox
from execgym.serve import RayJudges, RayOptions

ray = pytest.importorskip("ray", reason="the Ray backend tests need the 'ray' extra")

PROGRAMS = 1000
MEASURED = re.compile(r'"(cpu_s|wall_s|peak_memory_mb)": [-0-9.e+]+')


@pytest.fixture(scope="module")
def local_cluster() -> Iterator[None]:
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False)
    try:
        yield
    finally:
        ray.shutdown()


def program_line(index: int) -> dict[str, Any]:
    """A varied, deterministic mix: right, wrong, crashing, call tests, a repeated id, a
    malformed line, and now and then a program that never ends."""
    kind = index % 10
    line: dict[str, Any] = {"id": f"p{index}"}
    if kind in (0, 1, 2, 3):
        line |= {
            "code": f"print(int(input()) * {index % 7})",
            "tests": [{"input": f"{k}\n", "output": str(k * (index % 7))} for k in range(3)],
        }
    elif kind == 4:
        line |= {"code": "print(int(input()) + 1)", "tests": [{"input": "1\n", "output": "3"}]}
    elif kind == 5:
        line |= {"code": f"raise ValueError({index})", "tests": [{"input": "", "output": ""}]}
    elif kind == 6:
        line |= {
            "code": "def f(a, b):\n    return [a, b, a + b]",
            "checker": "exact",
            "tests": [
                {"fn_name": "f", "args": [index, 1], "expected": [index, 1, index + 1]},
                {"fn_name": "f", "args": [1, 1], "expected": [1, 1, 3]},
            ],
        }
    elif kind == 7:
        line |= {"id": "repeated", "code": "print('x')", "tests": [{"input": "", "output": "x"}]}
    elif kind == 8 and index % 100 == 8:
        line |= {"code": "while True:\n    pass", "time_limit": 0.2, "tests": [{"input": ""}]}
    elif kind == 8:
        line |= {"code": "import sys\nsys.exit(index := 0)", "tests": [{"input": ""}]}
    elif index % 100 == 9:
        line |= {"code": "print(1)", "tests": [], "time_limt": 1}  # malformed
    else:
        line |= {
            "code": "print(sum(range(int(input()))))",
            "tests": [{"input": "10\n", "output": "45"}],
        }
    return line


@pytest.fixture(scope="module")
def batch(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ray") / "batch.jsonl"
    lines = [json.dumps(program_line(index)) for index in range(PROGRAMS)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def local_output(batch: Path) -> Path:
    output = batch.with_name("local.jsonl")
    judge_batch(BatchJob(batch, output, workers=2))
    return output


def canonical(path: Path) -> list[str]:
    """The output's lines in input-line order, each byte for byte but for what a run
    measures (CPU and wall time, memory)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [
        MEASURED.sub(r'"\1": _', line)
        for line in sorted(lines, key=lambda text: int(json.loads(text)["line"]))
    ]


def line_numbers(path: Path) -> list[int]:
    return [int(json.loads(text)["line"]) for text in path.read_text().splitlines()]


@contextmanager
def counting(after: int, action: Callable[[], None]) -> Iterator[BatchEvents]:
    """Batch events that call ``action`` once, when ``after`` lines are done."""
    done = [0]

    @contextmanager
    def progress(label: str, total: int | None) -> Iterator[Callable[[], None]]:
        def advance() -> None:
            done[0] += 1
            if done[0] == after:
                action()

        yield advance

    yield BatchEvents(progress=progress)


@pytest.mark.usefixtures("local_cluster")
def test_a_batch_on_ray_is_the_local_run_even_when_an_actor_is_killed(
    batch: Path, local_output: Path
) -> None:
    output = batch.with_name("ray.jsonl")
    with RayJudges(RayOptions(actors_per_node=2)) as pool:
        killed: list[int] = []

        def kill_one_actor() -> None:
            victim = pool.describe()[0]["pid"]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

        with counting(PROGRAMS // 3, kill_one_actor) as events:
            tally = judge_batch(BatchJob(batch, output), events=events, judge=pool)
        assert killed, "no actor was killed"
        assert pool.actors_lost == 1 and pool.retried >= 1
        assert killed[0] not in {actor["pid"] for actor in pool.describe()}
    numbers = line_numbers(output)
    assert len(numbers) == len(set(numbers)) == PROGRAMS  # nothing lost, nothing twice
    assert canonical(output) == canonical(local_output)
    assert tally.malformed == PROGRAMS // 100 and tally.judged == PROGRAMS - tally.malformed
    assert {"OK", "WRONG_ANSWER", "RUNTIME_ERROR", "TIME_LIMIT"} <= set(tally.verdicts)


@pytest.mark.usefixtures("local_cluster")
def test_judge_ray_resumes_like_a_local_run(batch: Path, local_output: Path) -> None:
    output = batch.with_name("resumed.jsonl")
    first = local_output.read_text(encoding="utf-8").splitlines()
    output.write_text("\n".join(first[:400]) + "\n" + first[400][:25], encoding="utf-8")
    result = CliRunner().invoke(
        app, ["judge", "--batch", str(batch), "-o", str(output), "--resume", "--ray"]
    )
    assert result.exit_code == 1, result.output  # the malformed lines, as locally
    assert "already in the output (--resume)" in result.output
    assert sorted(line_numbers(output)) == sorted(line_numbers(local_output))
    assert canonical(output) == canonical(local_output)


def test_ray_and_workers_together_are_a_usage_error(batch: Path) -> None:
    result = CliRunner().invoke(app, ["judge", "--batch", str(batch), "--ray", "--workers", "2"])
    assert result.exit_code == 2
    assert "--workers sizes the local sandbox" in result.output


class CruxAnswers:
    """A model answering CRUXEval output prediction: right for even rows, wrong for odd."""

    def __init__(self, rows: Sequence[dict[str, Any]]) -> None:
        self.rows = rows

    @property
    def name(self) -> str:
        return "scripted"

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        prompt = str(messages[-1]["content"])
        index, row = next(
            (i, r) for i, r in enumerate(self.rows) if f"assert f({r['input']}) == ??" in prompt
        )
        answer = row["output"] if index % 2 == 0 else "'wrong'"
        texts = [f"[ANSWER]\nassert f({row['input']}) == {answer}\n[/ANSWER]"] * params.n
        return Completion(texts, ["stop"] * params.n, Usage(1, 1), self.name)


@pytest.mark.usefixtures("local_cluster")
def test_an_eval_judged_on_ray_writes_the_local_runs_records_despite_a_dead_actor(
    shared_data: Path, tmp_path: Path, sandbox: Sandbox
) -> None:
    rows = [json.loads(line) for line in (shared_data / "cruxeval.jsonl").open()][:12]
    data = tmp_path / "crux.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    task = get_eval_task("cruxeval-o")
    items = task.load(data, cot=False)
    settings = EvalSettings(task="cruxeval-o", model="scripted", n=2)
    model = CruxAnswers(rows)
    local = asyncio.run(run_eval(task, items, model, settings, tmp_path / "local", sandbox))
    with RayJudges(RayOptions(actors_per_node=2)) as pool:
        while len(pool.describe()) < 2:
            time.sleep(0.05)
        os.kill(pool.describe()[0]["pid"], signal.SIGKILL)  # its items go to the other one
        remote = asyncio.run(run_eval(task, items, model, settings, tmp_path / "ray", pool))
        assert pool.actors_lost == 1 and pool.retried >= 1

    def records(run: str) -> dict[str, Any]:
        stored = run_directory(tmp_path / run).read_records()
        return {item_id: record.as_json() for item_id, record in stored.items()}

    assert records("ray") == records("local")
    assert len(records("ray")) == len(items)
    measured = {"elapsed_s", "this_run"}
    assert {k: v for k, v in remote.summary.items() if k not in measured} == {
        k: v for k, v in local.summary.items() if k not in measured
    }
    assert 0 < local.summary["pass@1"] < 1


@pytest.mark.usefixtures("local_cluster")
def test_eval_ray_on_the_command_line_writes_the_local_runs_items(
    shared_data: Path, tmp_path: Path
) -> None:
    rows = [json.loads(line) for line in (shared_data / "cruxeval.jsonl").open()][:6]
    data = tmp_path / "crux.jsonl"
    data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    items = get_eval_task("cruxeval-o").load(data, cot=False)
    replay = tmp_path / "replay.jsonl"
    with replay.open("w", encoding="utf-8") as stream:
        for index, (item, row) in enumerate(zip(items, rows, strict=True)):
            answer = row["output"] if index % 3 else "'wrong'"
            text = f"[ANSWER]\nassert f({row['input']}) == {answer}\n[/ANSWER]"
            stream.write(json.dumps({"messages": item.messages(), "completions": [text] * 2}))
            stream.write("\n")

    def evaluate(run: str, *extra: str) -> dict[str, Any]:
        args = ["eval", "cruxeval-o", "--model", "m", "--data", str(data), "--n", "2"]
        result = CliRunner().invoke(
            app, [*args, "--replay", str(replay), "-o", str(tmp_path / run), *extra]
        )
        assert result.exit_code == 0, result.output
        stored = run_directory(tmp_path / run).read_records()
        return {item_id: record.as_json() for item_id, record in stored.items()}

    assert evaluate("ray", "--ray") == evaluate("local")
