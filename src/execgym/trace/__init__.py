"""White-box tracing: every executed line of a program, with the variable states it made.

The tracer runs inside the sandbox child (an instrument of the harness), never in the
judging process; the trace comes back as plain data.
"""

from typing import TYPE_CHECKING

from execgym._lazy import lazy_exports

if TYPE_CHECKING:
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

# The recorder module of this package runs inside fork-servers: re-exports load lazily so
# importing it does not pull in pydantic and the sandbox's judging side.
_EXPORTS = {
    "CallItem": "execgym.trace._tracer",
    "DeterminismReport": "execgym.trace._determinism",
    "Step": "execgym.trace._model",
    "Trace": "execgym.trace._model",
    "TraceOptions": "execgym.trace._tracer",
    "TraceStatus": "execgym.trace._model",
    "Value": "execgym.trace._model",
    "check_determinism": "execgym.trace._determinism",
    "split_call": "execgym.trace._tracer",
    "trace_call": "execgym.trace._tracer",
    "trace_many": "execgym.trace._tracer",
    "trace_script": "execgym.trace._tracer",
}

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


__getattr__ = lazy_exports("execgym.trace", _EXPORTS, globals())
