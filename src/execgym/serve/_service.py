"""What one running service holds: its sandbox, the threads that call it, admission and
metrics; every run goes through :meth:`SandboxService.in_slot`."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from execgym.sandbox import Sandbox, SandboxConfig
from execgym.serve._admission import Admission
from execgym.serve._metrics import ServiceMetrics
from execgym.serve._settings import ServiceSettings
from execgym.trace import INSTRUMENTS

_T = TypeVar("_T")


class SandboxService:
    """The sandbox (``settings.workers`` fork-servers, allowed to trace) and its admission."""

    def __init__(self, settings: ServiceSettings) -> None:
        self.settings = settings
        self.sandbox = Sandbox(settings.workers, SandboxConfig(instruments=INSTRUMENTS))
        self.admission = Admission(self.sandbox.workers, settings.max_queue)
        self.metrics = ServiceMetrics(self.admission)
        self.pod = socket.gethostname()
        self._threads = ThreadPoolExecutor(
            max_workers=self.sandbox.workers, thread_name_prefix="execgym-serve"
        )

        self.isolation_missing: list[str] = []
        """The isolation features the sandbox could not enter here (``execgym doctor`` says
        why), known once it started."""

    async def start(self) -> None:
        """Start every fork-server now; a sandbox that cannot start raises here."""
        await asyncio.get_running_loop().run_in_executor(self._threads, self.sandbox.start)
        report = self.sandbox.isolation_report()
        self.isolation_missing = [str(row["name"]) for row in report if not row["active"]]

    def close(self) -> None:
        self._threads.shutdown(wait=True)
        self.sandbox.close()

    async def in_slot(self, endpoint: str, call: Callable[[], _T]) -> _T:
        """``call()`` in a worker thread once a slot is free (see :class:`Admission`)."""
        async with self.admission.slot():
            started = time.perf_counter()
            try:
                return await asyncio.get_running_loop().run_in_executor(self._threads, call)
            finally:
                self.metrics.run_seconds.labels(endpoint).observe(time.perf_counter() - started)
