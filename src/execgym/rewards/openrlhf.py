"""OpenRLHF entry point: ``reward_func(queries, prompts, labels)``.

OpenRLHF loads a custom reward function from a Python file given as the remote reward URL
(``--remote_rm_url /path/to/file.py``, ``--reward.remote_url`` in recent versions) and calls
its ``reward_func`` positionally with lists: ``queries`` (prompt + response, decoded with the
special tokens kept), ``prompts`` and ``labels`` (the dataset's ``--label_key`` column; here
the :func:`~execgym.rewards.question_ground_truth` JSON).

The current contract (``openrlhf/utils/agent.py``, ``SingleTurnAgentExecutor``, which calls
it on a thread one sample at a time and catches any exception, leaving that sample without a
reward) reads a dict: ``rewards`` (used for the advantage), ``scores`` (used by dynamic
filtering, typically in [0, 1]) and ``extra_logs`` (logged). That is what
:func:`reward_func` returns: tensors when torch is importable, else lists; ``scores`` is the
reward divided by the best the question allows (so in [0, 1]). Older releases called it
batched and expected just the reward tensor (``torch.as_tensor(...)``/``.to(device)`` in
``openrlhf/trainer/ppo_utils/experience_maker.py``): :func:`reward_tensor` is that form.

Point OpenRLHF at this very file (``.../execgym/rewards/openrlhf.py``): it imports only by
absolute names, so loading it by path works.

A response whose input item the sandbox could not run raises
:class:`~execgym.rewards.SandboxUnavailable`: OpenRLHF then logs it and gives that sample no
reward, rather than a wrong 0.

These score execution questions only; :mod:`execgym.train.openrlhf` scores every data
source execgym has.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

from execgym.rewards._data import GroundTruthError, ScoringData
from execgym.rewards._rewards import get_reward, score_batch
from execgym.rewards._score import QuestionScore
from execgym.sandbox import Sandbox
from execgym.tasks import SandboxUnavailable

__all__ = ["as_tensor", "response_text", "reward_func", "reward_tensor"]


def response_text(query: str, prompt: str) -> str:
    """The response part of ``query`` (``prompt`` followed by the response)."""
    if query.startswith(prompt):
        return query[len(prompt) :]
    tail = prompt[-200:]
    at = query.rfind(tail) if tail else -1
    if at >= 0:
        return query[at + len(tail) :]
    return query


def _score_all(
    queries: Sequence[str],
    prompts: Sequence[str],
    labels: Sequence[Any],
    reward: str | None,
    sandbox: Sandbox | None,
    equality: str | None = None,
) -> tuple[list[float], list[float], list[dict[str, float]]]:
    """Per row: the reward, the score (reward over the best value) and the numbers logged."""
    if not (len(queries) == len(prompts) == len(labels)):
        raise ValueError(
            f"{len(queries)} queries, {len(prompts)} prompts and {len(labels)} labels differ"
        )
    rewards = [0.0] * len(labels)
    scores = [0.0] * len(labels)
    logs: list[dict[str, float]] = [{} for _ in labels]
    pairs = []
    rows = []
    for row, (query, prompt, label) in enumerate(zip(queries, prompts, labels, strict=True)):
        try:
            data = ScoringData.from_json(label)
        except GroundTruthError as exc:
            raise GroundTruthError(f"label {row}: {exc}") from None
        pairs.append((data, response_text(query, prompt)))
        rows.append(row)
    scored = score_batch(pairs, sandbox=sandbox, equality=equality)
    for row, (data, _), outcome in zip(rows, pairs, scored, strict=True):
        if isinstance(outcome, SandboxUnavailable):
            raise outcome
        rule = get_reward(reward or data.reward)
        value = rule(outcome)
        best = rule.maximum(outcome)
        rewards[row] = value
        scores[row] = value / best if best > 0 else 0.0
        logs[row] = _question_logs(outcome)
    return rewards, scores, logs


def _question_logs(score: QuestionScore) -> dict[str, float]:
    return {
        "output_correct": 1.0 if score.output_correct else 0.0,
        "whitebox_fraction": score.whitebox_fraction or 0.0,
        "accuracy": score.accuracy,
        "parse_failures": float(score.parse_failures),
    }


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def as_tensor(values: list[float]) -> Any:
    """``values`` as a float32 torch tensor when torch is importable, else as they are."""
    try:
        torch = importlib.import_module("torch")
    except ImportError:
        return values
    return torch.tensor(values, dtype=torch.float32)


def reward_func(
    queries: Sequence[str],
    prompts: Sequence[str],
    labels: Sequence[Any],
    *,
    reward: str | None = None,
    sandbox: Sandbox | None = None,
    equality: str | None = None,
    **kwargs: Any,
) -> dict[str, Any]:
    """``{"rewards", "scores", "extra_logs"}`` for a batch (see the module docstring).

    ``extra_logs`` holds batch means of ``output_correct``, ``whitebox_fraction``,
    ``accuracy`` and ``parse_failures`` as floats (for the rows of a registered data source,
    such as FixAudit's, the means of that source's info keys instead; a label naming its
    data source is scored by that source's reward). ``equality`` (``python`` or ``strict``)
    overrides the labels' way of comparing values.
    """
    rewards, scores, logs = _score_all(queries, prompts, labels, reward, sandbox, equality)
    keys = list(dict.fromkeys(key for row in logs for key in row))
    extra_logs = {key: _mean([row[key] for row in logs if key in row]) for key in keys}
    return {"rewards": as_tensor(rewards), "scores": as_tensor(scores), "extra_logs": extra_logs}


def reward_tensor(
    queries: Sequence[str],
    prompts: Sequence[str],
    labels: Sequence[Any],
    *,
    reward: str | None = None,
    sandbox: Sandbox | None = None,
    equality: str | None = None,
    **kwargs: Any,
) -> Any:
    """The older OpenRLHF contract: just the rewards (a tensor when torch is importable)."""
    rewards, _, _ = _score_all(queries, prompts, labels, reward, sandbox, equality)
    return as_tensor(rewards)
