"""The eval-task registry: every task judges its own reference response correct and an empty
response wrong (except REval's coverage, which reads silence as NO); LiveCodeBench's and
execq's specifics."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from pathlib import Path

import pytest
from test_eval_data import (
    LCB_ROWS,
    ScriptedModel,
    cruxeval_rows,
    execq_questions,
    reval_dir,
    write_jsonl,
)

from execgym.bench._eval_task import EvalTask, eval_task_names, get_eval_task
from execgym.bench._runner import EvalSettings, run_eval
from execgym.bench.benchmarks.lcb_exec import lcb_extract
from execgym.sandbox import Sandbox

Fixture = Callable[[Path, Path, Sandbox], Path]

FIXTURES: dict[str, Fixture] = {
    "cruxeval-o": lambda tmp, shared, sb: write_jsonl(tmp / "c.jsonl", cruxeval_rows(shared, 8)),
    "cruxeval-i": lambda tmp, shared, sb: write_jsonl(tmp / "c.jsonl", cruxeval_rows(shared, 8)),
    "lcb-exec": lambda tmp, shared, sb: write_jsonl(tmp / "l.jsonl", LCB_ROWS),
    "reval": lambda tmp, shared, sb: reval_dir(tmp / "reval"),
    "execq": lambda tmp, shared, sb: execq_questions(tmp / "q.jsonl", sb),
}


CODEGEN_TASKS = {
    "humaneval",
    "humaneval+",
    "mbpp",
    "mbpp+",
    "apps",
    "codecontests",
    "xcodeeval",
    "lcb-codegen",
}
"""Judged on their own datasets' right and wrong programs in test_eval_codegen.py."""


def test_every_registered_task_has_a_fixture() -> None:
    assert set(eval_task_names()) == set(FIXTURES) | CODEGEN_TASKS
    for name in eval_task_names():
        task = get_eval_task(name)
        assert isinstance(task, EvalTask) and task.name == name and task.description
        assert task.default_max_tokens(False) > 0 and task.default_max_tokens(True) > 0


@pytest.mark.parametrize("name", sorted(FIXTURES))
@pytest.mark.parametrize("cot", [False, True])
def test_every_task_accepts_its_reference_and_rejects_nothing(
    name: str, cot: bool, tmp_path: Path, shared_data: Path, sandbox: Sandbox
) -> None:
    task = get_eval_task(name)
    items = task.load(FIXTURES[name](tmp_path, shared_data, sandbox), cot=cot)
    assert items and len({item.id for item in items}) == len(items)
    for item in items:
        reference = task.reference_response(item, sandbox)
        right, empty = task.judge(item, [reference, ""], sandbox)
        assert right.correct is True, (item.id, reference, right)
        if (name, item.kind) != ("reval", "coverage"):  # REval reads silence as NO
            assert empty.correct is False, (item.id, empty)
        assert item.messages()[-1] == {"role": "user", "content": item.prompt}


def test_lcb_extraction_and_prompt_follow_livecodebench() -> None:
    assert lcb_extract("[ANSWER]\nassert f(x = 1) == [1, 2]\n[/ANSWER]", False) == "[1, 2]"
    assert lcb_extract("[1, 2]", False) == "[1, 2]"  # already extracted
    assert lcb_extract("3\nbecause ...", False) == "3"  # no tag: the first line
    thought = "[THOUGHT] x == 2 [/THOUGHT]\n[ANSWER]\nassert f() == 5\n[/ANSWER]"
    assert lcb_extract(thought, True) == "5"
    assert lcb_extract(thought, False) == "2 [/THOUGHT]"  # without --cot LCB splits first


def test_lcb_items(tmp_path: Path) -> None:
    items = get_eval_task("lcb-exec").load(write_jsonl(tmp_path / "l.jsonl", LCB_ROWS), cot=False)
    first = items[0]
    assert [item.id for item in items] == ["sample_0", "sample_1"]
    assert first.prompt.endswith(
        f"[PYTHON]\n{LCB_ROWS[0]['code']}\nassert {LCB_ROWS[0]['input']} == ??\n[/PYTHON]\n"
        "[ANSWER]\n"
    )
    assert "assert repeatNumber(number = 17) == 17" in first.prompt


def test_eval_execq_scores_every_item_kind(tmp_path: Path, sandbox: Sandbox) -> None:
    task = get_eval_task("execq")
    items = task.load(execq_questions(tmp_path / "q.jsonl", sandbox), cot=False)
    references = {item.prompt: task.reference_response(item, sandbox) for item in items}
    model = ScriptedModel(lambda prompt, n: [references[prompt], "@@@"][:n])
    settings = EvalSettings(task="execq", model="m", n=2)
    report = asyncio.run(run_eval(task, items, model, settings, tmp_path / "run", sandbox))
    summary = report.summary
    assert summary["pass@1"] == pytest.approx(0.5)
    kinds = summary["accuracy_by_kind"]
    assert set(kinds) == {"coverage", "input", "next", "output", "path", "state"}
    assert all(stats["accuracy"] == pytest.approx(0.5) for stats in kinds.values())
    from execgym.rewards import reward_names

    means = summary["task_metrics"]
    assert set(means) == {f"mean reward: {name}" for name in reward_names()}
    assert means["mean reward: execverify"] > 0
