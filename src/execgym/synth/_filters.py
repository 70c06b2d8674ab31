"""The filters every candidate passes, whichever generator made it.

Two sandbox executions per candidate, in two sandboxes whose ``PYTHONHASHSEED`` differ:

1. **Run A** (first sandbox) traces the call on every candidate input in one child. A
   candidate input is rejected when the call did not terminate (time or step limit),
   raised (unless the spec allows it), returned a value that is not a literal, or one
   whose literal is longer than ``spec.max_output_chars``. Of the inputs left, the one
   whose trace takes the most branch outcomes becomes the primary input, and the others
   are kept only where they add outcomes the kept ones have not taken.
2. **Run B** (second sandbox) loads ``code`` followed by ``assert f(<input>) == <output>``
   for every kept input (the outputs of run A), then traces the primary call again. The
   program is rejected when an assertion fails, and when the two traces of the primary
   call differ (:func:`execgym.trace._determinism.compare_traces`): non-determinism under a
   different hash seed.

The output literal must also read back: ``repr(ast.literal_eval(output)) == output``.
Static checks (syntax; the constraint checker for model-written programs) and duplicate
removal happen before run A, in the dataset builder.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from execgym.sandbox import CallTest, Limits, Sandbox, TestResult, Verdict
from execgym.synth._candidate import Candidate, Rejection, ValidatedProgram
from execgym.synth._metrics import branch_arcs, difficulty_metrics
from execgym.synth._spec import ConstraintSpec
from execgym.trace._determinism import compare_traces
from execgym.trace._tracer import INSTRUMENT, _to_trace

REJECTION_REASONS = (
    "syntax",
    "duplicate",
    "constraints",
    "timeout",
    "step_limit",
    "exception",
    "not_literal",
    "output_too_large",
    "assert_failed",
    "nondeterministic",
    "sandbox_error",
)


@dataclass(frozen=True)
class FilterOptions:
    """Limits of the filter runs: CPU seconds and memory per call, and the trace caps."""

    time_s: float = 1.0
    memory_mb: int = 256
    max_steps: int = 5000
    max_value_nodes: int = 300
    max_repr_chars: int = 1000
    limits: Limits = field(init=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "limits", Limits(time_s=self.time_s, memory_mb=self.memory_mb))

    def instrument_options(self) -> dict[str, Any]:
        return {
            "max_steps": self.max_steps,
            "max_value_nodes": self.max_value_nodes,
            "max_repr_chars": self.max_repr_chars,
        }


@dataclass(frozen=True)
class _Outcome:
    index: int
    ok: bool
    reason: str
    detail: str
    output: str | None = None
    error: str | None = None
    steps: list[dict[str, Any]] = field(default_factory=list)


class ProgramFilter:
    """Validates candidates with two sandboxes whose hash seeds differ (thread-safe)."""

    def __init__(self, first: Sandbox, second: Sandbox, options: FilterOptions | None = None):
        if first.config.hash_seed == second.config.hash_seed:
            raise ValueError("the two sandboxes must use different hash seeds")
        self.first = first
        self.second = second
        self.options = options or FilterOptions()

    def _test(self, entry: str, args_src: str) -> CallTest:
        return CallTest(
            fn_name=entry,
            args_src=args_src,
            instrument=INSTRUMENT,
            instrument_options=self.options.instrument_options(),
        )

    def validate(self, candidate: Candidate, spec: ConstraintSpec) -> ValidatedProgram | Rejection:
        """Run the candidate twice and return the kept program or why it was rejected."""
        code, entry = candidate.code, candidate.entry
        try:
            ast.parse(code)
        except SyntaxError as exc:
            return Rejection("syntax", exc.msg)
        tests = [self._test(entry, args) for args in candidate.inputs]
        results = self.first.execute(code, tests, self.options.limits, preamble=False)
        outcomes = [_outcome(i, r, spec) for i, r in enumerate(results)]
        eligible = [o for o in outcomes if o.ok]
        if not eligible:
            first = outcomes[0]
            return Rejection(first.reason, first.detail)
        kept = _by_coverage(code, eligible)
        primary = kept[0]
        results_b = self.second.execute(
            code.rstrip("\n") + "\n\n" + _assertions(entry, candidate, kept),
            [self._test(entry, candidate.inputs[primary.index])],
            self.options.limits,
            preamble=False,
        )
        result_b = results_b[0]
        if result_b.detail.startswith("failed while loading"):
            error = result_b.error.type if result_b.error else "?"
            reason = "assert_failed" if error == "AssertionError" else "sandbox_error"
            return Rejection(reason, result_b.detail)
        record_b = (result_b.extra or {}).get("trace") or {}
        if not _same_run(results[primary.index], result_b, record_b, primary):
            call = f"{entry}({candidate.inputs[primary.index]})"
            first_trace = _to_trace(results[primary.index], code, call, self.first.config.hash_seed)
            second_trace = _to_trace(result_b, code, call, self.second.config.hash_seed)
            report = compare_traces(first_trace, second_trace)
            if not report.deterministic:
                return Rejection("nondeterministic", report.difference)
        return ValidatedProgram(
            candidate=candidate,
            input=candidate.inputs[primary.index],
            output=primary.output,
            inputs=tuple(candidate.inputs[o.index] for o in kept),
            outputs=tuple(o.output for o in kept),
            metrics=difficulty_metrics(code, primary.steps),
            error=primary.error,
        )


def _outcome(index: int, result: TestResult, spec: ConstraintSpec) -> _Outcome:
    record: Mapping[str, Any] = (result.extra or {}).get("trace") or {}
    steps = list(record.get("steps") or [])
    status = record.get("status")
    if result.verdict is Verdict.OK:
        output = record.get("output") or {}
        literal = output.get("literal")
        if output.get("truncated"):
            return _Outcome(index, False, "output_too_large", "the value exceeded the trace bound")
        if not isinstance(literal, str):
            kind = output.get("type", "?")
            return _Outcome(index, False, "not_literal", f"returned a {kind}")
        if len(literal) > spec.max_output_chars:
            detail = f"{len(literal)} characters"
            return _Outcome(index, False, "output_too_large", detail)
        if not _reads_back(literal):
            return _Outcome(index, False, "not_literal", "the literal does not read back")
        return _Outcome(index, True, "", "", output=literal, steps=steps)
    if result.verdict is Verdict.TIME_LIMIT:
        return _Outcome(index, False, "timeout", result.detail)
    if status == "step_limit":
        return _Outcome(index, False, "step_limit", result.detail)
    if result.verdict is Verdict.RUNTIME_ERROR and status == "exception" and result.error:
        if spec.allow_exceptions:
            return _Outcome(index, True, "", "", error=result.error.type, steps=steps)
        return _Outcome(index, False, "exception", f"{result.error.type}: {result.error.message}")
    return _Outcome(index, False, "sandbox_error", f"{result.verdict}: {result.detail}")


def _reads_back(literal: str) -> bool:
    try:
        return repr(ast.literal_eval(literal)) == literal
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False


def _by_coverage(code: str, eligible: list[_Outcome]) -> list[_Outcome]:
    """The primary outcome (most branch outcomes) first, then those adding outcomes."""
    arcs = {o.index: branch_arcs(code, o.steps) for o in eligible}
    primary = max(eligible, key=lambda o: (len(arcs[o.index]), -o.index))
    kept = [primary]
    covered = set(arcs[primary.index])
    for outcome in eligible:
        if outcome is not primary and not arcs[outcome.index] <= covered:
            kept.append(outcome)
            covered |= arcs[outcome.index]
    return kept


def _assertions(entry: str, candidate: Candidate, kept: list[_Outcome]) -> str:
    lines = []
    for outcome in kept:
        call = f"{entry}({candidate.inputs[outcome.index]})"
        if outcome.error is None:
            lines.append(f"assert {call} == {outcome.output}")
        else:
            lines += [
                "try:",
                f"    {call}",
                f"except {outcome.error}:",
                "    pass",
                "else:",
                "    raise AssertionError",
            ]
    return "\n".join(lines) + "\n"


def _same_run(
    first: TestResult, second: TestResult, record_b: Mapping[str, Any], primary: _Outcome
) -> bool:
    """A cheap exact comparison of the two raw traces (equal implies deterministic)."""
    record_a = (first.extra or {}).get("trace") or {}
    return (
        first.verdict == second.verdict
        and first.stdout == second.stdout
        and record_a.get("status") == record_b.get("status")
        and record_a.get("output") == record_b.get("output")
        and primary.steps == list(record_b.get("steps") or [])
    )
