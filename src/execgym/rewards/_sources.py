"""Rewards by data source: plain functions for rows that are not execution questions.

A trainer row names its data source (verl's ``data_source`` column; the ground truth's own
``"data_source"`` field, which every adapter reads); a :class:`SourceReward` registered
under that name scores the row's responses. Execution questions keep their own ground
truth and named rewards (:mod:`execgym.rewards._rewards`); a ground truth written by
:func:`~execgym.rewards.question_ground_truth` never goes to a data source.

The family is a :class:`~execgym.registry.Registry` (``execgym.data_sources`` entry points
for third parties). The built-in members live with the data they score, in
:mod:`execgym.repair` (FixAudit's Fixer and Auditor rewards), which registers them when
imported; the registry imports it by name on first lookup, so this layer never imports the
ones above it.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from execgym.registry import Registry
from execgym.sandbox import Sandbox

__all__ = ["DATA_SOURCES", "SourceReward", "SourceScore", "find_source_reward"]


@dataclass(frozen=True)
class SourceScore:
    """One response's reward and the numbers trainers log beside it (the same keys for
    every response of a data source)."""

    value: float
    info: Mapping[str, float] = field(default_factory=dict)


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

    def metrics(self, outcome: SourceScore | None, failed_score: float = 0.0) -> dict[str, float]:
        """``{"score", *info_keys, "sandbox_error"}`` as floats; ``outcome`` ``None`` is a
        response the sandbox could not judge (scored ``failed_score``, info 0)."""
        if outcome is None:
            zeros = dict.fromkeys(self.info_keys, 0.0)
            return {"score": float(failed_score), **zeros, "sandbox_error": 1.0}
        info = {key: float(outcome.info.get(key, 0.0)) for key in self.info_keys}
        return {"score": float(outcome.value), **info, "sandbox_error": 0.0}


DATA_SOURCES = Registry[SourceReward]("data source", builtins=("execgym.repair",))
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
