"""verl entry point: one ``compute_score`` for every execgym data source.

verl loads it by file path and name (``reward.custom_reward_function`` in verl 0.9;
top-level ``custom_reward_function`` in older releases)::

    reward:
      custom_reward_function:
        path: <site-packages>/execgym/train/verl.py   # python -m execgym.train.verl prints it
        name: compute_score
        reward_kwargs: {infra_error_score: null, infra_retries: 1}

and calls ``compute_score(data_source=..., solution_str=..., ground_truth=...,
extra_info=...)`` once per response (its reward loop runs the calls on threads; the
experimental loop may add ``reward_router_address`` and ``reward_model_tokenizer``, and the
config's ``reward_kwargs`` are merged into every call). The row's ``data_source`` picks the
reward source (``execgym/execq``, ``execgym/codegen``, and any registered later).

The dict returned always has the same keys, for every source (verl collects them per key
across the batch): :data:`~execgym.train.COMMON_METRICS` (``score``, ``normalized_score``,
``solved``, ``parse_failure``, ``infra_error``), then every registered source's own metrics
(NaN for a row of another source). ``score`` is the reward.

Infrastructure failures (the sandbox down, the judge timing out) are retried
``infra_retries`` times (default 1). verl cannot leave one response out of a batch, so after
that, by default (``infra_error_score: null``), :class:`~execgym.train.InfraError` is raised
and the step fails loudly rather than learn from a made-up reward; with
``infra_error_score: X`` the response gets X and ``infra_error`` 1.0, which verl logs with
the validation metrics of its data source and dumps with the rollouts.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from execgym.sandbox import Sandbox
from execgym.train._dispatch import (
    InfraError,
    RewardRequest,
    ScoringOptions,
    metric_keys,
    outcome_metrics,
    score_rows,
)

__all__ = ["compute_score"]


def compute_score(
    data_source: str,
    solution_str: str,
    ground_truth: str | bytes | Mapping[str, Any],
    extra_info: Mapping[str, Any] | None = None,
    *,
    infra_error_score: float | None = None,
    infra_retries: int = 1,
    sandbox: Sandbox | None = None,
    **kwargs: Any,
) -> dict[str, float]:
    """Score one response for verl; see the module docstring for the keys and options."""
    request = RewardRequest(solution_str, ground_truth, extra_info)
    options = ScoringOptions(sandbox=sandbox, retries=infra_retries)
    (outcome,) = score_rows([data_source], [request], options)
    if outcome.infra_error is not None and infra_error_score is None:
        raise InfraError(
            f"could not judge a {data_source} response: {outcome.infra_error} (set "
            "reward_kwargs.infra_error_score to score such responses and flag them instead)"
        )
    return outcome_metrics(outcome, metric_keys(), infra_error_score)


if __name__ == "__main__":
    print(__file__)
