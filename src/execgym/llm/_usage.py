"""Per-run accounting of what a backend spent: tokens, HTTP requests and retries."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RunUsage:
    """Totals since the backend was created.

    ``requests`` counts every HTTP request sent (each attempt, failed or not); ``retries``
    counts the attempts that repeated a failed one. Tokens are as the server reported them.
    """

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    retries: int = 0

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass
class UsageTally:
    """The mutable counter behind :class:`RunUsage` (updated on the event loop only)."""

    prompt_tokens: int = 0
    completion_tokens: int = 0
    requests: int = 0
    retries: int = 0

    def snapshot(self) -> RunUsage:
        return RunUsage(self.prompt_tokens, self.completion_tokens, self.requests, self.retries)


@dataclass(frozen=True)
class CacheStats:
    """Samples a response cache served (``hits``) and had to ask the model for (``misses``)."""

    hits: int = 0
    misses: int = 0
