"""The judging process's handle on one fork-server subprocess."""

from __future__ import annotations

import array
import contextlib
import importlib.util
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import execgym
from execgym.sandbox._cgroups import oom_kills_of, remove_cgroups_of
from execgym.sandbox._protocol import BLOB_NAMES
from execgym.sandbox._root import check_extra_path
from execgym.sandbox._seccomp import filter_options


@dataclass(frozen=True)
class SandboxConfig:
    """How fork-servers are started. One config per pool.

    ``hash_seed`` pins ``PYTHONHASHSEED`` for every child (set iteration order, ``hash()``);
    ``namespaces=False`` turns off every namespace (for diagnosis only); ``preload`` names
    extra modules to import in the fork-server so children do not pay for them;
    ``tmpfs_mb`` sizes each run's fresh ``/tmp`` (the working directory); ``processes`` is
    the task limit of the cgroup that bounds every child; ``sandbox_uid`` is the
    unprivileged host uid (and gid) children run as when the judging process is root.

    Children see a minimal root (the interpreter, its libraries, the modules the fork-server
    loaded): a third-party package is importable by programs when it is in ``preload``
    (imported once in the fork-server: fast for the programs, a larger fork-server) or in
    ``packages`` (only shown; each program that imports it pays for the import), and host
    files or directories they may read (data files) are named in ``read_only_paths``
    (shown read-only at the same paths). ``seccomp=False`` turns the
    syscall filter off, ``minimal_root=False`` shows children the host's tree and
    ``cgroup=False`` leaves the fork-server out of any cgroup (each for diagnosis and
    benchmarks only).

    ``instruments`` is the allowlist of trusted modules a test may name as its
    ``instrument`` (each module's ``instrument(call, options, sink)`` wraps the test's call
    in the child; the tracer is one): imported in the fork-server up front, and no other
    module is accepted. Empty by default; the packages that instrument runs export theirs
    (``execgym.trace.INSTRUMENTS``, ``execgym.synth.INSTRUMENTS``).
    """

    hash_seed: int = 0
    namespaces: bool = True
    preload: tuple[str, ...] = ()
    packages: tuple[str, ...] = ()
    tmpfs_mb: int = 256
    processes: int = 32
    sandbox_uid: int = 65534
    read_only_paths: tuple[str, ...] = ()
    seccomp: bool = True
    minimal_root: bool = True
    cgroup: bool = True
    instruments: tuple[str, ...] = ()
    python: str = field(default_factory=lambda: sys.executable)

    def __post_init__(self) -> None:
        for path in self.read_only_paths:
            check_extra_path(path)
        for name in self.instruments:
            if importlib.util.find_spec(name) is None:
                raise ValueError(f"instrument module {name!r} cannot be found")
        if self.python == sys.executable:  # another interpreter finds its own modules
            missing = [name for name in self.preload if not _importable(name)]
            if missing:
                raise ValueError(
                    f"preload names modules this Python cannot import: {', '.join(missing)}"
                )


def _importable(module: str) -> bool:
    """Whether ``module`` can be found (without importing it; a parent package is imported)."""
    try:
        return importlib.util.find_spec(module) is not None
    except (ImportError, ValueError):
        return False


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


def _spawn(
    command: list[str], hash_seed: int, stderr: IO[bytes], handoff: int
) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        command,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=stderr,
        env=scrubbed_environment(hash_seed),
        close_fds=True,
        pass_fds=(handoff,),
        cwd="/",
    )


class SandboxFailure(RuntimeError):
    """The sandbox itself failed (the fork-server died or would not start)."""


class ForkServerProcess:
    """One fork-server; serves one request at a time; restarts itself after dying."""

    def __init__(self, config: SandboxConfig) -> None:
        self.config = config
        self._proc: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None
        self._oom_kills = 0  # the OOM kills of this server's cgroup after its last request
        self._handoff: socket.socket | None = None
        self._lock = threading.Lock()
        self.ready: dict[str, Any] = {}

    def start(self) -> dict[str, Any]:
        options: dict[str, Any] = {
            "preload": list(self.config.preload),
            "packages": list(self.config.packages),
            "instruments": list(self.config.instruments),
            "tmpfs_mb": self.config.tmpfs_mb,
            "processes": self.config.processes,
            "namespaces": self.config.namespaces,
            "sandbox_uid": self.config.sandbox_uid,
            "read_only_paths": [os.path.abspath(p) for p in self.config.read_only_paths],
            "minimal_root": self.config.minimal_root,
            "cgroup": self.config.cgroup,
        }
        if self.config.seccomp:
            options.update(filter_options())
        else:
            options["seccomp_error"] = "disabled by configuration"
        # Interactive runs hand their connected socket to the fork-server over this one.
        handoff, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        options["handoff_fd"] = theirs.fileno()
        command = [self.config.python, "-m", "execgym.sandbox._zygote", json.dumps(options)]
        # Where the fork-server's own errors go, so that a failed start says why.
        stderr = tempfile.TemporaryFile(prefix="execgym-forkserver-")  # noqa: SIM115 - lives as long as the server
        # The fork-server dies with the thread that started it (PR_SET_PDEATHSIG is per
        # thread), so every one is started from one thread that lives as long as we do.
        spawned = _spawner().submit(_spawn, command, self.config.hash_seed, stderr, theirs.fileno())
        try:
            proc = spawned.result()
        except BaseException:
            handoff.close()
            raise
        finally:
            theirs.close()
        assert proc.stdout is not None
        line = proc.stdout.readline()
        if not line:
            proc.kill()
            proc.wait()
            handoff.close()
            stderr.seek(0)
            cause = stderr.read()[-2000:].decode("utf-8", "replace").strip()
            stderr.close()
            raise SandboxFailure(
                "the fork-server exited during start-up" + (f": {cause}" if cause else "")
            )
        self.ready = json.loads(line)
        self._proc = proc
        self._oom_kills = 0
        self._stderr = stderr
        self._handoff = handoff
        return self.ready

    def execute(
        self, request: dict[str, Any], session: socket.socket | None = None
    ) -> dict[str, Any]:
        """Send one request; a dead or unstartable fork-server yields ``{"ok": False}``
        (with ``"oom_killed"`` when the kernel's OOM killer ended it during this request:
        the run filled its memory cgroup, which is the program's doing, not the sandbox's).

        ``session`` (an interactive request's connected socket) is handed to the fork-server
        and closed here: from then on only the child holds that end.
        """
        with self._lock:
            try:
                if self._proc is None or self._proc.poll() is not None:
                    self.start()
                if session is not None:
                    self._hand_over(session)
                response = self._roundtrip(request)
                self._oom_kills = int(response.get("oom_kills", self._oom_kills))
                return response
            except (OSError, ValueError, SandboxFailure) as exc:
                oom_killed = self._killed_by_oom()
                self._discard()
                failure = {"ok": False, "error": f"fork-server failure: {exc}"}
                return {**failure, "oom_killed": True} if oom_killed else failure
            finally:
                if session is not None:
                    session.close()

    def _hand_over(self, session: socket.socket) -> None:
        assert self._handoff is not None
        rights = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [session.fileno()]))]
        self._handoff.sendmsg([b"s"], rights)

    def _killed_by_oom(self) -> bool:
        """Whether the server died of SIGKILL while its cgroup's OOM kills went up."""
        proc = self._proc
        if proc is None:
            return False
        try:
            code = proc.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return False
        kills = oom_kills_of(proc.pid)
        return code == 128 + signal.SIGKILL and kills is not None and kills > self._oom_kills

    def _roundtrip(self, request: dict[str, Any]) -> dict[str, Any]:
        proc = self._proc
        assert proc is not None and proc.stdin is not None and proc.stdout is not None
        stdin: IO[bytes] = proc.stdin
        stdin.write(json.dumps(request).encode("utf-8", "surrogatepass") + b"\n")
        stdin.flush()
        line = proc.stdout.readline()
        if not line:
            raise SandboxFailure("the fork-server died while serving a request")
        response: dict[str, Any] = json.loads(line)
        sizes: list[int] = response.pop("blobs", [])
        blobs = [proc.stdout.read(size) if size else b"" for size in sizes]
        if any(len(blob) != size for blob, size in zip(blobs, sizes, strict=True)):
            raise SandboxFailure("the fork-server died while sending a response")
        attach_blobs(response, blobs)
        if response.get("cleanup_error"):
            # The work area of the run could not be removed: start afresh next time.
            self._discard()
        return response

    def _discard(self) -> None:
        proc, self._proc = self._proc, None
        if proc is not None:
            with contextlib.suppress(OSError):
                proc.kill()
            with contextlib.suppress(Exception):
                proc.wait(timeout=5)
            remove_cgroups_of(proc.pid)
            for stream in (proc.stdin, proc.stdout, self._stderr, self._handoff):
                with contextlib.suppress(Exception):
                    if stream is not None:
                        stream.close()
            self._stderr = None
            self._handoff = None

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


def attach_blobs(response: dict[str, Any], blobs: list[bytes]) -> None:
    """Put each event's blobs (``"b"``: indexes) back on it by name, as bytes, and each
    fetched file's content in ``"fetched"`` (path → bytes)."""
    for event in response.get("events", []):
        for name, index in zip(BLOB_NAMES, event.pop("b", []), strict=False):
            event[name] = blobs[index]
    fetched = response.get("fetched")
    if fetched:
        response["fetched"] = {name: blobs[index] for name, index in fetched.items()}
    partial = response.pop("partial", None)
    if partial:
        response["partial_stdout"], response["partial_stderr"] = (blobs[i] for i in partial)


def default_workers() -> int:
    return max(1, len(os.sched_getaffinity(0)))
