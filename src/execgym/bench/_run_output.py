"""The metrics of an eval run, read from its item records (the run log,
:mod:`execgym.bench._run_log`, holds the files).

``summary.json`` holds the metrics (:func:`summarize`), rewritten at the end of every run
(and when a run is interrupted). ``usage`` (tokens, items answered from the cache),
``elapsed_s`` and ``runs`` are totals over every run into the directory (:func:`run_totals`);
``this_run`` holds the last run's own.

Metrics: the unbiased pass@k estimator of Chen et al. (2021), ``1 - C(n-c, k) / C(n, k)``
for an item with ``n`` samples of which ``c`` are correct, averaged over items, for
``k = 1`` and ``k = 5`` where the run drew at least ``k`` samples; accuracy per question
kind over samples. Samples the benchmark leaves out of its count (``"counted": false``)
and samples that could not be judged are left out of ``n``; an item with fewer than ``k``
counted samples scores 1 if any is correct.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from execgym.bench.metrics import pass_at_k as shared_pass_at_k

PASS_KS = (1, 5)


def pass_at_k(n: int, c: int, k: int) -> float:
    """The unbiased pass@k estimate for ``c`` correct among ``n`` samples
    (:func:`execgym.bench.metrics.pass_at_k`); with ``n < k``: 1 if any sample is correct."""
    if n < k:
        if not 0 <= c <= n:
            raise ValueError(f"need 0 <= c <= n, got n={n}, c={c}")
        return 1.0 if c > 0 else 0.0
    return shared_pass_at_k(n, c, k)


# ---------------------------------------------------------------------------- metrics


def _counted(samples: Iterable[Mapping[str, Any]]) -> list[bool]:
    return [
        bool(sample["correct"])
        for sample in samples
        if sample.get("counted", True) and sample.get("correct") is not None
    ]


def summarize(
    records: Sequence[Mapping[str, Any]],
    *,
    n: int,
    expected_ids: Sequence[str],
    task_metrics: Mapping[str, float] | None = None,
    header: Mapping[str, Any] | None = None,
) -> dict[str, Any]:
    """The metrics of a run over ``records`` (those of ``expected_ids``, in that order)."""
    by_id = {record["id"]: record for record in records}
    ordered = [by_id[item_id] for item_id in expected_ids if item_id in by_id]
    ks = [k for k in PASS_KS if k <= n]
    sums = dict.fromkeys(ks, 0.0)
    scored_items = 0
    samples = judged = unjudged = 0
    kind_total: dict[str, int] = {}
    kind_correct: dict[str, int] = {}
    kind_items: dict[str, int] = {}
    for record in ordered:
        record_samples = record.get("samples", [])
        samples += len(record_samples)
        unjudged += sum(1 for sample in record_samples if sample.get("correct") is None)
        outcomes = _counted(record_samples)
        judged += len(outcomes)
        kind = str(record.get("kind", ""))
        kind_items[kind] = kind_items.get(kind, 0) + 1
        for sample in record_samples:
            if not sample.get("counted", True) or sample.get("correct") is None:
                continue
            parts = sample.get("parts")
            pairs = (
                [(str(part["kind"]), bool(part["correct"])) for part in parts]
                if parts
                else [(kind, bool(sample["correct"]))]
            )
            for part_kind, correct in pairs:
                kind_total[part_kind] = kind_total.get(part_kind, 0) + 1
                kind_correct[part_kind] = kind_correct.get(part_kind, 0) + int(correct)
        if not outcomes:
            continue
        scored_items += 1
        for k in ks:
            sums[k] += pass_at_k(len(outcomes), sum(outcomes), k)
    summary: dict[str, Any] = dict(header or {})
    summary.update(
        {
            "items": len(expected_ids),
            "finished": len(ordered),
            "scored_items": scored_items,
            "samples": samples,
            "judged_samples": judged,
            "unjudged_samples": unjudged,
        }
    )
    for k in ks:
        summary[f"pass@{k}"] = sums[k] / scored_items if scored_items else None
    summary["accuracy_by_kind"] = {
        kind: {
            "items": kind_items.get(kind, 0),
            "answers": total,
            "correct": kind_correct[kind],
            "accuracy": kind_correct[kind] / total,
        }
        for kind, total in sorted(kind_total.items())
        if total
    }
    summary["task_metrics"] = dict(task_metrics or {})
    summary["missing"] = [item_id for item_id in expected_ids if item_id not in by_id]
    return summary


def markdown_table(summary: Mapping[str, Any]) -> str:
    """The summary as a markdown table: pass@k and accuracies in percent."""
    title = f"{summary.get('task', '?')} · {summary.get('model', '?')}"
    rows = [f"**{title}**", "", "| metric | value |", "| --- | ---: |"]
    rows.append(f"| items | {summary['finished']}/{summary['items']} |")
    rows.append(f"| samples judged | {summary['judged_samples']} |")
    for k in PASS_KS:
        value = summary.get(f"pass@{k}")
        if f"pass@{k}" in summary:
            rows.append(f"| pass@{k} | {_percent(value)} |")
    for kind, stats in summary.get("accuracy_by_kind", {}).items():
        rows.append(
            f"| accuracy: {kind} ({stats['correct']}/{stats['answers']}) | "
            f"{_percent(stats['accuracy'])} |"
        )
    for name, value in summary.get("task_metrics", {}).items():
        rows.append(f"| {name} | {_percent(value)} |")
    if summary.get("unjudged_samples"):
        rows.append(f"| could not judge | {summary['unjudged_samples']} |")
    return "\n".join(rows)


def _percent(value: object) -> str:
    return f"{100 * value:.1f}" if isinstance(value, (int, float)) else "-"


def run_totals(
    previous: Mapping[str, Any], usage: Mapping[str, int], elapsed_s: float
) -> dict[str, Any]:
    """``usage``, ``elapsed_s`` and ``runs`` summed over this run and the runs recorded in
    ``previous`` (an earlier ``summary.json``), plus ``this_run`` with this run's own."""
    stored = previous.get("usage")
    before = stored if isinstance(stored, dict) else {}
    total_usage = dict(before)
    for key, value in usage.items():
        earlier = before.get(key, 0)
        total_usage[key] = (earlier if isinstance(earlier, int) else 0) + value
    earlier_s = previous.get("elapsed_s", 0.0)
    earlier_runs = previous.get("runs", 1 if previous else 0)
    return {
        "elapsed_s": round(
            (earlier_s if isinstance(earlier_s, int | float) else 0.0) + elapsed_s, 3
        ),
        "usage": total_usage,
        "runs": (earlier_runs if isinstance(earlier_runs, int) else 0) + 1,
        "this_run": {"elapsed_s": round(elapsed_s, 3), "usage": dict(usage)},
    }
