"""verl entry point: ``compute_score`` for a custom reward function.

verl's reward managers call ``compute_score(data_source=..., solution_str=...,
ground_truth=..., extra_info=...)`` with keyword arguments (``NaiveRewardManager`` in
``verl/workers/reward_manager/naive.py`` and ``verl/experimental/reward_loop/reward_manager/
naive.py``; the latter may add ``reward_router_address`` and ``reward_model_tokenizer``, and
``verl/trainer/ppo/reward.py`` merges the config's ``custom_reward_function.reward_kwargs``
into every call). A float or a dict with ``"score"`` comes back; every other key of the dict
is logged as extra reward info, so the dict here always has the same keys.

Use it from a verl config (verl loads the file by path, so the installed module works)::

    reward:
      custom_reward_function:
        path: <site-packages>/execgym/rewards/verl.py
        name: compute_score
        reward_kwargs: {reward: execverify}   # optional: overrides the ground truth's reward
                                              # (also equality: python or strict)

and parquet rows whose ``reward_model`` is ``{"style": "rule", "ground_truth":
question_ground_truth(question)}``, or rows of a registered data source (their
``data_source`` and ground truth as that source's data builders write them).

A response whose input item the sandbox could not run (see
:class:`~execgym.rewards.SandboxUnavailable`): verl has no way to skip one sample, so by
default the error is raised (after the sandbox's own retry); pass ``sandbox_error_score``
(e.g. through ``reward_kwargs``) to give such a response that score instead, with
``sandbox_error`` = 1 in the logged info so it stays visible.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from execgym.rewards._data import ScoringData
from execgym.rewards._rewards import get_reward, score_metrics
from execgym.rewards._score import resolve_equality, score_question
from execgym.sandbox import Sandbox
from execgym.tasks import Question, SandboxUnavailable

__all__ = ["compute_score", "load_ground_truth", "question_ground_truth"]


def question_ground_truth(
    question: Question, reward: str = "execverify", equality: str | None = None
) -> str:
    """The JSON text of what scoring ``question`` needs, naming the reward to compute.

    Items with their references, style, entry function, the program (input prediction runs
    it), the reward name and, when given, the equality (``python`` or ``strict``; absent, the
    style's default applies); not the prompt. :func:`load_ground_truth` reads it back.
    """
    get_reward(reward)  # an unknown name fails here, not in the middle of training
    if equality is not None:
        resolve_equality(equality, question.style)
    return ScoringData.from_question(question, reward, equality).to_json()


def load_ground_truth(ground_truth: str | bytes | Mapping[str, Any]) -> ScoringData:
    """Read a ground truth written by :func:`question_ground_truth` (text or decoded)."""
    return ScoringData.from_json(ground_truth)


def compute_score(
    data_source: str | None,
    solution_str: str,
    ground_truth: str | bytes | Mapping[str, Any],
    extra_info: Mapping[str, Any] | None = None,
    *,
    reward: str | None = None,
    equality: str | None = None,
    sandbox: Sandbox | None = None,
    sandbox_error_score: float | None = None,
    **kwargs: Any,
) -> dict[str, float]:
    """Score one response for verl.

    Returns ``{"score", "output_correct", "whitebox_fraction", "accuracy", "parse_failures",
    "sandbox_error"}`` (floats; ``output_correct`` is 1.0/0.0). ``reward`` overrides the
    reward named in the ground truth, ``equality`` (``python`` or ``strict``) the way values
    are compared. ``extra_info`` and unknown keyword arguments are accepted and ignored.

    This scores execution questions only; :mod:`execgym.train.verl` scores every data
    source execgym has (code generation, FixAudit's roles, execution questions) through one
    ``compute_score``.
    """
    data = load_ground_truth(ground_truth)
    rule = get_reward(reward or data.reward)
    try:
        score = score_question(data, solution_str, sandbox=sandbox, equality=equality)
    except SandboxUnavailable:
        if sandbox_error_score is None:
            raise
        return score_metrics(sandbox_error_score, None)
    return score_metrics(rule(score), score)
