"""Dispatch by data source: every trainer entry point scores through :func:`score_rows`.

Each row goes to the reward registered in :data:`execgym.rewards.DATA_SOURCES` under the data
source its ground truth names, else under its ``data_source`` (an execution question's ground
truth goes to ``execgym/execq``); a batch is scored on threads, so responses that run code
keep every sandbox worker busy, and the outcomes come back in row order. An outcome whose
judging failed for a reason that is not the response's fault (``infra_error``: the sandbox
down, the judge itself timing out) is tried again ``retries`` times, after
``retry_delay_s`` (doubling), and then returned as it is: each entry point decides, by its
documented option, whether such a response is excluded, scored with a fixed value and
flagged, or raises :class:`InfraError`.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

import execgym.repair  # noqa: F401 - registers FixAudit's Fixer and Auditor data sources
from execgym.registry import UnknownName
from execgym.rewards import (
    DATA_SOURCES,
    GroundTruth,
    SandboxUnavailable,
    SourceReward,
    source_name,
)
from execgym.sandbox import Sandbox
from execgym.train import _codegen_source  # noqa: F401 - registers the code-generation source

__all__ = [
    "COMMON_METRICS",
    "InfraError",
    "RewardOutcome",
    "RewardRequest",
    "ScoringOptions",
    "UnknownSource",
    "batch_metrics",
    "metric_keys",
    "outcome_metrics",
    "score_rows",
    "source_for",
]

COMMON_METRICS = ("score", "normalized_score", "solved", "parse_failure", "infra_error")
"""Keys every entry point logs for every row, whatever its source."""


class InfraError(RuntimeError):
    """Judging failed for reasons that are not the response's (the sandbox down, the judge
    timing out), after the retries; raised where the trainer's option says so."""


class UnknownSource(UnknownName):
    """A ``data_source`` no reward is registered under."""


@dataclass(frozen=True, slots=True)
class RewardRequest:
    """One response to score against its row's ground truth."""

    response: str
    ground_truth: GroundTruth
    extra_info: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class RewardOutcome:
    """The reward of one response, or why it could not be judged.

    ``best`` is the highest reward the row allows, so ``score / best`` is in [0, 1];
    ``metrics`` are the source's info keys. With ``infra_error`` set (the reason), the
    response was not judged and ``score`` means nothing.
    """

    score: float
    best: float = 1.0
    parse_failure: bool = False
    metrics: Mapping[str, float] = field(default_factory=dict)
    infra_error: str | None = None

    @property
    def normalized(self) -> float:
        """``score / best`` (0.0 when the row allows nothing)."""
        return self.score / self.best if self.best > 0 else 0.0

    @property
    def solved(self) -> bool:
        """Whether the response reached the best reward of its row."""
        return self.infra_error is None and self.best > 0 and self.score >= self.best

    @classmethod
    def unjudged(cls, reason: str) -> RewardOutcome:
        """An outcome for a response that could not be judged (not its fault)."""
        return cls(score=0.0, best=1.0, infra_error=reason)


@dataclass(frozen=True)
class ScoringOptions:
    """How the entry points score: the sandbox (``None``: the process-wide one), the
    retries of infrastructure failures, and the threads a batch is scored on (responses
    that run code wait on the sandbox, so several are in flight at once)."""

    sandbox: Sandbox | None = None
    retries: int = 1
    retry_delay_s: float = 0.5
    threads: int = 8


def source_for(name: str) -> SourceReward:
    """The reward registered as ``name``; an unknown name lists the known ones."""
    try:
        return DATA_SOURCES.get(name)
    except UnknownName as exc:
        raise UnknownSource(exc.family, exc.name, exc.known) from None


def metric_keys() -> tuple[str, ...]:
    """The common keys, then every registered source's info keys (sorted, deduplicated)."""
    own: set[str] = set()
    for entry in DATA_SOURCES.entries():
        own.update(entry.value.info_keys)
    return COMMON_METRICS + tuple(sorted(own - set(COMMON_METRICS)))


def _score_one(
    source: SourceReward, request: RewardRequest, sandbox: Sandbox | None
) -> RewardOutcome:
    try:
        scored = source.score(request.response, request.ground_truth, sandbox)
    except SandboxUnavailable as exc:
        return RewardOutcome.unjudged(str(exc) or "the sandbox failed")
    return RewardOutcome(
        score=float(scored.value),
        best=float(scored.best if scored.best is not None else source.high),
        parse_failure=scored.parse_failure,
        metrics={key: float(scored.info.get(key, 0.0)) for key in source.info_keys},
    )


_POOLS: dict[int, ThreadPoolExecutor] = {}
_POOLS_LOCK = threading.Lock()


def _pool(threads: int) -> ThreadPoolExecutor:
    """One long-lived pool per size (a trainer scores batch after batch)."""
    with _POOLS_LOCK:
        if threads not in _POOLS:
            _POOLS[threads] = ThreadPoolExecutor(threads, thread_name_prefix="execgym-reward")
        return _POOLS[threads]


def score_rows(
    data_sources: Sequence[str],
    requests: Sequence[RewardRequest],
    options: ScoringOptions | None = None,
) -> list[RewardOutcome]:
    """One outcome per request, in order, each scored by its row's source (the one its
    ground truth names, else its ``data_source``); unjudged ones are tried again."""
    if len(data_sources) != len(requests):
        raise ValueError(f"{len(data_sources)} data sources for {len(requests)} responses")
    options = options or ScoringOptions()
    sources = [
        source_for(source_name(name, request.ground_truth))
        for name, request in zip(data_sources, requests, strict=True)
    ]
    outcomes: list[RewardOutcome | None] = [None] * len(requests)
    pending = list(range(len(requests)))
    delay = options.retry_delay_s
    for attempt in range(options.retries + 1):

        def one(index: int) -> RewardOutcome:
            return _score_one(sources[index], requests[index], options.sandbox)

        if len(pending) > 1 and options.threads > 1:
            scored = list(_pool(options.threads).map(one, pending))
        else:
            scored = [one(index) for index in pending]
        for index, outcome in zip(pending, scored, strict=True):
            outcomes[index] = outcome
        pending = [i for i, o in zip(pending, scored, strict=True) if o.infra_error is not None]
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
