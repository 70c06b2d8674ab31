"""The README's table of eval tasks is the registry's: generated, never written by hand."""

from __future__ import annotations

from pathlib import Path

from execgym.bench import EVAL_TASKS, task_table
from execgym.bench._task_table import TABLE_END, TABLE_START

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_readme_holds_the_generated_task_table() -> None:
    text = README.read_text(encoding="utf-8")
    start, end = text.index(TABLE_START), text.index(TABLE_END) + len(TABLE_END)
    assert text[start:end] == task_table(), (
        "the README's task table is out of date; replace it with the output of "
        'python -c "from execgym.bench import task_table; print(task_table())"'
    )


def test_the_table_has_one_row_per_registered_task() -> None:
    rows = [row for row in task_table().splitlines() if row.startswith("| `")]
    assert [row.split("`")[1] for row in rows] == EVAL_TASKS.names()
