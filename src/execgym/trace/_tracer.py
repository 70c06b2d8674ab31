"""Tracing from the judging process: the tracer itself runs in the sandbox child."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any

from execgym.sandbox import CallTest, Limits, Sandbox, StdioTest, TestResult, Verdict
from execgym.trace._model import Step, Trace, TraceStatus, Value
from execgym.trace._recorder import (
    DEFAULT_MAX_REPR_CHARS,
    DEFAULT_MAX_STEPS,
    DEFAULT_MAX_VALUE_NODES,
)

INSTRUMENT = "execgym.trace._recorder"
"""The tracer's instrument: the module the sandbox child runs each traced call under."""
INSTRUMENTS: tuple[str, ...] = (INSTRUMENT,)
"""What a sandbox that traces must allow: ``SandboxConfig(instruments=INSTRUMENTS)``."""


@dataclass(frozen=True)
class TraceOptions:
    """Caps of one traced run: steps, value size (items and repr characters), and limits."""

    max_steps: int = DEFAULT_MAX_STEPS
    max_value_nodes: int = DEFAULT_MAX_VALUE_NODES
    max_repr_chars: int = DEFAULT_MAX_REPR_CHARS
    limits: Limits = field(default_factory=lambda: Limits(time_s=2.0, memory_mb=512))

    def instrument_options(self) -> dict[str, Any]:
        return {
            "max_steps": self.max_steps,
            "max_value_nodes": self.max_value_nodes,
            "max_repr_chars": self.max_repr_chars,
        }


def split_call(call: str) -> tuple[str, str]:
    """``"f(1, x=2)"`` → ``("f", "1, x=2")``; anything but a call of a plain name is an error."""
    try:
        tree = ast.parse(call.strip(), mode="eval")
    except SyntaxError as exc:
        raise ValueError(f"the call {call!r} is not a Python expression: {exc.msg}") from None
    node = tree.body
    if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Name):
        raise ValueError(f"the call {call!r} must call a function by name, like f(1, 2)")
    text = call.strip()
    return node.func.id, text[text.index("(") + 1 : text.rindex(")")]


def trace_call(
    sandbox: Sandbox,
    code: str,
    entry: str,
    args_src: str,
    options: TraceOptions | None = None,
) -> Trace:
    """Trace ``entry(<args_src>)``; the arguments are evaluated in the program's namespace."""
    options = options or TraceOptions()
    check_tracing(sandbox)
    test = CallTest(
        fn_name=entry,
        args_src=args_src,
        instrument=INSTRUMENT,
        instrument_options=options.instrument_options(),
    )
    (result,) = sandbox.execute(code, [test], options.limits, preamble=False)
    return trace_from_result(result, code, f"{entry}({args_src})", sandbox.config.hash_seed)


def trace_script(
    sandbox: Sandbox, code: str, stdin: str = "", options: TraceOptions | None = None
) -> Trace:
    """Trace the whole script with ``stdin``."""
    options = options or TraceOptions()
    check_tracing(sandbox)
    test = StdioTest(
        input=stdin, instrument=INSTRUMENT, instrument_options=options.instrument_options()
    )
    (result,) = sandbox.execute(code, [test], options.limits, preamble=False)
    return trace_from_result(result, code, None, sandbox.config.hash_seed)


def check_tracing(sandbox: Sandbox) -> None:
    """Raise ValueError unless ``sandbox`` allows the tracer's instrument."""
    if INSTRUMENT not in sandbox.config.instruments:
        raise ValueError(
            "this sandbox does not allow the tracer's instrument: create it with "
            "SandboxConfig(instruments=execgym.trace.INSTRUMENTS)"
        )


@dataclass(frozen=True)
class CallItem:
    """One program and call to trace, as ``execgym questions`` reads them."""

    code: str
    entry: str
    args_src: str


def trace_many(
    sandbox: Sandbox, items: Iterable[CallItem], options: TraceOptions | None = None
) -> Iterator[Trace]:
    """Trace many calls on every worker; yields traces in input order."""
    with ThreadPoolExecutor(max_workers=sandbox.workers * 2) as pool:
        futures = [
            pool.submit(trace_call, sandbox, item.code, item.entry, item.args_src, options)
            for item in items
        ]
        for future in futures:
            yield future.result()


def trace_from_result(result: TestResult, code: str, call: str | None, hash_seed: int) -> Trace:
    """The :class:`Trace` of a test run under the tracer's instrument (its record in
    ``result.extra``), of ``code`` called as ``call`` (``None``: run as a script)."""
    record = (result.extra or {}).get("trace") or {}
    steps = [Step.model_validate(step) for step in record.get("steps", [])]
    output = record.get("output")
    return Trace(
        python=str(record.get("python", "")),
        hash_seed=hash_seed,
        code=code,
        call=call,
        status=_status(result, record),
        verdict=result.verdict,
        steps=steps,
        output=Value.model_validate(output) if isinstance(output, dict) else None,
        error=result.error,
        stdout=result.stdout,
        detail=result.detail,
    )


def _status(result: TestResult, record: dict[str, Any]) -> TraceStatus:
    if result.verdict is Verdict.OK:
        return TraceStatus.OK
    if result.verdict is Verdict.TIME_LIMIT:
        return TraceStatus.TIME_LIMIT
    if record.get("status") == "step_limit":
        return TraceStatus.STEP_LIMIT
    if result.verdict is Verdict.RUNTIME_ERROR and record.get("status") == "exception":
        return TraceStatus.EXCEPTION
    return TraceStatus.FAILED
