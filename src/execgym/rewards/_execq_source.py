"""The ``execgym/execq`` reward source: execution questions (``execgym questions``).

Ground truth: the JSON of :func:`~execgym.rewards.question_ground_truth` (the reward it
names, ``execverify`` by default, is the reward; its best is the reward's maximum for the
question). Metrics: ``output_correct``, ``whitebox_fraction`` and ``accuracy``, as the
execution-question adapters log them. ``parse_failure``: not one item's answer could be
read. An input-prediction answer the sandbox could not run is an infrastructure failure.
"""

from __future__ import annotations

from collections.abc import Sequence

from execgym.rewards._data import GroundTruthError, ScoringData
from execgym.rewards._input import SandboxUnavailable
from execgym.rewards._rewards import get_reward, score_batch
from execgym.rewards._sources import (
    REWARD_SOURCES,
    GroundTruth,
    RewardOutcome,
    RewardRequest,
)
from execgym.sandbox import Sandbox

EXECQ_SOURCE = "execgym/execq"
"""The ``data_source`` of execution questions."""


class ExecutionQuestionSource:
    """Execution questions scored by the reward their ground truth names."""

    metric_keys: tuple[str, ...] = ("output_correct", "whitebox_fraction", "accuracy")

    def check(self, ground_truth: GroundTruth) -> None:
        data = ScoringData.from_json(ground_truth)
        get_reward(data.reward)

    def score(
        self, requests: Sequence[RewardRequest], *, sandbox: Sandbox | None = None
    ) -> list[RewardOutcome]:
        pairs = []
        for index, request in enumerate(requests):
            try:
                pairs.append((ScoringData.from_json(request.ground_truth), request.response))
            except GroundTruthError as exc:
                raise GroundTruthError(f"request {index}: {exc}") from None
        outcomes: list[RewardOutcome] = []
        for (data, _), scored in zip(pairs, score_batch(pairs, sandbox=sandbox), strict=True):
            if isinstance(scored, SandboxUnavailable):
                outcomes.append(RewardOutcome.unjudged(str(scored)))
                continue
            rule = get_reward(data.reward)
            outcomes.append(
                RewardOutcome(
                    score=float(rule(scored)),
                    best=float(rule.maximum(scored)),
                    parse_failure=bool(scored.items) and scored.parse_failures == len(scored.items),
                    metrics={
                        "output_correct": 1.0 if scored.output_correct else 0.0,
                        "whitebox_fraction": float(scored.whitebox_fraction or 0.0),
                        "accuracy": float(scored.accuracy),
                    },
                )
            )
        return outcomes


REWARD_SOURCES.register(
    EXECQ_SOURCE,
    ExecutionQuestionSource(),
    summary="execution questions: the reward their ground truth names (execverify, ...)",
)
