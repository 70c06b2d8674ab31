"""Replaying recorded model responses, and recording them.

Replay file format (JSONL, UTF-8, one JSON object per line; blank lines are skipped)::

    {"key": "<sha256>", "model": "Qwen/Qwen2.5-7B-Instruct",
     "messages": [{"role": "user", "content": "What does f(3) return?"}],
     "completions": ["9", "9"], "finish_reasons": ["stop", "stop"],
     "params": {"temperature": 0.8, "top_p": 1.0, "max_tokens": 256, "stop": [],
                "seed": null, "extra": {}}}

``completions`` (a list of strings) is required, plus one way to name the prompt:
``messages``; or ``prompt`` (a string, short for one user message); or ``raw_prompt`` (a
string: the text of a raw completion, ``SamplingParams.raw_prompt``); or only ``key``, the
:func:`~execgym.llm._keys.prompt_key` of the messages (SHA-256 of the canonical JSON
``{"messages": [...]}``, or ``{"raw_prompt": TEXT}``). When the prompt is given the key is
computed from it and a ``key`` field is ignored. ``finish_reasons`` defaults to ``"stop"``;
``model`` and ``params`` are informational.

A request for ``n`` samples of a prompt gets the first ``n`` completions of the prompt's
record. Matching is on the messages alone, not on sampling parameters, except that a raw
completion only matches a ``raw_prompt`` record and a chat request never does. When a prompt has
several records, the one with the most completions is used (the last among equals), so a
file appended to by a run that later asked for more samples replays the larger set.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from execgym._jsonl import json_text
from execgym.llm._closing import aclose_model
from execgym.llm._errors import MissingRecording, ReplayFormatError
from execgym.llm._keys import message_list, prompt_key, prompt_preview, sampling_identity
from execgym.llm._protocol import (
    ChatMessage,
    ChatModel,
    Completion,
    SamplingParams,
    Usage,
    raw_prompt_text,
)


@dataclass(frozen=True)
class Recording:
    """The recorded completions of one prompt."""

    key: str
    completions: list[str]
    finish_reasons: list[str]
    model: str


def _str_list(value: object) -> list[str] | None:
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    return None


def _messages_of(row: Mapping[str, Any], where: str, line: int) -> list[ChatMessage] | None:
    if "messages" in row:
        messages = row["messages"]
        ok = isinstance(messages, list) and all(
            isinstance(m, dict) and isinstance(m.get("role"), str) and "content" in m
            for m in messages
        )
        if not ok or not messages:
            raise ReplayFormatError(where, line, "'messages' must be a non-empty list of messages")
        return list(messages)
    if "prompt" in row:
        if not isinstance(row["prompt"], str):
            raise ReplayFormatError(where, line, "'prompt' must be a string")
        return [{"role": "user", "content": row["prompt"]}]
    return None


def parse_recording(row: object, where: str, line: int) -> Recording:
    """One replay-file line, already decoded from JSON, as a :class:`Recording`."""
    if not isinstance(row, dict):
        raise ReplayFormatError(where, line, "a record must be a JSON object")
    completions = _str_list(row.get("completions"))
    if completions is None:
        raise ReplayFormatError(where, line, "'completions' must be a list of strings")
    messages = _messages_of(row, where, line)
    if "raw_prompt" in row:
        if not isinstance(row["raw_prompt"], str):
            raise ReplayFormatError(where, line, "'raw_prompt' must be a string")
        key = prompt_key([{"role": "user", "content": row["raw_prompt"]}], raw_prompt=True)
    elif messages is not None:
        key = prompt_key(messages)
    elif isinstance(row.get("key"), str) and row["key"]:
        key = row["key"]
    else:
        raise ReplayFormatError(
            where, line, "a record needs 'messages', 'prompt', 'raw_prompt' or 'key'"
        )
    reasons = _str_list(row.get("finish_reasons", ["stop"] * len(completions)))
    if reasons is None or len(reasons) != len(completions):
        raise ReplayFormatError(where, line, "'finish_reasons' must be strings, one per completion")
    model = row.get("model", "")
    return Recording(key, completions, reasons, model if isinstance(model, str) else "")


def read_recordings(path: Path | str) -> dict[str, Recording]:
    """The recordings of a replay file by prompt key (the largest record of each prompt)."""
    where = str(path)
    found: dict[str, Recording] = {}
    with open(path, encoding="utf-8") as handle:
        for number, text in enumerate(handle, start=1):
            if not text.strip():
                continue
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                raise ReplayFormatError(where, number, f"not valid JSON ({exc.msg})") from None
            recording = parse_recording(row, where, number)
            previous = found.get(recording.key)
            if previous is None or len(recording.completions) >= len(previous.completions):
                found[recording.key] = recording
    return found


def record(
    path: Path | str,
    messages: Sequence[ChatMessage],
    completions: Sequence[str],
    *,
    model: str = "",
    finish_reasons: Sequence[str] | None = None,
    params: SamplingParams | None = None,
) -> None:
    """Append one record (the format in this module's docs) to the replay file ``path``."""
    reasons = list(finish_reasons) if finish_reasons is not None else ["stop"] * len(completions)
    if len(reasons) != len(completions):
        raise ValueError("finish_reasons must have one entry per completion")
    raw = params is not None and params.raw_prompt
    row: dict[str, Any] = {"key": prompt_key(messages, raw_prompt=raw), "model": model}
    if raw:
        row["raw_prompt"] = raw_prompt_text(messages)
    else:
        row["messages"] = message_list(messages)
    row |= {"completions": list(completions), "finish_reasons": reasons}
    if params is not None:
        row["params"] = sampling_identity(params)
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    with open(target, "a", encoding="utf-8") as handle:
        handle.write(json_text(row) + "\n")


class ReplayChatModel:
    """A :class:`~execgym.llm.ChatModel` answering from a replay file, never from a model.

    A prompt with no record, or with fewer completions than asked, raises
    :class:`~execgym.llm.MissingRecording` naming the prompt (its first 200 characters).
    """

    def __init__(self, path: Path | str, *, model: str | None = None) -> None:
        self._path = str(path)
        self._recordings = read_recordings(path)
        first = next(iter(self._recordings.values()), None)
        self._name = model or (first.model if first is not None and first.model else "replay")

    @property
    def name(self) -> str:
        """The ``model`` given, else the first record's model, else ``"replay"``."""
        return self._name

    def __len__(self) -> int:
        return len(self._recordings)

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        found = self._recordings.get(prompt_key(messages, raw_prompt=params.raw_prompt))
        if found is None:
            raise MissingRecording(prompt_preview(messages), self._path)
        if len(found.completions) < params.n:
            raise MissingRecording(
                prompt_preview(messages),
                self._path,
                f"only {len(found.completions)} recorded completions, {params.n} asked,",
            )
        return Completion(
            texts=found.completions[: params.n],
            finish_reasons=found.finish_reasons[: params.n],
            usage=Usage(),
            model=found.model or self._name,
        )

    async def aclose(self) -> None:
        """Nothing to release."""


class RecordingChatModel:
    """Wraps a model and appends every completion it returns to a replay file.

    Records are written as each call returns, so a replay file of an interrupted run holds
    every finished call. Replaying it with :class:`ReplayChatModel` gives the same texts.
    """

    def __init__(self, inner: ChatModel, path: Path | str) -> None:
        self._inner = inner
        self._path = Path(path)
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def inner(self) -> ChatModel:
        return self._inner

    @property
    def endpoint(self) -> str:
        return str(getattr(self._inner, "endpoint", "") or "")

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        result = await self._inner.complete(messages, params)
        await asyncio.to_thread(self._append, messages, result, params)
        return result

    def _append(
        self, messages: Sequence[ChatMessage], result: Completion, params: SamplingParams
    ) -> None:
        with self._lock:
            record(
                self._path,
                messages,
                result.texts,
                model=result.model,
                finish_reasons=result.finish_reasons,
                params=params,
            )

    async def aclose(self) -> None:
        """Close the inner model."""
        await aclose_model(self._inner)
