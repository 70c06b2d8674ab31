"""Reward sources: one family of rewards per trainer ``data_source``.

A trainer row names its ``data_source``; the reward of a response to it is computed by the
:class:`RewardSource` registered under that name in :data:`REWARD_SOURCES` (the project's one
registry shape, :class:`execgym.registry.Registry`; entry-point group
``execgym.reward_sources``). A source reads the row's ``ground_truth`` (its own JSON form),
scores a batch of responses, and says for each the reward, the best reward the row allows,
its own metrics, and whether judging failed for a reason that is not the response's fault
(:attr:`RewardOutcome.infra_error`: the sandbox down, the judge timing out). Such an outcome
is never a wrong answer: the trainer entry points of :mod:`execgym.train` report, count and
exclude or retry it.

A package adds a family with one call beside its definition::

    from execgym.rewards import REWARD_SOURCES
    REWARD_SOURCES.register("execgym/fixaudit-fixer", FixerSource(), summary="...")

Built in here: ``execgym/execq`` (execution questions, :mod:`._execq_source`). The
code-generation source (``execgym/codegen``) is registered by :mod:`execgym.train`, which
composes the benchmarks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from execgym.registry import Registry
from execgym.sandbox import Sandbox

__all__ = [
    "REWARD_SOURCES",
    "GroundTruth",
    "RewardOutcome",
    "RewardRequest",
    "RewardSource",
]

GroundTruth = str | bytes | Mapping[str, Any]
"""A row's ground truth: its JSON text, or the object it decodes to."""


@dataclass(frozen=True, slots=True)
class RewardRequest:
    """One response to score against its row's ground truth."""

    response: str
    ground_truth: GroundTruth
    extra_info: Mapping[str, Any] | None = None


@dataclass(frozen=True, slots=True)
class RewardOutcome:
    """The reward of one response, or why it could not be judged.

    ``score`` is the reward; ``best`` the highest reward the row allows (its reference
    reaches it), so ``score / best`` is in [0, 1]. ``parse_failure``: no answer or code could
    be read from the response (it scores the source's lowest reward). ``metrics`` are the
    source's own numbers (the keys of :attr:`RewardSource.metric_keys`). With
    ``infra_error`` set (the reason), the response was not judged: ``score`` means nothing.
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


@runtime_checkable
class RewardSource(Protocol):
    """One family of rewards: reads its ground truth, scores responses in batches."""

    @property
    def metric_keys(self) -> tuple[str, ...]:
        """The keys of every outcome's ``metrics`` (the same for every row)."""
        ...

    def check(self, ground_truth: GroundTruth) -> None:
        """Raise ``ValueError`` naming the field when ``ground_truth`` is not this source's."""
        ...

    def score(
        self, requests: Sequence[RewardRequest], *, sandbox: Sandbox | None = None
    ) -> list[RewardOutcome]:
        """One outcome per request, in order. A malformed ground truth raises ``ValueError``
        naming the request's index and field; an infrastructure failure is an outcome with
        ``infra_error`` set, never an exception and never a low score."""
        ...


REWARD_SOURCES = Registry[RewardSource](
    "reward source", builtins=("execgym.rewards._execq_source",)
)
"""Every reward source by its ``data_source`` name."""
