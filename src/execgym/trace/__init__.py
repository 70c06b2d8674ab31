"""White-box tracing: every executed line of a program, with the variable states it made.

The tracer runs inside the sandbox child (an instrument of the harness), never in the
judging process; the trace comes back as plain data. A sandbox that traces allows the
tracer's instrument: ``SandboxConfig(instruments=INSTRUMENTS)``. Code that runs in the child
itself (another instrument) traces with :func:`instrument` directly.
"""

from typing import TYPE_CHECKING

from execgym._lazy import lazy_exports

if TYPE_CHECKING:
    from execgym.trace._determinism import DeterminismReport, check_determinism, compare_traces
    from execgym.trace._model import Step, Trace, TraceStatus, Value
    from execgym.trace._recorder import SOLUTION_FILE, Observer, TraceStepLimit, instrument
    from execgym.trace._tracer import (
        INSTRUMENT,
        INSTRUMENTS,
        CallItem,
        TraceOptions,
        check_tracing,
        split_call,
        trace_call,
        trace_from_result,
        trace_many,
        trace_script,
    )

# The recorder module of this package runs inside fork-servers: re-exports load lazily so
# importing it does not pull in pydantic and the sandbox's judging side.
_EXPORTS = {
    "INSTRUMENT": "execgym.trace._tracer",
    "INSTRUMENTS": "execgym.trace._tracer",
    "SOLUTION_FILE": "execgym.trace._recorder",
    "CallItem": "execgym.trace._tracer",
    "DeterminismReport": "execgym.trace._determinism",
    "Observer": "execgym.trace._recorder",
    "Step": "execgym.trace._model",
    "Trace": "execgym.trace._model",
    "TraceOptions": "execgym.trace._tracer",
    "TraceStatus": "execgym.trace._model",
    "TraceStepLimit": "execgym.trace._recorder",
    "Value": "execgym.trace._model",
    "check_determinism": "execgym.trace._determinism",
    "check_tracing": "execgym.trace._tracer",
    "compare_traces": "execgym.trace._determinism",
    "instrument": "execgym.trace._recorder",
    "split_call": "execgym.trace._tracer",
    "trace_call": "execgym.trace._tracer",
    "trace_from_result": "execgym.trace._tracer",
    "trace_many": "execgym.trace._tracer",
    "trace_script": "execgym.trace._tracer",
}

__all__ = [
    "INSTRUMENT",
    "INSTRUMENTS",
    "SOLUTION_FILE",
    "CallItem",
    "DeterminismReport",
    "Observer",
    "Step",
    "Trace",
    "TraceOptions",
    "TraceStatus",
    "TraceStepLimit",
    "Value",
    "check_determinism",
    "check_tracing",
    "compare_traces",
    "instrument",
    "split_call",
    "trace_call",
    "trace_from_result",
    "trace_many",
    "trace_script",
]


__getattr__ = lazy_exports("execgym.trace", _EXPORTS, globals())
