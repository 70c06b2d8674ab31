"""The interpreter of one episode, inside the sandbox (this file's text is the program).

The trusted side starts this program with :meth:`~execgym.sandbox.Sandbox.interact` and
talks to it over its standard input, a socket: one JSON object per line each way (see
:mod:`execgym.agent._executor` for the messages). The program keeps the episode's state
between blocks and runs each block of model code in a scope of its own:

* ``run(action)`` sends the action to the trusted side and returns the observation the
  environment answered;
* a placeholder call (a name the trusted side found called but defined nowhere) evaluates
  its arguments, asks the trusted side for the placeholder's body, runs it in a fresh scope
  that holds the arguments under the body's parameter names, and returns the names the body
  was asked to assign: nothing, one value, or a tuple;
* each block runs under its own wall-clock budget, paused while the block waits for the
  trusted side (an action, a child's expansion); past it the block is stopped with an error,
  again every 50 ms if it swallows the first. What a block prints is captured and bounded; a
  flood stops the block.

It imports only the standard library and never trusts itself to hold: the sandbox contains
it, and the trusted side stops it when a block does not answer in time.
"""

from __future__ import annotations

import builtins
import json
import linecache
import math
import os
import re
import reprlib
import signal
import sys
import traceback
from collections.abc import Callable
from typing import Any

MAX_LINE = 1 << 20
KEEP_OUTPUT = 4000
"""Characters of a block's printed output sent back (the rest is counted, not kept)."""
MAX_VALUE = 400
"""Characters of a value's description."""
MODULES: dict[str, Any] = {"re": re, "math": math}
"""Modules every block can use without importing them."""


class BlockTimeout(BaseException):
    """The block ran past its time budget (a BaseException: ``except Exception`` misses it)."""


class OutputFlood(BaseException):
    """The block printed more than its output budget."""


class PlaceholderFailed(Exception):
    """A placeholder's body failed and the trusted side handed the failure to its caller."""


class _Channel:
    """Lines of JSON over the socket on file descriptor 0."""

    def __init__(self) -> None:
        self.buffer = b""

    def send(self, message: dict[str, Any]) -> None:
        data = (json.dumps(message, ensure_ascii=True) + "\n").encode("ascii")
        view = memoryview(data)
        while view:
            view = view[os.write(0, view) :]

    def receive(self) -> dict[str, Any]:
        while b"\n" not in self.buffer:
            chunk = os.read(0, 1 << 16)
            if not chunk or len(self.buffer) > MAX_LINE:
                os._exit(0)  # the trusted side closed the episode (or broke the protocol)
            self.buffer += chunk
        line, _, self.buffer = self.buffer.partition(b"\n")
        message = json.loads(line)
        if not isinstance(message, dict):
            os._exit(0)
        return message


class _Capture:
    """``sys.stdout`` while a block runs: keeps the first characters, counts the rest."""

    def __init__(self, limit: int) -> None:
        self.limit = limit
        self.kept: list[str] = []
        self.size = 0
        self.flooded = False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        if self.size < KEEP_OUTPUT:
            self.kept.append(text[: KEEP_OUTPUT - self.size])
        self.size += len(text)
        if self.size > self.limit:
            self.flooded = True
            raise OutputFlood(f"the block printed more than {self.limit} characters")
        return len(text)

    def flush(self) -> None:
        pass

    def text(self) -> str:
        return "".join(self.kept)


_shorten = reprlib.Repr()
_shorten.maxstring = _shorten.maxother = MAX_VALUE
_shorten.maxlist = _shorten.maxtuple = _shorten.maxset = _shorten.maxdict = 30
_shorten.maxlevel = 4


def type_label(value: Any, depth: int = 0) -> str:
    """A type as a hint reads: ``str``, ``list[str]``, ``dict[str, int]``, ``tuple[str, int]``."""
    name = type(value).__name__
    if depth >= 2 or not isinstance(value, list | tuple | set | frozenset | dict) or not value:
        return name
    if isinstance(value, dict):
        keys = {type_label(k, depth + 1) for k in list(value)[:20]}
        values = {type_label(v, depth + 1) for v in list(value.values())[:20]}
        if len(keys) == 1 and len(values) == 1:
            return f"{name}[{keys.pop()}, {values.pop()}]"
        return name
    elements = [type_label(v, depth + 1) for v in list(value)[:20]]
    if isinstance(value, tuple) and len(value) <= 5 and len(set(elements)) > 1:
        return f"tuple[{', '.join(elements)}]"
    return f"{name}[{elements[0]}]" if len(set(elements)) == 1 else name


def describe(value: Any) -> dict[str, str]:
    """A value as the trusted side shows it: its type and a bounded rendering (a string as
    its text, anything else as its repr)."""
    try:
        text = value if isinstance(value, str) else _shorten.repr(value)
    except Exception as exc:
        text = f"<unprintable {type(value).__name__}: {type(exc).__name__}>"
    if len(text) > MAX_VALUE:
        text = text[:MAX_VALUE] + f"... ({len(text) - MAX_VALUE} more characters)"
    return {"type": type_label(value), "value": text}


class Interpreter:
    """The episode's interpreter: scopes, the block clock, placeholders and ``run``."""

    def __init__(self, channel: _Channel, start: dict[str, Any]) -> None:
        self.channel = channel
        allowed = [name for name in start.get("builtins", []) if hasattr(builtins, name)]
        self.builtins = {name: getattr(builtins, name) for name in allowed}
        self.modules = {name: MODULES[name] for name in start.get("modules", []) if name in MODULES}
        self.output_limit = int(start.get("output_limit", 100_000))
        self.max_action = int(start.get("max_action", 2000))
        self.blocks = 0
        self.armed = False
        self.expired = False
        signal.signal(signal.SIGALRM, self._on_alarm)

    # ---- the block clock --------------------------------------------------------------
    def _on_alarm(self, signum: int, frame: object) -> None:
        if self.armed:
            self.expired = True
            signal.setitimer(signal.ITIMER_REAL, 0.05)  # again, if the block swallows it
            raise BlockTimeout("the block ran past its time limit")

    def _pause(self) -> float:
        self.armed = False
        remaining, _ = signal.setitimer(signal.ITIMER_REAL, 0)
        return remaining

    def _resume(self, remaining: float) -> None:
        self.armed = True
        signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.001))

    def _wait(self, message: dict[str, Any], then: Callable[[], Any]) -> Any:
        """Send ``message`` and do ``then`` with the block's clock stopped."""
        remaining = self._pause()
        try:
            self.channel.send(message)
            return then()
        finally:
            self._resume(remaining)

    # ---- primitives and placeholders -------------------------------------------------
    def run(self, action: str) -> str:
        if not isinstance(action, str):
            raise TypeError(f"run() takes the action as a str, not {type(action).__name__}")
        if len(action) > self.max_action:
            raise ValueError(f"run() takes an action of at most {self.max_action} characters")

        def observation() -> str:
            reply = self.channel.receive()
            if reply.get("op") != "observation":
                os._exit(0)
            return str(reply.get("text", ""))

        return str(self._wait({"op": "run", "action": action}, observation))

    def placeholder(self, name: str, sites: dict[tuple[int, int], int]) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            caller = sys._getframe(1)
            site = sites.get(_position(caller), -1)
            message = {
                "op": "call",
                "name": name,
                "site": site,
                "args": [describe(value) for value in args],
                "kwargs": {key: describe(value) for key, value in kwargs.items()},
            }
            return self._wait(message, lambda: self.frame(list(args), kwargs, persistent=False))

        call.__name__ = call.__qualname__ = name
        return call

    # ---- frames ----------------------------------------------------------------------
    def frame(self, args: list[Any], kwargs: dict[str, Any], persistent: bool) -> Any:
        """Serve one frame: run the blocks the trusted side sends for it until one completes
        (or, ``persistent``, until told to end); return its outputs."""
        scope: dict[str, Any] | None = None
        while True:
            message = self.channel.receive()
            op = message.get("op")
            if op == "fail":
                raise PlaceholderFailed(str(message.get("message", "the placeholder failed")))
            if op == "end":
                return None
            if op != "exec":
                os._exit(0)
            if scope is None or not persistent:
                scope = self._scope(message, args, kwargs)
            outputs = [str(name) for name in message.get("outputs", [])]
            report, ok = self._run_block(message, scope)
            missing = [name for name in outputs if name not in scope]
            if ok and missing:
                ok = False
                report["error"] = {
                    "type": "NameError",
                    "message": f"the block ended without assigning {', '.join(missing)}",
                    "traceback": "",
                }
            if not ok:
                self.channel.send({"op": "error", **report})
                continue
            report["outputs"] = {name: describe(scope[name]) for name in outputs}
            self.channel.send({"op": "done", **report})
            if persistent:
                continue
            values = [scope[name] for name in outputs]
            return None if not values else values[0] if len(values) == 1 else tuple(values)

    def _scope(
        self, message: dict[str, Any], args: list[Any], kwargs: dict[str, Any]
    ) -> dict[str, Any]:
        scope: dict[str, Any] = {"__builtins__": self.builtins, "__name__": "__block__"}
        scope.update(self.modules)
        scope["run"] = self.run
        params = [str(name) for name in message.get("params", [])]
        scope["__bind_error__"] = None
        if len(args) > len(params):
            scope["__bind_error__"] = (
                f"takes {len(params)} positional arguments but {len(args)} were given"
            )
        scope.update(zip(params, args, strict=False))
        scope.update(kwargs)
        return scope

    def _run_block(
        self, message: dict[str, Any], scope: dict[str, Any]
    ) -> tuple[dict[str, Any], bool]:
        self.blocks += 1
        filename = f"<block {self.blocks}>"
        source = str(message.get("code", ""))
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        sites: dict[str, dict[tuple[int, int], int]] = {}
        for index, site in enumerate(message.get("sites", [])):
            sites.setdefault(str(site["name"]), {})[(int(site["line"]), int(site["col"]))] = index
        for name, positions in sites.items():
            scope[name] = self.placeholder(name, positions)
        capture = _Capture(self.output_limit)
        error: dict[str, str] | None = None
        bind_error = scope.pop("__bind_error__", None)
        saved = sys.stdout
        sys.stdout = capture
        self.expired = False
        try:
            if bind_error:
                raise TypeError(f"{message.get('name', 'the placeholder')}() {bind_error}")
            code = compile(source, filename, "exec", dont_inherit=True)
            self._resume(float(message.get("limit_s", 5.0)))
            try:
                exec(code, scope)
            finally:
                self._pause()
        except BaseException as exc:
            if type(exc).__module__ == "execgym.sandbox._harness":
                raise  # the whole run's limit: not the block's business
            error = _error_record(exc, filename)
        finally:
            sys.stdout = saved
        if error is None and (self.expired or capture.flooded):
            reason = "the block ran past its time limit" if self.expired else "output flood"
            error = {
                "type": "BlockTimeout" if self.expired else "OutputFlood",
                "message": reason,
                "traceback": "",
            }
        report: dict[str, Any] = {"stdout": capture.text(), "printed": capture.size}
        if error is not None:
            report["error"] = error
        return report, error is None


def _position(frame: Any) -> tuple[int, int]:
    """Where in its source the frame's current call is: (line, column), or (0, 0)."""
    try:
        positions = list(frame.f_code.co_positions())
        line, _, column, _ = positions[frame.f_lasti // 2]
    except (AttributeError, IndexError, ValueError):
        return (0, 0)
    return (line or 0, column or 0)


def _error_record(exc: BaseException, filename: str) -> dict[str, str]:
    """An exception as the model should read it: type, message, and the block's frames."""
    try:
        message = str(exc)
    except Exception:
        message = "<message unavailable>"
    try:
        report = traceback.TracebackException(type(exc), exc, exc.__traceback__, limit=-20)
        report.stack = traceback.StackSummary.from_list(
            [frame for frame in report.stack if frame.filename.startswith("<block")]
        )
        text = "".join(report.format())
    except Exception:
        text = f"{type(exc).__name__}: {message}\n"
    return {"type": type(exc).__name__, "message": message[:2000], "traceback": text[-6000:]}


def serve() -> None:
    """Answer the trusted side until it closes the episode."""
    channel = _Channel()
    channel.send({"op": "ready"})
    start = channel.receive()
    if start.get("op") != "start":
        os._exit(0)
    interpreter = Interpreter(channel, start)
    try:
        interpreter.frame([], dict(start.get("inputs", {})), bool(start.get("persistent")))
    except PlaceholderFailed:
        pass
    channel.send({"op": "finished"})
