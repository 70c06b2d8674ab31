"""Dispatch by ``data_source``: every trainer entry point scores through :func:`score_rows`.

Rows are grouped by their ``data_source``, each group goes to its
:class:`~execgym.rewards.RewardSource` in one batch (so sources that run code use every
sandbox worker), and the outcomes come back in row order. An outcome whose judging failed
for a reason that is not the response's fault (``infra_error``: the sandbox down, the judge
itself timing out) is tried again ``retries`` times, after ``retry_delay_s`` (doubling), and
then returned as it is: each entry point decides, by its documented option, whether such a
response is excluded, scored with a fixed value and flagged, or raises :class:`InfraError`.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from execgym.registry import UnknownName
from execgym.rewards import REWARD_SOURCES, RewardOutcome, RewardRequest, RewardSource
from execgym.sandbox import Sandbox

__all__ = [
    "COMMON_METRICS",
    "InfraError",
    "ScoringOptions",
    "UnknownSource",
    "batch_metrics",
    "ensure_sources",
    "metric_keys",
    "outcome_metrics",
    "score_rows",
]

COMMON_METRICS = ("score", "normalized_score", "solved", "parse_failure", "infra_error")
"""Keys every entry point logs for every row, whatever its source."""

_BUILTIN_MODULES = ("execgym.train._codegen_source",)


class InfraError(RuntimeError):
    """Judging failed for reasons that are not the response's (the sandbox down, the judge
    timing out), after the retries; raised where the trainer's option says so."""


class UnknownSource(UnknownName):
    """A ``data_source`` no reward source is registered under."""


@dataclass(frozen=True)
class ScoringOptions:
    """How the entry points score: the sandbox (``None``: the process-wide one) and the
    retries of infrastructure failures."""

    sandbox: Sandbox | None = None
    retries: int = 1
    retry_delay_s: float = 0.5


def ensure_sources() -> None:
    """Register the sources :mod:`execgym.train` builds in (code generation)."""
    import importlib

    for module in _BUILTIN_MODULES:
        importlib.import_module(module)


def source_for(data_source: str) -> RewardSource:
    """The source registered as ``data_source``; an unknown name lists the known ones."""
    ensure_sources()
    try:
        return REWARD_SOURCES.get(str(data_source))
    except UnknownName as exc:
        raise UnknownSource(exc.family, exc.name, exc.known) from None


def metric_keys() -> tuple[str, ...]:
    """The common keys, then every registered source's own keys (sorted, deduplicated)."""
    ensure_sources()
    own: set[str] = set()
    for entry in REWARD_SOURCES.entries():
        own.update(entry.value.metric_keys)
    return COMMON_METRICS + tuple(sorted(own - set(COMMON_METRICS)))


def score_rows(
    data_sources: Sequence[str],
    requests: Sequence[RewardRequest],
    options: ScoringOptions | None = None,
) -> list[RewardOutcome]:
    """One outcome per request, in order, each scored by its row's source."""
    if len(data_sources) != len(requests):
        raise ValueError(f"{len(data_sources)} data sources for {len(requests)} responses")
    options = options or ScoringOptions()
    groups: dict[str, list[int]] = {}
    for index, name in enumerate(data_sources):
        groups.setdefault(str(name), []).append(index)
    outcomes: list[RewardOutcome | None] = [None] * len(requests)
    for name, indices in groups.items():
        source = source_for(name)
        pending = indices
        delay = options.retry_delay_s
        for attempt in range(options.retries + 1):
            scored = source.score([requests[i] for i in pending], sandbox=options.sandbox)
            if len(scored) != len(pending):
                raise RuntimeError(
                    f"reward source {name!r} returned {len(scored)} outcomes for "
                    f"{len(pending)} responses"
                )
            for index, outcome in zip(pending, scored, strict=True):
                outcomes[index] = outcome
            pending = [i for i in pending if outcomes[i].infra_error is not None]  # type: ignore[union-attr]
            if not pending or attempt == options.retries:
                break
            time.sleep(delay)
            delay *= 2
    return [outcome for outcome in outcomes if outcome is not None]


def outcome_metrics(
    outcome: RewardOutcome, keys: Sequence[str], infra_score: float | None = None
) -> dict[str, float]:
    """Every key of ``keys`` for one outcome (NaN for a key its source does not have).

    ``score`` of an unjudged outcome is ``infra_score`` (NaN when ``None``).
    """
    infra = outcome.infra_error is not None
    values: dict[str, float] = {
        "score": (math.nan if infra_score is None else infra_score) if infra else outcome.score,
        "normalized_score": math.nan if infra else outcome.normalized,
        "solved": math.nan if infra else float(outcome.solved),
        "parse_failure": math.nan if infra else float(outcome.parse_failure),
        "infra_error": 1.0 if infra else 0.0,
    }
    for key in keys:
        if key not in values:
            found = outcome.metrics.get(key)
            values[key] = math.nan if infra or found is None else float(found)
    return {key: values[key] for key in keys}


def batch_metrics(
    data_sources: Sequence[str], outcomes: Sequence[RewardOutcome]
) -> dict[str, float]:
    """Batch figures for a trainer's log: ``execgym/infra_errors`` (count) and
    ``execgym/infra_error_rate`` (unjudged responses), ``execgym/parse_failure_rate`` and
    ``execgym/solved_rate`` (over judged ones), and each source's reward and metric means
    over its judged responses, keyed ``<source>/<metric>``."""
    total = len(outcomes)
    judged = [o for o in outcomes if o.infra_error is None]
    logs: dict[str, float] = {
        "execgym/infra_errors": float(total - len(judged)),
        "execgym/infra_error_rate": (total - len(judged)) / total if total else 0.0,
        "execgym/parse_failure_rate": _mean([float(o.parse_failure) for o in judged]),
        "execgym/solved_rate": _mean([float(o.solved) for o in judged]),
    }
    per_source: dict[str, list[RewardOutcome]] = {}
    for name, outcome in zip(data_sources, outcomes, strict=True):
        if outcome.infra_error is None:
            per_source.setdefault(str(name), []).append(outcome)
    for name, group in sorted(per_source.items()):
        logs[f"{name}/score"] = _mean([o.score for o in group])
        keys = sorted({key for o in group for key in o.metrics})
        for key in keys:
            logs[f"{name}/{key}"] = _mean(
                [float(o.metrics[key]) for o in group if key in o.metrics]
            )
    return logs


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def first_infra_error(outcomes: Sequence[RewardOutcome]) -> str | None:
    """The reason of the first unjudged outcome, or ``None``."""
    return next((o.infra_error for o in outcomes if o.infra_error is not None), None)


def as_mapping(value: object) -> Mapping[str, object] | None:
    """``value`` when it is a mapping (verl's ``extra_info``), else ``None``."""
    return value if isinstance(value, Mapping) else None
