"""The public sandbox: a pool of fork-servers with a sync and an async API."""

from __future__ import annotations

import asyncio
import queue
import socket
import threading
import weakref
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, TypeVar

from execgym.sandbox._checkers import get_checker
from execgym.sandbox._compare import apply_checker, overall_verdict
from execgym.sandbox._forkserver import ForkServerProcess, SandboxConfig, default_workers
from execgym.sandbox._models import (
    CallTest,
    JudgeResult,
    Limits,
    RunResult,
    StdioTest,
    TestResult,
    Verdict,
)
from execgym.sandbox._outcome import test_outcomes
from execgym.sandbox._work_files import encode_files, work_path

Test = StdioTest | CallTest
_T = TypeVar("_T")


@dataclass(frozen=True)
class Interaction:
    """A program running in the sandbox that the caller talks to while it runs.

    The program's standard input (file descriptor 0) is a connected stream socket whose
    other end is :attr:`socket`: what the caller sends there the program reads, and what the
    program writes to descriptor 0 the caller receives (its standard output and error are
    captured as in any run). Closing :attr:`socket` ends the run: a program still running
    is stopped within 0.1 s (its process tree is checked that often). :attr:`result` is the
    :class:`RunResult` once the run is over (a run stopped by the caller says so in its
    ``detail``). The run holds one worker of the pool until it ends, and its limits apply to
    the whole run.
    """

    socket: socket.socket
    result: Future[RunResult]


@dataclass(frozen=True)
class JudgeRequest:
    """One program and its tests, as ``execgym judge`` reads them."""

    code: str
    tests: Sequence[Test]
    id: str | None = None
    checker: str = "tokens"
    limits: Limits = field(default_factory=Limits)
    isolate_tests: bool = False
    preamble: bool = True


class Sandbox:
    """Runs untrusted Python in isolated children of warm fork-servers.

    ``workers`` fork-servers run side by side (default: one per available core). Every call
    blocks only its caller; calls from several threads, or through the ``a*`` coroutines,
    run in parallel up to ``workers``. Use as a context manager, or call :meth:`close`.
    """

    def __init__(self, workers: int | None = None, config: SandboxConfig | None = None) -> None:
        if workers is not None and workers < 1:
            raise ValueError(f"workers must be at least 1 (None: one per core), got {workers}")
        self.workers = workers if workers is not None else default_workers()
        self.config = config or SandboxConfig()
        self._servers = [ForkServerProcess(self.config) for _ in range(self.workers)]
        self._idle: queue.SimpleQueue[ForkServerProcess] = queue.SimpleQueue()
        for server in self._servers:
            self._idle.put(server)
        self._executor: ThreadPoolExecutor | None = None
        self._executor_lock = threading.Lock()
        # Fork-servers are closed even when a caller forgets close().
        self._finalizer = weakref.finalize(self, _close_servers, self._servers)

    # ---- lifecycle ------------------------------------------------------------------
    def start(self) -> list[dict[str, Any]]:
        """Start every fork-server now (otherwise each starts on first use)."""
        return list(self._pool().map(lambda server: server.start(), self._servers))

    def isolation_report(self) -> list[dict[str, Any]]:
        """What isolation the first fork-server entered: name, active, detail."""
        features: list[dict[str, Any]] = self._ready().get("features", [])
        return features

    def visible_paths(self) -> list[str]:
        """Every path a child sees in its minimal root (empty when there is none)."""
        visible: list[str] = self._ready().get("visible", [])
        return visible

    def _ready(self) -> dict[str, Any]:
        server = self._servers[0]
        if not server.ready:
            server.start()
        return server.ready

    def close(self) -> None:
        if self._executor is not None:
            self._executor.shutdown(wait=True)
        self._finalizer()

    def __enter__(self) -> Sandbox:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ---- running --------------------------------------------------------------------
    def execute(
        self,
        code: str,
        tests: Sequence[Test],
        limits: Limits | None = None,
        *,
        isolate_tests: bool = False,
        preamble: bool = True,
    ) -> list[TestResult]:
        """Run ``tests`` against ``code``; verdicts need no expected output (no comparison).

        All tests share one child unless ``isolate_tests``; if the child dies on a test, the
        tests after it run in a fresh child, so every test gets its own verdict.
        """
        limits = limits or Limits()
        results: list[TestResult | None] = [None] * len(tests)
        pending = list(range(len(tests)))
        while pending:
            batch = pending[:1] if isolate_tests else pending
            outcomes, _ = self._execute_batch(code, [tests[i] for i in batch], limits, preamble)
            progressed = False
            for index, outcome in zip(batch, outcomes, strict=True):
                if outcome is not None:
                    results[index] = outcome
                    progressed = True
            pending = [i for i in pending if results[i] is None]
            if not progressed and pending:
                failure = TestResult(
                    verdict=Verdict.RUNTIME_ERROR,
                    detail="the process ended before this test could start",
                )
                for index in pending:
                    results[index] = failure.model_copy()
                pending = []
        return [r for r in results if r is not None]

    def _execute_batch(
        self,
        code: str,
        tests: list[Test],
        limits: Limits,
        preamble: bool,
        work_files: Mapping[str, Any] | None = None,
        session: socket.socket | None = None,
    ) -> tuple[list[TestResult | None], dict[str, Any]]:
        """One request to a fork-server: the tests' outcomes and the raw response.
        ``work_files`` adds the request's ``files`` and ``fetch_files``; ``session`` makes it
        an interactive run (:meth:`interact`)."""
        request: dict[str, Any] = {
            "code": code,
            "tests": [t.model_dump(include=_CHILD_FIELDS[t.kind]) for t in tests],
            "time_s": limits.time_s,
            "wall_s": limits.wall_limit_s,
            "memory_mb": limits.memory_mb,
            "output_bytes": int(limits.output_mb * (1 << 20)),
            "file_bytes": int(limits.file_mb * (1 << 20)),
            "processes": limits.processes,
            "open_files": limits.open_files,
            "stack_mb": limits.stack_mb,
            "preamble": preamble,
            "interactive": session is not None,
            **(work_files or {}),
        }
        server = self._idle.get()
        try:
            response = server.execute(request, session)
        finally:
            self._idle.put(server)
        outcomes, _ = test_outcomes(response, [t.kind for t in tests], limits.time_s)
        return outcomes, response

    def run(
        self,
        code: str,
        stdin: str = "",
        limits: Limits | None = None,
        *,
        files: Mapping[str, bytes] | None = None,
        fetch_files: Sequence[str] = (),
    ) -> RunResult:
        """Run ``code`` as a script once with ``stdin``: ``execgym run``.

        ``files`` (path relative to the working directory → content) are there when the
        program starts; the ``fetch_files`` the program left (regular files, each within
        ``limits.output_mb``) come back in :attr:`RunResult.files`, a missing one left out.
        A path that is absolute or leaves the working directory is a ``ValueError``.
        """
        limits = limits or Limits()
        work_files: dict[str, Any] = {}
        if files:
            work_files["files"] = encode_files(files)
        if fetch_files:
            work_files["fetch_files"] = [work_path(name) for name in fetch_files]
        outcomes, response = self._execute_batch(
            code, [StdioTest(input=stdin)], limits, False, work_files
        )
        notes = response.get("fetch_notes")
        note = "not fetched: " + "; ".join(notes) if notes else ""
        return _run_result(_ran(outcomes[0]), note, dict(response.get("fetched") or {}))

    def interact(self, code: str, limits: Limits | None = None) -> Interaction:
        """Start ``code`` as a script whose standard input is a socket to the caller (see
        :class:`Interaction`); returns at once, the run going on in the pool."""
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            result = self._pool().submit(self._interactive_run, code, limits or Limits(), theirs)
        except BaseException:
            ours.close()
            theirs.close()
            raise
        return Interaction(ours, result)

    def _interactive_run(self, code: str, limits: Limits, session: socket.socket) -> RunResult:
        outcomes, _ = self._execute_batch(code, [StdioTest()], limits, False, None, session)
        return _run_result(_ran(outcomes[0]))

    def judge(self, request: JudgeRequest) -> JudgeResult:
        """Run and compare: per-test verdicts including ``WRONG_ANSWER``."""
        checker = get_checker(request.checker)
        raw = self.execute(
            request.code,
            request.tests,
            request.limits,
            isolate_tests=request.isolate_tests,
            preamble=request.preamble,
        )
        results = [apply_checker(t, r, checker) for t, r in zip(request.tests, raw, strict=True)]
        passed = sum(r.verdict is Verdict.OK for r in results)
        return JudgeResult(
            id=request.id,
            verdict=overall_verdict(results),
            passed=passed,
            total=len(results),
            tests=results,
        )

    def judge_many(
        self,
        requests: Iterable[JudgeRequest],
        on_result: Callable[[JudgeResult], None] | None = None,
    ) -> Iterator[JudgeResult]:
        """Judge many programs on every worker; yields results in completion order."""
        pool = self._pool()
        futures: set[Future[JudgeResult]] = set()
        done_queue: queue.SimpleQueue[Future[JudgeResult]] = queue.SimpleQueue()
        in_flight_cap = self.workers * 2
        iterator = iter(requests)
        exhausted = False
        while True:
            while not exhausted and len(futures) < in_flight_cap:
                try:
                    request = next(iterator)
                except StopIteration:
                    exhausted = True
                    break
                future = pool.submit(self.judge, request)
                future.add_done_callback(done_queue.put)
                futures.add(future)
            if not futures:
                return
            finished = done_queue.get()
            futures.discard(finished)
            result = finished.result()
            if on_result is not None:
                on_result(result)
            yield result

    # ---- async ----------------------------------------------------------------------
    async def arun(
        self,
        code: str,
        stdin: str = "",
        limits: Limits | None = None,
        *,
        files: Mapping[str, bytes] | None = None,
        fetch_files: Sequence[str] = (),
    ) -> RunResult:
        return await self._in_thread(
            lambda: self.run(code, stdin, limits, files=files, fetch_files=fetch_files)
        )

    async def aexecute(
        self, code: str, tests: Sequence[Test], limits: Limits | None = None, **kw: Any
    ) -> list[TestResult]:
        return await self._in_thread(lambda: self.execute(code, tests, limits, **kw))

    async def ajudge(self, request: JudgeRequest) -> JudgeResult:
        return await self._in_thread(self.judge, request)

    async def _in_thread(self, func: Callable[..., _T], *args: Any) -> _T:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._pool(), func, *args)

    def _pool(self) -> ThreadPoolExecutor:
        with self._executor_lock:
            if self._executor is None:
                self._executor = ThreadPoolExecutor(
                    max_workers=self.workers * 2, thread_name_prefix="execgym-sandbox"
                )
            return self._executor


def _ran(outcome: TestResult | None) -> TestResult:
    """A script's outcome; one that never started (its process ended first) as such."""
    return outcome or TestResult(
        verdict=Verdict.RUNTIME_ERROR, detail="the process ended before the program ran"
    )


def _run_result(
    result: TestResult, note: str = "", files: Mapping[str, Any] | None = None
) -> RunResult:
    """A script run's test result as the :class:`RunResult` ``execgym run`` reports, with a
    note added to its detail and the fetched ``files`` (base64, as the fork-server sends
    them)."""
    if result.verdict is Verdict.COMPILE_ERROR and result.error:
        stderr = result.error.traceback or f"{result.error.type}: {result.error.message}"
    elif result.error and not result.stderr:
        stderr = result.error.traceback
    else:
        stderr = result.stderr
    exit_code = result.exit_code
    if exit_code is None and result.verdict not in (Verdict.OK, Verdict.SANDBOX_ERROR):
        exit_code = 1
    return RunResult(
        verdict=result.verdict,
        exit_code=exit_code,
        stdout=result.stdout,
        stderr=stderr,
        cpu_s=result.cpu_s,
        wall_s=result.wall_s,
        peak_memory_mb=result.peak_memory_mb,
        error=result.error,
        detail="; ".join(part for part in (result.detail, note) if part),
        files=dict(files or {}),
    )


def _close_servers(servers: list[ForkServerProcess]) -> None:
    for server in servers:
        server.close()


_CHILD_FIELDS: dict[str, set[str]] = {
    # Only what the child needs; expected outputs never leave the judging process.
    "stdio": {"kind", "input", "instrument", "instrument_options"},
    "call": {
        "kind",
        "fn_name",
        "args",
        "kwargs",
        "encoded_args",
        "args_src",
        "instrument",
        "instrument_options",
    },
}
