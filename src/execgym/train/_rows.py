"""The one record every export writes: a training row, and the error for rows that cannot be.

A :class:`TrainingRow` is what a trainer needs of one prompt: its ``data_source`` (which
reward source scores it), the ``prompt`` as chat messages, an ``ability`` tag, the
``ground_truth`` JSON text the source reads (``None`` for rows only fit for SFT), a
``reference`` response (the SFT target; ``None`` when there is none) and ``extra_info``
(``id``, ``split``, ``index`` and what else the row's input says: level, kind, style,
difficulty).

Generic training rows (JSONL, one object a line) are also an input format, for data other
packages build (FixAudit's role data, say)::

    {"data_source": "execgym/codegen", "prompt": [{"role": "user", "content": "..."}]
     or "text", "ground_truth": "...", "ability": "code", "response": "...",
     "extra_info": {...}, "id": "..."}

``data_source`` and ``prompt`` are required; ``ground_truth`` (or verl's
``reward_model.ground_truth``) for RL exports, ``response`` for SFT.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from execgym.llm import ChatMessage

__all__ = ["ExportError", "RowProblem", "TrainingRow", "chat_messages"]


class ExportError(ValueError):
    """An input that cannot be exported at all (unknown format, unreadable file)."""


@dataclass(frozen=True)
class RowProblem:
    """A row that cannot be exported: where it is (file and line, or the dataset and item),
    which field, and why."""

    where: str
    field: str
    reason: str

    def __str__(self) -> str:
        return f"{self.where}: field {self.field!r}: {self.reason}"


@dataclass(frozen=True)
class TrainingRow:
    """One prompt for a trainer (see the module docstring)."""

    id: str
    data_source: str
    prompt: list[ChatMessage]
    ability: str
    ground_truth: str | None = None
    reference: str | None = None
    extra_info: Mapping[str, Any] = field(default_factory=dict)
    where: str = ""
    """Where the row came from (file and line), for error messages."""


def chat_messages(value: Any, where: str, field_name: str) -> list[ChatMessage]:
    """Chat messages from a prompt given as text (one user message) or as messages.

    Raises ``ValueError`` naming the message index and key that is wrong.
    """
    if isinstance(value, str):
        if not value.strip():
            raise ValueError(f"{field_name}: is empty")
        return [{"role": "user", "content": value}]
    if not isinstance(value, list) or not value:
        raise ValueError(f"{field_name}: expected text or a non-empty list of messages")
    messages: list[ChatMessage] = []
    for index, message in enumerate(value):
        if not isinstance(message, Mapping):
            raise ValueError(f"{field_name}[{index}]: expected an object with role and content")
        role, content = message.get("role"), message.get("content")
        if role not in ("system", "user", "assistant"):
            raise ValueError(f"{field_name}[{index}].role: unknown role {role!r:.40}")
        if not isinstance(content, str):
            raise ValueError(f"{field_name}[{index}].content: expected text")
        messages.append({"role": role, "content": content})
    return messages
