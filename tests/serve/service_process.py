"""``execgym serve sandbox`` as a real process on a free loopback port, for the tests."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import httpx

CHILD = "from execgym.cli import main\nmain()\n"


@dataclass
class Service:
    url: str
    process: subprocess.Popen[str]

    def stop(self) -> tuple[int, str]:
        """SIGTERM, then the exit status and what the service wrote."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
        output, _ = self.process.communicate(timeout=60)
        return self.process.returncode, output


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def running_service(*options: str, env: dict[str, str] | None = None) -> Iterator[Service]:
    """The service started with ``options`` (``--port`` is chosen here), stopped on exit."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-c", CHILD, "serve", "sandbox", "--port", str(port), *options],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, **(env or {})},
    )
    service = Service(f"http://127.0.0.1:{port}", process)
    try:
        deadline = time.monotonic() + 60
        while True:
            assert process.poll() is None, service.stop()[1]
            try:
                if httpx.get(f"{service.url}/health", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, "the service never answered /health"
            time.sleep(0.1)
        yield service
    finally:
        if process.poll() is None:
            service.stop()
