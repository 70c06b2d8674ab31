"""Building a program dataset: levels by programs per level, written as JSONL as it goes.

Semantics (what makes a run reproducible and resumable): for each level in order, attempts
``0, 1, 2, ...`` each get the item seed ``item_seed(seed, level, attempt)``; an attempt is
accepted when its program passes every filter and its normalised AST is not the key of a
program accepted before (in any level). The level ends after ``per_level`` rows or after
``max_attempts(per_level)`` attempts. Rows are written in acceptance order with ids
``<level>-00000``, ``<level>-00001``, ...

Attempts are generated and run ahead, in batches (:meth:`ProgramFilter.validate_many`) on
every sandbox worker (with the grammar generator, the next levels' first attempts too, while
a level finishes), but decided strictly in attempt order, so the output is the same as a
one-by-one run: byte-identical for the same seed with the grammar generator. An existing
output file is resumed: its longest prefix of rows that this run would have written is kept
(a torn last line is dropped), and the run continues after the last kept row's attempt.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from execgym._jsonl import json_text
from execgym.synth._candidate import (
    Candidate,
    GenerationFailure,
    ProgramGenerator,
    Rejection,
    ValidatedProgram,
)
from execgym.synth._checker import check_program
from execgym.synth._filters import ProgramFilter
from execgym.synth._normalize import normalized_key
from execgym.synth._seeds import item_seed
from execgym.synth._spec import ConstraintSpec

ROW_KEYS = (
    "id",
    "level",
    "code",
    "entry",
    "input",
    "output",
    "method",
    "generator",
    "item_seed",
    "attempt",
    "inputs",
    "outputs",
    "metrics",
)
"""The keys of every row, in the order they are written (``error`` follows when set)."""
DEFAULT_BATCH_SIZE = 16
"""Candidates validated per sandbox request (see :meth:`ProgramFilter.validate_many`)."""


class DifficultyFilter(Protocol):
    """Decides, after the sandbox filters, whether a program is hard enough to keep."""

    async def keep(self, program: ValidatedProgram) -> bool: ...


@dataclass(frozen=True)
class SynthConfig:
    """What to build: the levels in order, rows per level, the seed, and how many attempts
    per row a level may use before it ends short."""

    levels: tuple[ConstraintSpec, ...]
    per_level: int
    seed: int = 0
    attempts_per_row: int = 20

    def max_attempts(self) -> int:
        """Attempts a level may use before it ends short."""
        return self.per_level * self.attempts_per_row + 50


@dataclass
class LevelSummary:
    """How one level went in this run (``resumed``: rows kept from the existing file)."""

    name: str
    rows: int = 0
    resumed: int = 0
    attempts: int = 0
    rejections: Counter[str] = field(default_factory=Counter)


@dataclass
class SynthSummary:
    """Every level's summary, the rows written by this run and its duration."""

    levels: list[LevelSummary]
    written: int = 0
    resumed: int = 0
    seconds: float = 0.0

    def missing(self, per_level: int) -> dict[str, int]:
        """Levels that ended with fewer rows than asked, and how many they lack."""
        return {s.name: per_level - s.rows for s in self.levels if s.rows < per_level}


@dataclass
class _ResumeState:
    offset: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    last_attempt: dict[str, int] = field(default_factory=dict)
    keys: set[str] = field(default_factory=set)


class DatasetBuilder:
    """Generates, filters and writes programs for a :class:`SynthConfig`.

    ``check_constraints`` runs :func:`check_program` as a filter (on by default for every
    generator but the grammar one, whose programs satisfy the spec by construction).
    ``batch_size`` candidates are validated per sandbox request; ``threads`` requests run
    at once. Neither changes the output.
    """

    def __init__(
        self,
        generator: ProgramGenerator,
        program_filter: ProgramFilter,
        config: SynthConfig,
        difficulty: DifficultyFilter | None = None,
        check_constraints: bool | None = None,
        threads: int | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be at least 1")
        self.generator = generator
        self.filter = program_filter
        self.config = config
        self.difficulty = difficulty
        self.check_constraints = (
            generator.name != "grammar" if check_constraints is None else check_constraints
        )
        workers = program_filter.first.workers + program_filter.second.workers
        self.threads = threads or max(4, workers * 2)
        self.batch_size = batch_size

    def run(
        self, output: Path, on_row: Callable[[dict[str, Any]], None] | None = None
    ) -> SynthSummary:
        """Build into ``output`` (resuming it if it exists); ``on_row`` sees each new row."""
        return asyncio.run(self.arun(output, on_row))

    async def arun(
        self, output: Path, on_row: Callable[[dict[str, Any]], None] | None = None
    ) -> SynthSummary:
        started = time.perf_counter()
        state = read_resume_state(output, self.config) if output.exists() else _ResumeState()
        if output.exists():
            with output.open("r+b") as handle:
                handle.truncate(state.offset)
        output.parent.mkdir(parents=True, exist_ok=True)
        summary = SynthSummary(levels=[])
        accepted = set(state.keys)
        runs: list[_LevelRun] = []
        for spec in self.config.levels:
            level = LevelSummary(spec.name, rows=state.rows.get(spec.name, 0))
            level.resumed = level.rows
            summary.resumed += level.rows
            summary.levels.append(level)
            start = state.last_attempt.get(spec.name, -1) + 1
            runs.append(_LevelRun(len(runs), spec, level, generated=start, decided=start))
        with (
            output.open("a", encoding="utf-8") as sink,
            ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="synth") as pool,
        ):

            def write(row: dict[str, Any]) -> None:
                sink.write(json_text(row) + "\n")
                summary.written += 1
                if on_row is not None:
                    on_row(row)

            scheduler = _Scheduler(self, runs, accepted, pool)
            for run in runs:
                await self._level(run, scheduler, accepted, write)
                sink.flush()
        summary.seconds = time.perf_counter() - started
        return summary

    async def _level(
        self,
        run: _LevelRun,
        scheduler: _Scheduler,
        accepted: set[str],
        write: Callable[[dict[str, Any]], None],
    ) -> None:
        """Decide the level's attempts ``start, start + 1, ...`` in order until it is full.

        Candidates are generated and validated ahead of the decision point (see
        :class:`_Scheduler`); an attempt's outcome depends only on its candidate, the
        programs accepted before it and, for a candidate whose key equals that of an
        earlier undecided one (which waits, and runs only if the earlier one is rejected),
        on that one's outcome, exactly as in a one-by-one run; results of attempts that
        are never decided are dropped.
        """
        spec, level = run.spec, run.summary
        while level.rows < self.config.per_level and run.decided < self.config.max_attempts():
            await scheduler.top_up(run.index)
            decided = run.decided
            entry = run.entries.pop(decided)
            outcome: ValidatedProgram | Rejection
            if entry.rejection is not None:
                outcome = entry.rejection
            elif entry.key in accepted:
                outcome = Rejection("duplicate")
            else:
                if entry.future is None and not any(e is entry for e in run.batch):
                    scheduler.submit(run, decided, entry)
                if entry.future is None:
                    scheduler.flush(run)
                assert entry.future is not None
                outcome = await self._judged((await entry.future)[entry.position])
            scheduler.release(run, decided, entry)
            if isinstance(outcome, ValidatedProgram):
                accepted.add(entry.key)
                write(program_row(spec, level.rows, decided, self.config.seed, outcome))
                level.rows += 1
            else:
                level.rejections[outcome.reason] += 1
            run.decided = decided + 1
            level.attempts = run.decided
        scheduler.finish(run)

    async def _judged(self, outcome: ValidatedProgram | Rejection) -> ValidatedProgram | Rejection:
        if self.difficulty is None or not isinstance(outcome, ValidatedProgram):
            return outcome
        if await self.difficulty.keep(outcome):
            return outcome
        return Rejection("too_easy")

    def _static(
        self, spec: ConstraintSpec, candidate: Candidate | GenerationFailure
    ) -> tuple[Rejection | None, str]:
        if isinstance(candidate, GenerationFailure):
            return Rejection("generation", f"{candidate.reason}: {candidate.detail}"), ""
        try:
            key = candidate.key or normalized_key(candidate.code)
        except SyntaxError as exc:
            return Rejection("syntax", exc.msg), ""
        if self.check_constraints:
            report = check_program(candidate.code, spec, candidate.method, candidate.inputs[0])
            if not report.ok:
                return Rejection("constraints", "; ".join(report.violations)), key
        return None, key


@dataclass
class _Entry:
    candidate: Candidate | GenerationFailure
    key: str
    rejection: Rejection | None
    future: asyncio.Future[list[ValidatedProgram | Rejection]] | None = None
    position: int = 0


@dataclass
class _LevelRun:
    """One level while it is built: attempts generated and decided, and those in between."""

    index: int
    spec: ConstraintSpec
    summary: LevelSummary
    generated: int
    decided: int
    entries: dict[int, _Entry] = field(default_factory=dict)
    batch: list[_Entry] = field(default_factory=list)
    """Submitted entries not yet sent (a batch being filled)."""


class _Scheduler:
    """Generates candidates ahead of the decision point and sends them in batches.

    The level being decided keeps about as many attempts ahead as it still lacks rows, and
    as many more as its rejections so far suggest; with a pure generator (the grammar one:
    a candidate is a function of its spec and item seed), the levels after it are generated
    and validated too, within ``window`` undecided attempts in all, so the sandboxes do not
    wait at a level's end. A batch holds consecutive runnable attempts of one level
    (``batch_size``, one :meth:`ProgramFilter.validate_many` each, at most ``threads``
    running); it is sent when full, or when the decision point reaches it.
    """

    def __init__(
        self,
        builder: DatasetBuilder,
        runs: list[_LevelRun],
        accepted: set[str],
        pool: ThreadPoolExecutor,
    ) -> None:
        self.builder = builder
        self.runs = runs
        self.accepted = accepted
        self.pool = pool
        self.loop = asyncio.get_running_loop()
        self.running_keys: dict[str, tuple[int, int]] = {}
        self.window = builder.threads * builder.batch_size // 2 + 2
        self.speculate = builder.generator.name == "grammar"

    def ahead(self, run: _LevelRun) -> int:
        """How many undecided attempts the level should have: the rows it lacks, and as
        many more as its rejections so far suggest (a quarter more before any)."""
        level = run.summary
        missing = self.builder.config.per_level - level.rows
        if missing <= 0:
            return 0
        rejected = sum(level.rejections.values())
        accepted = level.rows - level.resumed
        return min(self.window, missing + missing * (rejected + 1) // (accepted + 4) + 1)

    async def top_up(self, index: int) -> None:
        """Generate for the level being decided, then (speculating) for those after it."""
        current = self.runs[index]
        await self._generate(current, current.decided + self.ahead(current))
        if not self.speculate:
            return
        room = self.window - (current.generated - current.decided)
        for run in self.runs[index + 1 :]:
            if room <= 0:
                break
            await self._generate(run, run.decided + min(room, self.ahead(run)))
            room -= run.generated - run.decided

    async def _generate(self, run: _LevelRun, target: int) -> None:
        builder = self.builder
        limit = builder.config.max_attempts()
        spec = run.spec
        while run.generated < min(target, limit):
            attempt = run.generated
            seed = item_seed(builder.config.seed, spec.name, attempt)
            candidate = await builder.generator.generate(spec, seed)
            rejection, key = builder._static(spec, candidate)
            entry = _Entry(candidate, key, rejection)
            if rejection is None and key not in self.accepted and key not in self.running_keys:
                self.submit(run, attempt, entry)
            run.entries[attempt] = entry
            run.generated = attempt + 1

    def submit(self, run: _LevelRun, attempt: int, entry: _Entry) -> None:
        run.batch.append(entry)
        self.running_keys[entry.key] = (run.index, attempt)
        if len(run.batch) >= self.builder.batch_size:
            self.flush(run)

    def flush(self, run: _LevelRun) -> None:
        if not run.batch:
            return
        members = list(run.batch)
        run.batch.clear()
        candidates = [_runnable(entry) for entry in members]
        future = self.loop.run_in_executor(
            self.pool, self.builder.filter.validate_many, candidates, run.spec
        )
        for position, entry in enumerate(members):
            entry.future, entry.position = future, position

    def release(self, run: _LevelRun, attempt: int, entry: _Entry) -> None:
        """The attempt is decided: a later candidate with its key may run now."""
        if self.running_keys.get(entry.key) == (run.index, attempt):
            del self.running_keys[entry.key]

    def finish(self, run: _LevelRun) -> None:
        """The level is full: drop its undecided attempts and their batches."""
        for attempt, entry in run.entries.items():
            self.release(run, attempt, entry)
        run.batch.clear()
        for entry in run.entries.values():
            if entry.future is not None:
                entry.future.cancel()
        run.entries.clear()


def _runnable(entry: _Entry) -> Candidate:
    candidate = entry.candidate
    assert isinstance(candidate, Candidate)
    return candidate


def program_row(
    spec: ConstraintSpec, index: int, attempt: int, seed: int, program: ValidatedProgram
) -> dict[str, Any]:
    """The JSONL row of an accepted program (keys in :data:`ROW_KEYS` order)."""
    candidate = program.candidate
    row: dict[str, Any] = {
        "id": f"{spec.name}-{index:05d}",
        "level": spec.name,
        "code": candidate.code,
        "entry": candidate.entry,
        "input": program.input,
        "output": program.output,
        "method": candidate.method,
        "generator": candidate.generator,
        "item_seed": item_seed(seed, spec.name, attempt),
        "attempt": attempt,
        "inputs": list(program.inputs),
        "outputs": list(program.outputs),
        "metrics": program.metrics,
    }
    if program.error is not None:
        row["error"] = program.error
    return row


def read_resume_state(path: Path, config: SynthConfig) -> _ResumeState:
    """The prefix of ``path`` this run would have written itself, and where to go on.

    Rows are read in order while they are complete JSON lines, belong to the configured
    levels in order, carry the id, attempt and item seed this configuration gives, and do
    not exceed ``per_level``; reading stops at the first row that does not.
    """
    state = _ResumeState()
    order = [spec.name for spec in config.levels]
    position = 0
    with path.open("rb") as handle:
        for raw in handle:
            row = _decode_row(raw)
            if row is None or row["level"] not in order:
                break
            level_at = order.index(row["level"])
            if level_at < position:
                break
            position = level_at
            name = row["level"]
            count = state.rows.get(name, 0)
            attempt = row["attempt"]
            if (
                count >= config.per_level
                or row["id"] != f"{name}-{count:05d}"
                or attempt <= state.last_attempt.get(name, -1)
                or row["item_seed"] != item_seed(config.seed, name, attempt)
            ):
                break
            try:
                key = normalized_key(row["code"])
            except SyntaxError:
                break
            state.rows[name] = count + 1
            state.last_attempt[name] = attempt
            state.keys.add(key)
            state.offset += len(raw)
    return state


def _decode_row(raw: bytes) -> dict[str, Any] | None:
    if not raw.endswith(b"\n"):
        return None
    try:
        row = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        return None
    if not isinstance(row, dict) or any(key not in row for key in ROW_KEYS):
        return None
    if not isinstance(row["attempt"], int) or not isinstance(row["code"], str):
        return None
    if not isinstance(row["level"], str) or not isinstance(row["id"], str):
        return None
    return row
