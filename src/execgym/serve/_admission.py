"""Admission and backpressure: at most ``slots`` runs at once, at most ``max_queue``
requests waiting for one, and a clear refusal beyond that instead of a growing queue."""

from __future__ import annotations

import asyncio
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager


class Overloaded(Exception):
    """Every slot is busy and the queue is full; ``retry_after_s`` is when to try again."""

    def __init__(self, retry_after_s: int) -> None:
        super().__init__(f"the service is at capacity; retry after {retry_after_s} s")
        self.retry_after_s = retry_after_s


class Admission:
    """Runs take one of ``slots`` slots; requests wait for one in FIFO order.

    :meth:`admit` refuses a new request (:class:`Overloaded`) when every slot is taken
    and ``max_queue`` requests already wait; an admitted request then waits in
    :meth:`slot` without a limit (a batch's programs take slots one by one after their
    request was admitted, so they never wait behind a refusal).
    """

    def __init__(self, slots: int, max_queue: int) -> None:
        self.slots = slots
        self.max_queue = max_queue
        self.in_flight = 0
        self.queued = 0
        self._free = asyncio.Semaphore(slots)
        self._mean_run_s = 0.05

    def admit(self) -> None:
        """Raise :class:`Overloaded` unless a slot is free or the queue has room."""
        if self.in_flight + self.queued >= self.slots + self.max_queue:
            raise Overloaded(self.retry_after_s())

    def retry_after_s(self) -> int:
        """Seconds until the queue has likely moved on by one request (at least 1)."""
        return max(1, math.ceil(self._mean_run_s * (self.queued + 1) / self.slots))

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a slot for one run, waiting for it in turn."""
        self.queued += 1
        try:
            await self._free.acquire()
        finally:
            self.queued -= 1
        self.in_flight += 1
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            yield
        finally:
            self.in_flight -= 1
            self._free.release()
            self._mean_run_s = 0.9 * self._mean_run_s + 0.1 * (loop.time() - started)
