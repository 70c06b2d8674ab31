"""The fork-server (zygote): a pre-imported interpreter that forks one child per request.

Started by the judging process as ``python -m execgym.sandbox._zygote OPTIONS_JSON`` with a
scrubbed environment. It preloads the modules programs commonly import, enters its
isolation once (see ``_isolation``), then serves requests on stdin/stdout: one request in
(a JSON line), one response out. It never runs untrusted code itself: each request forks a
child that sets its limits, drops every capability, stacks the child syscall filter and
only then hands control to the harness.

Request: ``{"code", "tests": [{"kind": "stdio", "input"} | {"kind": "call", "fn_name",
"args" | "args_src"}, ...], "time_s", "wall_s", "memory_mb", "output_bytes", "file_bytes",
"processes", "open_files", "stack_mb", "preamble"}``, optionally with ``"files"`` (path →
base64, written into the work area before the child starts) and ``"fetch_files"`` (paths
read back after the run: ``"fetched"`` in the response maps each found one to its blob).

An interactive request (``"interactive": true``, one stdio test) comes with a connected
socket, passed on the hand-over socket (``handoff_fd`` among the options) before the request
line: the child gets it as its standard input, and the run ends as soon as the caller's end
is closed (checked with the tree limits, every ``INTERACTIVE_POLL_S``: such a run lives as
long as its caller talks to it, and many may be waiting at once).

Response: a JSON header line ``{"ok": true, "events": [...], "blobs": [sizes], "exit_code",
"signal", "watchdog", "current", "cpu_s", "wall_s", "rss_mb", "protocol_error", "ended",
"tree_limit", ...}`` followed by the raw blobs the events point at (``"b"``: blob indexes
in ``_protocol.BLOB_NAMES`` order), or ``{"ok": false, "error": "..."}`` when the sandbox
itself failed. Only this process decides that: nothing a child sends can.
"""

from __future__ import annotations

import _signal  # type: ignore[import-not-found]  # the C module: no enum conversions
import array
import contextlib
import fcntl
import gc
import importlib
import json
import math
import os
import resource
import select
import signal
import socket
import sys
import time
import traceback
from typing import Any

from execgym.sandbox import _harness, _isolation, _protocol, _root, _work_files
from execgym.sandbox import _syscalls as sc
from execgym.sandbox._channel import EventOrder, FrameReader, ProtocolViolation
from execgym.sandbox._tree import TreeMeter

WATCHDOG_GRACE_S = 0.5
TREE_POLL_S = 0.02
"""How often a running test's whole tree is checked against its CPU (and, without a memory
cgroup, memory) limit; single processes are also held by their own rlimits and timers."""
INTERACTIVE_POLL_S = 0.1
"""The same for an interactive run, and how soon a caller's closing its socket ends it."""
AS_SLACK_MB = 64
WORK_INODES = 16384
SERVER_RESERVE_MB = 32
"""Memory the cgroup limit leaves for the fork-server itself on top of the run's."""
_HIGH_FD = 1000
_MAX_FD = 1 << 16


class ForkServer:
    def __init__(self, state: _isolation.IsolationState, options: dict[str, Any]) -> None:
        self.state = state
        self.options = options
        self.runner = _harness.make_runner(options.get("instruments", []))
        self.child_filter = state.child_filter
        self.work_area: _root.WorkArea | None = None
        if state.private_root:
            self.work_root = None
            self.work_area = _root.WorkArea(int(options.get("tmpfs_mb", 256)) << 20, WORK_INODES)
            work_dir = _root.WORK_DIR
        else:
            self.work_root = _fresh_dir("/tmp", prefix="execgym-work-")
            work_dir = self.work_root
        self.tmpfs_bytes = int(options.get("tmpfs_mb", 256)) << 20
        self.drop_capabilities = sc.CapabilityDrop()
        if self.work_area is not None:
            # Every run's working directory is the same path: set it once, not per child.
            os.environ["HOME"] = os.environ["TMPDIR"] = work_dir
        self.baseline_as_mb = _address_space_mb()
        self.meter = TreeMeter(state.cgroup, state.pid_namespace, work_dir)
        handoff = options.get("handoff_fd")
        self.handoff = socket.socket(fileno=int(handoff)) if handoff is not None else None
        self.session: socket.socket | None = None
        """The connected socket of the interactive run being served, if it is one."""

    # ---- parent (zygote) side -------------------------------------------------------
    def serve_one(self, request: dict[str, Any]) -> tuple[dict[str, Any], list[bytes]]:
        if request.get("interactive"):
            try:
                self.session = self._receive_session()
            except OSError as exc:
                error = f"the interactive socket was not handed over: {exc}"
                return {"ok": False, "error": error}, []
        try:
            return self._serve(request)
        finally:
            if self.session is not None:
                self.session.close()
                self.session = None

    def _receive_session(self) -> socket.socket:
        if self.handoff is None:
            raise OSError("this fork-server has no hand-over socket")
        fds = array.array("i")
        _, ancillary, _, _ = self.handoff.recvmsg(1, socket.CMSG_SPACE(fds.itemsize))
        for level, kind, payload in ancillary:
            if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
        for extra in fds[1:]:
            os.close(extra)
        if not fds:
            raise OSError("no descriptor came with the request")
        return socket.socket(fileno=fds[0])

    def _serve(self, request: dict[str, Any]) -> tuple[dict[str, Any], list[bytes]]:
        self._set_run_limits(request)
        workdir = self._open_work_area()
        if request.get("files"):
            try:
                _work_files.place_files(workdir, request["files"])
            except (OSError, ValueError) as exc:
                self._close_work_area(workdir)
                return {"ok": False, "error": f"the run's files could not be placed: {exc}"}, []
        out_fd = os.memfd_create("stdout", 0)
        err_fd = os.memfd_create("stderr", 0)
        read_fd, write_fd = os.pipe()
        control, child_control = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        oom_before = self._oom_kills()
        started = time.perf_counter()
        try:
            pid = os.fork()
        except OSError as exc:
            for fd in (out_fd, err_fd, read_fd, write_fd):
                os.close(fd)
            control.close()
            child_control.close()
            self._close_work_area(workdir)
            return {"ok": False, "error": f"fork failed: {exc}"}, []
        if pid == 0:
            control.close()
            self._child(request, workdir, out_fd, err_fd, write_fd, child_control.detach())
        os.close(write_fd)
        child_control.close()
        try:
            response, blobs = self._supervise(request, pid, read_fd, control, out_fd, err_fd)
        finally:
            for fd in (out_fd, err_fd, read_fd):
                os.close(fd)
            control.close()
            self._kill_survivors(pid)
        response["wall_s"] = time.perf_counter() - started
        oom_after = self._oom_kills()
        response["oom_kills"] = oom_after  # so that the judge can tell whether it was killed
        if oom_after > oom_before:
            response["oom_killed"] = True
        if request.get("fetch_files"):
            self._fetch(request, workdir, response, blobs)
        problem = self._close_work_area(workdir)
        if problem:
            response["cleanup_error"] = problem
        return response, blobs

    def _fetch(
        self, request: dict[str, Any], workdir: str, response: dict[str, Any], blobs: list[bytes]
    ) -> None:
        """Read the run's ``fetch_files`` back (every process of the run is gone by now)."""
        found, notes = _work_files.fetch_files(
            workdir, request["fetch_files"], int(request["output_bytes"])
        )
        response["fetched"] = {}
        for name, data in found.items():
            response["fetched"][name] = len(blobs)
            blobs.append(data)
        if notes:
            response["fetch_notes"] = notes

    def _set_run_limits(self, request: dict[str, Any]) -> None:
        _isolation.set_process_limit(self.state, int(request["processes"]))
        cgroup = self.meter.memory_cgroup
        if cgroup is not None:
            own = cgroup.memory_bytes()
            run = (int(request["memory_mb"]) + SERVER_RESERVE_MB) << 20
            run += self.tmpfs_bytes + 3 * int(request["output_bytes"])
            # Rounded up, so that the file is rewritten only when the baseline really moves.
            limit = -(-(own + run) // (16 << 20)) * (16 << 20)
            with contextlib.suppress(OSError):
                cgroup.set_memory_limit(limit)

    def _oom_kills(self) -> int:
        cgroup = self.meter.memory_cgroup
        return cgroup.oom_kills() if cgroup is not None else 0

    def _open_work_area(self) -> str:
        if self.work_area is not None:
            return self.work_area.open()
        assert self.work_root is not None
        return _fresh_dir(self.work_root)

    def _close_work_area(self, workdir: str) -> str:
        """Remove the run's work area; a description of what could not be removed, if any."""
        if self.work_area is not None:
            try:
                self.work_area.close()
            except OSError as exc:
                return f"the run's /tmp could not be unmounted: {exc}"
            return ""
        left = _remove_tree(workdir)
        return f"{left} entries of the work area could not be removed" if left else ""

    def _supervise(
        self,
        request: dict[str, Any],
        pid: int,
        read_fd: int,
        control: socket.socket,
        out_fd: int,
        err_fd: int,
    ) -> tuple[dict[str, Any], list[bytes]]:
        tests: list[dict[str, Any]] = request["tests"]
        wall_s = float(request["wall_s"])
        time_s = float(request["time_s"])
        memory_limit = int(request["memory_mb"]) << 20
        output_cap = int(request["output_bytes"])
        budget = wall_s * 1.1 + WATCHDOG_GRACE_S
        deadline = time.monotonic() + budget
        os.set_blocking(read_fd, False)
        control.setblocking(False)
        pidfd = _pidfd(pid)
        self.meter.begin(pid)
        reader = FrameReader(
            {
                "stdout": output_cap,
                "stderr": output_cap,
                "value": _protocol.value_cap(output_cap),
                "extra": _protocol.extra_cap(output_cap),
            }
        )
        order = EventOrder(len(tests), call_mode=any(t["kind"] == "call" for t in tests))
        events: list[dict[str, Any]] = []
        blobs: list[bytes] = []
        violation: str | None = None
        tree_limit: str | None = None
        watchdog = False
        pipe_open = True
        cpu_at_start = 0.0
        oom_at_start = 0
        next_poll = math.inf
        # An interactive run lives as long as its caller talks to it: poll it less often.
        poll_every = INTERACTIVE_POLL_S if self.session is not None else TREE_POLL_S
        caller_closed = False
        while True:
            now = time.monotonic()
            if now >= deadline:
                watchdog = True
                _kill_group(pid)
                break
            if now >= next_poll:
                tree_limit = self._tree_over_limit(cpu_at_start, time_s, memory_limit)
                if tree_limit:
                    _kill_group(pid)
                    break
                if self.session is not None and _hung_up(self.session):
                    caller_closed = True
                    _kill_group(pid)
                    break
                next_poll = now + poll_every
            watch = ([read_fd] if pipe_open else []) + ([pidfd] if pidfd is not None else [])
            timeout = min(deadline, next_poll) - now
            if pidfd is None:
                timeout = min(timeout, 0.01)
            readable, _, _ = select.select(watch, [], [], max(timeout, 0.0))
            exited = _has_exited(pid, pidfd, readable)
            chunk = b""
            if read_fd in readable or exited:
                chunk, pipe_open = _read_available(read_fd)
            try:
                for frame in reader.feed(chunk) if chunk else ():
                    order.take(frame.header)
                    event = frame.header
                    kind = event["ev"]
                    if kind == "start":
                        cpu_at_start = self.meter.cpu_seconds()
                        oom_at_start = self._oom_kills()
                        next_poll = time.monotonic() + poll_every
                    elif kind == "done":
                        event["kernel_cpu_s"] = max(0.0, self.meter.cpu_seconds() - cpu_at_start)
                        if self._oom_kills() > oom_at_start:
                            event["oom_killed"] = True
                        next_poll = math.inf
                    upcoming = order.next_input()
                    if upcoming is not None:
                        # The next test's input, sent as soon as the one before it is over
                        # (the harness finds it waiting when it starts that test).
                        session = self.session.fileno() if self.session is not None else None
                        _send_test(control, tests[upcoming], session)
                    if frame.blobs:
                        event["b"] = list(range(len(blobs), len(blobs) + len(frame.blobs)))
                        blobs.extend(frame.blobs.values())
                    events.append(event)
                    deadline = time.monotonic() + budget
            except ProtocolViolation as exc:
                violation = str(exc)
                _kill_group(pid)
                break
            except OSError as exc:  # the child closed its end of the control socket
                violation = f"the test input could not be handed over: {exc.strerror or exc}"
                _kill_group(pid)
                break
            if exited:
                break
        if pidfd is not None:
            os.close(pidfd)
        _, status, usage = os.wait4(pid, 0)
        exit_code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
        signum = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        response: dict[str, Any] = {
            "ok": True,
            "events": events,
            "exit_code": exit_code,
            "signal": signum,
            "watchdog": watchdog,
            "current": order.current,
            "cpu_s": usage.ru_utime + usage.ru_stime,
            "rss_mb": usage.ru_maxrss / 1024.0,
            "protocol_error": violation,
            "tree_limit": tree_limit,
            "ended": order.ended,
            "cpu_limit_s": _cpu_limit_s(request),
            "caller_closed": caller_closed,
        }
        if order.current is not None:
            response["partial"] = [len(blobs), len(blobs) + 1]
            blobs += [_read_memfd(out_fd, output_cap), _read_memfd(err_fd, output_cap)]
        return response, blobs

    def _tree_over_limit(self, cpu_at_start: float, time_s: float, memory: int) -> str | None:
        """Why the running test's process tree must be stopped now, if it must."""
        used = self.meter.cpu_seconds() - cpu_at_start
        if used > time_s * 1.05 + 0.05:
            return f"time: the process tree used {used:.2f} s of CPU"
        resident = self.meter.memory_bytes()
        if resident is not None and resident > memory:
            return f"memory: the process tree held {resident >> 20} MB"
        return None

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

    # ---- child side -----------------------------------------------------------------
    def _child(
        self,
        request: dict[str, Any],
        workdir: str,
        out_fd: int,
        err_fd: int,
        write_fd: int,
        control_fd: int,
    ) -> None:
        channel = write_fd
        try:
            os.setsid()
            os.chdir(workdir)
            self._arrange_fds(write_fd, control_fd, out_fd, err_fd)
            channel = _protocol.CHANNEL_FD
            control = socket.socket(
                socket.AF_UNIX, socket.SOCK_SEQPACKET, 0, fileno=_protocol.CONTROL_FD
            )
            if self.work_area is None:
                os.environ["HOME"] = os.environ["TMPDIR"] = workdir
            os.umask(0o077)
            self._set_limits(request)
            # The C functions: the signal module's wrappers convert to enums and back.
            _signal.signal(_signal.SIGXFSZ, _signal.SIG_IGN)
            _signal.signal(_signal.SIGINT, _signal.SIG_DFL)
            _signal.signal(_signal.SIGTERM, _signal.SIG_DFL)
            self.drop_capabilities()  # also makes the child dumpable: its /proc/self is its
            if self.meter.memory_cgroup is not None:
                # When the run's tree fills its memory cgroup, the kernel kills one process:
                # a child first (the fork-server, where it may be, is also exempt).
                score = os.open("/proc/self/oom_score_adj", os.O_WRONLY)
                os.write(score, b"1000")
                os.close(score)
            if self.child_filter is not None:
                self.child_filter.load()
        except BaseException:
            with contextlib.suppress(BaseException):
                message = {"ev": "setup_error", "error": traceback.format_exc()[-4000:]}
                os.write(channel, (json.dumps(message) + "\n").encode())
            os._exit(_protocol.SETUP_ERROR_EXIT)
        try:
            child_request = {
                "code": request["code"],
                "kinds": [t["kind"] for t in request["tests"]],
                "time_s": request["time_s"],
                "wall_s": request["wall_s"],
                "output_bytes": request["output_bytes"],
                "preamble": request.get("preamble", True),
                "pid_namespace": self.state.pid_namespace,
            }
            self.runner(child_request, control)
        finally:
            os._exit(0)

    def _arrange_fds(self, write_fd: int, control_fd: int, out_fd: int, err_fd: int) -> None:
        # Move the fds we keep out of the way, then lay them out at fixed numbers.
        kept = (write_fd, control_fd, out_fd, err_fd)
        high = [fcntl.fcntl(fd, fcntl.F_DUPFD, _HIGH_FD) for fd in kept]
        targets = (
            _protocol.CHANNEL_FD,
            _protocol.CONTROL_FD,
            _protocol.BACKUP_OUT_FD,
            _protocol.BACKUP_ERR_FD,
        )
        for target, fd in zip(targets, high, strict=True):
            os.dup2(fd, target)
        os.closerange(_protocol.FIRST_FREE_FD, _MAX_FD)
        null = os.open("/dev/null", os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)
        os.dup2(_protocol.BACKUP_OUT_FD, 1)
        os.dup2(_protocol.BACKUP_ERR_FD, 2)

    def _set_limits(self, request: dict[str, Any]) -> None:
        cpu = _cpu_limit_s(request)
        address_space = (self.baseline_as_mb + AS_SLACK_MB + int(request["memory_mb"])) << 20
        file_bytes = max(int(request["output_bytes"]), int(request["file_bytes"])) + 1
        # RLIMIT_NPROC counts the fork-server side's own tasks in the namespace too.
        processes = int(request["processes"]) + 4
        limits = [
            (resource.RLIMIT_CPU, cpu, cpu + 1),
            (resource.RLIMIT_AS, address_space, address_space),
            (resource.RLIMIT_FSIZE, file_bytes, file_bytes),
            (resource.RLIMIT_NOFILE, int(request["open_files"]) + _protocol.FIRST_FREE_FD, None),
            (resource.RLIMIT_CORE, 0, 0),
            (resource.RLIMIT_NPROC, processes, processes),
            (resource.RLIMIT_STACK, int(request["stack_mb"]) << 20, None),
            (resource.RLIMIT_MSGQUEUE, 0, 0),
            (resource.RLIMIT_MEMLOCK, 0, 0),
        ]
        for which, soft, hard in limits:
            _, current_hard = resource.getrlimit(which)
            if hard is None:
                hard = soft
            if current_hard != resource.RLIM_INFINITY:
                soft, hard = min(soft, current_hard), min(hard, current_hard)
            resource.setrlimit(which, (soft, hard))


def _send_test(control: socket.socket, test: dict[str, Any], session: int | None = None) -> None:
    """Hand test's input to the child: its descriptor, and a file holding its bulk (or, for
    an interactive run, the connected ``session`` socket)."""
    bulky = ("input", "args", "kwargs", "args_src")
    descriptor = {k: v for k, v in test.items() if k not in bulky}
    if session is not None:
        rights = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [session]))]
        control.sendmsg([json.dumps(descriptor).encode()], rights)
        return
    if test["kind"] == "call":
        bulk = json.dumps({k: test[k] for k in ("args", "kwargs", "args_src") if k in test})
        data = bulk.encode("utf-8", "surrogatepass")
    else:
        data = str(test.get("input", "")).encode("utf-8", "surrogatepass")
    fd = os.memfd_create("input", 0)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view) :]
        payload = json.dumps(descriptor).encode()
        rights = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", [fd]))]
        control.sendmsg([payload], rights)
    finally:
        os.close(fd)


def _fresh_dir(parent: str, prefix: str = "") -> str:
    for _ in range(100):
        path = os.path.join(parent, prefix + os.urandom(8).hex())
        try:
            os.mkdir(path, 0o700)
            return path
        except FileExistsError:
            continue
    raise OSError(f"no fresh directory could be made in {parent}")


def _remove_tree(root: str) -> int:
    """Remove ``root`` and everything below it without recursion (any depth, any number of
    entries, any permissions the owner can change); the number of entries left behind."""
    left = 0
    stack = [root]
    visited: set[str] = set()
    while stack:
        path = stack[-1]
        try:
            os.chmod(path, 0o700, follow_symlinks=False)
            entries = list(os.scandir(path))
        except OSError:
            entries = []
        pending = False
        if path not in visited:
            visited.add(path)
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(entry.path)
                    pending = True
                else:
                    try:
                        os.unlink(entry.path)
                    except OSError:
                        left += 1
        if pending:
            continue
        stack.pop()
        try:
            os.rmdir(path)
        except FileNotFoundError:
            pass
        except OSError:
            left += 1
    return left


def _cpu_limit_s(request: dict[str, Any]) -> int:
    """RLIMIT_CPU of a child: every test's time limit, one more for loading, and a second."""
    return math.ceil(float(request["time_s"]) * (len(request["tests"]) + 1) + 1)


def _hung_up(session: socket.socket) -> bool:
    """Whether the caller has closed (or shut down writing on) its end of ``session``."""
    poller = select.poll()
    poller.register(session.fileno(), select.POLLRDHUP)
    return any(events & (select.POLLRDHUP | select.POLLHUP) for _, events in poller.poll(0))


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


READ_AT_ONCE = 4 << 20
"""Most bytes taken from the channel before they are parsed: a child writing faster than
the fork-server reads cannot make it hold more than this on top of one frame."""


def _read_available(fd: int) -> tuple[bytes, bool]:
    """What the pipe holds now, up to :data:`READ_AT_ONCE` bytes, and whether it is still
    open (False once at end of file)."""
    chunks: list[bytes] = []
    taken = 0
    while taken < READ_AT_ONCE:
        try:
            chunk = os.read(fd, 1 << 20)
        except BlockingIOError:
            return b"".join(chunks), True
        if not chunk:
            return b"".join(chunks), False
        chunks.append(chunk)
        taken += len(chunk)
    return b"".join(chunks), True


def _read_memfd(fd: int, cap: int) -> bytes:
    size = os.fstat(fd).st_size
    return os.pread(fd, min(size, cap), 0) if size else b""


def _kill_group(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)


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
    missing = []
    for name in [*_harness.PRELOAD_MODULES, *options.get("instruments", [])]:
        importlib.import_module(name)
    for name in options.get("preload", []):
        try:
            importlib.import_module(name)
        except ImportError as exc:
            missing.append(f"{name}: {exc}")
    state = _isolation.enter_isolation(options)
    for problem in missing:
        state.add("preload", False, problem)
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
        "visible": state.visible,
    }
    _send(protocol_out, ready, [])
    stdin = sys.stdin.buffer
    # As init of its PID namespace, the fork-server receives from its children only the
    # signals it handles: with default dispositions, a child cannot interrupt it.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, signal.SIG_DFL)
    for line in stdin:
        if not line.strip():
            continue
        try:
            response, blobs = server.serve_one(json.loads(line))
        except BaseException as exc:  # the sandbox failed, not the program
            response, blobs = {"ok": False, "error": f"{type(exc).__name__}: {exc}"}, []
        _send(protocol_out, response, blobs)
    if server.work_root is not None:  # the host directory of a sandbox without a root
        _remove_tree(server.work_root)


def _send(fd: int, message: dict[str, Any], blobs: list[bytes]) -> None:
    message["blobs"] = [len(blob) for blob in blobs]
    data = b"".join([json.dumps(message).encode(), b"\n", *blobs])
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view) :]


if __name__ == "__main__":
    main()
