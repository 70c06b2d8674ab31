"""OpenRLHF entry point: ``reward_func(queries, prompts, labels)`` for every data source.

Point OpenRLHF at this file (``--remote_rm_url .../execgym/train/openrlhf.py``;
``--reward.remote_url`` in recent releases) with the ``ground_truth`` column of an ``execgym
export trl`` dataset as its labels (``--label_key ground_truth``): every ground truth names
its reward. Or run the reward server (``execgym serve rewards``) and point OpenRLHF at
its URL: the same contract over HTTP.

Returns ``{"rewards", "scores", "extra_logs"}`` (tensors when torch is importable, else
lists); see :mod:`execgym.train._label_scoring` for what each holds. Infrastructure failures
are retried ``infra_retries`` times; then, by default, :class:`~execgym.train.InfraError` is
raised: OpenRLHF's agent executor logs it and leaves that sample without a reward (excluded,
never scored wrong). ``infra_error_score`` gives such a response that reward instead,
counted in ``extra_logs["execgym/infra_errors"]``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from execgym.rewards.openrlhf import as_tensor
from execgym.sandbox import Sandbox
from execgym.train._dispatch import ScoringOptions
from execgym.train._label_scoring import score_labels

__all__ = ["reward_func"]


def reward_func(
    queries: Sequence[str],
    prompts: Sequence[str],
    labels: Sequence[Any],
    *,
    infra_error_score: float | None = None,
    infra_retries: int = 1,
    sandbox: Sandbox | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """``{"rewards", "scores", "extra_logs"}`` for a batch (see the module docstring)."""
    options = ScoringOptions(sandbox=sandbox, retries=infra_retries)
    scored = score_labels(queries, prompts, labels, options, infra_error_score)
    return {
        "rewards": as_tensor(scored.rewards),
        "scores": as_tensor(scored.scores),
        "extra_logs": scored.extra_logs,
    }
