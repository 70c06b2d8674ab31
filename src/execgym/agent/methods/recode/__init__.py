"""ReCode: plan and act in one code representation, expanding placeholders recursively."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from execgym.agent._episode import Episode
from execgym.agent._method import METHODS
from execgym.agent.methods.recode._controller import ReCodeController
from execgym.agent.methods.recode._tree import Attempt, Definition, Node


@dataclass(frozen=True)
class ReCode:
    """The ReCode method (see :mod:`execgym.agent.methods.recode._controller`)."""

    name: str = "recode"
    uses_sandbox: bool = True

    async def play(self, episode: Episode) -> dict[str, Any] | None:
        return await ReCodeController(episode, episode.env.name).play()


METHODS.register(
    "recode",
    ReCode(),
    summary="recursive code generation: placeholders expanded until only actions remain",
)

__all__ = ["Attempt", "Definition", "Node", "ReCode", "ReCodeController"]
