"""The metrics of a repair run, as ``summary.json``, a markdown table and a plot.

Over the problems with a judged record: Pass@1 (the answer passes every hidden test) and
AvgPassRatio (APPS's test-case average: the fraction of hidden tests passed, a program that
does not compile counting 0, averaged over problems), both overall and per difficulty;
model calls, tokens and contract breaches per problem; where the time went; and Pass@1 and
AvgPassRatio at every budget from 1 call to the run's budget, read from each record's
``at_budget`` answers and their ``hidden`` judgements (``pass_at_budget.png`` plots them).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from execgym.bench import summarize
from execgym.bench.metrics import UNKNOWN_DIFFICULTY

PLOT_FILE = "pass_at_budget.png"


def _answer(record: Mapping[str, Any], program: int | None) -> tuple[bool, float] | None:
    """(passes every hidden test, fraction passed) of ``program``; ``None`` if unjudged."""
    if program is None:
        return False, 0.0
    judged = record.get("hidden", {}).get(str(program))
    if judged is None or judged["verdict"] == "SANDBOX_ERROR":
        return None
    total = judged["total"]
    ratio = judged["passed"] / total if total and judged["compiled"] else 0.0
    return judged["verdict"] == "OK", ratio


def _mean(values: Sequence[float]) -> float | None:
    return sum(values) / len(values) if values else None


def summarize_repair(
    records: Sequence[Mapping[str, Any]],
    expected_ids: Sequence[str],
    budget: int,
    header: Mapping[str, Any],
) -> dict[str, Any]:
    """The run's summary (see the module docstring)."""
    summary = summarize(records, n=1, expected_ids=expected_ids, header=header)
    summary.pop("accuracy_by_kind", None)
    scored = []
    for record in records:
        sample = record["samples"][0]
        if sample.get("correct") is None:
            continue
        answer = _answer(record, sample["detail"]["program"])
        if answer is not None:
            scored.append((record, answer))
    summary["pass@1"] = _mean([1.0 if ok else 0.0 for _, (ok, _) in scored])
    summary["avg_pass_ratio"] = _mean([ratio for _, (_, ratio) in scored])
    groups: dict[str, list[tuple[bool, float]]] = defaultdict(list)
    for record, answer in scored:
        groups[record.get("difficulty") or UNKNOWN_DIFFICULTY].append(answer)
    summary["by_difficulty"] = {
        level: {
            "problems": len(answers),
            "pass@1": _mean([1.0 if ok else 0.0 for ok, _ in answers]),
            "avg_pass_ratio": _mean([ratio for _, ratio in answers]),
        }
        for level, answers in sorted(groups.items())
    }
    summary["per_problem"] = {
        "calls": _mean([float(r["calls"]) for r in records]),
        "prompt_tokens": _mean([float(r["prompt_tokens"]) for r in records]),
        "completion_tokens": _mean([float(r["completion_tokens"]) for r in records]),
        "breaches": _mean([float(r["breaches"]) for r in records]),
    }
    timing = [r["transcript"]["timing"] for r in records]
    summary["time_s"] = {
        key: round(sum(float(t[key]) for t in timing), 3)
        for key in ("wall_s", "model_s", "sandbox_s")
    }
    summary["pass_at_budget"] = _budget_curve(records, budget)
    return summary


def _budget_curve(records: Sequence[Mapping[str, Any]], budget: int) -> list[dict[str, Any]]:
    curve = []
    for calls in range(1, budget + 1):
        answers = []
        for record in records:
            programs = record.get("at_budget", [])
            program = programs[calls - 1] if calls <= len(programs) else None
            answer = _answer(record, program)
            if answer is not None:
                answers.append(answer)
        curve.append(
            {
                "budget": calls,
                "pass@1": _mean([1.0 if ok else 0.0 for ok, _ in answers]),
                "avg_pass_ratio": _mean([ratio for _, ratio in answers]),
            }
        )
    return curve


def markdown_summary(summary: Mapping[str, Any]) -> str:
    """The summary as a markdown table (rates in percent)."""
    title = (
        f"{summary.get('method', '?')} · {summary.get('task', '?')} · {summary.get('model', '?')}"
    )
    rows = [f"**{title}**", "", "| metric | value |", "| --- | ---: |"]
    rows.append(f"| problems | {summary['finished']}/{summary['items']} |")
    rows.append(f"| Pass@1 | {_percent(summary.get('pass@1'))} |")
    rows.append(f"| AvgPassRatio | {_percent(summary.get('avg_pass_ratio'))} |")
    for level, stats in summary.get("by_difficulty", {}).items():
        rows.append(
            f"| {level} ({stats['problems']}): Pass@1 / AvgPassRatio | "
            f"{_percent(stats['pass@1'])} / {_percent(stats['avg_pass_ratio'])} |"
        )
    per = summary.get("per_problem", {})
    rows.append(f"| calls per problem | {_number(per.get('calls'))} |")
    tokens = None
    if per.get("prompt_tokens") is not None:
        tokens = per["prompt_tokens"] + per["completion_tokens"]
    rows.append(f"| tokens per problem | {_number(tokens, 0)} |")
    rows.append(f"| contract breaches per problem | {_number(per.get('breaches'))} |")
    curve = summary.get("pass_at_budget", [])
    if curve:
        marks = sorted({1, *(p["budget"] for p in curve if p["budget"] % 5 == 0), len(curve)})
        shown = " / ".join(
            f"{b}: {_percent(curve[b - 1]['pass@1'])}" for b in marks if b <= len(curve)
        )
        rows.append(f"| Pass@1 at budget | {shown} |")
    if summary.get("unjudged_samples"):
        rows.append(f"| could not judge | {summary['unjudged_samples']} |")
    return "\n".join(rows)


def plot_budget_curve(summary: Mapping[str, Any], path: Path) -> Path | None:
    """Pass@1 and AvgPassRatio against the call budget, as a PNG; ``None`` without data."""
    curve = [p for p in summary.get("pass_at_budget", []) if p["pass@1"] is not None]
    if not curve:
        return None
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    budgets = [point["budget"] for point in curve]
    figure, axes = plt.subplots(figsize=(6.4, 4.0))
    axes.plot(budgets, [100 * p["pass@1"] for p in curve], marker="o", label="Pass@1")
    axes.plot(budgets, [100 * p["avg_pass_ratio"] for p in curve], marker=".", label="AvgPassRatio")
    axes.set_xlabel("budget (model calls per problem)")
    axes.set_ylabel("% of problems / of hidden tests")
    axes.set_ylim(0, 100)
    axes.xaxis.set_major_locator(MaxNLocator(integer=True))
    axes.set_title(f"{summary.get('method', '?')} on {summary.get('task', '?')}")
    axes.grid(alpha=0.3)
    axes.legend()
    figure.tight_layout()
    figure.savefig(path, dpi=100)
    plt.close(figure)
    return path


def _percent(value: object) -> str:
    return f"{100 * value:.1f}" if isinstance(value, (int, float)) else "-"


def _number(value: object, digits: int = 1) -> str:
    return f"{value:.{digits}f}" if isinstance(value, (int, float)) else "-"
