"""A response cache on SQLite: one row per sample, so runs resume and ``n`` can grow.

The key of sample ``i`` is :func:`~execgym.llm._keys.sample_key` over (model name,
endpoint, messages, every sampling parameter but ``n``, ``i``). A request for ``n`` samples
reads ``n`` keys; only the missing samples go to the model, and each result is written as
soon as it arrives, so an interrupted run loses only the requests that were in flight.

How missing samples are asked for: without a ``seed``, the inner model is asked for just
the missing count; with a ``seed`` (or when nothing is cached) it is asked for all ``n`` and
sample ``i`` fills slot ``i``, so a seeded run gives the same samples whether or not part of
it was cached. A request served entirely from the cache has ``cached=True`` and zero usage.

Ask for several samples through ``params.n``, not by repeating a call with ``n=1``: repeated
identical calls share one key and get one answer.

The database uses WAL mode; every access runs in a worker thread under one lock, so many
coroutines (and other processes, through SQLite's own locking) may share a file.
"""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from execgym.llm._closing import aclose_model
from execgym.llm._errors import ModelError
from execgym.llm._keys import canonical_json, sample_key, sampling_identity
from execgym.llm._protocol import ChatMessage, ChatModel, Completion, SamplingParams, Usage
from execgym.llm._usage import CacheStats

_SCHEMA = """
CREATE TABLE IF NOT EXISTS samples (
    key TEXT PRIMARY KEY,
    model TEXT NOT NULL,
    text TEXT NOT NULL,
    finish_reason TEXT NOT NULL,
    request TEXT NOT NULL,
    created REAL NOT NULL
)
"""


@dataclass(frozen=True)
class CachedSample:
    """One stored sample: its text, why it ended, and the model that wrote it."""

    text: str
    finish_reason: str
    model: str


class ResponseCache:
    """The SQLite file behind :class:`CachedChatModel` (synchronous, thread-safe)."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._conn = sqlite3.connect(
            self.path, timeout=30.0, isolation_level=None, check_same_thread=False
        )
        with self._lock:
            self._conn.execute("PRAGMA journal_mode=WAL")
            self._conn.execute("PRAGMA synchronous=NORMAL")
            self._conn.execute(_SCHEMA)

    def get_many(self, keys: Sequence[str]) -> dict[str, CachedSample]:
        """The stored samples among ``keys``."""
        if not keys:
            return {}
        marks = ",".join("?" * len(keys))
        with self._lock:
            rows = self._conn.execute(
                f"SELECT key, text, finish_reason, model FROM samples WHERE key IN ({marks})",
                list(keys),
            ).fetchall()
        return {key: CachedSample(text, reason, model) for key, text, reason, model in rows}

    def put_many(self, rows: Sequence[tuple[str, CachedSample, str]]) -> None:
        """Store ``(key, sample, request description)`` rows; a key already stored is kept."""
        now = time.time()
        with self._lock:
            self._conn.execute("BEGIN IMMEDIATE")
            try:
                self._conn.executemany(
                    "INSERT OR IGNORE INTO samples "
                    "(key, model, text, finish_reason, request, created) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        (key, s.model, s.text, s.finish_reason, request, now)
                        for key, s, request in rows
                    ],
                )
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise
            self._conn.execute("COMMIT")

    def __len__(self) -> int:
        with self._lock:
            (count,) = self._conn.execute("SELECT COUNT(*) FROM samples").fetchone()
        return int(count)

    def close(self) -> None:
        with self._lock:
            self._conn.close()


class CachedChatModel:
    """Wraps any :class:`~execgym.llm.ChatModel` with a :class:`ResponseCache`.

    ``endpoint`` (part of every key) defaults to the inner model's ``endpoint`` attribute
    (an OpenAI backend's base URL), or ``""`` when it has none.
    """

    def __init__(
        self, inner: ChatModel, path: Path | str | ResponseCache, *, endpoint: str | None = None
    ) -> None:
        self._inner = inner
        self._cache = path if isinstance(path, ResponseCache) else ResponseCache(path)
        found = getattr(inner, "endpoint", "")
        self._endpoint = endpoint if endpoint is not None else str(found or "")
        self._hits = 0
        self._misses = 0

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def inner(self) -> ChatModel:
        """The wrapped model."""
        return self._inner

    @property
    def endpoint(self) -> str:
        return self._endpoint

    @property
    def cache(self) -> ResponseCache:
        return self._cache

    @property
    def stats(self) -> CacheStats:
        """Samples served from the cache and samples asked of the inner model."""
        return CacheStats(self._hits, self._misses)

    def _keys(self, messages: Sequence[ChatMessage], params: SamplingParams) -> list[str]:
        return [
            sample_key(
                model=self._inner.name,
                endpoint=self._endpoint,
                messages=messages,
                params=params,
                index=index,
            )
            for index in range(params.n)
        ]

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        """``params.n`` samples, from the cache where stored, else from the inner model."""
        if params.n < 1:
            raise ValueError(f"n must be at least 1, got {params.n}")
        keys = self._keys(messages, params)
        found = await asyncio.to_thread(self._cache.get_many, keys)
        missing = [index for index, key in enumerate(keys) if key not in found]
        self._hits += params.n - len(missing)
        if not missing:
            samples = [found[key] for key in keys]
            return Completion(
                texts=[s.text for s in samples],
                finish_reasons=[s.finish_reason for s in samples],
                usage=Usage(),
                model=samples[0].model,
                cached=True,
            )
        ask = params.n if params.seed is not None or len(missing) == params.n else len(missing)
        result = await self._inner.complete(messages, replace(params, n=ask))
        if len(result.texts) < ask or len(result.finish_reasons) < len(result.texts):
            raise ModelError(
                f"{self._inner.name} returned {len(result.texts)} completions, {ask} were asked"
            )
        slots = missing if ask < params.n else list(range(params.n))
        fresh = {
            index: CachedSample(result.texts[j], result.finish_reasons[j], result.model)
            for j, index in enumerate(slots)
        }
        request = canonical_json({"model": self._inner.name, **sampling_identity(params)})
        await asyncio.to_thread(
            self._cache.put_many, [(keys[index], fresh[index], request) for index in missing]
        )
        self._misses += len(missing)
        samples = [found[key] if key in found else fresh[index] for index, key in enumerate(keys)]
        return Completion(
            texts=[s.text for s in samples],
            finish_reasons=[s.finish_reason for s in samples],
            usage=result.usage,
            model=result.model,
            cached=False,
        )

    async def aclose(self) -> None:
        """Close the cache file and the inner model (when it has ``aclose``)."""
        self._cache.close()
        await aclose_model(self._inner)
