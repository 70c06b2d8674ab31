"""TRL entry point: one reward function for ``GRPOTrainer``, for every execgym data source.

``GRPOTrainer`` calls a reward function as ``f(prompts=..., completions=...,
completion_ids=..., **columns)`` with every dataset column but ``prompt`` (one value per
completion), plus ``trainer_state``, ``log_extra`` and ``log_metric`` in recent releases.
This one reads the ``data_source`` and ``ground_truth`` columns of an ``execgym export trl``
dataset (or a verl-style ``reward_model`` column), and scores each completion with the
reward of its row's data source (the one its ground truth names, else the column's)::

    from execgym.train.trl import execgym_reward
    trainer = GRPOTrainer(model=..., reward_funcs=[execgym_reward], train_dataset=dataset)

Infrastructure failures (the sandbox down, the judge timing out) are retried
``infra_retries`` times; then, with ``infra_error="exclude"`` (the default), the completion
gets ``None``: TRL leaves such a completion out of its group's baseline and gives it no
advantage (``GRPOTrainer`` in TRL 1.x), so it teaches nothing. ``infra_error="raise"``
raises :class:`~execgym.train.InfraError` instead. Through ``log_metric`` each batch logs
``execgym/infra_errors`` (count), ``execgym/infra_error_rate``, ``execgym/parse_failure_rate``,
``execgym/solved_rate`` and each source's metric means (``<source>/<metric>``, e.g.
``execgym/execq/output_correct``);
with an ``observer`` (the curriculum, :mod:`execgym.train.curriculum_trl`), every batch is
shown to it and its own figures are logged too.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any, Literal, Protocol

from execgym.rewards import GroundTruthError
from execgym.rewards.trl import completion_text
from execgym.sandbox import Sandbox
from execgym.train._dispatch import (
    InfraError,
    RewardOutcome,
    RewardRequest,
    ScoringOptions,
    batch_metrics,
    score_rows,
)
from execgym.train._labels import read_label

__all__ = ["RewardObserver", "completion_text", "execgym_reward", "make_reward_function"]

RewardFunction = Callable[..., list[float | None]]
InfraPolicy = Literal["exclude", "raise"]


class RewardObserver(Protocol):
    """Sees every scored batch (the curriculum does: pass rates per level)."""

    def observe(
        self,
        extra_infos: Sequence[Mapping[str, Any] | None],
        outcomes: Sequence[RewardOutcome],
    ) -> None: ...

    def log_values(self) -> Mapping[str, float]: ...


def _rows(columns: Mapping[str, Any], n: int) -> tuple[list[str], list[Any]]:
    if "data_source" in columns and ("ground_truth" in columns or "reward_model" in columns):
        sources = [str(s) for s in columns["data_source"]]
        if "ground_truth" in columns:
            truths = list(columns["ground_truth"])
        else:
            truths = []
            for row, model in enumerate(columns["reward_model"]):
                if not isinstance(model, Mapping) or "ground_truth" not in model:
                    raise GroundTruthError(f"row {row}: reward_model has no 'ground_truth'")
                truths.append(model["ground_truth"])
    elif "ground_truth" in columns:
        truths = list(columns["ground_truth"])
        sources = [read_label(truth)[0] for truth in truths]
    else:
        available = ", ".join(sorted(columns)) or "none"
        raise GroundTruthError(
            f"the batch has no data_source and ground_truth columns (columns: {available}); "
            "train on a dataset written by `execgym export trl`"
        )
    if len(sources) != n or len(truths) != n:
        raise GroundTruthError(f"{len(truths)} ground truths for {n} completions")
    return sources, truths


def _extra_infos(columns: Mapping[str, Any], n: int) -> list[Mapping[str, Any] | None]:
    values = list(columns.get("extra_info") or [None] * n)
    return [value if isinstance(value, Mapping) else None for value in values]


def make_reward_function(
    *,
    name: str = "execgym_reward",
    infra_error: InfraPolicy = "exclude",
    infra_retries: int = 1,
    sandbox: Sandbox | None = None,
    observer: RewardObserver | None = None,
) -> RewardFunction:
    """A TRL reward function (its ``__name__``, ``name``, names it in TRL's logs)."""
    if infra_error not in ("exclude", "raise"):
        raise ValueError(f"infra_error: expected 'exclude' or 'raise', got {infra_error!r}")
    options = ScoringOptions(sandbox=sandbox, retries=infra_retries)

    def reward_function(
        prompts: Sequence[Any] | None = None,
        completions: Sequence[Any] | None = None,
        completion_ids: Sequence[Any] | None = None,
        **columns: Any,
    ) -> list[float | None]:
        texts = [completion_text(c) for c in completions or []]
        sources, truths = _rows(columns, len(texts))
        extras = _extra_infos(columns, len(texts))
        requests = [
            RewardRequest(text, truth, extra)
            for text, truth, extra in zip(texts, truths, extras, strict=True)
        ]
        outcomes = score_rows(sources, requests, options)
        logs = batch_metrics(sources, outcomes)
        if observer is not None:
            observer.observe(extras, outcomes)
            logs.update(observer.log_values())
        log_metric = columns.get("log_metric")
        if callable(log_metric):
            for key, value in logs.items():
                log_metric(key, value)
        failed = next((o for o in outcomes if o.infra_error is not None), None)
        if failed is not None and infra_error == "raise":
            raise InfraError(f"could not judge a completion: {failed.infra_error}")
        return [None if o.infra_error is not None else o.score for o in outcomes]

    reward_function.__name__ = name
    reward_function.__qualname__ = name
    return reward_function


execgym_reward: RewardFunction = make_reward_function()
"""The reward of each row's source; unjudged completions are excluded (``None``)."""
