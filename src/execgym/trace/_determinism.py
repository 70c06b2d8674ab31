"""Determinism: the same trace and output under two different hash seeds."""

from __future__ import annotations

from dataclasses import dataclass

from execgym.sandbox import Sandbox
from execgym.trace._model import Trace
from execgym.trace._tracer import TraceOptions, trace_call


@dataclass(frozen=True)
class DeterminismReport:
    """Whether two runs under different ``PYTHONHASHSEED`` agree, and where they first differ."""

    deterministic: bool
    difference: str = ""


def compare_traces(first: Trace, second: Trace) -> DeterminismReport:
    """Compare status, output and every step (line, event, frame, changed values)."""
    if first.status != second.status:
        return DeterminismReport(False, f"status {first.status} vs {second.status}")
    if first.output != second.output:
        return DeterminismReport(False, f"output {_show(first.output)} vs {_show(second.output)}")
    if first.stdout != second.stdout:
        return DeterminismReport(False, "printed output differs")
    for a, b in zip(first.steps, second.steps, strict=False):
        if (a.line, a.event, a.frame, a.changes, a.value) != (
            b.line,
            b.event,
            b.frame,
            b.changes,
            b.value,
        ):
            return DeterminismReport(False, f"step {a.i}: line {a.line} vs line {b.line}")
    if len(first.steps) != len(second.steps):
        return DeterminismReport(False, f"{len(first.steps)} steps vs {len(second.steps)}")
    return DeterminismReport(True)


def check_determinism(
    first: Sandbox,
    second: Sandbox,
    code: str,
    entry: str,
    args_src: str,
    options: TraceOptions | None = None,
) -> DeterminismReport:
    """Trace the call in two sandboxes whose hash seeds differ and compare the traces."""
    if first.config.hash_seed == second.config.hash_seed:
        raise ValueError("the two sandboxes must use different hash seeds")
    return compare_traces(
        trace_call(first, code, entry, args_src, options),
        trace_call(second, code, entry, args_src, options),
    )


def _show(value: object) -> str:
    return repr(getattr(value, "repr", value))
