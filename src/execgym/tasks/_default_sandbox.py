"""The process-wide sandbox scoring runs code in (input prediction), and its failure.

:func:`default_sandbox` is created on first need and closed at exit;
:func:`set_default_sandbox` replaces it (tests inject their own). A failure of the sandbox
itself is :class:`SandboxUnavailable`: never scored as a wrong answer.
"""

from __future__ import annotations

import atexit
import os
import threading

from execgym.sandbox import Sandbox


class SandboxUnavailable(RuntimeError):
    """The sandbox failed (``SANDBOX_ERROR``); the answer could not be judged. Skip, do not
    score as wrong."""


_DEFAULT: Sandbox | None = None
_LOCK = threading.Lock()
_WORKERS_ENV = "EXECGYM_REWARD_SANDBOX_WORKERS"


def _default_workers() -> int:
    configured = os.environ.get(_WORKERS_ENV, "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return max(1, min(4, len(os.sched_getaffinity(0))))


def default_sandbox() -> Sandbox:
    """The process-wide sandbox for input prediction, created on first use.

    Its size is ``$EXECGYM_REWARD_SANDBOX_WORKERS`` fork-servers (default: up to 4, one per
    core). It is closed when the process exits.
    """
    global _DEFAULT
    with _LOCK:
        if _DEFAULT is None:
            _DEFAULT = Sandbox(workers=_default_workers())
            atexit.register(_close_default)
        return _DEFAULT


def set_default_sandbox(sandbox: Sandbox | None) -> Sandbox | None:
    """Replace the process-wide sandbox (``None``: create one on next use); returns the old one,
    which is not closed."""
    global _DEFAULT
    with _LOCK:
        previous, _DEFAULT = _DEFAULT, sandbox
        return previous


def _close_default() -> None:
    global _DEFAULT
    with _LOCK:
        sandbox, _DEFAULT = _DEFAULT, None
    if sandbox is not None:
        sandbox.close()
