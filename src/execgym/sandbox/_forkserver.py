"""The judging process's handle on one fork-server subprocess."""

from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import execgym
from execgym.sandbox._isolation import remove_cgroup_of


@dataclass(frozen=True)
class SandboxConfig:
    """How fork-servers are started. One config per pool.

    ``hash_seed`` pins ``PYTHONHASHSEED`` for every child (set iteration order, ``hash()``);
    ``namespaces=False`` turns off every namespace (for diagnosis only); ``preload`` names
    extra modules to import in the fork-server so children do not pay for them;
    ``tmpfs_mb`` sizes each private ``/tmp`` and ``/dev/shm``; ``processes`` is the task
    limit of the pids cgroup (root) that bounds every child; ``sandbox_uid`` is the
    unprivileged host uid (and gid) children run as when the judging process is root.
    """

    hash_seed: int = 0
    namespaces: bool = True
    preload: tuple[str, ...] = ()
    tmpfs_mb: int = 256
    processes: int = 32
    sandbox_uid: int = 65534
    python: str = field(default_factory=lambda: sys.executable)


def scrubbed_environment(hash_seed: int) -> dict[str, str]:
    """The whole environment a fork-server starts with; nothing of the caller's leaks in."""
    package_root = str(Path(execgym.__file__).resolve().parent.parent)
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "LANG": "C.UTF-8",
        "PYTHONHASHSEED": str(hash_seed),
        "PYTHONPATH": package_root,
        "PYTHONDONTWRITEBYTECODE": "1",
        "PYTHONIOENCODING": "utf-8",
        # glibc reserves 64 MB of address space per thread arena, which RLIMIT_AS counts.
        "MALLOC_ARENA_MAX": "2",
    }


_SPAWNER: ThreadPoolExecutor | None = None
_SPAWNER_LOCK = threading.Lock()


def _spawner() -> ThreadPoolExecutor:
    global _SPAWNER
    with _SPAWNER_LOCK:
        if _SPAWNER is None:
            _SPAWNER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="execgym-spawner")
        return _SPAWNER


def _spawn(command: list[str], hash_seed: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        env=scrubbed_environment(hash_seed),
        close_fds=True,
        cwd="/",
    )


class SandboxFailure(RuntimeError):
    """The sandbox itself failed (the fork-server died or would not start)."""


class ForkServerProcess:
    """One fork-server; serves one request at a time; restarts itself after dying."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self.ready: dict[str, Any] = {}

    def start(self) -> dict[str, Any]:
        options = {
            "preload": list(self.config.preload),
            "tmpfs_mb": self.config.tmpfs_mb,
            "processes": self.config.processes,
            "namespaces": self.config.namespaces,
            "sandbox_uid": self.config.sandbox_uid,
        }
        command = [self.config.python, "-m", "execgym.sandbox._zygote", json.dumps(options)]
        # The fork-server dies with the thread that started it (PR_SET_PDEATHSIG is per
        # thread), so every one is started from one thread that lives as long as we do.
        proc = _spawner().submit(_spawn, command, self.config.hash_seed).result()
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            proc.kill()
            proc.wait()
            raise SandboxFailure("the fork-server exited during start-up")
        self.ready = json.loads(line)
        self._proc = proc
        return self.ready

    def execute(self, request: dict[str, Any]) -> dict[str, Any]:
        """Send one request; a dead or unstartable fork-server yields ``{"ok": False}``."""
        with self._lock:
            try:
                if self._proc is None or self._proc.poll() is not None:
                    self.start()
                return self._roundtrip(request)
            except (OSError, ValueError, SandboxFailure) as exc:
                self._discard()
                return {"ok": False, "error": f"fork-server failure: {exc}"}

    def _roundtrip(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        stdin: IO[bytes] = proc.stdin
        stdin.write(json.dumps(request).encode() + b"\n")
        stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise SandboxFailure("the fork-server died while serving a request")
        response: dict[str, Any] = json.loads(line)
        return response

    def _discard(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.kill()
            with contextlib.suppress(Exception):
                proc.wait(timeout=5)
            remove_cgroup_of(proc.pid)
            for stream in (proc.stdin, proc.stdout):
                with contextlib.suppress(Exception):
                    if stream is not None:
                        stream.close()

    def close(self) -> None:
        with self._lock:
            proc = self._proc
            if proc is not None and proc.stdin is not None:
                with contextlib.suppress(OSError):
                    proc.stdin.close()
                try:
                    proc.wait(timeout=5)
                except subprocess.TimeoutExpired:
                    pass
            self._discard()

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))
