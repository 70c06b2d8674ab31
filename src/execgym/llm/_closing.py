"""Releasing a model's resources without the protocol having to name a close method."""

from __future__ import annotations

from execgym.llm._protocol import ChatModel


async def aclose_model(model: ChatModel) -> None:
    """Await ``model.aclose()`` when the backend has one (HTTP clients, cache files)."""
    close = getattr(model, "aclose", None)
    if close is not None:
        await close()
