"""One episode: the environment, the model, the budgets every method shares, and the record.

A method acts through :meth:`Episode.act` (one environment step) and asks the model through
:meth:`Episode.ask` (one model call); both count against :class:`Budgets`, and both end the
episode by raising :class:`EpisodeEnd` (``done``: the environment finished it; ``max_steps``;
``max_calls``). Every step and every call is recorded as it happens, so the record of an
episode that ended anywhere is complete.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from execgym.agent._environment import Environment, EpisodeStart
from execgym.agent._executor import ExecutorLimits
from execgym.llm import ChatMessage, ChatModel, SamplingParams
from execgym.sandbox import Sandbox


@dataclass(frozen=True)
class Budgets:
    """What one episode may spend; the same for every method.

    ``max_steps`` environment steps and ``max_calls`` model calls for every method;
    ReCode's own: ``max_depth`` (the deepest placeholder expanded; the root is depth 0),
    ``max_rewrites`` (replies asked again when one has no usable code block),
    ``max_retries`` (re-expansions of a function whose code failed, before the failure goes
    to its caller).
    """

    max_steps: int = 50
    max_calls: int = 50
    max_depth: int = 10
    max_rewrites: int = 3
    max_retries: int = 2

    def __post_init__(self) -> None:
        for name, value in asdict(self).items():
            if value < (0 if name in ("max_rewrites", "max_retries", "max_depth") else 1):
                raise ValueError(f"budget {name} must be at least 1, got {value}")


class EpisodeEnd(Exception):
    """The episode is over; ``reason`` says why (``done``, ``max_steps``, ``max_calls``, ...)."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Step:
    """One environment step."""

    action: str
    observation: str
    reward: float
    done: bool
    node: int | None = None
    """The ReCode node whose block took the action."""


@dataclass
class ModelCall:
    """One model call: the prompt, the reply, and whether it belongs in training data.

    ``kept`` is set by the method: the reply was usable and what it led to did not fail
    (see :mod:`execgym.agent._export`)."""

    node: int | None
    messages: list[ChatMessage]
    reply: str
    finish_reason: str
    cached: bool
    prompt_tokens: int
    completion_tokens: int
    kept: bool = False
    note: str = ""


@dataclass
class Episode:
    """What a method works with, and what it leaves behind."""

    index: int
    seed: int
    env: Environment
    start: EpisodeStart
    model: ChatModel
    params: SamplingParams
    budgets: Budgets
    sandbox: Sandbox | None = None
    executor: ExecutorLimits = field(default_factory=ExecutorLimits)
    steps: list[Step] = field(default_factory=list)
    calls: list[ModelCall] = field(default_factory=list)
    reward: float = 0.0
    success: bool = False
    end: str = ""
    end_detail: str = ""
    notes: list[str] = field(default_factory=list)
    """What went wrong along the way that the record should show (an interpreter stopped)."""
    started: float = field(default_factory=time.monotonic)

    async def ask(self, messages: Sequence[ChatMessage], node: int | None = None) -> ModelCall:
        """One model call (``EpisodeEnd("max_calls")`` when the budget is spent)."""
        if len(self.calls) >= self.budgets.max_calls:
            raise EpisodeEnd("max_calls", f"{self.budgets.max_calls} model calls")
        completion = await self.model.complete(messages, self.params)
        call = ModelCall(
            node=node,
            messages=list(messages),
            reply=completion.texts[0] if completion.texts else "",
            finish_reason=completion.finish_reasons[0] if completion.finish_reasons else "",
            cached=completion.cached,
            prompt_tokens=completion.usage.prompt_tokens,
            completion_tokens=completion.usage.completion_tokens,
        )
        self.calls.append(call)
        return call

    async def act(self, action: str, node: int | None = None) -> str:
        """One environment step; the observation (``EpisodeEnd`` when the episode is over).
        The step runs in a worker thread: a slow environment (a simulator behind an adapter)
        does not hold up the other episodes."""
        if len(self.steps) >= self.budgets.max_steps:
            raise EpisodeEnd("max_steps", f"{self.budgets.max_steps} environment steps")
        result = await asyncio.to_thread(self.env.step, action)
        self.steps.append(Step(action, result.observation, result.reward, result.done, node))
        self.reward = result.reward
        self.success = result.success
        if result.done:
            raise EpisodeEnd("done")
        return result.observation

    def finish(self, reason: str, detail: str = "") -> None:
        self.end, self.end_detail = reason, detail

    def record(self, env_name: str, method: str, tree: dict[str, Any] | None) -> dict[str, Any]:
        """The episode as one line of ``episodes.jsonl``."""
        return {
            "id": str(self.index),
            "index": self.index,
            "seed": self.seed,
            "env": env_name,
            "method": method,
            "task_type": self.start.task_type,
            "instruction": self.start.instruction,
            "observation": self.start.observation,
            "success": self.success,
            "reward": self.reward,
            "end": self.end,
            "end_detail": self.end_detail,
            "steps": len(self.steps),
            "calls": len(self.calls),
            "prompt_tokens": sum(call.prompt_tokens for call in self.calls),
            "completion_tokens": sum(call.completion_tokens for call in self.calls),
            "cached_calls": sum(call.cached for call in self.calls),
            "elapsed_s": round(time.monotonic() - self.started, 3),
            "notes": list(self.notes),
            "trajectory": [asdict(step) for step in self.steps],
            "model_calls": [asdict(call) for call in self.calls],
            "tree": tree,
        }
