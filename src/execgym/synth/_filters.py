"""The filters every candidate passes, whichever generator made it.

Two sandbox executions per candidate, in two sandboxes whose ``PYTHONHASHSEED`` differ:

1. **Run A** (first sandbox) traces the call on every candidate input. A candidate input is
   rejected when the call did not terminate (time or step limit), raised (unless the spec
   allows it), returned a value that is not a literal, or one whose literal is longer than
   ``spec.max_output_chars``. Of the inputs left, the one whose trace takes the most branch
   outcomes becomes the primary input, and the others are kept only where they add
   outcomes the kept ones have not taken.
2. **Run B** (second sandbox) loads ``code`` followed by ``assert f(<input>) == <output>``
   for every kept input (the outputs of run A), then traces the primary call again. The
   program is rejected when an assertion fails, and when the two traces of the primary
   call differ (:func:`execgym.trace.compare_traces`): non-determinism under a
   different hash seed.

The output literal must also read back: ``repr(ast.literal_eval(output)) == output``.
Static checks (syntax; the constraint checker for model-written programs) and duplicate
removal happen before run A, in the dataset builder.

**Batches.** :meth:`ProgramFilter.validate_many` validates a batch of candidates with one
request to each sandbox, a child that runs one test per candidate through the instrument
:mod:`execgym.synth._batch_instrument` (the candidate loaded in a fresh namespace, its calls
made in order, under the test's own CPU and wall timers):

- run A calls every input under the recorder minus the variable states (which cost most of
  a trace; the steps are the same, and they, the status and the output are all that run A's
  checks read), chooses the kept inputs by the same rules as the filters, then loads the
  candidate again and calls it again up to the last kept input, the kept ones fully traced
  (the others untraced, so each kept call finds the state it found the first time). The
  filters apply their rules to the first calls themselves, and each full trace must agree
  with its first call (status, output, exception, steps); the primary's is the one
  compared with run B's;
- run B as above, the primary call fully traced.

A candidate whose test did not end normally (out of time: the limit here covers its load and
all its calls; out of memory or output; killed; a ``SystemExit``; an exception while loading
it in run A), that printed, whose kept inputs the child chose otherwise, or whose full and
first calls disagree is validated again on its own by
:meth:`ProgramFilter.validate_unbatched` (one child per run, one test per call: how every
candidate was validated before batches), so it gets the outcome it always had. The judging
process reads only what the checks need from each record; the two full traces of the
primary call are compared as the JSON strings the children wrote, and only when those
differ are they decoded and compared as the unbatched run compares them.

The outcome is the unbatched run's for every candidate except one whose behaviour depends on
the tracer itself: a ``__repr__`` with side effects, or an input that is not kept and only
fails (time, memory, stack) under the full tracer while changing state later calls read.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from execgym.sandbox import CallTest, ErrorInfo, Limits, Sandbox, TestResult, Verdict
from execgym.synth._batch_instrument import (
    EVENT_NAMES,
    STUB_CODE,
    STUB_ENTRY,
    keep_by_coverage,
    output_problem,
)
from execgym.synth._candidate import Candidate, Rejection, ValidatedProgram
from execgym.synth._metrics import branch_arcs, difficulty_metrics, static_profile
from execgym.synth._spec import ConstraintSpec
from execgym.trace import INSTRUMENT, compare_traces, trace_from_result
from execgym.trace import INSTRUMENTS as TRACE_INSTRUMENTS

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

BATCH_INSTRUMENT = "execgym.synth._batch_instrument"
"""The instrument of batched runs."""
INSTRUMENTS: tuple[str, ...] = (BATCH_INSTRUMENT, *TRACE_INSTRUMENTS)
"""What the filters' sandboxes must allow (``SandboxConfig(instruments=INSTRUMENTS)``): the
batch instrument, and the tracer for candidates validated on their own."""

_LOAD_FAILED = "failed while loading the program: "


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


@dataclass
class _Pending:
    """One candidate of a batch between run A and run B."""

    position: int
    candidate: Candidate
    kept: list[_Outcome]
    run_a: dict[str, Any]
    """The primary call's fully traced record in run A."""
    program_b: str


class ProgramFilter:
    """Validates candidates with two sandboxes whose hash seeds differ (thread-safe)."""

    def __init__(self, first: Sandbox, second: Sandbox, options: FilterOptions | None = None):
        if first.config.hash_seed == second.config.hash_seed:
            raise ValueError("the two sandboxes must use different hash seeds")
        self.first = first
        self.second = second
        self.options = options or FilterOptions()

    def validate(self, candidate: Candidate, spec: ConstraintSpec) -> ValidatedProgram | Rejection:
        """Run the candidate twice and return the kept program or why it was rejected."""
        return self.validate_many([candidate], spec)[0]

    # ---- batched runs ---------------------------------------------------------------
    def validate_many(
        self, candidates: Sequence[Candidate], spec: ConstraintSpec
    ) -> list[ValidatedProgram | Rejection]:
        """Validate a batch with one request to each sandbox; outcomes in order.

        Each candidate gets the outcome :meth:`validate_unbatched` gives it (see the
        module's notes on batches).
        """
        outcomes: list[ValidatedProgram | Rejection | None] = [None] * len(candidates)
        runnable: list[tuple[int, Candidate]] = []
        alone: list[tuple[int, Candidate]] = []
        for position, candidate in enumerate(candidates):
            try:
                static_profile(candidate.code)  # parses it, and run A needs its branch lines
            except SyntaxError as exc:
                outcomes[position] = Rejection("syntax", exc.msg)
                continue
            except Exception:  # e.g. nested too deeply for the profile's walk
                alone.append((position, candidate))
                continue
            if not candidate.inputs:
                outcomes[position] = Rejection("sandbox_error", "the candidate has no input")
                continue
            runnable.append((position, candidate))
        pending = self._run_a(runnable, spec, outcomes, alone) if runnable else []
        if pending:
            self._run_b(pending, outcomes, alone)
        for position, candidate in alone:
            outcomes[position] = self.validate_unbatched(candidate, spec)
        return [o if o is not None else Rejection("sandbox_error", "not run") for o in outcomes]

    def _batch_test(self, code: str, entry: str, calls: list[list[str]], **extra: Any) -> CallTest:
        options = {"code": code, "entry": entry, "calls": calls, **extra}
        options["trace"] = self.options.instrument_options()
        return CallTest(fn_name=STUB_ENTRY, instrument=BATCH_INSTRUMENT, instrument_options=options)

    def _run_a(
        self,
        runnable: list[tuple[int, Candidate]],
        spec: ConstraintSpec,
        outcomes: list[ValidatedProgram | Rejection | None],
        alone: list[tuple[int, Candidate]],
    ) -> list[_Pending]:
        """Run A: every input line-traced, then the kept ones fully traced."""
        tests = []
        for _, candidate in runnable:
            select = {
                "branch_lines": sorted(static_profile(candidate.code)[0]),
                "max_output_chars": spec.max_output_chars,
                "allow_exceptions": spec.allow_exceptions,
            }
            calls = [[args, "lines"] for args in candidate.inputs]
            tests.append(self._batch_test(candidate.code, candidate.entry, calls, select=select))
        results = self.first.execute(STUB_CODE, tests, self.options.limits, preamble=False)
        pending: list[_Pending] = []
        for (position, candidate), result in zip(runnable, results, strict=True):
            runs = _runs(result, "runs", len(candidate.inputs))
            if runs is None:
                alone.append((position, candidate))
                continue
            outcomes_a = [
                _classify(i, _call_result(run), run, _skeleton_steps(run), spec)
                for i, run in enumerate(runs)
            ]
            eligible = [o for o in outcomes_a if o.ok]
            if not eligible:
                outcomes[position] = Rejection(outcomes_a[0].reason, outcomes_a[0].detail)
                continue
            kept = _by_coverage(candidate.code, eligible)
            indexes = [o.index for o in kept]
            again = _runs(result, "full", max(indexes) + 1)
            if (
                again is None
                or result.stdout
                or (result.extra or {}).get("kept") != indexes
                or not all(_agree(runs[i], again[i]) for i in indexes)
            ):
                alone.append((position, candidate))
                continue
            program_b = _with_assertions(candidate, kept)
            pending.append(_Pending(position, candidate, kept, again[indexes[0]], program_b))
        return pending

    def _run_b(
        self,
        pending: list[_Pending],
        outcomes: list[ValidatedProgram | Rejection | None],
        alone: list[tuple[int, Candidate]],
    ) -> None:
        """Run B: the assertions, then the primary call fully traced; and the verdicts."""
        tests = []
        for item in pending:
            primary_args = item.candidate.inputs[item.kept[0].index]
            calls = [[primary_args, "full"]]
            tests.append(
                self._batch_test(item.program_b, item.candidate.entry, calls, catch_load=True)
            )
        results = self.second.execute(STUB_CODE, tests, self.options.limits, preamble=False)
        for item, result in zip(pending, results, strict=True):
            load_error = (result.extra or {}).get("load_error")
            clean = result.verdict is Verdict.OK and not result.stdout
            if clean and isinstance(load_error, list) and _is_error(load_error):
                kind, message = load_error
                detail = _LOAD_FAILED + f"{kind}: {message}"[:300]
                reason = "assert_failed" if kind == "AssertionError" else "sandbox_error"
                outcomes[item.position] = Rejection(reason, detail)
                continue
            runs = _runs(result, "runs", 1)
            if runs is None or result.stdout:
                alone.append((item.position, item.candidate))
                continue
            outcomes[item.position] = self._decide(item.candidate, item.kept, item.run_a, runs[0])

    def _decide(
        self,
        candidate: Candidate,
        kept: list[_Outcome],
        run_a: Mapping[str, Any],
        run_b: Mapping[str, Any],
    ) -> ValidatedProgram | Rejection:
        """The determinism check of the primary call's two full traces, then the program."""
        primary = kept[0]
        same = (
            run_a.get("error") == run_b.get("error")
            and run_a.get("status") == run_b.get("status")
            and run_a.get("output") == run_b.get("output")
            and run_a.get("steps") == run_b.get("steps")
        )
        if not same:
            # The strings differ: decode both and compare them as the unbatched run does.
            full_a, full_b = _full_record(run_a), _full_record(run_b)
            result_a = _call_result(run_a).model_copy(update={"extra": {"trace": full_a}})
            result_b = _call_result(run_b).model_copy(update={"extra": {"trace": full_b}})
            rejection = self._determinism(
                candidate, primary.index, result_a, result_b, full_b, full_a["steps"]
            )
            if rejection is not None:
                return rejection
        return _validated(candidate, kept)

    # ---- one candidate per child ----------------------------------------------------
    def _test(self, entry: str, args_src: str) -> CallTest:
        return CallTest(
            fn_name=entry,
            args_src=args_src,
            instrument=INSTRUMENT,
            instrument_options=self.options.instrument_options(),
        )

    def validate_unbatched(
        self, candidate: Candidate, spec: ConstraintSpec
    ) -> ValidatedProgram | Rejection:
        """The candidate's own two runs: one child each, the program loaded as itself."""
        code, entry = candidate.code, candidate.entry
        try:
            ast.parse(code)
        except SyntaxError as exc:
            return Rejection("syntax", exc.msg)
        if not candidate.inputs:
            return Rejection("sandbox_error", "the candidate has no input")
        tests = [self._test(entry, args) for args in candidate.inputs]
        results = self.first.execute(code, tests, self.options.limits, preamble=False)
        outcomes = []
        for i, result in enumerate(results):
            record: Mapping[str, Any] = (result.extra or {}).get("trace") or {}
            outcomes.append(_classify(i, result, record, list(record.get("steps") or []), spec))
        eligible = [o for o in outcomes if o.ok]
        if not eligible:
            first = outcomes[0]
            return Rejection(first.reason, first.detail)
        kept = _by_coverage(code, eligible)
        primary = kept[0]
        results_b = self.second.execute(
            _with_assertions(candidate, kept),
            [self._test(entry, candidate.inputs[primary.index])],
            self.options.limits,
            preamble=False,
        )
        result_b = results_b[0]
        if result_b.detail.startswith("failed while loading"):
            return _assertion_rejection(result_b)
        record_b = (result_b.extra or {}).get("trace") or {}
        rejection = self._determinism(
            candidate, primary.index, results[primary.index], result_b, record_b, primary.steps
        )
        return rejection or _validated(candidate, kept)

    def _determinism(
        self,
        candidate: Candidate,
        index: int,
        result_a: TestResult,
        result_b: TestResult,
        record_b: Mapping[str, Any],
        steps_a: list[dict[str, Any]],
    ) -> Rejection | None:
        """``nondeterministic`` when the two traces of the primary call differ."""
        if _same_run(result_a, result_b, record_b, steps_a):
            return None
        code = candidate.code
        call = f"{candidate.entry}({candidate.inputs[index]})"
        first_trace = trace_from_result(result_a, code, call, self.first.config.hash_seed)
        second_trace = trace_from_result(result_b, code, call, self.second.config.hash_seed)
        report = compare_traces(first_trace, second_trace)
        if not report.deterministic:
            return Rejection("nondeterministic", report.difference)
        return None


def _is_error(value: object) -> bool:
    return isinstance(value, list) and len(value) == 2 and all(isinstance(v, str) for v in value)


def _runs(result: TestResult, key: str, count: int) -> list[dict[str, Any]] | None:
    """The call records ``key`` of a batch test that ended normally, or ``None`` (then the
    candidate is validated on its own)."""
    if result.verdict is not Verdict.OK or result.extra is None:
        return None
    runs = result.extra.get(key)
    if not isinstance(runs, list) or len(runs) != count:
        return None
    for run in runs:
        if not isinstance(run, dict) or not (run.get("error") is None or _is_error(run["error"])):
            return None
        skeleton = run.get("skel", [])
        if not isinstance(skeleton, list) or len(skeleton) % 4:
            return None
        if not all(type(value) is int for value in skeleton):
            return None
        if not all(0 <= code < len(EVENT_NAMES) for code in skeleton[2::4]):
            return None
    return runs


def _call_result(run: Mapping[str, Any]) -> TestResult:
    """The result the call's own test would have had (the call returned or raised)."""
    error = run.get("error")
    if error is None:
        return TestResult.model_construct(verdict=Verdict.OK)
    kind, message = error
    info = ErrorInfo.model_construct(type=kind, message=message, traceback="")
    return TestResult.model_construct(
        verdict=Verdict.RUNTIME_ERROR, error=info, detail=f"{kind}: {message}"[:300]
    )


def _agree(lines: Mapping[str, Any], full: Mapping[str, Any]) -> bool:
    """Whether a call's full trace agrees with its line trace."""
    return (
        lines.get("error") == full.get("error")
        and lines.get("status") == full.get("status")
        and lines.get("output") == full.get("output")
        and lines.get("skel") == full.get("skel")
        and isinstance(full.get("steps"), str)
    )


def _skeleton_steps(record: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The steps' ``line``, ``frame``, ``event`` and ``depth``, from the flat skeleton."""
    flat = record.get("skel") or []
    names = EVENT_NAMES
    return [
        {"line": flat[i], "frame": flat[i + 1], "event": names[flat[i + 2]], "depth": flat[i + 3]}
        for i in range(0, len(flat) - 3, 4)
    ]


def _full_record(record: Mapping[str, Any]) -> dict[str, Any]:
    """A compact record as the recorder wrote it (its steps decoded)."""
    full: dict[str, Any] = {"steps": []}
    if record.get("status") is not None:
        full["status"] = record["status"]
    if record.get("output") is not None:
        full["output"] = record["output"]
    if isinstance(record.get("steps"), str):
        full["steps"] = json.loads(record["steps"])
    return full


def _classify(
    index: int,
    result: TestResult,
    record: Mapping[str, Any],
    steps: list[dict[str, Any]],
    spec: ConstraintSpec,
) -> _Outcome:
    status = record.get("status")
    if result.verdict is Verdict.OK:
        output = record.get("output") or {}
        problem = output_problem(output, spec.max_output_chars)
        if problem is not None:
            return _Outcome(index, False, *problem)
        return _Outcome(index, True, "", "", output=output["literal"], steps=steps)
    if result.verdict is Verdict.TIME_LIMIT:
        return _Outcome(index, False, "timeout", result.detail)
    if status == "step_limit":
        return _Outcome(index, False, "step_limit", result.detail)
    if result.verdict is Verdict.RUNTIME_ERROR and status == "exception" and result.error:
        if spec.allow_exceptions:
            return _Outcome(index, True, "", "", error=result.error.type, steps=steps)
        return _Outcome(index, False, "exception", f"{result.error.type}: {result.error.message}")
    return _Outcome(index, False, "sandbox_error", f"{result.verdict}: {result.detail}")


def _by_coverage(code: str, eligible: list[_Outcome]) -> list[_Outcome]:
    """The primary outcome (most branch outcomes) first, then those adding outcomes."""
    by_index = {o.index: o for o in eligible}
    arcs = [(o.index, branch_arcs(code, o.steps)) for o in eligible]
    return [by_index[index] for index in keep_by_coverage(arcs)]


def _with_assertions(candidate: Candidate, kept: list[_Outcome]) -> str:
    """Run B's program: the candidate's code, then an assertion per kept input."""
    return candidate.code.rstrip("\n") + "\n\n" + _assertions(candidate.entry, candidate, kept)


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


def _assertion_rejection(result_b: TestResult) -> Rejection:
    error = result_b.error.type if result_b.error else "?"
    reason = "assert_failed" if error == "AssertionError" else "sandbox_error"
    return Rejection(reason, result_b.detail)


def _validated(candidate: Candidate, kept: list[_Outcome]) -> ValidatedProgram:
    primary = kept[0]
    return ValidatedProgram(
        candidate=candidate,
        input=candidate.inputs[primary.index],
        output=primary.output,
        inputs=tuple(candidate.inputs[o.index] for o in kept),
        outputs=tuple(o.output for o in kept),
        metrics=difficulty_metrics(candidate.code, primary.steps),
        error=primary.error,
    )


def _same_run(
    first: TestResult,
    second: TestResult,
    record_b: Mapping[str, Any],
    steps_a: list[dict[str, Any]],
) -> bool:
    """A cheap exact comparison of the two raw traces (equal implies deterministic)."""
    record_a = (first.extra or {}).get("trace") or {}
    return (
        first.verdict == second.verdict
        and first.stdout == second.stdout
        and record_a.get("status") == record_b.get("status")
        and record_a.get("output") == record_b.get("output")
        and steps_a == list(record_b.get("steps") or [])
    )
