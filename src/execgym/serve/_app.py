"""The sandbox service as an ASGI app (FastAPI): SandboxFusion's ``/run_code``, the native
``/v1`` endpoints, ``/health`` and ``/metrics``.

Every endpoint that runs code reads its body within the size cap, checks it, is admitted or
refused (429 with ``Retry-After``), and runs in a slot of the sandbox's workers. A failure of
the sandbox is ``SandboxError`` (``/run_code``) or a ``SANDBOX_ERROR`` verdict (``/v1``),
and a failure of the service around it answers 503: never a wrong answer.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from fastapi import FastAPI, Request
from starlette.responses import Response

from execgym.bench import BatchLine, BatchLineError, result_record
from execgym.sandbox import JudgeResult, RunResult
from execgym.serve._admission import Overloaded
from execgym.serve._fusion import FAILED, SANDBOX_ERROR, fusion_response, parse_run_code, refusal
from execgym.serve._http import (
    Refused,
    check_token,
    json_response,
    jsonl_response,
    read_body,
)
from execgym.serve._metrics import METRICS_CONTENT_TYPE
from execgym.serve._native import batch_lines, parse_judge, parse_run, parse_trace
from execgym.serve._requests import RequestError, decode_files
from execgym.serve._service import SandboxService
from execgym.serve._settings import ServiceSettings
from execgym.trace import Trace, trace_call, trace_script

Work = Callable[[bytes], Awaitable[Response]]


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    """The service's app; its sandbox starts with the app (lifespan) and closes after the
    requests in flight have been answered."""
    settings = settings or ServiceSettings()
    service = SandboxService(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        await service.start()
        try:
            yield
        finally:
            service.close()

    app = FastAPI(title="execgym sandbox service", lifespan=lifespan)
    app.state.service = service
    endpoints = _Endpoints(service)
    app.add_api_route("/run_code", endpoints.run_code, methods=["POST"])
    app.add_api_route("/v1/run", endpoints.run, methods=["POST"])
    app.add_api_route("/v1/judge", endpoints.judge, methods=["POST"])
    app.add_api_route("/v1/judge/batch", endpoints.judge_batch, methods=["POST"])
    app.add_api_route("/v1/trace", endpoints.trace, methods=["POST"])
    app.add_api_route("/health", endpoints.health, methods=["GET"])
    app.add_api_route("/metrics", endpoints.prometheus, methods=["GET"])
    return app


class _Endpoints:
    def __init__(self, service: SandboxService) -> None:
        self.service = service
        self.settings = service.settings
        self.metrics = service.metrics

    # ---- SandboxFusion ----------------------------------------------------------------
    async def run_code(self, request: Request) -> Response:
        pod = self.service.pod

        async def work(body: bytes) -> Response:
            run_code, limits, files = parse_run_code(
                body, self.settings.max_time_s, self.settings.memory_mb, self.settings.max_output_mb
            )
            self._admit()
            result = await self._run(
                "run_code",
                lambda: self.service.sandbox.run(
                    run_code.code,
                    run_code.stdin or "",
                    limits,
                    files=files,
                    fetch_files=run_code.fetch_files,
                ),
            )
            return json_response(fusion_response(result, pod))

        def refused(error: Refused) -> Response:
            status = SANDBOX_ERROR if error.status in (429, 503) else FAILED
            return json_response(refusal(status, error.detail, pod), error.status, error.headers)

        return await self._answer(request, "run_code", work, refused)

    # ---- native -----------------------------------------------------------------------
    async def run(self, request: Request) -> Response:
        async def work(body: bytes) -> Response:
            run = parse_run(body, self.settings.max_time_s, self.settings.max_output_mb)
            files = decode_files(run.files)
            self._admit()
            result = await self._run(
                "run",
                lambda: self.service.sandbox.run(
                    run.code, run.stdin, run.limits, files=files, fetch_files=run.fetch_files
                ),
            )
            return json_response(result)

        return await self._answer(request, "run", work)

    async def judge(self, request: Request) -> Response:
        async def work(body: bytes) -> Response:
            parsed = parse_judge(_text(body), 1, *self._caps())
            if isinstance(parsed, BatchLineError):
                raise RequestError(str(parsed))
            self._admit()
            result = await self._judge_line(parsed)
            return json_response(result_record(result, None, self.settings.max_output_chars))

        return await self._answer(request, "judge", work)

    async def judge_batch(self, request: Request) -> Response:
        async def work(body: bytes) -> Response:
            lines = batch_lines(body, self.settings.max_batch)
            parsed = [parse_judge(text, n, *self._caps()) for n, text in lines]
            self._admit()
            # A batch takes at most as many slots at once as there are workers, so that
            # single requests admitted meanwhile keep their turn.
            share = asyncio.Semaphore(self.service.admission.slots)
            max_chars = self.settings.max_output_chars

            async def record(item: BatchLine | BatchLineError) -> dict[str, Any]:
                if isinstance(item, BatchLineError):
                    return item.output_record()
                async with share:
                    result = await self._judge_line(item, "judge_batch")
                return result_record(result, item.line_number, max_chars)

            return jsonl_response(list(await asyncio.gather(*(record(p) for p in parsed))))

        return await self._answer(request, "judge_batch", work)

    async def trace(self, request: Request) -> Response:
        sandbox = self.service.sandbox

        async def work(body: bytes) -> Response:
            job = parse_trace(body, self.settings.max_time_s)
            self._admit()

            def traced() -> Trace:
                if job.entry is None:
                    return trace_script(sandbox, job.code, job.stdin, job.options)
                return trace_call(sandbox, job.code, job.entry, job.args_src, job.options)

            result = await self.service.in_slot("trace", traced)
            self.metrics.verdict("trace", result.verdict.value)
            return json_response(result)

        return await self._answer(request, "trace", work)

    async def health(self, request: Request) -> Response:
        admission = self.service.admission
        return json_response(
            {
                "status": "ok",
                "workers": admission.slots,
                "in_flight": admission.in_flight,
                "queued": admission.queued,
                "max_queue": admission.max_queue,
                "isolation_missing": self.service.isolation_missing,
            }
        )

    async def prometheus(self, request: Request) -> Response:
        try:
            check_token(request, self.settings.api_key)
        except Refused as error:
            self.metrics.rejected.labels(error.reason).inc()
            return json_response(_error_body(error), error.status, error.headers)
        return Response(self.metrics.exposition(), media_type=METRICS_CONTENT_TYPE)

    # ---- shared -----------------------------------------------------------------------
    def _caps(self) -> tuple[float, float]:
        return self.settings.max_time_s, self.settings.max_output_mb

    def _admit(self) -> None:
        try:
            self.service.admission.admit()
        except Overloaded as exc:
            retry = str(exc.retry_after_s)
            raise Refused(429, "overloaded", str(exc), {"Retry-After": retry}) from None

    async def _run(self, endpoint: str, call: Callable[[], RunResult]) -> RunResult:
        try:
            result = await self.service.in_slot(endpoint, call)
        except ValueError as exc:  # a file path the sandbox refused
            raise RequestError(str(exc)) from None
        self.metrics.verdict(endpoint, result.verdict.value)
        return result

    async def _judge_line(self, line: BatchLine, endpoint: str = "judge") -> JudgeResult:
        result = await self.service.in_slot(
            endpoint, lambda: self.service.sandbox.judge(line.request)
        )
        self.metrics.verdict(endpoint, result.verdict.value)
        return result

    async def _answer(
        self,
        request: Request,
        endpoint: str,
        work: Work,
        refused: Callable[[Refused], Response] | None = None,
    ) -> Response:
        started = time.perf_counter()
        try:
            check_token(request, self.settings.api_key)
            body = await read_body(request, self.settings.max_body_bytes)
            try:
                response = await work(body)
            except RequestError as exc:
                raise Refused.bad_request(exc) from None
        except Refused as turned_away:
            self.metrics.rejected.labels(turned_away.reason).inc()
            response = (refused or _refused_json)(turned_away)
        except Exception as exc:  # the service failed around the sandbox: never a verdict
            self.metrics.sandbox_errors.labels(endpoint).inc()
            failure = f"the service failed: {type(exc).__name__}: {exc}"
            response = (refused or _refused_json)(Refused(503, "sandbox_error", failure))
        self.metrics.requests.labels(endpoint, str(response.status_code)).inc()
        self.metrics.request_seconds.labels(endpoint).observe(time.perf_counter() - started)
        return response


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise RequestError(f"the body is not UTF-8 text ({exc})") from None


def _error_body(error: Refused) -> dict[str, str]:
    return {"error": error.reason, "detail": error.detail}


def _refused_json(error: Refused) -> Response:
    return json_response(_error_body(error), error.status, error.headers)
