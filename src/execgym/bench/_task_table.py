"""The README's table of eval tasks, generated from the registry (a test checks that the
README holds exactly this table between its markers)."""

from __future__ import annotations

from execgym.bench._eval_task import EVAL_TASKS

TABLE_START = "<!-- eval tasks: generated from the registry by execgym.bench.task_table() -->"
TABLE_END = "<!-- end of eval tasks -->"


def task_table() -> str:
    """Every registered eval task and its summary, as a markdown table between the markers."""
    rows = [TABLE_START, "| task | what it is |", "| --- | --- |"]
    for entry in EVAL_TASKS.entries():
        summary = str(entry.metadata["summary"]).replace("|", "\\|")
        rows.append(f"| `{entry.name}` | {summary} |")
    rows.append(TABLE_END)
    return "\n".join(rows)
