"""The line tracer, run inside the sandbox child as an instrument around one call or script.

It records every event of the program's own code (``co_filename == "<solution>"``): calls,
lines, returns and exceptions, with the frame, its depth and the function name. Variable
states are attributed to the statement that produced them: when a frame reaches its next
event, the locals that differ from the frame's previous snapshot are the changes made by
the statement that just finished, and are stored on that statement's step.

A value is described by its exact type name, its ``repr`` and, when it is built only from
literal types (None, bool, int, finite float, complex, str, bytes, tuple, list, dict, set),
a literal that ``ast.literal_eval`` reads back. A value larger than the configured bound is
marked ``truncated`` (no repr, no literal) rather than cut into a string.

The record is left in the harness's ``sink`` under ``"trace"`` even when the call raises,
so a trace of a failing program is kept. Step cap: :class:`TraceStepLimit` is raised into the
program, which ends the run with that exception.

This is execgym's one tracer. Its options (the test's ``instrument_options``) are the caps
``max_steps``, ``max_value_nodes`` and ``max_repr_chars``, and ``changes`` (default true):
false records every step without variable states, which cost most of a trace (the
synthesis filters' line-coverage runs). Code that runs in the child itself (another
instrument, such as the synthesis filters' batch instrument) calls :func:`instrument`
directly, and may pass ``observer``: a function called with the frame and the event after
each recorded step of the program's own frames, while the frame is live — what a tracer
that keeps more than described values needs (REval's ground truth keeps a deep copy of the
locals at every line).
"""

from __future__ import annotations

import math
import sys
import types
from collections.abc import Callable
from types import FrameType
from typing import Any, cast

SOLUTION_FILE = "<solution>"
DEFAULT_MAX_STEPS = 10_000
DEFAULT_MAX_VALUE_NODES = 1_000
DEFAULT_MAX_REPR_CHARS = 2_000

_IMMUTABLE = (int, float, str, bytes, bool, complex, type(None), frozenset, range)
_LITERAL_SCALARS = (bool, int, str, bytes, type(None))
# Definitions rather than data: a script's functions, classes and imported modules.
_NOT_STATE = (types.FunctionType, types.BuiltinFunctionType, types.ModuleType, type)


class TraceStepLimit(BaseException):
    """Raised into the traced program when it exceeds the step cap."""


def type_name(value: object) -> str:
    kind = type(value)
    module = getattr(kind, "__module__", "")
    name = getattr(kind, "__qualname__", kind.__name__)
    if module in ("builtins", "__solution__", "__main__") or not isinstance(module, str):
        return str(name)
    return f"{module}.{name}"


def _literal_ok(value: object, budget: list[int], depth: int) -> bool:
    """Whether ``repr(value)`` reads back with ``ast.literal_eval`` to an equal value."""
    budget[0] -= 1
    if budget[0] < 0 or depth > 50:
        raise OverflowError
    kind = type(value)
    if kind in _LITERAL_SCALARS:
        return kind is not int or value.bit_length() < 14_000  # type: ignore[attr-defined]
    if kind is float:
        return math.isfinite(value)  # type: ignore[arg-type]
    if kind is complex:
        return math.isfinite(value.real) and math.isfinite(value.imag)  # type: ignore[attr-defined]
    if kind is list or kind is tuple or kind is set:
        return all(_literal_ok(item, budget, depth + 1) for item in value)  # type: ignore[attr-defined]
    if kind is dict:
        return all(
            _literal_ok(k, budget, depth + 1) and _literal_ok(v, budget, depth + 1)
            for k, v in value.items()  # type: ignore[attr-defined]
        )
    return False


def _too_large(value: object, limit: int) -> bool:
    """Whether a container holds more than ``limit`` items in all (a cheap size walk)."""
    budget = [limit]

    def walk(item: object, depth: int) -> None:
        budget[0] -= 1
        if budget[0] < 0 or depth > 50:
            raise OverflowError
        if isinstance(item, (list, tuple, set, frozenset)):
            for inner in item:
                walk(inner, depth + 1)
        elif isinstance(item, dict):
            for key, inner in item.items():
                walk(key, depth + 1)
                walk(inner, depth + 1)
        elif isinstance(item, (str, bytes)) and len(item) > limit * 10:
            raise OverflowError

    try:
        walk(value, 0)
    except (OverflowError, RecursionError):
        return True
    except Exception:
        return True
    return False


def describe(value: object, max_nodes: int, max_chars: int) -> dict[str, Any]:
    """``{"type", "repr", "literal", "truncated"}`` for one value."""
    name = type_name(value)
    if _too_large(value, max_nodes):
        return {"type": name, "repr": None, "literal": None, "truncated": True}
    try:
        text = repr(value)
    except Exception as exc:
        return {
            "type": name,
            "repr": f"<repr failed: {type(exc).__name__}>",
            "literal": None,
            "truncated": False,
        }
    if not isinstance(text, str) or len(text) > max_chars:
        return {"type": name, "repr": None, "literal": None, "truncated": True}
    try:
        literal = text if _literal_ok(value, [max_nodes], 0) else None
    except (OverflowError, RecursionError):
        literal = None
    return {"type": name, "repr": text, "literal": literal, "truncated": False}


class _FrameState:
    __slots__ = ("frame_id", "last_step", "snapshot")

    def __init__(self, frame_id: int) -> None:
        self.frame_id = frame_id
        self.last_step: dict[str, Any] | None = None
        self.snapshot: dict[str, tuple[object, str, dict[str, Any]]] = {}


Observer = Callable[[FrameType, str], None]
"""Called with the frame and the event (``call``, ``line``, ``return``, ``exception``) after
each recorded step."""


class Recorder:
    """Collects the steps of one traced run (with ``changes=False``, without variable
    states)."""

    def __init__(
        self,
        max_steps: int,
        max_nodes: int,
        max_chars: int,
        *,
        changes: bool = True,
        observer: Observer | None = None,
    ) -> None:
        self.max_steps = max_steps
        self.max_nodes = max_nodes
        self.max_chars = max_chars
        self.changes = changes
        self.observer = observer
        self.steps: list[dict[str, Any]] = []
        self.frames: dict[FrameType, _FrameState] = {}
        self.stack: list[FrameType] = []
        self.status = "ok"

    # sys.settrace's global function: trace only the program's own frames.
    def on_call(self, frame: FrameType, event: str, arg: object) -> Callable[..., Any] | None:
        if frame.f_code.co_filename != SOLUTION_FILE:
            return None
        state = self.frames.get(frame)
        if state is None:
            state = _FrameState(len(self.frames))
            self.frames[frame] = state
        self.stack.append(frame)
        step = self._add(frame, state, "call")
        state.last_step = step
        if self.changes:
            step["changes"] = self._diff(frame, state)
        if self.observer is not None:
            self.observer(frame, event)
        return self.on_event

    def on_event(self, frame: FrameType, event: str, arg: object) -> Callable[..., Any] | None:
        state = self.frames[frame]
        if event == "line":
            self._attach_changes(frame, state)
            state.last_step = self._add(frame, state, "line")
        elif event == "return":
            self._attach_changes(frame, state)
            step = self._add(frame, state, "return")
            step["value"] = describe(arg, self.max_nodes, self.max_chars)
            if self.stack and self.stack[-1] is frame:
                self.stack.pop()
        elif event == "exception":
            kind, exc, _ = cast(tuple[type, BaseException, object], arg)
            self._attach_changes(frame, state)
            step = self._add(frame, state, "exception")
            step["value"] = {
                "type": kind.__name__,
                "repr": _safe_str(exc),
                "literal": None,
                "truncated": False,
            }
        if self.observer is not None:
            self.observer(frame, event)
        return self.on_event

    def _add(self, frame: FrameType, state: _FrameState, event: str) -> dict[str, Any]:
        if len(self.steps) >= self.max_steps:
            self.status = "step_limit"
            raise TraceStepLimit(f"more than {self.max_steps} traced steps")
        step = {
            "i": len(self.steps),
            "line": frame.f_lineno,
            "func": frame.f_code.co_name,
            "frame": state.frame_id,
            "depth": len(self.stack) - 1,
            "event": event,
        }
        self.steps.append(step)
        return step

    def _attach_changes(self, frame: FrameType, state: _FrameState) -> None:
        if not self.changes:
            return
        changes = self._diff(frame, state)
        if changes and state.last_step is not None:
            previous = state.last_step.setdefault("changes", {})
            previous.update(changes)

    def _diff(self, frame: FrameType, state: _FrameState) -> dict[str, Any]:
        changes: dict[str, Any] = {}
        snapshot = state.snapshot
        for name, value in frame.f_locals.items():
            if name.startswith(".") or (name.startswith("__") and name.endswith("__")):
                continue
            if isinstance(value, _NOT_STATE):
                continue
            old = snapshot.get(name)
            if old is not None and old[0] is value and isinstance(value, _IMMUTABLE):
                continue
            described = describe(value, self.max_nodes, self.max_chars)
            key = f"{described['type']}\0{described['repr']}"
            if old is not None and old[1] == key and not described["truncated"]:
                snapshot[name] = (value, key, described)
                continue
            snapshot[name] = (value, key, described)
            changes[name] = described
        return changes


def _safe_str(exc: object) -> str:
    try:
        return str(exc)[:500]
    except Exception:
        return "<message unavailable>"


def instrument(
    call: Callable[[], Any],
    options: dict[str, Any],
    sink: dict[str, Any],
    *,
    observer: Observer | None = None,
) -> Any:
    """Run ``call`` under the tracer; leave the trace in ``sink["trace"]``."""
    recorder = Recorder(
        max_steps=int(options.get("max_steps", DEFAULT_MAX_STEPS)),
        max_nodes=int(options.get("max_value_nodes", DEFAULT_MAX_VALUE_NODES)),
        max_chars=int(options.get("max_repr_chars", DEFAULT_MAX_REPR_CHARS)),
        changes=bool(options.get("changes", True)),
        observer=observer,
    )
    result: dict[str, Any] = {"python": sys.version.split()[0], "steps": recorder.steps}
    sink["trace"] = result
    sys.settrace(recorder.on_call)
    try:
        value = call()
    except BaseException as exc:
        sys.settrace(None)
        result["status"] = "step_limit" if isinstance(exc, TraceStepLimit) else "exception"
        raise
    sys.settrace(None)
    result["status"] = recorder.status
    result["output"] = describe(value, recorder.max_nodes, recorder.max_chars)
    return value
