"""The one interface every model-facing part of execgym talks to.

A :class:`ChatModel` takes chat messages and sampling parameters and returns ``n``
completions with token usage. Backends (OpenAI-compatible HTTP for vLLM, SGLang, Ollama,
llama.cpp and hosted APIs; replay of recorded responses; optional in-process vLLM and
transformers) all implement it; callers never know which one they hold.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol, TypedDict, runtime_checkable


class ChatMessage(TypedDict):
    """One chat message, as OpenAI-compatible servers take it."""

    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True)
class SamplingParams:
    """How to sample: ``n`` completions per request, and the usual decoding knobs.

    ``extra`` is passed through to the server untouched (server-specific parameters such as
    vLLM's ``top_k`` or ``repetition_penalty``).

    ``raw_prompt`` asks for a raw completion instead of a chat completion: the text of the
    one user message is the whole prompt, sent without a chat template or system message
    (an OpenAI-compatible server's ``/v1/completions``), as benchmarks evaluate base models.
    """

    n: int = 1
    temperature: float = 0.0
    top_p: float = 1.0
    max_tokens: int = 1024
    stop: tuple[str, ...] = ()
    seed: int | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)
    raw_prompt: bool = False


def raw_prompt_text(messages: Sequence[ChatMessage]) -> str:
    """The prompt of a raw completion: the content of its one user message.

    Anything else (a system message, several turns) is a ValueError, since a raw completion
    has no chat template to carry it.
    """
    roles = [message.get("role") for message in messages]
    if roles != ["user"]:
        raise ValueError(
            f"a raw completion takes exactly one user message (the prompt), got roles {roles}"
        )
    return str(messages[0]["content"])


@dataclass(frozen=True)
class Usage:
    """Tokens a call consumed, as the backend reported them."""

    prompt_tokens: int = 0
    completion_tokens: int = 0


@dataclass(frozen=True)
class Completion:
    """The ``n`` completions of one request, in order, with why each ended."""

    texts: list[str]
    finish_reasons: list[str]
    usage: Usage
    model: str
    cached: bool = False
    """True when served from the response cache without calling the model."""


@runtime_checkable
class ChatModel(Protocol):
    """A chat model: messages in, ``params.n`` completions out."""

    @property
    def name(self) -> str:
        """The model's name as the backend knows it (part of every cache key)."""
        ...

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        """Sample ``params.n`` completions of ``messages``."""
        ...
