"""OpenRLHF's reward contract, shared by its entry point and the reward server.

``(queries, prompts, labels)`` → ``{"rewards", "scores", "extra_logs"}``; each response is
the query less its prompt and the special tokens that end it (:func:`openrlhf_response`).
``rewards`` are the rewards, ``scores`` the rewards divided by the best each row allows
(in [0, 1], what OpenRLHF's dynamic filtering reads), ``extra_logs`` batch figures (floats)
that OpenRLHF logs: ``execgym/infra_errors``, ``execgym/infra_error_rate``,
``execgym/parse_failure_rate``, ``execgym/solved_rate`` and each source's metric means
(``<source>/<metric>``).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from execgym.rewards.openrlhf import response_text
from execgym.train._dispatch import (
    InfraError,
    RewardOutcome,
    RewardRequest,
    ScoringOptions,
    batch_metrics,
    score_rows,
)
from execgym.train._labels import LabelError, read_label

_TRAILING_SPECIAL = re.compile(r"(?:\s*(?:<\|[A-Za-z0-9_.\-]{1,40}\|>|</s>|<eos>))+\s*\Z")


def openrlhf_response(query: str, prompt: str) -> str:
    """The response of an OpenRLHF query: the text after its prompt, less the special tokens
    that end it (``<|im_end|>``, ``<|endoftext|>``, ``</s>``, ``<eos>``: OpenRLHF decodes
    queries with special tokens kept, and a code fence followed by one would not close)."""
    return _TRAILING_SPECIAL.sub("", response_text(query, prompt))


@dataclass(frozen=True)
class LabelScores:
    """What one batch of labelled queries scored."""

    rewards: list[float]
    scores: list[float]
    extra_logs: dict[str, float]
    outcomes: list[RewardOutcome]


def score_labels(
    queries: Sequence[str],
    prompts: Sequence[str],
    labels: Sequence[Any],
    options: ScoringOptions,
    infra_error_score: float | None = None,
) -> LabelScores:
    """Score each query's response (the query less its prompt) against its label.

    A malformed label raises :class:`LabelError` naming its index; after the retries, an
    unjudged response raises :class:`InfraError` unless ``infra_error_score`` is given (it
    then gets that reward and 0 as its score, and is counted in ``extra_logs``).
    """
    if not (len(queries) == len(prompts) == len(labels)):
        raise ValueError(
            f"{len(queries)} queries, {len(prompts)} prompts and {len(labels)} labels differ"
        )
    sources: list[str] = []
    requests: list[RewardRequest] = []
    for index, (query, prompt, label) in enumerate(zip(queries, prompts, labels, strict=True)):
        try:
            source, truth = read_label(label)
        except LabelError as exc:
            raise LabelError(f"labels[{index}]: {exc}") from None
        sources.append(source)
        requests.append(RewardRequest(openrlhf_response(str(query), str(prompt)), truth))
    outcomes = score_rows(sources, requests, options)
    rewards: list[float] = []
    scores: list[float] = []
    for index, outcome in enumerate(outcomes):
        if outcome.infra_error is not None:
            if infra_error_score is None:
                raise InfraError(f"could not judge response {index}: {outcome.infra_error}")
            rewards.append(infra_error_score)
            scores.append(0.0)
        else:
            rewards.append(outcome.score)
            scores.append(outcome.normalized)
    return LabelScores(rewards, scores, batch_metrics(sources, outcomes), outcomes)
