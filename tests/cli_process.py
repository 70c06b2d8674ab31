"""Run ``execgym`` as a real process and press Ctrl-C on it once it has done some work."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable

CHILD = "from execgym.cli import main\nmain()\n"


def interrupt_when(
    args: list[str], ready: Callable[[], bool], what: str, timeout: float = 60.0
) -> tuple[int, str]:
    """Start ``execgym ARGS``, send SIGINT once ``ready()`` holds, and return its exit
    status and standard error (whitespace runs folded to one space)."""
    child = subprocess.Popen(
        [sys.executable, "-c", CHILD, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    deadline = time.monotonic() + timeout
    while not ready():
        assert child.poll() is None, child.communicate()
        assert time.monotonic() < deadline, f"the run never {what}"
        time.sleep(0.05)
    child.send_signal(signal.SIGINT)
    _, stderr = child.communicate(timeout=timeout)
    return child.returncode, " ".join(stderr.split())
