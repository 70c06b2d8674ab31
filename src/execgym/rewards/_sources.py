"""Rewards by data source: plain functions for rows that are not execution questions.

A trainer row names its data source (verl's ``data_source`` column; the ground truth's own
``"data_source"`` field, which every adapter reads); a :class:`SourceReward` registered
under that name scores the row's responses. Execution questions keep their own ground
truth and named rewards (:mod:`execgym.rewards._rewards`); a ground truth written by
:func:`~execgym.rewards.question_ground_truth` never goes to a data source.

The family is a :class:`~execgym.registry.Registry` (``execgym.data_sources`` entry points
for third parties). The built-in members live with the data they score:
``execgym/execq`` (execution questions, :mod:`execgym.rewards._execq_source`, loaded
with the registry), and from the layers above, which register theirs when imported:
``execgym/codegen`` (code generation on unit tests, :mod:`execgym.train`) and FixAudit's
``fixaudit-fixer`` and ``fixaudit-auditor`` (:mod:`execgym.repair`). This layer never
imports them: :mod:`execgym.train`, above them all, imports them and its entry points
dispatch every row through this registry.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from execgym.registry import Registry
from execgym.sandbox import Sandbox

__all__ = [
    "DATA_SOURCES",
    "EXECQ_SOURCE",
    "GroundTruth",
    "SourceReward",
    "SourceScore",
    "find_source_reward",
    "source_name",
]

EXECQ_SOURCE = "execgym/execq"
"""The data source of execution questions (``execgym questions``)."""

GroundTruth = str | bytes | Mapping[str, Any]
"""A row's ground truth: its JSON text, or the object it decodes to."""


@dataclass(frozen=True)
class SourceScore:
    """One response's reward and the numbers trainers log beside it (the same keys for
    every response of a data source)."""

    value: float
    info: Mapping[str, float] = field(default_factory=dict)
    best: float | None = None
    """The best value this row allows (its reference reaches it); ``None``: the reward's
    :attr:`SourceReward.high`."""
    parse_failure: bool = False
    """No answer or program could be read from the response (it scores the lowest value)."""


@dataclass(frozen=True)
class SourceReward:
    """A data source's reward: ``score(response, ground_truth, sandbox)``, where the ground
    truth is the row's (JSON text or decoded) and ``sandbox`` ``None`` means the process-wide
    one. ``high`` is the best value; a sandbox failure raises
    :class:`~execgym.rewards.SandboxUnavailable`."""

    score: Callable[[str, Any, Sandbox | None], SourceScore]
    description: str
    info_keys: tuple[str, ...] = ()
    """The keys of every :attr:`SourceScore.info` it gives."""
    high: float = 1.0
    check: Callable[[Any], object] | None = None
    """Reads a ground truth without scoring, raising ``ValueError`` (a
    :class:`~execgym.rewards.GroundTruthError`) that names the field when it is not this
    source's; the exports check every row with it."""

    def metrics(self, outcome: SourceScore | None, failed_score: float = 0.0) -> dict[str, float]:
        """``{"score", *info_keys, "sandbox_error"}`` as floats; ``outcome`` ``None`` is a
        response the sandbox could not judge (scored ``failed_score``, info 0)."""
        if outcome is None:
            zeros = dict.fromkeys(self.info_keys, 0.0)
            return {"score": float(failed_score), **zeros, "sandbox_error": 1.0}
        info = {key: float(outcome.info.get(key, 0.0)) for key in self.info_keys}
        return {"score": float(outcome.value), **info, "sandbox_error": 0.0}


DATA_SOURCES = Registry[SourceReward]("data source", builtins=("execgym.rewards._execq_source",))
"""Every data-source reward by name."""


def find_source_reward(data_source: str | None, ground_truth: Any) -> SourceReward | None:
    """The reward for a row: the data source its ground truth names, else the row's
    ``data_source`` when one is registered under it; ``None`` for an execution question."""
    named = _named_source(ground_truth)
    if named is not None:
        return DATA_SOURCES.get(named)
    if data_source and not _is_question_truth(ground_truth) and data_source in DATA_SOURCES:
        return DATA_SOURCES.get(data_source)
    return None


def source_name(data_source: str | None, ground_truth: Any) -> str:
    """The name a row's reward is registered under: the data source its ground truth names,
    else ``execgym/execq`` for an execution question's ground truth, else the row's
    ``data_source`` (empty when there is none)."""
    named = _named_source(ground_truth)
    if named is not None:
        return named
    if _is_question_truth(ground_truth):
        return EXECQ_SOURCE
    return str(data_source or "")


def _named_source(ground_truth: Any) -> str | None:
    if isinstance(ground_truth, bytes):
        ground_truth = ground_truth.decode("utf-8", errors="replace")
    if isinstance(ground_truth, str):
        if '"data_source"' not in ground_truth:
            return None
        try:
            ground_truth = json.loads(ground_truth)
        except json.JSONDecodeError:
            return None
    if isinstance(ground_truth, Mapping):
        name = ground_truth.get("data_source")
        return name if isinstance(name, str) else None
    return None


def _is_question_truth(ground_truth: Any) -> bool:
    if isinstance(ground_truth, (str, bytes)):
        head = ground_truth[:40]
        return (b'"execgym"' in head) if isinstance(head, bytes) else ('"execgym"' in head)
    return isinstance(ground_truth, Mapping) and "execgym" in ground_truth
