"""The agent methods: one protocol, one registry (``recode``, ``react``, ``codeact``)."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from execgym.agent._episode import Episode
from execgym.registry import Registry


@runtime_checkable
class AgentMethod(Protocol):
    """A way of acting: it plays one episode through :class:`Episode` (which counts every
    step and model call against the shared budgets), sets why the episode ended
    (:meth:`Episode.finish`) and returns what its record should hold beyond the steps and
    calls (ReCode's expansion tree), or ``None``."""

    @property
    def name(self) -> str: ...

    @property
    def uses_sandbox(self) -> bool:
        """Whether it runs model code (then :attr:`Episode.sandbox` is set)."""
        ...

    async def play(self, episode: Episode) -> dict[str, Any] | None: ...


METHODS: Registry[AgentMethod] = Registry(
    "agent method",
    builtins=(
        "execgym.agent.methods.recode",
        "execgym.agent.methods.react",
        "execgym.agent.methods.codeact",
    ),
)
"""Every agent method by name (entry-point group ``execgym.agent_methods`` for plugins)."""
