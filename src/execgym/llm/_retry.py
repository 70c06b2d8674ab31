"""When to retry a model request and how long to wait: exponential backoff with jitter,
never shorter than the server's ``Retry-After``.
"""

from __future__ import annotations

import email.utils
import random
import time
from collections.abc import Mapping
from dataclasses import dataclass


def is_retryable_status(status: int) -> bool:
    """429 (rate limited) and every 5xx are worth retrying; no other status is."""
    return status == 429 or 500 <= status <= 599


@dataclass(frozen=True)
class RetryPolicy:
    """How many attempts a request gets and how the waits between them grow.

    Before retry ``k`` (``k = 1`` after the first failure) the wait is drawn uniformly from
    ``[c / 2, c]`` where ``c = min(backoff_max, backoff_base * 2 ** (k - 1))``; a
    ``Retry-After`` from the server (capped at ``retry_after_max``) raises it to at least
    that many seconds.
    """

    max_attempts: int = 6
    backoff_base: float = 1.0
    backoff_max: float = 60.0
    retry_after_max: float = 300.0

    def __post_init__(self) -> None:
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")
        if self.backoff_base < 0 or self.backoff_max < 0 or self.retry_after_max < 0:
            raise ValueError("backoff_base, backoff_max and retry_after_max must be >= 0")

    def delay(self, retry: int, retry_after: float | None, rng: random.Random) -> float:
        """Seconds to wait before retry number ``retry`` (1-based)."""
        ceiling = min(self.backoff_max, self.backoff_base * 2.0 ** (retry - 1))
        wait = ceiling * (0.5 + 0.5 * rng.random())
        if retry_after is not None:
            wait = max(wait, min(retry_after, self.retry_after_max))
        return wait


def retry_after_seconds(headers: Mapping[str, str]) -> float | None:
    """The server's requested wait, from ``retry-after-ms`` or ``Retry-After``.

    ``Retry-After`` may be a number of seconds or an HTTP date; an unreadable or missing
    header gives ``None``.
    """
    millis = headers.get("retry-after-ms")
    if millis is not None:
        try:
            return max(0.0, float(millis) / 1000.0)
        except ValueError:
            pass
    value = headers.get("retry-after")
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    parsed = email.utils.parsedate_tz(value)
    if parsed is None:
        return None
    return max(0.0, float(email.utils.mktime_tz(parsed)) - time.time())
