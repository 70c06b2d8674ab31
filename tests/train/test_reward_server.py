"""The reward server over real HTTP on the loopback interface."""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest

pytest.importorskip("fastapi", reason="needs the serve extra: pip install -e '.[serve]'")

import uvicorn

from execgym.sandbox import Sandbox
from execgym.train import TrainingRow
from execgym.train.server import RewardServerSettings, create_reward_app
from execgym.train.verl import compute_score


@contextmanager
def running(settings: RewardServerSettings, sandbox: Sandbox | None) -> Iterator[str]:
    """The server on a free loopback port, in a thread, for the block; yields its URL."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    config = uvicorn.Config(create_reward_app(settings, sandbox), log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert time.monotonic() < deadline, "the server did not start"
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()


def body(rows: list[TrainingRow], responses: list[str]) -> dict[str, Any]:
    prompts = [f"<prompt {row.id}>" for row in rows]
    return {
        "query": [p + r for p, r in zip(prompts, responses, strict=True)],
        "prompts": prompts,
        "labels": [row.ground_truth for row in rows],
    }


@pytest.fixture(scope="module")
def server(sandbox: Sandbox) -> Iterator[str]:
    settings = RewardServerSettings(max_body_bytes=200_000, max_items=64, max_concurrency=4)
    with running(settings, sandbox) as url:
        yield url


def test_scores_match_the_scorer_called_directly(
    server: str, question_rows: list[TrainingRow], apps_rows: list[TrainingRow]
) -> None:
    rows = [*question_rows, *apps_rows]
    responses = [row.reference or "" for row in rows]
    responses[0] = "nothing"
    answer = httpx.post(f"{server}/get_reward", json=body(rows, responses), timeout=60)
    assert answer.status_code == 200, answer.text
    result = answer.json()
    direct = [
        compute_score(r.data_source, text, r.ground_truth or "")
        for r, text in zip(rows, responses, strict=True)
    ]
    assert result["rewards"] == [d["score"] for d in direct]
    assert result["scores"] == [d["normalized_score"] for d in direct]
    assert result["rewards"][0] == 0.0 and result["extra_logs"]["execgym/infra_errors"] == 0.0
    health = httpx.get(f"{server}/health", timeout=10).json()
    assert health["status"] == "ok" and "execgym/codegen" in health["sources"]


@pytest.mark.parametrize(
    ("payload", "reason"),
    [
        (b"{not json", "not JSON"),
        (b"[1, 2]", "a JSON object"),
        (b'{"query": [], "prompts": []}', "field 'labels': expected a list"),
        (b'{"query": ["a"], "prompts": [], "labels": []}', "1 queries, 0 prompts"),
        (b'{"query": [1], "prompts": ["p"], "labels": ["{}"]}', "query[0]: expected text"),
        (b'{"query": ["pa"], "prompts": ["p"], "labels": ["x"]}', "labels[0]: label: not JSON"),
        (
            b'{"query": ["pa"], "prompts": ["p"], "labels": [{"data_source": "nope"}]}',
            "unknown data source 'nope'",
        ),
        (
            b'{"query": ["pa"], "prompts": ["p"], "labels": [{"id": 3}]}',
            "names no data source",
        ),
    ],
)
def test_malformed_requests_get_400_with_the_reason(
    server: str, payload: bytes, reason: str
) -> None:
    answer = httpx.post(f"{server}/get_reward", content=payload, timeout=30)
    assert answer.status_code == 400
    assert answer.json()["error"] == "bad_request" and reason in answer.json()["detail"]


def test_requests_over_the_caps_get_413(server: str, apps_rows: list[TrainingRow]) -> None:
    big = body(apps_rows[:1], ["x" * 300_000])
    answer = httpx.post(f"{server}/get_reward", json=big, timeout=30)
    assert answer.status_code == 413 and "200000 bytes" in answer.json()["detail"]

    def chunks() -> Iterator[bytes]:  # no Content-Length: the cap holds while reading
        yield b'{"query": ["'
        for _ in range(40):
            yield b"y" * 10_000
        yield b'"], "prompts": ["p"], "labels": ["x"]}'

    streamed = httpx.post(f"{server}/get_reward", content=chunks(), timeout=30)
    assert streamed.status_code == 413
    many = body(apps_rows[:1] * 65, ["x"] * 65)
    answer = httpx.post(f"{server}/get_reward", json=many, timeout=30)
    assert answer.status_code == 413 and "at most 64" in answer.json()["detail"]


def test_sandbox_failure_is_reported_as_such(
    broken_sandbox: Sandbox, apps_rows: list[TrainingRow]
) -> None:
    request = body(apps_rows[:2], [row.reference or "" for row in apps_rows[:2]])
    with running(RewardServerSettings(retries=0), broken_sandbox) as url:
        answer = httpx.post(f"{url}/get_reward", json=request, timeout=60)
        assert answer.status_code == 503 and answer.headers["retry-after"] == "1"
        assert answer.json()["error"] == "infra" and "sandbox" in answer.json()["detail"]
        assert httpx.get(f"{url}/health", timeout=10).json()["infra_errors"] == 1
    with running(RewardServerSettings(retries=0, infra_error_score=0.0), broken_sandbox) as url:
        scored = httpx.post(f"{url}/get_reward", json=request, timeout=60).json()
        assert scored["rewards"] == [0.0, 0.0]
        assert scored["extra_logs"]["execgym/infra_errors"] == 2.0


def test_64_concurrent_clients(
    server: str, question_rows: list[TrainingRow], apps_rows: list[TrainingRow]
) -> None:
    rows = [*question_rows, *apps_rows]
    expected = [compute_score(r.data_source, r.reference or "", r.ground_truth or "") for r in rows]

    async def client(index: int, http: httpx.AsyncClient) -> list[float]:
        row = rows[index % len(rows)]
        answer = await http.post(
            f"{server}/get_reward", json=body([row] * 2, [row.reference or ""] * 2)
        )
        assert answer.status_code == 200, answer.text
        return list(answer.json()["rewards"])

    async def all_clients() -> list[list[float]]:
        limits = httpx.Limits(max_connections=64)
        async with httpx.AsyncClient(timeout=120, limits=limits) as http:
            return await asyncio.gather(*(client(i, http) for i in range(64)))

    results = asyncio.run(all_clients())
    for index, rewards in enumerate(results):
        assert rewards == [expected[index % len(rows)]["score"]] * 2
    health = httpx.get(f"{server}/health", timeout=10).json()
    assert health["in_flight"] == 0 and health["waiting"] == 0
