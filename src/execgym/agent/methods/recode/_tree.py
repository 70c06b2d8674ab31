"""ReCode's expansion tree: one node per placeholder call, each with its runs of code."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from execgym.agent._analysis import BlockAnalysis, signature

OUTCOMES_KEPT = ("completed", "interrupted")
"""Run outcomes that leave the code that ran fit for training data: it completed, or the
episode ended (the task done, a budget spent) while it ran."""


@dataclass
class Attempt:
    """One run of a node's code.

    ``source`` is the model call whose reply holds the code; ``reused`` says the code was
    an earlier call's expansion of the same placeholder. ``outcome``: ``running``,
    ``completed``, ``error`` (it raised, or was stopped), ``interrupted`` (the episode
    ended while it ran) or ``aborted`` (its interpreter was lost while it ran).
    """

    source: int
    code: str
    thought: str
    reused: bool
    outcome: str = "running"
    error: str = ""
    stdout: str = ""
    steps: list[int] = field(default_factory=list)
    outputs: dict[str, dict[str, str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Definition:
    """A placeholder's body as first expanded during a run of its caller; later calls of
    the same name in that run execute it again with their own arguments."""

    analysis: BlockAnalysis
    source: int
    thought: str
    params: tuple[str, ...]
    outputs: tuple[str, ...]


@dataclass
class Node:
    """A function of the plan: the root ``solve(instruction, observation)`` or a placeholder
    call, with its named inputs (described values), the names it returns, and its runs."""

    id: int
    parent: int | None
    depth: int
    name: str
    params: tuple[str, ...]
    keywords: tuple[str, ...]
    outputs: tuple[str, ...]
    inputs: dict[str, dict[str, str]]
    call: str
    """The call as the caller's code wrote it."""
    status: str = "running"
    failure: str = ""
    retries: int = 0
    attempts: list[Attempt] = field(default_factory=list)
    rejected: list[dict[str, Any]] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    definitions: dict[str, Definition] = field(default_factory=dict)
    analysis: BlockAnalysis | None = None

    @property
    def signature(self) -> str:
        return signature(self.name, self.params + self.keywords, self.outputs)

    @property
    def scope(self) -> frozenset[str]:
        return frozenset(self.params + self.keywords)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "parent": self.parent,
            "depth": self.depth,
            "name": self.name,
            "signature": self.signature,
            "call": self.call,
            "inputs": self.inputs,
            "outputs": list(self.outputs),
            "status": self.status,
            "failure": self.failure,
            "retries": self.retries,
            "children": self.children,
            "attempts": [asdict(attempt) for attempt in self.attempts],
            "rejected": self.rejected,
        }
