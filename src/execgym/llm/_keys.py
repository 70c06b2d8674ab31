"""Stable hashes of requests: the cache key of one sample, the replay key of one prompt.

Both hash a canonical JSON text (sorted keys, no whitespace, UTF-8) with SHA-256, so a key
does not depend on dict order, on ``0`` versus ``0.0``, or on the Python version.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from typing import Any

from execgym.llm._protocol import ChatMessage, SamplingParams, raw_prompt_text

CACHE_KEY_VERSION = 1
"""Bumped whenever the cache key's definition changes, so old entries are never misread."""


def canonical_json(value: object) -> str:
    """``value`` as compact JSON with sorted keys; rejects NaN and infinities."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def message_list(messages: Sequence[ChatMessage]) -> list[dict[str, Any]]:
    """The messages as plain dicts (every key a message carries, in canonical order)."""
    return [dict(message) for message in messages]


def prompt_key(messages: Sequence[ChatMessage], raw_prompt: bool = False) -> str:
    """The replay key of a prompt: SHA-256 of the canonical JSON ``{"messages": [...]}``, or
    of ``{"raw_prompt": TEXT}`` for a raw completion (so the two never share a record)."""
    if raw_prompt:
        return _sha256(canonical_json({"raw_prompt": raw_prompt_text(messages)}))
    return _sha256(canonical_json({"messages": message_list(messages)}))


def sampling_identity(params: SamplingParams) -> dict[str, Any]:
    """Every sampling parameter that changes what a sample may be, except ``n``.

    ``n`` is left out on purpose: sample ``i`` of a request for 4 samples and sample ``i``
    of a request for 8 are the same cache entry. ``raw_prompt`` is there only when set, so
    the keys of chat requests are those they always were.
    """
    identity: dict[str, Any] = {
        "temperature": float(params.temperature),
        "top_p": float(params.top_p),
        "max_tokens": int(params.max_tokens),
        "stop": list(params.stop),
        "seed": params.seed,
        "extra": dict(params.extra),
    }
    if params.raw_prompt:
        identity["raw_prompt"] = True
    return identity


def sample_key(
    *,
    model: str,
    endpoint: str,
    messages: Sequence[ChatMessage],
    params: SamplingParams,
    index: int,
) -> str:
    """The cache key of sample ``index`` of a request.

    SHA-256 of the canonical JSON of ``{"v": CACHE_KEY_VERSION, "model", "endpoint",
    "messages", "params": sampling_identity(params), "index"}``.
    """
    return _sha256(
        canonical_json(
            {
                "v": CACHE_KEY_VERSION,
                "model": model,
                "endpoint": endpoint,
                "messages": message_list(messages),
                "params": sampling_identity(params),
                "index": index,
            }
        )
    )


def prompt_preview(messages: Sequence[ChatMessage]) -> str:
    """The text that names a prompt in errors: the last user message (else the last one)."""
    for message in reversed(messages):
        if message.get("role") == "user":
            return str(message.get("content", ""))
    return str(messages[-1].get("content", "")) if messages else ""
