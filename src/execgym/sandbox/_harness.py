"""The harness that runs untrusted code, inside the forked child and nowhere else.

It compiles the program, runs each test under per-test timers, and streams one JSON line per
event to the result pipe: ``compiled`` / ``compile_error``, ``loaded`` / ``load_error``,
``start`` and ``done`` for each test. It sends what happened (stdout, the encoded return
value, the exception), never a verdict: the judging process compares against expected
outputs it never sends here.

Every library function the harness needs is bound at import time inside
:func:`make_runner`'s closure, so a program that patches ``builtins``, ``json``, ``os`` or
this module's globals does not change what the harness reports.
"""

from __future__ import annotations

import builtins
import importlib
import io
import json
import linecache
import os
import resource
import signal
import sys
import time
import traceback
from collections.abc import Callable
from typing import Any, cast

from execgym.sandbox._values import encode_value

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


def make_runner() -> Callable[[dict[str, Any], int, list[int], int], None]:
    """Build the harness entry point with every dependency bound in its closure."""
    write = os.write
    pread = os.pread
    fstat = os.fstat
    ftruncate = os.ftruncate
    lseek = os.lseek
    dup2 = os.dup2
    dumps = json.JSONEncoder(ensure_ascii=False, allow_nan=False).encode
    perf = time.perf_counter
    getrusage = resource.getrusage
    r_self = resource.RUSAGE_SELF
    r_children = resource.RUSAGE_CHILDREN
    setitimer = signal.setitimer
    itimer_real = signal.ITIMER_REAL
    itimer_prof = signal.ITIMER_PROF
    install = signal.signal
    encode = encode_value
    traceback_exception = traceback.TracebackException
    stack_summary = traceback.StackSummary
    text_wrapper = io.TextIOWrapper
    file_io = io.FileIO
    real_builtins = builtins
    sys_module = sys
    timeout_type = TestTimeout
    system_exit = SystemExit
    memory_error = MemoryError
    base_exception = BaseException
    plain_eval = eval
    plain_exec = exec
    plain_compile = compile
    plain_callable = callable
    plain_getattr = getattr
    plain_isinstance = isinstance
    plain_int = int
    plain_str = str
    plain_type = type
    harness_file = __file__
    getpid = os.getpid
    exit_now = os._exit
    harness_pid = [0]  # set by run() in the child
    alone_in_namespace = [False]  # the child shares its PID namespace only with its init
    kill = os.kill
    waitpid = os.waitpid
    wnohang = os.WNOHANG
    sigkill = signal.SIGKILL

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

    line_cache = linecache.cache
    import_module = importlib.import_module
    # Where an instrument (a trusted execgym module, e.g. the tracer) leaves its record of
    # the test; sent with the test's result even when the test raised.
    sink: dict[str, Any] = {}

    def on_timer(signum: int, frame: object) -> None:
        raise timeout_type("time limit exceeded")

    def send(channel: int, event: dict[str, Any]) -> None:
        data = (dumps(event) + "\n").encode("utf-8", "surrogatepass")
        view = memoryview(data)
        while view:
            written = write(channel, view)
            view = view[written:]

    def cpu_now() -> float:
        me = getrusage(r_self)
        kids = getrusage(r_children)
        return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime

    def rss_mb() -> float:
        return getrusage(r_self).ru_maxrss / 1024.0

    def read_capped(fd: int, cap: int) -> tuple[str, bool]:
        size = fstat(fd).st_size
        data = pread(fd, min(size, cap), 0) if size else b""
        return data.decode("utf-8", "replace"), size > cap

    def reset_streams(backup_out: int, backup_err: int, stdin_fd: int) -> tuple[Any, Any]:
        dup2(stdin_fd, 0)
        lseek(0, 0, 0)
        for fd, backup in ((STDOUT_FD, backup_out), (STDERR_FD, backup_err)):
            dup2(backup, fd)
            ftruncate(fd, 0)
            lseek(fd, 0, 0)
        out = text_wrapper(file_io(STDOUT_FD, "w", closefd=False), encoding="utf-8")
        err = text_wrapper(
            file_io(STDERR_FD, "w", closefd=False), encoding="utf-8", line_buffering=True
        )
        sys_module.stdin = text_wrapper(file_io(0, "r", closefd=False), encoding="utf-8")
        sys_module.stdout = out
        sys_module.stderr = err
        return out, err

    def error_record(exc: BaseException) -> dict[str, str]:
        try:
            message = plain_str(exc)
        except base_exception:
            message = "<message unavailable>"
        try:
            report = traceback_exception(plain_type(exc), exc, exc.__traceback__)
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

    def run(request: dict[str, Any], channel: int, stdin_fds: list[int], backups: int) -> None:
        backup_out, backup_err = backups, backups + 1
        harness_pid[0] = getpid()
        alone_in_namespace[0] = bool(request.get("pid_namespace"))
        tests: list[dict[str, Any]] = request["tests"]
        time_s: float = request["time_s"]
        wall_s: float = request["wall_s"]
        output_cap: int = request["output_bytes"]
        call_mode = any(t["kind"] == "call" for t in tests)
        install(signal.SIGALRM, on_timer)
        install(signal.SIGPROF, on_timer)
        try:
            code = plain_compile(request["code"], "<solution>", "exec", dont_inherit=True)
        except base_exception as exc:  # SyntaxError, ValueError (NUL bytes), RecursionError
            send(channel, {"ev": "compile_error", "error": error_record(exc)})
            return
        # Let tracebacks show the program's own source lines.
        source = request["code"]
        line_cache[code.co_filename] = (len(source), None, source.splitlines(True), "<solution>")
        send(channel, {"ev": "compiled"})
        namespace: dict[str, Any] = {}
        if call_mode:
            namespace = fresh_namespace("__solution__")
            status, info, out, err = timed(
                lambda: load(namespace, code, request),
                time_s,
                wall_s,
                stdin_fds[-1],
                backup_out,
                backup_err,
                output_cap,
            )
            if status != "ok":
                send(channel, {"ev": "load_error", "status": status, **info, **out_err(out, err)})
                return
            send(channel, {"ev": "loaded"})
        for index, test in enumerate(tests):
            send(channel, {"ev": "start", "i": index})
            call = test["kind"] == "call"
            action = call_action(namespace, test) if call else script_action(code, test)
            started_cpu = cpu_now()
            started = perf()
            status, info, out, err = timed(
                action, time_s, wall_s, stdin_fds[index], backup_out, backup_err, output_cap
            )
            record = {
                "ev": "done",
                "i": index,
                "status": status,
                "cpu_s": cpu_now() - started_cpu,
                "wall_s": perf() - started,
                "rss_mb": rss_mb(),
                **info,
                **out_err(out, err),
            }
            send(channel, record)

    def out_err(out: tuple[str, bool], err: tuple[str, bool]) -> dict[str, Any]:
        return {"stdout": out[0], "stdout_over": out[1], "stderr": err[0], "stderr_over": err[1]}

    def load(namespace: dict[str, Any], code: Any, request: dict[str, Any]) -> dict[str, Any]:
        if request.get("preamble", True):
            plain_exec(PREAMBLE, namespace)
        plain_exec(code, namespace)
        return {}

    def call_action(
        namespace: dict[str, Any], test: dict[str, Any]
    ) -> Callable[[], dict[str, Any]]:
        def action() -> dict[str, Any]:
            target = resolve(namespace, test["fn_name"])
            if test.get("args_src") is not None:
                packer = "(lambda *a, **k: (a, k))(" + test["args_src"] + "\n)"
                args, kwargs = plain_eval(packer, namespace)
            else:
                args, kwargs = test.get("args", []), {}
            value = instrumented(test, lambda: target(*args, **kwargs))
            return {"value": encode(value)}

        return action

    def instrumented(test: dict[str, Any], call: Callable[[], Any]) -> Any:
        name = test.get("instrument")
        if not name:
            return call()
        if not name.startswith("execgym."):
            raise ValueError(f"instrument {name!r} is not an execgym module")
        wrapper = import_module(name).instrument
        return wrapper(call, test.get("instrument_options") or {}, sink)

    def script_action(code: Any, test: dict[str, Any]) -> Callable[[], dict[str, Any]]:
        def action() -> dict[str, Any]:
            namespace = fresh_namespace("__main__")
            try:
                instrumented(test, lambda: plain_exec(code, namespace))
            finally:
                # Flush whatever the program left as sys.stdout, inside the test's timers.
                sys_module.stdout.flush()
            return {"exit_code": 0}

        return action

    def exit_status(exc: SystemExit) -> int:
        code = exc.code
        if code is None:
            return 0
        if plain_isinstance(code, plain_int):
            return cast(int, code)
        try:
            write(STDERR_FD, (plain_str(code) + "\n").encode("utf-8", "replace"))
        except base_exception:
            pass
        return 1

    def timed(
        action: Callable[[], dict[str, Any]],
        time_s: float,
        wall_s: float,
        stdin_fd: int,
        backup_out: int,
        backup_err: int,
        output_cap: int,
    ) -> tuple[str, dict[str, Any], tuple[str, bool], tuple[str, bool]]:
        out_stream, err_stream = reset_streams(backup_out, backup_err, stdin_fd)
        sink.clear()
        status = "ok"
        info: dict[str, Any] = {}
        try:
            setitimer(itimer_prof, time_s)
            setitimer(itimer_real, wall_s)
            try:
                info = action()
            finally:
                setitimer(itimer_prof, 0)
                setitimer(itimer_real, 0)
        except system_exit as exc:
            status = "exit"
            info = {"exit_code": exit_status(exc)}
        except base_exception as exc:
            status = classify(exc)
            info = {"error": error_record(exc)}
        if getpid() != harness_pid[0]:
            # A process the program forked has returned into the harness: it must not report.
            exit_now(0)
        if alone_in_namespace[0]:
            end_strays()
        for stream in (out_stream, err_stream):
            try:
                stream.flush()
            except base_exception:
                pass
        if sink:
            info = {**info, "extra": dict(sink)}
        # Read through the harness's own copies: the program may have closed fd 1 or 2.
        return (
            status,
            info,
            read_capped(backup_out, output_cap),
            read_capped(backup_err, output_cap),
        )

    return run
