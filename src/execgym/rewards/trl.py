"""TRL entry point: reward functions for ``GRPOTrainer``.

``GRPOTrainer`` calls each custom reward function as ``f(prompts=..., completions=...,
completion_ids=..., **columns)``, where ``columns`` are all the dataset's columns other than
``prompt`` (one value per completion; recent versions add ``trainer_state`` and others), and
turns a ``None`` in the returned list into NaN: "not applicable to this sample"
(``trl/trainer/grpo_trainer.py``, ``_calculate_rewards``). Completions are strings for a
standard dataset and lists of ``{"role": "assistant", "content": ...}`` messages for a
conversational one. The function's ``__name__`` names the reward in TRL's logs.

Usage::

    from execgym.rewards.trl import execution_reward
    trainer = GRPOTrainer(model=..., reward_funcs=[execution_reward], train_dataset=dataset)

with a ``ground_truth`` column holding :func:`~execgym.rewards.question_ground_truth` (or a
verl-style ``reward_model`` column ``{"ground_truth": ...}``). :func:`make_reward_function`
builds one for a fixed reward name, another column or an injected sandbox. These score
execution questions only; :mod:`execgym.train.trl` scores every data source execgym has.

A completion whose input item the sandbox could not run gets ``None`` (skipped, not 0).
A malformed ground truth raises :class:`~execgym.rewards.GroundTruthError` naming the row.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from execgym.rewards._data import GroundTruthError, ScoringData
from execgym.rewards._rewards import get_reward, score_batch
from execgym.rewards._score import resolve_equality
from execgym.sandbox import Sandbox
from execgym.tasks import SandboxUnavailable

__all__ = ["completion_text", "execution_reward", "make_reward_function"]

RewardFunction = Callable[..., list[float | None]]


def completion_text(completion: Any) -> str:
    """The text of one completion: a string, a message, or a list of messages.

    For messages, the contents of the assistant messages (all messages when none has a
    role) are joined by newlines; a content given as parts keeps its text parts.
    """
    if isinstance(completion, str):
        return completion
    if isinstance(completion, Mapping):
        return _content_text(completion.get("content"))
    if isinstance(completion, Sequence):
        messages = [m for m in completion if isinstance(m, Mapping)]
        chosen = [m for m in messages if m.get("role") == "assistant"] or [
            m for m in messages if "role" not in m
        ]
        return "\n".join(_content_text(m.get("content")) for m in chosen)
    return ""


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, Sequence):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, Mapping) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "".join(parts)
    return ""


def _ground_truths(columns: Mapping[str, Any], column: str, n: int) -> list[Any]:
    if column in columns:
        values = list(columns[column])
    elif "reward_model" in columns:
        values = []
        for row, model in enumerate(columns["reward_model"]):
            if not isinstance(model, Mapping) or "ground_truth" not in model:
                raise GroundTruthError(f"row {row}: reward_model has no 'ground_truth'")
            values.append(model["ground_truth"])
    else:
        available = ", ".join(sorted(columns)) or "none"
        raise GroundTruthError(
            f"no {column!r} column in the batch (columns: {available}); "
            "add question_ground_truth(question) as a dataset column"
        )
    if len(values) != n:
        raise GroundTruthError(f"{len(values)} ground truths for {n} completions")
    return values


def make_reward_function(
    reward: str | None = None,
    *,
    column: str = "ground_truth",
    sandbox: Sandbox | None = None,
    name: str | None = None,
    equality: str | None = None,
) -> RewardFunction:
    """A TRL reward function; ``reward`` fixes the reward (else the ground truth names it),
    ``equality`` (``python`` or ``strict``) the way values are compared (else the ground
    truth's, else the style's)."""
    if reward is not None:
        get_reward(reward)
    if equality is not None:
        resolve_equality(equality, "")

    def reward_function(
        prompts: Sequence[Any] | None = None,
        completions: Sequence[Any] | None = None,
        completion_ids: Sequence[Any] | None = None,
        **columns: Any,
    ) -> list[float | None]:
        texts = [completion_text(c) for c in completions or []]
        truths = _ground_truths(columns, column, len(texts))
        values: list[float | None] = [None] * len(texts)
        pairs = []
        rows = []
        for row, truth in enumerate(truths):
            try:
                pairs.append((ScoringData.from_json(truth), texts[row]))
            except GroundTruthError as exc:
                raise GroundTruthError(f"row {row}: {exc}") from None
            rows.append(row)
        scored = score_batch(pairs, sandbox=sandbox, equality=equality)
        for row, (data, _), outcome in zip(rows, pairs, scored, strict=True):
            if not isinstance(outcome, SandboxUnavailable):
                values[row] = get_reward(reward or data.reward)(outcome)
        return values

    reward_function.__name__ = name or (f"execgym_{reward}" if reward else "execution_reward")
    reward_function.__qualname__ = reward_function.__name__
    return reward_function


execution_reward: RewardFunction = make_reward_function(name="execution_reward")
"""The reward named in each row's ground truth (``execverify`` unless it says otherwise)."""
