"""The fork-server (zygote): a pre-imported interpreter that forks one child per request.

Started by the judging process as ``python -m execgym.sandbox._zygote OPTIONS_JSON`` with a
scrubbed environment. It enters isolation once (see ``_isolation``), preloads the modules
programs commonly import, then serves JSON lines on stdin/stdout: one request in, one
response out. It never runs untrusted code itself: each request forks a child that sets its
limits, drops every capability and only then hands control to the harness.

Request: ``{"code", "tests": [{"kind": "stdio", "input"} | {"kind": "call", "fn_name",
"args" | "args_src"}], "time_s", "wall_s", "memory_mb", "output_bytes", "file_bytes",
"processes", "open_files", "stack_mb", "preamble"}``.

Response: ``{"ok": true, "events": [...], "exit_code", "signal", "watchdog", "current",
"cpu_s", "wall_s", "rss_mb", "partial_stdout", "partial_stderr", "protocol_error"}`` or
``{"ok": false, "error": "..."}`` when the sandbox itself failed.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import importlib
import json
import math
import os
import resource
import select
import shutil
import signal
import sys
import tempfile
import time
import traceback
from typing import Any

from execgym.sandbox import _harness, _isolation, _mounts
from execgym.sandbox import _syscalls as sc

WATCHDOG_GRACE_S = 0.5
INSTRUMENTS = ("execgym.trace._recorder",)
"""Trusted instruments children may use, imported up front so no child pays for them."""
AS_SLACK_MB = 64
_CHANNEL_FD = 3
_BACKUP_OUT_FD = 4  # and 5 for stderr
_FIRST_STDIN_FD = 6
_HIGH_FD = 1000
_MAX_FD = 1 << 16


class ForkServer:
    def __init__(self, state: _isolation.IsolationState, options: dict[str, Any]) -> None:
        self.state = state
        self.options = options
        self.runner = _harness.make_runner()
        if state.private_tmp:
            os.makedirs(_mounts.WORK_ROOT, mode=0o711, exist_ok=True)
            self.work_root = _mounts.WORK_ROOT
        else:
            self.work_root = tempfile.mkdtemp(prefix="execgym-work-")
        self.baseline_as_mb = _address_space_mb()
        # What the private tmpfs hold before any child ran (the work root, directories bound
        # back for the interpreter): cleaning after a run removes everything else.
        self.tmpfs_baseline = {root: _entries(root) for root in _mounts.PRIVATE_TMPFS}

    # ---- parent (zygote) side -------------------------------------------------------
    def serve_one(self, request: dict[str, Any]) -> dict[str, Any]:
        _isolation.set_process_limit(self.state, int(request["processes"]))
        workdir = tempfile.mkdtemp(dir=self.work_root)
        out_fd = os.memfd_create("stdout", 0)
        err_fd = os.memfd_create("stderr", 0)
        read_fd, write_fd = os.pipe()
        started = time.perf_counter()
        try:
            pid = os.fork()
        except OSError as exc:
            for fd in (out_fd, err_fd, read_fd, write_fd):
                os.close(fd)
            self._clean(workdir)
            return {"ok": False, "error": f"fork failed: {exc}"}
        if pid == 0:
            self._child(request, workdir, out_fd, err_fd, write_fd, read_fd)
        os.close(write_fd)
        try:
            return self._supervise(request, pid, read_fd, out_fd, err_fd, started)
        finally:
            for fd in (out_fd, err_fd, read_fd):
                os.close(fd)
            self._kill_survivors(pid)
            self._clean(workdir)

    def _supervise(
        self,
        request: dict[str, Any],
        pid: int,
        read_fd: int,
        out_fd: int,
        err_fd: int,
        started: float,
    ) -> dict[str, Any]:
        wall_s = float(request["wall_s"])
        budget = wall_s * 1.1 + WATCHDOG_GRACE_S
        deadline = time.monotonic() + budget
        os.set_blocking(read_fd, False)
        pidfd = _pidfd(pid)
        stream = _EventStream(pid)
        watchdog = False
        pipe_open = True
        while True:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                watchdog = True
                _kill_group(pid)
                break
            watch = ([read_fd] if pipe_open else []) + ([pidfd] if pidfd is not None else [])
            timeout = remaining if pidfd is not None else min(remaining, 0.01)
            readable, _, _ = select.select(watch, [], [], timeout)
            if read_fd in readable:
                chunk, pipe_open = _read_available(read_fd)
                if stream.feed(chunk):
                    deadline = time.monotonic() + budget
            if _has_exited(pid, pidfd, readable):
                stream.feed(_read_available(read_fd)[0])
                stream.finish()
                break
        events, current, protocol_error = stream.events, stream.current, stream.protocol_error
        if pidfd is not None:
            os.close(pidfd)
        _, status, usage = os.wait4(pid, 0)
        wall = time.perf_counter() - started
        exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        cap = int(request["output_bytes"])
        return {
            "ok": True,
            "events": events,
            "exit_code": exit_code,
            "signal": signum,
            "watchdog": watchdog,
            "current": current,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "wall_s": wall,
            "rss_mb": usage.ru_maxrss / 1024.0,
            "partial_stdout": _read_memfd(out_fd, cap) if current is not None else "",
            "partial_stderr": _read_memfd(err_fd, cap) if current is not None else "",
            "protocol_error": protocol_error,
            "ended": stream.ended,
            "cpu_limit_s": _cpu_limit_s(request),
        }

    def _kill_survivors(self, pid: int) -> None:
        if self.state.pid_namespace:
            # As init of the PID namespace, kill(-1) reaches every process but this one.
            with contextlib.suppress(OSError):
                os.kill(-1, signal.SIGKILL)
            while True:
                try:
                    os.waitpid(-1, 0)
                except ChildProcessError:
                    break
        else:
            _kill_group(pid)
            _isolation.kill_cgroup_members(self.state)
            with contextlib.suppress(ChildProcessError):
                while os.waitpid(-1, os.WNOHANG)[0]:
                    pass

    def _clean(self, workdir: str) -> None:
        _force_rmtree(workdir)
        if not self.state.private_tmp:
            return
        for root, baseline in self.tmpfs_baseline.items():
            with contextlib.suppress(OSError):
                for entry in os.scandir(root):
                    if entry.name in baseline:
                        continue
                    if entry.is_dir(follow_symlinks=False):
                        _force_rmtree(entry.path)
                    else:
                        with contextlib.suppress(OSError):
                            os.unlink(entry.path)

    # ---- child side -----------------------------------------------------------------
    def _child(
        self,
        request: dict[str, Any],
        workdir: str,
        out_fd: int,
        err_fd: int,
        write_fd: int,
        read_fd: int,
    ) -> None:
        channel = write_fd
        try:
            os.close(read_fd)
            os.setsid()
            os.chdir(workdir)
            tests = request["tests"]
            stdin_fds = self._arrange_fds(tests, out_fd, err_fd, write_fd)
            channel = _CHANNEL_FD
            os.environ["HOME"] = os.environ["TMPDIR"] = workdir
            os.umask(0o077)
            self._set_limits(request, len(stdin_fds))
            signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
            signal.signal(signal.SIGINT, signal.SIG_DFL)
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            sc.clear_capabilities()
        except BaseException:
            with contextlib.suppress(BaseException):
                message = {"ev": "sandbox_error", "error": traceback.format_exc()[-4000:]}
                os.write(channel, (json.dumps(message) + "\n").encode())
            os._exit(70)
        try:
            request["pid_namespace"] = self.state.pid_namespace
            self.runner(request, _CHANNEL_FD, stdin_fds, _BACKUP_OUT_FD)
        finally:
            os._exit(0)

    def _arrange_fds(
        self, tests: list[dict[str, Any]], out_fd: int, err_fd: int, write_fd: int
    ) -> list[int]:
        # Move the three fds we keep out of the way, then lay them out at fixed numbers.
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, _HIGH_FD) for fd in (write_fd, out_fd, err_fd)]
        for target, fd in zip((_CHANNEL_FD, _BACKUP_OUT_FD, _BACKUP_OUT_FD + 1), high, strict=True):
            os.dup2(fd, target)
        os.closerange(_FIRST_STDIN_FD, _MAX_FD)
        stdin_fds = []
        inputs = [t.get("input", "") if t["kind"] == "stdio" else "" for t in tests] + [""]
        for text in inputs:
            fd = os.memfd_create("stdin", 0)
            data = text.encode("utf-8", "surrogatepass")
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            stdin_fds.append(fd)
        os.dup2(_BACKUP_OUT_FD, 1)
        os.dup2(_BACKUP_OUT_FD + 1, 2)
        os.dup2(stdin_fds[-1], 0)
        return stdin_fds

    def _set_limits(self, request: dict[str, Any], fd_count: int) -> None:
        cpu = _cpu_limit_s(request)
        address_space = (self.baseline_as_mb + AS_SLACK_MB + int(request["memory_mb"])) << 20
        file_bytes = max(int(request["output_bytes"]), int(request["file_bytes"])) + 1
        # RLIMIT_NPROC counts the fork-server side's own tasks in the namespace too.
        processes = int(request["processes"]) + 4
        limits = [
            (resource.RLIMIT_CPU, cpu, cpu + 1),
            (resource.RLIMIT_AS, address_space, address_space),
            (resource.RLIMIT_FSIZE, file_bytes, file_bytes),
            (resource.RLIMIT_NOFILE, int(request["open_files"]) + fd_count + 8, None),
            (resource.RLIMIT_CORE, 0, 0),
            (resource.RLIMIT_NPROC, processes, processes),
            (resource.RLIMIT_STACK, int(request["stack_mb"]) << 20, None),
        ]
        for which, soft, hard in limits:
            _, current_hard = resource.getrlimit(which)
            if hard is None:
                hard = soft
            if current_hard != resource.RLIM_INFINITY:
                soft, hard = min(soft, current_hard), min(hard, current_hard)
            resource.setrlimit(which, (soft, hard))


def _entries(directory: str) -> set[str]:
    try:
        return set(os.listdir(directory))
    except OSError:
        return set()


def _cpu_limit_s(request: dict[str, Any]) -> int:
    """RLIMIT_CPU of a child: every test's time limit, one more for loading, and a second."""
    return math.ceil(float(request["time_s"]) * (len(request["tests"]) + 1) + 1)


def _pidfd(pid: int) -> int | None:
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def _has_exited(pid: int, pidfd: int | None, readable: list[int]) -> bool:
    if pidfd is not None:
        return pidfd in readable
    # Without a pidfd, peek with waitid so the status stays for wait4.
    result = os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT)
    return result is not None


def _read_available(fd: int) -> tuple[bytes, bool]:
    """What the pipe holds now, and whether it is still open (False once at end of file)."""
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return b"".join(chunks), True
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)


class _EventStream:
    """Splits the child's result channel into events and holds the child to the protocol.

    Events must come in the harness's order (``compiled``, ``loaded``, then ``start i`` /
    ``done i`` for i = 0, 1, ... and a final ``end``), each once; anything else is a
    protocol error, which fails the run. The CPU time of each test is measured here, from
    the kernel's accounting of the child, not taken from the child's word.
    """

    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.events: list[dict[str, Any]] = []
        self.current: int | None = None
        self.protocol_error: str | None = None
        self.ended = False
        self._next = 0
        self._cpu_at_start = 0.0
        self._pending = b""

    def feed(self, data: bytes) -> bool:
        """Take more bytes; whether any complete event arrived."""
        if not data:
            return False
        lines = (self._pending + data).split(b"\n")
        self._pending = lines.pop()
        for line in lines:
            self._take(line)
        return bool(lines)

    def finish(self) -> None:
        """The child has exited: an unterminated last line still counts."""
        if self._pending.strip():
            self._take(self._pending)
        self._pending = b""

    def _violation(self, message: str) -> None:
        self.protocol_error = self.protocol_error or message

    def _take(self, line: bytes) -> None:
        event, error = _parse_event(line)
        if event is None:
            self._violation(error)
            return
        if self.ended:
            self._violation("an event after the end of the run")
            return
        kind = event.get("ev")
        if kind == "start":
            if self.current is not None or event.get("i") != self._next:
                self._violation(f"unexpected start of test {event.get('i')!r}")
                return
            self.current = self._next
            self._cpu_at_start = _child_cpu_s(self.pid)
        elif kind == "done":
            if self.current is None or event.get("i") != self.current:
                self._violation(f"unexpected result for test {event.get('i')!r}")
                return
            event["kernel_cpu_s"] = max(0.0, _child_cpu_s(self.pid) - self._cpu_at_start)
            self.current = None
            self._next += 1
        elif kind == "end":
            if self.current is not None:
                self._violation("end of the run while a test was running")
                return
            self.ended = True
        self.events.append(event)


def _child_cpu_s(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` and its reaped children, from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except OSError:
        return 0.0
    # After the command name: state is field 3; utime, stime, cutime, cstime are 14..17.
    ticks = sum(int(value) for value in fields[11:15])
    return ticks / _CLOCK_TICKS


_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def _parse_event(line: bytes) -> tuple[dict[str, Any] | None, str]:
    try:
        event = json.loads(line)
    except ValueError:
        return None, f"unparseable line on the result channel: {line[:200]!r}"
    if not isinstance(event, dict) or not isinstance(event.get("ev"), str):
        return None, f"unexpected message on the result channel: {line[:200]!r}"
    return event, ""


def _read_memfd(fd: int, cap: int) -> str:
    size = os.fstat(fd).st_size
    return os.pread(fd, min(size, cap), 0).decode("utf-8", "replace") if size else ""


def _kill_group(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


def _force_rmtree(path: str) -> None:
    def make_writable(func: Any, target: str, exc: BaseException) -> None:
        with contextlib.suppress(OSError):
            os.chmod(os.path.dirname(target), 0o700)
            os.chmod(target, 0o700)
        with contextlib.suppress(OSError):
            func(target)

    if os.path.lexists(path):
        shutil.rmtree(path, onerror=lambda func, target, info: make_writable(func, target, info[1]))


def scrub_environment() -> None:
    """Leave in the fork-server only what every child may see (each adds HOME and TMPDIR)."""
    names = ("PATH", "LANG", "PYTHONHASHSEED", "MALLOC_ARENA_MAX")
    keep = {k: os.environ[k] for k in names if k in os.environ}
    os.environ.clear()
    os.environ.update(keep)
    os.environ.update(dict.fromkeys(BLAS_THREAD_VARIABLES, "1"))


BLAS_THREAD_VARIABLES = (
    "OMP_NUM_THREADS",
    "OPENBLAS_NUM_THREADS",
    "MKL_NUM_THREADS",
    "NUMEXPR_NUM_THREADS",
    "VECLIB_MAXIMUM_THREADS",
)


def _address_space_mb() -> int:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[0])
    return (pages * os.sysconf("SC_PAGE_SIZE")) >> 20


def main() -> None:
    options = json.loads(sys.argv[1])
    protocol_out = os.dup(1)
    for name in [*_harness.PRELOAD_MODULES, *INSTRUMENTS, *options.get("preload", [])]:
        with contextlib.suppress(ImportError):
            importlib.import_module(name)
    state = _isolation.enter_isolation(
        tmpfs_mb=int(options.get("tmpfs_mb", 256)),
        processes=int(options.get("processes", 32)),
        use_namespaces=bool(options.get("namespaces", True)),
        sandbox_uid=int(options.get("sandbox_uid", 65534)),
    )
    scrub_environment()
    server = ForkServer(state, options)
    # Everything loaded so far lives as long as the fork-server: keep the collector off it,
    # so children do not copy those pages when they collect garbage.
    gc.collect()
    gc.freeze()
    devnull = os.open(os.devnull, os.O_RDWR)
    os.dup2(devnull, 1)
    ready = {
        "ready": True,
        "python": sys.version.split()[0],
        "pid_namespace": state.pid_namespace,
        "features": [f.__dict__ for f in state.features],
    }
    _send(protocol_out, ready)
    stdin = sys.stdin.buffer
    # As init of its PID namespace, the fork-server receives from its children only the
    # signals it handles: with default dispositions, a child cannot interrupt it.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    for line in stdin:
        if not line.strip():
            continue
        try:
            response = server.serve_one(json.loads(line))
        except BaseException as exc:  # the sandbox failed, not the program
            response = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}
        _send(protocol_out, response)


def _send(fd: int, message: dict[str, Any]) -> None:
    data = (json.dumps(message) + "\n").encode()
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


if __name__ == "__main__":
    main()
