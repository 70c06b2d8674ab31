"""White-box tracing: every executed line of a program, with the variable states it made.

The tracer runs inside the sandbox child (an instrument of the harness), never in the
judging process; the trace comes back as plain data.
"""

from execgym.trace._determinism import DeterminismReport, check_determinism
from execgym.trace._model import Step, Trace, TraceStatus, Value
from execgym.trace._tracer import (
    CallItem,
    TraceOptions,
    split_call,
    trace_call,
    trace_many,
    trace_script,
)

__all__ = [
    "CallItem",
    "DeterminismReport",
    "Step",
    "Trace",
    "TraceOptions",
    "TraceStatus",
    "Value",
    "check_determinism",
    "split_call",
    "trace_call",
    "trace_many",
    "trace_script",
]
