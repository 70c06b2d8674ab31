"""The reward server: OpenRLHF's remote reward protocol over HTTP (FastAPI on uvicorn).

``POST /get_reward`` with ``{"query": [...], "prompts": [...], "labels": [...]}`` (the
``serve`` extra; ``query`` holds prompt + response, ``labels`` the ``ground_truth`` column of an
``execgym export trl`` or verl dataset) answers ``{"rewards": [...], "scores": [...],
"extra_logs": {...}}`` (see :mod:`execgym.train._label_scoring`). Point OpenRLHF's
``--remote_rm_url`` at ``http://HOST:PORT/get_reward``.

Limits and errors:

* a body over ``max_body_bytes`` is refused with 413 as soon as it passes the cap (it is
  read in chunks, never whole); more than ``max_items`` responses in one request: 413;
* a body that is not JSON, a missing or mistyped field, lists of different lengths, a label
  that names no data source or a ground truth its source cannot read: 400 with the reason
  (``{"error": "bad_request", "detail": "labels[3]: ..."}``);
* at most ``max_concurrency`` requests are scored at once (each on a thread of its own, so
  the server keeps answering); at most ``max_waiting`` more wait; beyond that: 503 with
  ``Retry-After``;
* a response the sandbox could not judge (after ``retries`` tries) is an infrastructure
  failure: 503 ``{"error": "infra", "detail": ...}`` by default, which OpenRLHF's client
  retries; with ``infra_error_score`` set, it gets that reward and is counted in
  ``extra_logs["execgym/infra_errors"]``.

``GET /health`` answers ``{"status": "ok", "sources": [...], "in_flight", "waiting",
"requests", "infra_errors", "sandbox_workers"}``. This module imports FastAPI (the ``serve``
extra).
"""

from __future__ import annotations

import asyncio
import json
import threading
from dataclasses import dataclass
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from execgym.registry import UnknownName
from execgym.rewards import DATA_SOURCES, GroundTruthError
from execgym.sandbox import Sandbox
from execgym.train._dispatch import InfraError, ScoringOptions
from execgym.train._label_scoring import score_labels
from execgym.train._labels import LabelError

__all__ = ["RewardServerSettings", "create_reward_app", "serve_rewards"]

REWARD_PATH = "/get_reward"
HEALTH_PATH = "/health"


@dataclass(frozen=True)
class RewardServerSettings:
    """What the server allows and how it scores (see the module docstring)."""

    host: str = "127.0.0.1"
    port: int = 5000
    workers: int = 4
    """Sandbox fork-servers (parallel program runs)."""
    max_concurrency: int = 8
    max_waiting: int = 256
    max_body_bytes: int = 64 * 1024 * 1024
    max_items: int = 4096
    retries: int = 1
    infra_error_score: float | None = None


class _Refused(Exception):
    def __init__(self, status: int, error: str, detail: str) -> None:
        super().__init__(detail)
        self.status = status
        self.error = error
        self.detail = detail


@dataclass
class _Counters:
    in_flight: int = 0
    waiting: int = 0
    requests: int = 0
    infra_errors: int = 0


def create_reward_app(settings: RewardServerSettings, sandbox: Sandbox | None = None) -> FastAPI:
    """The FastAPI application (``sandbox``: the one to run programs in; ``None``: the
    process-wide one)."""
    app = FastAPI(title="execgym rewards", docs_url=None, redoc_url=None, openapi_url=None)
    options = ScoringOptions(sandbox=sandbox, retries=settings.retries)
    counters = _Counters()
    lock = threading.Lock()
    gate = asyncio.Semaphore(settings.max_concurrency)

    def refused(exc: _Refused) -> JSONResponse:
        headers = {"Retry-After": "1"} if exc.status == 503 else None
        body = {"error": exc.error, "detail": exc.detail}
        return JSONResponse(body, status_code=exc.status, headers=headers)

    async def read_body(request: Request) -> bytes:
        declared = request.headers.get("content-length", "")
        if declared.isdigit() and int(declared) > settings.max_body_bytes:
            raise _Refused(413, "too_large", f"the body is over {settings.max_body_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > settings.max_body_bytes:
                raise _Refused(
                    413, "too_large", f"the body is over {settings.max_body_bytes} bytes"
                )
            chunks.append(chunk)
        return b"".join(chunks)

    def parse(body: bytes) -> tuple[list[str], list[str], list[Any]]:
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise _Refused(400, "bad_request", f"the body is not JSON: {exc}") from None
        if not isinstance(data, dict):
            raise _Refused(400, "bad_request", "the body must be a JSON object")
        fields = {}
        for name in ("query", "prompts", "labels"):
            value = data.get(name)
            if not isinstance(value, list):
                raise _Refused(400, "bad_request", f"field {name!r}: expected a list")
            fields[name] = value
        queries, prompts, labels = fields["query"], fields["prompts"], fields["labels"]
        if not (len(queries) == len(prompts) == len(labels)):
            raise _Refused(
                400,
                "bad_request",
                f"{len(queries)} queries, {len(prompts)} prompts and {len(labels)} labels differ",
            )
        if len(queries) > settings.max_items:
            raise _Refused(
                413, "too_large", f"{len(queries)} responses; at most {settings.max_items}"
            )
        for name, values in (("query", queries), ("prompts", prompts)):
            for index, value in enumerate(values):
                if not isinstance(value, str):
                    raise _Refused(400, "bad_request", f"{name}[{index}]: expected text")
        return queries, prompts, labels

    def score(queries: list[str], prompts: list[str], labels: list[Any]) -> dict[str, Any]:
        try:
            scored = score_labels(queries, prompts, labels, options, settings.infra_error_score)
        except (LabelError, GroundTruthError, UnknownName, ValueError) as exc:
            if isinstance(exc, InfraError):
                raise
            raise _Refused(400, "bad_request", str(exc)) from None
        failed = int(scored.extra_logs["execgym/infra_errors"])
        if failed:
            with lock:
                counters.infra_errors += failed
        return {"rewards": scored.rewards, "scores": scored.scores, "extra_logs": scored.extra_logs}

    @app.post(REWARD_PATH)
    async def get_reward(request: Request) -> JSONResponse:
        with lock:
            counters.requests += 1
        try:
            queries, prompts, labels = parse(await read_body(request))
            with lock:
                if counters.waiting >= settings.max_waiting:
                    raise _Refused(503, "busy", "too many requests waiting; retry later")
                counters.waiting += 1
            try:
                await gate.acquire()
            finally:
                with lock:
                    counters.waiting -= 1
            try:
                with lock:
                    counters.in_flight += 1
                result = await asyncio.to_thread(score, queries, prompts, labels)
            finally:
                with lock:
                    counters.in_flight -= 1
                gate.release()
        except _Refused as exc:
            return refused(exc)
        except InfraError as exc:
            with lock:
                counters.infra_errors += 1
            return refused(_Refused(503, "infra", str(exc)))
        return JSONResponse(result)

    @app.get(HEALTH_PATH)
    async def health() -> dict[str, Any]:
        with lock:
            snapshot = dict(vars(counters))
        workers = sandbox.workers if sandbox is not None else None
        return {
            "status": "ok",
            "sources": DATA_SOURCES.names(),
            **snapshot,
            "sandbox_workers": workers,
        }

    return app


def serve_rewards(settings: RewardServerSettings) -> None:
    """Run the server until interrupted, with a sandbox of ``settings.workers`` workers."""
    import uvicorn

    with Sandbox(workers=settings.workers) as sandbox:
        app = create_reward_app(settings, sandbox)
        uvicorn.run(app, host=settings.host, port=settings.port, log_level="warning")
