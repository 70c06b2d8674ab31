"""Per-level statistics of a program file, as JSON, markdown and PNG plots.

``summary.json`` holds, per level (in file order), the number of programs, the distinct
methods under test and, for every difficulty metric, its median, mean, minimum and maximum.
``summary.md`` is the same as a table. One PNG per metric shows its distribution per level
(box plots, the y axis labelled with what is counted, whole-number ticks for counts), and
``medians.png`` the medians of all metrics across levels (each scaled to its largest
median, the legend beside the axes), so the rise of difficulty from level to level is
visible at a glance.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from execgym._jsonl import json_text
from execgym._verbatim import visible
from execgym.synth._metrics import METRICS

if TYPE_CHECKING:
    from matplotlib.figure import Figure


class ReportInputError(ValueError):
    """A program file that cannot be reported on; the message names the file and line."""


def read_program_rows(path: Path) -> list[dict[str, Any]]:
    """The rows of a program JSONL file (blank lines skipped)."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except ValueError as exc:
                raise ReportInputError(f"{path}:{number}: not valid JSON: {exc}") from None
            if not isinstance(row, dict) or not isinstance(row.get("level"), str):
                raise ReportInputError(f"{path}:{number}: field 'level': missing or not a string")
            if not isinstance(row.get("metrics"), dict):
                raise ReportInputError(f"{path}:{number}: field 'metrics': missing")
            rows.append(row)
    return rows


def level_statistics(rows: Sequence[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """``{level: {"programs", "methods", "metrics": {name: {median, mean, min, max}}}}``."""
    grouped: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        grouped.setdefault(row["level"], []).append(row)
    stats: dict[str, dict[str, Any]] = {}
    for level, members in grouped.items():
        metrics: dict[str, dict[str, float]] = {}
        for name in METRICS:
            values = [float(r["metrics"][name]) for r in members if name in r["metrics"]]
            if values:
                metrics[name] = {
                    "median": statistics.median(values),
                    "mean": round(statistics.fmean(values), 4),
                    "min": min(values),
                    "max": max(values),
                }
        stats[level] = {
            "programs": len(members),
            "methods": len({r.get("method") for r in members}),
            "metrics": metrics,
        }
    return stats


def markdown_table(stats: dict[str, dict[str, Any]]) -> str:
    """The medians (and counts) per level as a markdown table."""
    header = ["level", "programs", "methods", *(f"median {m}" for m in METRICS)]
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for level, entry in stats.items():
        cells = [level, str(entry["programs"]), str(entry["methods"])]
        for name in METRICS:
            value = entry["metrics"].get(name, {}).get("median")
            cells.append("-" if value is None else f"{value:g}")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines) + "\n"


def write_report(rows: Sequence[dict[str, Any]], directory: Path) -> list[Path]:
    """Write ``summary.json``, ``summary.md`` and the PNG plots; returns the paths."""
    directory.mkdir(parents=True, exist_ok=True)
    stats = level_statistics(rows)
    summary = directory / "summary.json"
    summary.write_text(json_text(stats, indent=2) + "\n", encoding="utf-8")
    table = directory / "summary.md"
    title = "# Synthesized programs: difficulty per level\n\n"
    table.write_text(title + visible(markdown_table(stats)), encoding="utf-8")
    return [summary, table, *_plots(rows, stats, directory)]


AXIS_LABELS = {
    "trace_length": "executed lines",
    "max_nesting": "nesting depth (constructs and calls)",
    "distinct_constructs": "distinct constructs",
    "branches_taken": "branch outcomes taken",
    "branch_coverage": "fraction of branch outcomes taken",
    "call_depth": "deepest stack of own frames",
    "statements": "statements in function bodies",
}
"""The y-axis label of each metric's plot (see :mod:`execgym.synth._metrics`)."""


def _plots(
    rows: Sequence[dict[str, Any]], stats: dict[str, dict[str, Any]], directory: Path
) -> list[Path]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figures = [(name, metric_figure(rows, stats, name)) for name in METRICS]
    figures.append(("medians", medians_figure(stats)))
    written = []
    for name, figure in figures:
        path = directory / f"{name}.png"
        figure.savefig(path, dpi=100)
        plt.close(figure)
        written.append(path)
    return written


def metric_figure(
    rows: Sequence[dict[str, Any]], stats: dict[str, dict[str, Any]], name: str
) -> Figure:
    """Box plots of metric ``name`` per level, the y axis saying what is counted."""
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    levels = list(stats)
    series = [
        [float(r["metrics"][name]) for r in rows if r["level"] == level and name in r["metrics"]]
        for level in levels
    ]
    figure, axes = plt.subplots(figsize=(6, 4))
    axes.boxplot(series, tick_labels=[visible(level) for level in levels])
    axes.set_title(f"{name.replace('_', ' ')} per level ({len(rows)} programs)")
    axes.set_xlabel("level")
    axes.set_ylabel(AXIS_LABELS.get(name, name.replace("_", " ")))
    if all(value.is_integer() for values in series for value in values):
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts: whole ticks
    figure.tight_layout()
    return figure


def medians_figure(stats: dict[str, dict[str, Any]]) -> Figure:
    """The median of every metric per level, each scaled to its largest median; the legend
    beside the axes so that it hides no point."""
    import matplotlib.pyplot as plt

    levels = list(stats)
    figure, axes = plt.subplots(figsize=(9, 4))
    for name in METRICS:
        medians = [stats[level]["metrics"].get(name, {}).get("median", 0.0) for level in levels]
        top = max(medians) or 1.0
        scaled = [m / top for m in medians]
        axes.plot(range(len(levels)), scaled, marker="o", label=name.replace("_", " "))
    axes.set_xticks(range(len(levels)), [visible(level) for level in levels])
    axes.set_title("median of each metric per level")
    axes.set_ylabel("median / its largest median")
    axes.set_xlabel("level")
    axes.set_ylim(-0.05, 1.05)
    axes.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.02, 1.0), borderaxespad=0)
    figure.tight_layout()
    return figure
