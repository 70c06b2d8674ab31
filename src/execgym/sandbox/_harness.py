"""The harness that runs untrusted code, inside the forked child and nowhere else.

It compiles the program, runs each test under per-test timers, and streams frames to the
fork-server (see ``_protocol``): ``compiled`` / ``compile_error``, ``loaded`` /
``load_error``, ``start`` and ``done`` for each test, then ``end``. Each test's input (its
standard input or its arguments) is handed over by the fork-server only after the test has
started. It sends what happened (raw stdout and stderr, the encoded return value, the
exception), never a verdict: the judging process compares against expected outputs it never
sends here.

Every library function and constant the harness needs is bound at import time inside
:func:`make_runner`'s closure, and after each test the ``builtins`` module and the value
encoder's module are restored to their state before the program ran, so a program that
patches ``builtins``, ``json``, ``os`` or these modules' globals does not change what the
harness reports. A timeout the program swallows still counts: the timer leaves a flag, and
the CPU and wall time of the test are checked after it returns.

What this cannot do: the program runs in the harness's own process, so one that learns the
protocol can write frames of its own. The fork-server holds the stream to the protocol
(order, sizes, depth; anything else fails the run as a protocol violation, never as a
sandbox failure) and value tests never depend on the channel's word alone: expected values
never enter the child. Tests that only check that a call returns (HumanEval's ``check``)
trust the channel.
"""

from __future__ import annotations

import array
import builtins
import importlib
import io
import json
import json.encoder
import linecache
import os
import resource
import signal
import socket
import sys
import time
import traceback
from collections.abc import Callable, Sequence
from typing import Any

from execgym.sandbox import _protocol, _values

STDOUT_FD = 1
STDERR_FD = 2

PREAMBLE = """\
import sys, os, io, math, re, string, heapq, bisect, itertools, functools, collections
import operator, random, copy, json, fractions, decimal, statistics, datetime, array, time
from typing import *
from collections import Counter, OrderedDict, defaultdict, deque, ChainMap
from itertools import accumulate, combinations, permutations, product, groupby, chain
from functools import lru_cache, reduce, cmp_to_key, cache
from heapq import heappush, heappop, heapify, heappushpop, heapreplace, nlargest, nsmallest
from bisect import bisect_left, bisect_right, insort, insort_left, insort_right
from math import sqrt, sin, cos, tan, ceil, floor, fabs, gcd, exp, log, log2, log10, inf, pi
"""
"""Imports that competitive and interview-style solutions assume without writing them."""

PRELOAD_MODULES = [
    "math",
    "re",
    "string",
    "heapq",
    "bisect",
    "itertools",
    "functools",
    "collections",
    "operator",
    "random",
    "copy",
    "json",
    "fractions",
    "decimal",
    "statistics",
    "datetime",
    "array",
    "typing",
    "io",
    "time",
    "traceback",
]


class TestTimeout(BaseException):
    """Raised by the per-test timers; a BaseException so ordinary ``except Exception`` misses it."""


class _Returned:
    """What a call returned, kept apart from ``None`` meaning "a script finished"."""

    __slots__ = ("value",)

    def __init__(self, value: Any) -> None:
        self.value = value


Runner = Callable[[dict[str, Any], socket.socket], None]


def make_runner(instruments: Sequence[str] = ()) -> Runner:
    """Build the harness entry point with every dependency bound in its closure.

    ``instruments`` is the fork-server's allowlist (``SandboxConfig.instruments``): the
    modules whose ``instrument(call, options, sink)`` a test may name; a test naming any other
    module fails. Their functions are bound here, once, like every other dependency.
    """
    write = os.write
    pread = os.pread
    close = os.close
    open_file = os.open
    read_only = os.O_RDONLY
    scm_rights = socket.SCM_RIGHTS
    fd_space = socket.CMSG_SPACE(array.array("i").itemsize)
    int_array = array.array
    json_loads = json.JSONDecoder().decode
    channel = _protocol.CHANNEL_FD
    backup_out, backup_err = _protocol.BACKUP_OUT_FD, _protocol.BACKUP_ERR_FD
    descriptor_cap = _protocol.DESCRIPTOR_CAP
    value_cap, extra_cap = _protocol.value_cap, _protocol.extra_cap
    sol_socket = socket.SOL_SOCKET
    fstat = os.fstat
    ftruncate = os.ftruncate
    lseek = os.lseek
    dup2 = os.dup2
    getpid = os.getpid
    exit_now = os._exit
    kill = os.kill
    waitpid = os.waitpid
    wnohang = os.WNOHANG
    sigkill = signal.SIGKILL
    perf = time.perf_counter
    getrusage = resource.getrusage
    r_self = resource.RUSAGE_SELF
    r_children = resource.RUSAGE_CHILDREN
    setitimer = signal.setitimer
    itimer_real = signal.ITIMER_REAL
    itimer_prof = signal.ITIMER_PROF
    install = signal.signal
    sigalrm = signal.SIGALRM
    sigprof = signal.SIGPROF
    encode = _values.encode_value
    decode = _values.decode_value
    to_json = _json_writer()
    traceback_exception = traceback.TracebackException
    stack_summary = traceback.StackSummary
    text_wrapper = io.TextIOWrapper
    file_io = io.FileIO
    line_cache = linecache.cache
    allowed = {name: importlib.import_module(name).instrument for name in instruments}
    real_builtins = builtins
    sys_module = sys
    timeout_type = TestTimeout
    system_exit = SystemExit
    memory_error = MemoryError
    base_exception = BaseException
    os_error = OSError
    plain_eval = eval
    plain_exec = exec
    plain_compile = compile
    plain_callable = callable
    plain_getattr = getattr
    plain_isinstance = isinstance
    plain_int = int
    plain_str = str
    plain_type = type
    plain_dict = dict
    plain_list = list
    returned_type = _Returned
    harness_file = __file__
    stdout_fd, stderr_fd, stdin_fd = STDOUT_FD, STDERR_FD, 0
    preamble = PREAMBLE
    max_traceback_frames = 60
    # Module dictionaries the harness relies on after the program ran, restored each test.
    protected = [vars(builtins), vars(_values)]
    snapshots = [plain_dict(d) for d in protected]

    harness_pid = [0]  # set by run() in the child
    alone_in_namespace = [False]  # the child shares its PID namespace only with its init
    timer_fired = [False]
    # Where an instrument (an allowlisted trusted module, e.g. the tracer) leaves its record of
    # the test; sent with the test's result even when the test raised.
    sink: dict[str, Any] = {}

    def on_timer(signum: int, frame: object) -> None:
        timer_fired[0] = True
        raise timeout_type("time limit exceeded")

    def restore_protected() -> None:
        for module_dict, snapshot in zip(protected, snapshots):  # noqa: B905 - same length
            for name in plain_list(module_dict):
                if name not in snapshot:
                    del module_dict[name]
            module_dict.update(snapshot)

    def send(event: dict[str, Any], blobs: tuple[bytes, ...] = ()) -> None:
        if blobs:
            event["blobs"] = [len(blob) for blob in blobs]
        data = (to_json(event) + "\n").encode("utf-8", "surrogatepass")
        view = memoryview(b"".join((data, *blobs)) if blobs else data)
        while view:
            written = write(channel, view)
            view = view[written:]

    def receive_test(recvmsg: Callable[..., Any]) -> tuple[dict[str, Any], int]:
        """The started test's descriptor and the file holding its input (from the server)."""
        data, ancillary, _, _ = recvmsg(descriptor_cap, fd_space)
        fds = int_array("i")
        for level, kind, payload in ancillary:
            if level == sol_socket and kind == scm_rights:
                fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
        if len(fds) != 1:
            for fd in fds:
                close(fd)
            exit_now(0)  # the server sends exactly one; anything else: end the run here
        return json_loads(data.decode("utf-8")), fds[0]

    def cpu_now() -> float:
        me = getrusage(r_self)
        kids = getrusage(r_children)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    def rss_mb() -> float:
        return getrusage(r_self).ru_maxrss / 1024.0

    def read_capped(fd: int, cap: int) -> tuple[bytes, bool]:
        size = fstat(fd).st_size
        return (pread(fd, min(size, cap), 0) if size else b""), size > cap

    def reset_streams(test_stdin: int) -> tuple[Any, Any]:
        dup2(test_stdin, stdin_fd)
        try:
            lseek(stdin_fd, 0, 0)
        except os_error:  # an interactive run's standard input is a socket
            pass
        for fd, backup in ((stdout_fd, backup_out), (stderr_fd, backup_err)):
            dup2(backup, fd)
            ftruncate(fd, 0)
            lseek(fd, 0, 0)
        out = text_wrapper(file_io(stdout_fd, "w", closefd=False), encoding="utf-8")
        err = text_wrapper(
            file_io(stderr_fd, "w", closefd=False), encoding="utf-8", line_buffering=True
        )
        sys_module.stdin = text_wrapper(file_io(stdin_fd, "r", closefd=False), encoding="utf-8")
        sys_module.stdout = out
        sys_module.stderr = err
        return out, err

    def error_record(exc: BaseException) -> dict[str, str]:
        try:
            message = plain_str(exc)
        except base_exception:
            message = "<message unavailable>"
        try:
            # The last frames only: a deep recursion must not cost seconds to format.
            report = traceback_exception(
                plain_type(exc), exc, exc.__traceback__, limit=-max_traceback_frames
            )
            # Only the program's frames (and the library code it called) are the user's business.
            report.stack = stack_summary.from_list(
                [frame for frame in report.stack if frame.filename != harness_file]
            )
            tb = "".join(report.format())
        except base_exception:
            tb = ""
        return {
            "type": plain_type(exc).__name__,
            "message": message[:4000],
            "traceback": tb[-8000:],
        }

    def classify(exc: BaseException) -> str:
        if plain_isinstance(exc, timeout_type):
            return "timeout"
        if plain_isinstance(exc, memory_error):
            return "memory"
        return "exception"

    def end_strays() -> None:
        # Processes the program left running must not write into the next test's output.
        # Inside the PID namespace, kill(-1) reaches them all but this process and init.
        try:
            kill(-1, sigkill)
        except base_exception:
            pass
        try:
            while waitpid(-1, wnohang)[0]:
                pass
        except base_exception:
            pass

    def fresh_namespace(name: str) -> dict[str, Any]:
        return {"__name__": name, "__builtins__": real_builtins, "__file__": "<solution>"}

    def resolve(namespace: dict[str, Any], fn_name: str) -> Any:
        target = namespace.get(fn_name)
        if target is not None and plain_callable(target):
            return target
        solution_class = namespace.get("Solution")
        if solution_class is not None:
            return plain_getattr(solution_class(), fn_name)
        raise NameError(f"no function or Solution method named {fn_name!r}")

    def run(request: dict[str, Any], control: socket.socket) -> None:
        harness_pid[0] = getpid()
        alone_in_namespace[0] = bool(request.get("pid_namespace"))
        recvmsg = control.recvmsg  # bound before the program can patch the socket class
        kinds: list[str] = request["kinds"]
        output_cap = int(request["output_bytes"])
        limits = (float(request["time_s"]), float(request["wall_s"]), output_cap)
        caps = (value_cap(output_cap), extra_cap(output_cap))
        no_input = open_file("/dev/null", read_only)
        install(sigalrm, on_timer)
        install(sigprof, on_timer)
        try:
            code = plain_compile(request["code"], "<solution>", "exec", dont_inherit=True)
        except base_exception as exc:  # SyntaxError, ValueError (NUL bytes), RecursionError
            send({"ev": "compile_error", "error": error_record(exc)})
            send({"ev": "end"})
            return
        # Let tracebacks show the program's own source lines.
        source = request["code"]
        line_cache[code.co_filename] = (len(source), None, source.splitlines(True), "<solution>")
        send({"ev": "compiled"})
        namespace: dict[str, Any] = {}
        if "call" in kinds:
            namespace = fresh_namespace("__solution__")
            loaded = timed(lambda: load(namespace, code, request), limits, caps, no_input)
            if loaded[0]["status"] != "ok":
                send({"ev": "load_error", **loaded[0]}, loaded[1])
                send({"ev": "end"})
                return
            send({"ev": "loaded"})
        for index in range(len(kinds)):
            send({"ev": "start", "i": index})
            test, test_fd = receive_test(recvmsg)
            if test["kind"] == "call":
                size = fstat(test_fd).st_size
                test.update(json_loads(pread(test_fd, size, 0).decode("utf-8")))
                close(test_fd)
                test_fd = no_input
            action = (
                call_action(namespace, test)
                if test["kind"] == "call"
                else script_action(code, test)
            )
            header, blobs = timed(action, limits, caps, test_fd)
            if test_fd != no_input:
                close(test_fd)
            send({"ev": "done", "i": index, **header}, blobs)
        send({"ev": "end"})

    def load(namespace: dict[str, Any], code: Any, request: dict[str, Any]) -> Any:
        if request.get("preamble", True):
            plain_exec(preamble, namespace)
        plain_exec(code, namespace)
        return None

    def call_action(namespace: dict[str, Any], test: dict[str, Any]) -> Callable[[], Any]:
        def action() -> Any:
            target = resolve(namespace, test["fn_name"])
            if test.get("args_src") is not None:
                packer = "(lambda *a, **k: (a, k))(" + test["args_src"] + "\n)"
                args, kwargs = plain_eval(packer, namespace)
            elif test.get("encoded_args"):
                args = [decode(value) for value in test.get("args", [])]
                kwargs = {name: decode(v) for name, v in (test.get("kwargs") or {}).items()}
            else:
                args, kwargs = test.get("args", []), test.get("kwargs") or {}
            return returned_type(instrumented(test, lambda: target(*args, **kwargs)))

        return action

    def instrumented(test: dict[str, Any], call: Callable[[], Any]) -> Any:
        name = test.get("instrument")
        if not name:
            return call()
        wrapper = allowed.get(name)
        if wrapper is None:
            raise ValueError(f"instrument {name!r} is not one of this sandbox's instruments")
        return wrapper(call, test.get("instrument_options") or {}, sink)

    def script_action(code: Any, test: dict[str, Any]) -> Callable[[], Any]:
        def action() -> Any:
            namespace = fresh_namespace("__main__")
            try:
                instrumented(test, lambda: plain_exec(code, namespace))
            finally:
                # Flush whatever the program left as sys.stdout, inside the test's timers.
                sys_module.stdout.flush()
            return None

        return action

    def exit_status(exc: SystemExit) -> int:
        code = exc.code
        if code is None:
            return 0
        if plain_isinstance(code, plain_int):
            return code  # type: ignore[return-value]
        try:
            write(stderr_fd, (plain_str(code) + "\n").encode("utf-8", "replace"))
        except base_exception:
            pass
        return 1

    def timed(
        action: Callable[[], Any],
        limits: tuple[float, float, int],
        caps: tuple[int, int],
        test_stdin: int,
    ) -> tuple[dict[str, Any], tuple[bytes, bytes, bytes, bytes]]:
        """Run ``action`` under the test's timers: the ``done`` frame's header and blobs."""
        time_s, wall_s, output_cap = limits
        out_stream, err_stream = reset_streams(test_stdin)
        sink.clear()
        timer_fired[0] = False
        record: dict[str, Any] = {"status": "ok"}
        value = b""
        started_cpu, started = cpu_now(), perf()
        try:
            setitimer(itimer_prof, time_s)
            setitimer(itimer_real, wall_s)
            try:
                returned = action()
                restore_protected()
                if plain_isinstance(returned, returned_type):
                    value = to_json(encode(returned.value)).encode("utf-8", "surrogatepass")
                    record["value"] = True
                else:
                    record["exit_code"] = 0
            finally:
                setitimer(itimer_prof, 0)
                setitimer(itimer_real, 0)
        except system_exit as exc:
            record = {"status": "exit", "exit_code": exit_status(exc)}
        except base_exception as exc:
            record = {"status": classify(exc), "error": error_record(exc)}
        restore_protected()
        cpu_s, wall = cpu_now() - started_cpu, perf() - started
        if getpid() != harness_pid[0]:
            # A process the program forked has returned into the harness: it must not report.
            exit_now(0)
        if record["status"] != "timeout" and (timer_fired[0] or cpu_s > time_s or wall > wall_s):
            # The program swallowed the timer's exception or switched the timers off.
            record = {"status": "timeout"}
            value = b""
        if alone_in_namespace[0]:
            end_strays()
        for stream in (out_stream, err_stream):
            try:
                stream.flush()
            except base_exception:
                pass
        extra = b""
        if sink:
            try:
                extra = to_json(plain_dict(sink)).encode("utf-8", "surrogatepass")
            except base_exception:
                record["extra_error"] = "the instrument's record could not be encoded"
            if len(extra) > caps[1]:
                extra = b""
                record["extra_error"] = "the instrument's record exceeded its size cap"
        if len(value) > caps[0]:
            value = b'{"$": "too_large"}'
        # Read through the harness's own copies: the program may have closed fd 1 or 2.
        stdout, stdout_over = read_capped(backup_out, output_cap)
        stderr, stderr_over = read_capped(backup_err, output_cap)
        record.update(
            cpu_s=cpu_s,
            wall_s=wall,
            rss_mb=rss_mb(),
            stdout_over=stdout_over,
            stderr_over=stderr_over,
        )
        return record, (stdout, stderr, value, extra)

    return run


def _json_writer() -> Callable[[Any], str]:
    """A JSON writer bound to C functions, so patching ``json`` cannot change its output."""
    make = getattr(json.encoder, "c_make_encoder", None)
    if make is None:  # no C accelerator: the pure-Python encoder, bound now
        return json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode

    def refuse(value: object) -> Any:
        raise TypeError(f"not JSON serialisable: {type(value).__name__}")

    encoder = make(
        None, refuse, json.encoder.encode_basestring, None, ":", ",", False, False, False
    )
    join = "".join

    def write(value: Any) -> str:
        return join(encoder(value, 0))

    return write
