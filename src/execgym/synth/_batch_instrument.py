"""Several synthesized candidates in one sandbox child: the filters' batch instrument.

The filters send one request per batch of candidates: a stub program defining
:data:`STUB_ENTRY`, and one :class:`~execgym.sandbox.CallTest` per candidate whose instrument
is this module. The harness calls the stub under the test's own CPU and wall timers and hands
the call to :func:`instrument`, which ignores it and, given the test's options::

    {"code", "entry", "calls": [[args_src, mode], ...], "trace": {caps},
     "catch_load": bool, "select": {"branch_lines", "max_output_chars", "allow_exceptions"}}

compiles ``code`` with the filename ``"<solution>"`` (so the recorder traces its frames),
runs it in a fresh namespace, then makes the calls in order in that namespace, each as the
harness makes a call test: the target resolved by name (or as a ``Solution`` method), the
argument list evaluated in the namespace, the return value encoded. ``mode`` is ``"full"``
(traced by the tracer, :func:`execgym.trace.instrument`), ``"lines"`` (traced by the same
tracer with ``changes`` off: the same steps with the same cap but without the variable
states, which cost most of a trace) or ``"run"`` (untraced). Between calls
the ``builtins`` module is put back as it was, as the harness does between tests.

With ``select`` (run A), the inputs run A keeps are chosen from those calls by the rules of
:func:`output_problem` and :func:`keep_by_coverage` (the filters apply the same functions,
and check the choice), and the candidate is loaded again in a fresh namespace and called
again up to the last kept input, the kept ones fully traced, the others untraced, so each
kept call finds the state it found the first time.

An exception a call raises (an :class:`Exception` other than :class:`MemoryError`, or the
recorder's step cap) is recorded for that call and the next call goes on. Anything else
ends the test as it ends a harness test, and the filters then validate that candidate on its
own: the time limit (which here covers the load and every call of the candidate), a
``MemoryError``, ``SystemExit``, an exception while loading (unless ``catch_load``: then
recorded as ``load_error`` and no call is made) or while resolving the target or evaluating
the arguments, and a child that dies.

Each test starts from the process-wide state a fresh child would give it, as far as a
program commonly changes it: the global ``random`` generator is seeded afresh (as after a
fork), and the recursion limit, the harness's timer signal handlers, the working directory
and no trace or profile function are put back to what the child's first test found. What
else a program changes for the whole process (a module's attributes, a thread it leaves
running) is seen by the tests after it in the same child; generated programs change none.

What the test leaves in ``sink``: ``runs``, one record per call in order,
``{"error": [type name, message] | None}`` and, for a traced call, ``status`` and
``output`` as recorded and ``skel`` (``line, frame, event code, depth`` of every step,
flat; event codes in :data:`EVENT_CODES`), and for ``"full"`` ``steps``: the recorder's
step list as one JSON string, so that it crosses the fork-server as one string and two
traces compare as strings. With ``select``: ``kept`` (the kept inputs' indexes, the
primary first) and ``full`` (the records of the second calls, ``"full"`` for kept ones).
"""

from __future__ import annotations

import ast
import builtins
import json
import linecache
import os
import random
import signal
import sys
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from execgym.sandbox import encode_value
from execgym.synth._metrics import arcs_between
from execgym.trace import SOLUTION_FILE, TraceStepLimit
from execgym.trace import instrument as trace_instrument

STUB_ENTRY = "_candidate"
STUB_CODE = f"def {STUB_ENTRY}():\n    return None\n"
"""The program every batch request loads; its only function is the tests' target."""

EVENT_CODES = {"call": 0, "line": 1, "return": 2, "exception": 3}
EVENT_NAMES = tuple(EVENT_CODES)

_SOLUTION = SOLUTION_FILE
_encode_steps = json.JSONEncoder(separators=(",", ":")).encode
_encode_value = encode_value
_literal_eval = ast.literal_eval
_trace = trace_instrument
_settrace = sys.settrace
_setprofile = sys.setprofile
_reseed_random = random.seed
_get_recursion_limit = sys.getrecursionlimit
_set_recursion_limit = sys.setrecursionlimit
_get_signal = signal.getsignal
_set_signal = signal.signal
_TIMER_SIGNALS = (signal.SIGALRM, signal.SIGPROF)
_getcwd = os.getcwd
_chdir = os.chdir
_line_cache = linecache.cache
_real_builtins = builtins
_builtins_dict = vars(builtins)


# ---- run A's rules (the filters use them too) ----------------------------------------
def reads_back(literal: str) -> bool:
    """Whether ``repr(ast.literal_eval(literal)) == literal``."""
    try:
        return repr(_literal_eval(literal)) == literal
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False


def output_problem(output: Mapping[str, Any] | None, max_chars: int) -> tuple[str, str] | None:
    """Why a returned value (its record) rules its input out, as (reason, detail), or None."""
    output = output or {}
    literal = output.get("literal")
    if output.get("truncated"):
        return "output_too_large", "the value exceeded the trace bound"
    if not isinstance(literal, str):
        return "not_literal", f"returned a {output.get('type', '?')}"
    if len(literal) > max_chars:
        return "output_too_large", f"{len(literal)} characters"
    if not reads_back(literal):
        return "not_literal", "the literal does not read back"
    return None


def keep_by_coverage(arcs: Sequence[tuple[int, set[tuple[int, int]]]]) -> list[int]:
    """Of the eligible inputs (index and branch outcomes, in input order), those run A keeps:
    the one taking the most outcomes first (the first of those on a tie), then each that adds
    outcomes the kept ones have not taken."""
    primary, covered = max(arcs, key=lambda item: (len(item[1]), -item[0]))
    kept = [primary]
    covered = set(covered)
    for index, taken in arcs:
        if index != primary and not taken <= covered:
            kept.append(index)
            covered |= taken
    return kept


# ---- the child side ------------------------------------------------------------------
class _Fresh:
    """Process-wide state as this child's first test found it, put back for every test."""

    def __init__(self) -> None:
        self.recursion_limit = _get_recursion_limit()
        self.handlers = {signum: _get_signal(signum) for signum in _TIMER_SIGNALS}
        try:
            self.cwd: str | None = _getcwd()
        except OSError:
            self.cwd = None

    def restore(self) -> None:
        _settrace(None)
        _setprofile(None)
        _reseed_random()
        _set_recursion_limit(self.recursion_limit)
        for signum, handler in self.handlers.items():
            if handler is not None:
                _set_signal(signum, handler)
        if self.cwd is not None:
            try:
                _chdir(self.cwd)
            except OSError:
                pass


_FRESH: list[_Fresh] = []
"""This child's :class:`_Fresh` (taken on first use, so after the fork)."""


def instrument(call: Callable[[], Any], options: dict[str, Any], sink: dict[str, Any]) -> Any:
    """Load one candidate and make its calls (the stub's own ``call`` is not made)."""
    if _FRESH:
        _FRESH[0].restore()
    else:
        _FRESH.append(_Fresh())
    builtins_before = dict(_builtins_dict)
    source: str = options["code"]
    code = compile(source, _SOLUTION, "exec", dont_inherit=True)
    _line_cache[_SOLUTION] = (len(source), None, source.splitlines(True), _SOLUTION)
    namespace = _namespace()
    if options.get("catch_load"):
        try:
            exec(code, namespace)
        except MemoryError:
            raise
        except Exception as exc:
            sink["load_error"] = [type(exc).__name__, _message(exc)]
            return None
    else:
        exec(code, namespace)
    entry: str = options["entry"]
    caps: dict[str, Any] = options["trace"]
    runs: list[dict[str, Any]] = []
    sink["runs"] = runs
    lines: list[list[dict[str, Any]]] = []
    for args_src, mode in options["calls"]:
        _restore_builtins(builtins_before)
        record, steps = _call(namespace, entry, args_src, mode, caps)
        runs.append(record)
        lines.append(steps)
    select = options.get("select")
    if select is None:
        return None
    kept = _kept(runs, lines, select)
    sink["kept"] = kept
    if kept:
        _FRESH[0].restore()
        _restore_builtins(builtins_before)
        namespace = _namespace()
        exec(code, namespace)
        again: list[dict[str, Any]] = []
        for index, (args_src, _) in enumerate(options["calls"][: max(kept) + 1]):
            _restore_builtins(builtins_before)
            mode = "full" if index in kept else "run"
            again.append(_call(namespace, entry, args_src, mode, caps)[0])
        sink["full"] = again
    return None


def _namespace() -> dict[str, Any]:
    return {"__name__": "__solution__", "__builtins__": _real_builtins, "__file__": _SOLUTION}


def _kept(
    runs: list[dict[str, Any]], lines: list[list[dict[str, Any]]], select: dict[str, Any]
) -> list[int]:
    branch_lines = frozenset(select["branch_lines"])
    arcs = []
    for index, (run, steps) in enumerate(zip(runs, lines, strict=True)):
        if run["error"] is None:
            eligible = output_problem(run.get("output"), select["max_output_chars"]) is None
        else:
            eligible = bool(select["allow_exceptions"]) and run.get("status") == "exception"
        if eligible:
            arcs.append((index, arcs_between(branch_lines, steps)))
    return keep_by_coverage(arcs) if arcs else []


def _restore_builtins(snapshot: dict[str, Any]) -> None:
    current = _builtins_dict
    for name in list(current):
        if name not in snapshot:
            del current[name]
    current.update(snapshot)


def _message(exc: BaseException) -> str:
    """The exception's message as the harness reports it."""
    try:
        message = str(exc)
    except BaseException:
        message = "<message unavailable>"
    return message[:4000]


def _resolve(namespace: dict[str, Any], name: str) -> Any:
    """The call's target, looked up as the harness looks it up."""
    target = namespace.get(name)
    if target is not None and callable(target):
        return target
    solution_class = namespace.get("Solution")
    if solution_class is not None:
        return getattr(solution_class(), name)
    raise NameError(f"no function or Solution method named {name!r}")


def _call(
    namespace: dict[str, Any], entry: str, args_src: str, mode: str, caps: dict[str, Any]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """One call's record, and its steps as recorded."""
    target = _resolve(namespace, entry)
    packer = "(lambda *a, **k: (a, k))(" + args_src + "\n)"
    args, kwargs = eval(packer, namespace)
    inner: dict[str, Any] = {}
    error: list[str] | None = None
    try:
        if mode == "full":
            value = _trace(lambda: target(*args, **kwargs), caps, inner)
        elif mode == "lines":
            value = _trace(lambda: target(*args, **kwargs), {**caps, "changes": False}, inner)
        else:
            value = target(*args, **kwargs)
        _encode_value(value)
    except MemoryError:
        raise
    except (Exception, TraceStepLimit) as exc:
        error = [type(exc).__name__, _message(exc)]
    if mode == "run":
        return {"error": error}, []
    record = inner.get("trace") or {}
    steps: list[dict[str, Any]] = record.get("steps") or []
    skeleton: list[int] = []
    codes = EVENT_CODES
    for step in steps:
        skeleton += (step["line"], step["frame"], codes[step["event"]], step["depth"])
    compact = {
        "error": error,
        "status": record.get("status"),
        "output": record.get("output"),
        "skel": skeleton,
    }
    if mode == "full":
        compact["steps"] = _encode_steps(steps)
    return compact, steps
