"""The metrics of an agent run, read from its episode records."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

PER_EPISODE = ("calls", "prompt_tokens", "completion_tokens", "steps")


def _rates(records: Sequence[Mapping[str, Any]]) -> dict[str, Any]:
    count = len(records)
    return {
        "episodes": count,
        "success_rate": sum(bool(r.get("success")) for r in records) / count if count else None,
        "average_reward": sum(float(r.get("reward", 0.0)) for r in records) / count
        if count
        else None,
    }


def summarize_episodes(records: Sequence[Mapping[str, Any]], expected: int) -> dict[str, Any]:
    """Success rate and average reward overall and per task type; model calls, tokens and
    environment steps per episode (means); why episodes ended; the episodes still missing."""
    by_type: dict[str, list[Mapping[str, Any]]] = {}
    ends: dict[str, int] = {}
    for record in records:
        by_type.setdefault(str(record.get("task_type", "")), []).append(record)
        end = str(record.get("end", ""))
        ends[end] = ends.get(end, 0) + 1
    count = len(records)
    present = {str(r.get("id")) for r in records}
    return {
        **_rates(records),
        "expected_episodes": expected,
        "by_task_type": {name: _rates(group) for name, group in sorted(by_type.items())},
        "per_episode": {
            key: sum(float(r.get(key, 0)) for r in records) / count if count else None
            for key in PER_EPISODE
        },
        "ends": dict(sorted(ends.items())),
        "missing": [str(i) for i in range(expected) if str(i) not in present],
    }


def summary_table(summary: Mapping[str, Any]) -> str:
    """The summary as a markdown table (rates in percent)."""
    title = (
        f"{summary.get('env', '?')} · {summary.get('method', '?')} · {summary.get('model', '?')}"
    )
    rows = [
        f"**{title}**",
        "",
        "| | episodes | success % | avg reward |",
        "| --- | ---: | ---: | ---: |",
    ]
    rows.append(_row("all", summary))
    for name, stats in summary.get("by_task_type", {}).items():
        rows.append(_row(name, stats))
    per = summary.get("per_episode", {})
    rows += ["", "| per episode | mean |", "| --- | ---: |"]
    rows += [f"| {key} | {_number(per.get(key))} |" for key in PER_EPISODE]
    ends = ", ".join(f"{name or '?'} {count}" for name, count in summary.get("ends", {}).items())
    rows += ["", f"ended: {ends or '-'}"]
    return "\n".join(rows)


def _row(name: str, stats: Mapping[str, Any]) -> str:
    rate, reward = stats.get("success_rate"), stats.get("average_reward")
    percent = f"{100 * rate:.1f}" if isinstance(rate, int | float) else "-"
    return f"| {name} | {stats.get('episodes', 0)} | {percent} | {_number(reward, 3)} |"


def _number(value: object, digits: int = 1) -> str:
    return f"{value:.{digits}f}" if isinstance(value, int | float) else "-"
