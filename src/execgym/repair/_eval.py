"""Evaluating a repair method on a benchmark, in the eval runner's run directory.

:func:`run_repair_eval` solves every problem with the method (at most ``concurrency``
problems in flight), judges the answer on the problem's hidden tests, and appends one
record per problem to ``RUN_DIR/items.jsonl`` the moment it is judged; ``config.json``
guards a resumed run's settings and ``summary.json`` holds the metrics
(:mod:`execgym.repair._summary`), all through :mod:`execgym.bench`'s run-directory helpers.
A rerun into the same directory solves only the problems without a record and re-judges
records the sandbox could not judge, from their stored programs; the response cache in
front of the model answers every call an interrupted problem had made.

A record (one JSON line)::

    {"id", "group", "kind" (the difficulty), "difficulty", "method", "model",
     "samples": [{"response", "extracted", "correct", "verdict", "reason",
                  "detail": {"passed", "total", "compiled", "difficulty", "program"}}],
     "hidden": {"<program>": {"verdict", "passed", "total", "compiled"}},
     "at_budget": [<program or null> for budgets 1..B],
     "calls", "prompt_tokens", "completion_tokens", "breaches", "transcript": {...}}

``samples`` holds the final answer judged on the hidden tests (so the run log reads like
any eval run's); ``hidden`` judges every program some smaller budget would have answered,
so Pass@1 against the budget comes from one run. Problems without hidden tests cannot be
scored on them and are left out before the run (:func:`problems_with_hidden_tests`).

Failures: a request the server rejects leaves that problem unfinished and the run goes on;
a server that stays unavailable stops the run, keeping every finished record; a sandbox
that fails inside a problem's loop leaves that problem unfinished (reported, redone on a
rerun), never scored.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from execgym.bench import (
    ItemRecord,
    Problem,
    judge_solutions,
    no_code_result,
    run_directory,
    run_totals,
)
from execgym.llm import ChatModel, ModelError, ModelRequestError
from execgym.repair._execution import SandboxFailure
from execgym.repair._method import solve_problem
from execgym.repair._settings import RepairSettings
from execgym.repair._summary import PLOT_FILE, markdown_summary, plot_budget_curve, summarize_repair
from execgym.repair._transcript import Transcript
from execgym.sandbox import JudgeResult, Sandbox, Verdict

Progress = Callable[[], None]


@dataclass(frozen=True)
class RepairEvalSettings:
    """What a run evaluates: the benchmark, the method, the model and the loop's knobs."""

    benchmark: str
    method: str
    model: str
    repair: RepairSettings = field(default_factory=RepairSettings)
    data: str | None = None
    concurrency: int = 16

    def __post_init__(self) -> None:
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {self.concurrency}")

    def identity(self) -> dict[str, Any]:
        """What must not change when a run is resumed."""
        return {
            "task": f"repair:{self.benchmark}",
            "benchmark": self.benchmark,
            "method": self.method,
            "model": self.model,
            "data": self.data,
            **self.repair.as_json(),
        }


@dataclass
class RepairReport:
    """What a run did: the summary and what went wrong."""

    summary: dict[str, Any]
    markdown: str
    run_dir: Path
    solved: int = 0
    resumed: int = 0
    failures: dict[str, str] = field(default_factory=dict)
    """Problems the model could not answer (id → error); a rerun asks them again."""
    sandbox_failures: dict[str, str] = field(default_factory=dict)
    """Problems whose loop the sandbox failed (id → error); a rerun does them again."""
    aborted: str | None = None

    @property
    def unjudged(self) -> int:
        return int(self.summary.get("unjudged_samples", 0))


def problems_with_hidden_tests(problems: Sequence[Problem]) -> tuple[list[Problem], list[str]]:
    """The problems that can be scored on hidden tests, and the ids of those that cannot."""
    kept = [problem for problem in problems if problem.hidden_tests]
    left_out = [problem.id for problem in problems if not problem.hidden_tests]
    return kept, left_out


def problem_record(
    problem: Problem, transcript: Transcript, sandbox: Sandbox, model: str
) -> dict[str, Any]:
    """The ``items.jsonl`` record of a solved problem: its programs judged on the hidden
    tests (in the sandbox, in this thread)."""
    at_budget = [transcript.program_at_budget(budget) for budget in range(1, transcript.budget + 1)]
    record: dict[str, Any] = {
        "id": problem.id,
        "group": problem.id,
        "kind": problem.difficulty or problem.source,
        "difficulty": problem.difficulty,
        "method": transcript.method,
        "model": model,
        "at_budget": at_budget,
        "calls": len(transcript.calls),
        "prompt_tokens": transcript.prompt_tokens,
        "completion_tokens": transcript.completion_tokens,
        "breaches": transcript.breaches,
        "transcript": transcript.model_dump(mode="json"),
    }
    return judge_record(problem, record, sandbox)


def judge_record(problem: Problem, record: dict[str, Any], sandbox: Sandbox) -> dict[str, Any]:
    """Judge (again) every program ``record`` may answer with on the hidden tests."""
    transcript = Transcript.model_validate(record["transcript"])
    wanted = {p for p in [*record["at_budget"], transcript.final] if p is not None}
    ordered = sorted(wanted)
    results = judge_solutions(
        sandbox,
        [(problem, transcript.programs[program]) for program in ordered],
        tests="hidden",
        mode="auto",
    )
    record["hidden"] = {
        str(program): _judged(result) for program, result in zip(ordered, results, strict=True)
    }
    final = transcript.final
    if final is None:
        judged = no_code_result(problem, "the method gave no program", "hidden")
        sample = _sample("", judged, problem, None)
    else:
        sample = _sample(transcript.programs[final], results[ordered.index(final)], problem, final)
    record["samples"] = [sample]
    return record


def _judged(result: JudgeResult) -> dict[str, Any]:
    return {
        "verdict": result.verdict.value,
        "passed": result.passed,
        "total": result.total,
        "compiled": result.verdict is not Verdict.COMPILE_ERROR,
    }


def _sample(
    code: str, result: JudgeResult, problem: Problem, program: int | None
) -> dict[str, Any]:
    unjudged = result.verdict is Verdict.SANDBOX_ERROR
    return {
        "response": code,
        "extracted": code if program is not None else None,
        "correct": None if unjudged else result.verdict is Verdict.OK,
        "verdict": result.verdict.value,
        "reason": result.detail,
        "detail": {
            "passed": result.passed,
            "total": result.total,
            "compiled": result.verdict is not Verdict.COMPILE_ERROR,
            "difficulty": problem.difficulty,
            "program": program,
        },
    }


def read_repair_records(run_dir: Path) -> dict[str, dict[str, Any]]:
    """The records of a repair run directory by problem id, as the JSON objects written."""
    return {key: record.as_json() for key, record in run_directory(run_dir).read_records().items()}


def _hidden_unjudged(record: Mapping[str, Any]) -> bool:
    hidden = record.get("hidden", {})
    return ItemRecord.model_validate(record).needs_judging or any(
        entry.get("verdict") == Verdict.SANDBOX_ERROR.value for entry in hidden.values()
    )


async def run_repair_eval(
    problems: Sequence[Problem],
    model: ChatModel,
    settings: RepairEvalSettings,
    run_dir: Path,
    sandbox: Sandbox,
    progress: Progress | None = None,
) -> RepairReport:
    """Solve, judge and record every problem; see the module docstring."""
    advance = progress or (lambda: None)
    run_dir.mkdir(parents=True, exist_ok=True)
    identity = settings.identity()
    log = run_directory(run_dir)
    log.check_settings(identity)
    finished = read_repair_records(run_dir)
    report = RepairReport({}, "", run_dir)
    to_solve: list[Problem] = []
    to_rejudge: list[tuple[Problem, dict[str, Any]]] = []
    for problem in problems:
        stored = finished.get(problem.id)
        if stored is None:
            to_solve.append(problem)
        elif _hidden_unjudged(stored):
            to_rejudge.append((problem, stored))
        else:
            report.resumed += 1
            advance()
    usage = {"prompt_tokens": 0, "completion_tokens": 0, "calls": 0}
    previous = log.read_summary()
    started = time.monotonic()

    def finish() -> None:
        records = read_repair_records(run_dir)
        wanted = [records[p.id] for p in problems if p.id in records]
        header = {
            "task": f"repair:{settings.benchmark}",
            "model": settings.model,
            "method": settings.method,
            "settings": identity,
            **run_totals(previous, usage, time.monotonic() - started),
            "model_failures": dict(report.failures),
            "sandbox_failures": dict(report.sandbox_failures),
            "aborted": report.aborted,
        }
        report.summary = summarize_repair(
            wanted, [p.id for p in problems], settings.repair.budget, header
        )
        log.write_summary(report.summary)
        plot_budget_curve(report.summary, run_dir / PLOT_FILE)
        report.markdown = markdown_summary(report.summary)

    try:
        await _solve_all(
            to_solve, to_rejudge, model, settings, run_dir, sandbox, advance, report, usage
        )
    except asyncio.CancelledError:
        report.aborted = "interrupted"
        finish()
        raise
    finish()
    return report


async def _solve_all(
    to_solve: Sequence[Problem],
    to_rejudge: Sequence[tuple[Problem, dict[str, Any]]],
    model: ChatModel,
    settings: RepairEvalSettings,
    run_dir: Path,
    sandbox: Sandbox,
    advance: Progress,
    report: RepairReport,
    usage: dict[str, int],
) -> None:
    semaphore = asyncio.Semaphore(settings.concurrency)
    lock = threading.Lock()
    with run_directory(run_dir).open_records(append=True) as writer:

        def write(record: dict[str, Any]) -> None:
            with lock:
                writer.write(ItemRecord.model_validate(record))

        async def solve(problem: Problem) -> None:
            try:
                async with semaphore:
                    transcript = await solve_problem(
                        settings.method, problem, model, sandbox, settings.repair
                    )
            except ModelRequestError as exc:
                report.failures[problem.id] = str(exc)
                advance()
                return
            except SandboxFailure as exc:
                report.sandbox_failures[problem.id] = str(exc)
                advance()
                return
            except ModelError:
                raise
            except Exception as exc:  # a bug on one problem must not cost the finished ones
                report.failures[problem.id] = f"the method failed: {type(exc).__name__}: {exc}"
                advance()
                return
            usage["prompt_tokens"] += transcript.prompt_tokens
            usage["completion_tokens"] += transcript.completion_tokens
            usage["calls"] += len(transcript.calls)
            record = await asyncio.to_thread(
                problem_record, problem, transcript, sandbox, settings.model
            )
            await asyncio.to_thread(write, record)
            report.solved += 1
            advance()

        async def rejudge(problem: Problem, stored: dict[str, Any]) -> None:
            record = await asyncio.to_thread(judge_record, problem, dict(stored), sandbox)
            await asyncio.to_thread(write, record)
            advance()

        judging = [asyncio.ensure_future(rejudge(p, stored)) for p, stored in to_rejudge]
        solving = [asyncio.ensure_future(solve(problem)) for problem in to_solve]
        try:
            for job in asyncio.as_completed(solving):
                try:
                    await job
                except ModelError as exc:
                    report.aborted = str(exc)
                    break
            for job in solving:
                job.cancel()
            await asyncio.gather(*solving, return_exceptions=True)
            await asyncio.gather(*judging)
        finally:
            for job in [*solving, *judging]:
                job.cancel()
            await asyncio.gather(*solving, *judging, return_exceptions=True)
