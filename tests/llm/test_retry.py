"""Backoff arithmetic, Retry-After parsing and reading servers' error bodies."""

from __future__ import annotations

import email.utils
import random
import time

import httpx
import pytest

from execgym.llm import RetryPolicy
from execgym.llm._openai import error_message
from execgym.llm._retry import is_retryable_status, retry_after_seconds


def test_retryable_statuses() -> None:
    assert is_retryable_status(429) and is_retryable_status(500) and is_retryable_status(599)
    assert not any(is_retryable_status(s) for s in (400, 401, 403, 404, 408, 409, 422))


def test_backoff_grows_with_jitter_and_respects_the_cap_and_retry_after() -> None:
    policy = RetryPolicy(backoff_base=1.0, backoff_max=5.0, retry_after_max=30.0)
    rng = random.Random(0)
    for retry, ceiling in [(1, 1.0), (2, 2.0), (3, 4.0), (4, 5.0), (9, 5.0)]:
        waits = [policy.delay(retry, None, rng) for _ in range(50)]
        assert all(ceiling / 2 <= w <= ceiling for w in waits)
    assert policy.delay(1, 7.0, rng) == 7.0
    assert policy.delay(1, 1000.0, rng) == 30.0
    with pytest.raises(ValueError):
        RetryPolicy(max_attempts=0)


def test_retry_after_header_forms() -> None:
    assert retry_after_seconds(httpx.Headers({"Retry-After": "3"})) == 3.0
    assert retry_after_seconds(httpx.Headers({"retry-after": "0.5"})) == 0.5
    assert retry_after_seconds(httpx.Headers({"retry-after-ms": "250", "retry-after": "9"})) == 0.25
    later = email.utils.formatdate(time.time() + 20, usegmt=True)
    assert 15 < (retry_after_seconds(httpx.Headers({"Retry-After": later})) or 0) <= 20
    assert retry_after_seconds(httpx.Headers({"Retry-After": "soon"})) is None
    assert retry_after_seconds(httpx.Headers()) is None


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ('{"error": {"message": "bad n", "type": "BadRequestError", "code": 400}}', "bad n"),
        ('{"object": "error", "message": "old vllm", "type": "x", "code": 400}', "old vllm"),
        ('{"detail": "fastapi says no"}', "fastapi says no"),
        ('{"detail": [{"loc": ["body", "n"], "msg": "bad"}]}', '[{"loc": ["body", "n"], "msg"'),
        ("upstream exploded", "upstream exploded"),
    ],
)
def test_error_message_reads_the_common_error_bodies(body: str, expected: str) -> None:
    assert expected in error_message(httpx.Response(400, text=body))
