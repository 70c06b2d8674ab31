"""Building a program dataset: levels by programs per level, written as JSONL as it goes.

Semantics (what makes a run reproducible and resumable): for each level in order, attempts
``0, 1, 2, ...`` each get the item seed ``item_seed(seed, level, attempt)``; an attempt is
accepted when its program passes every filter and its normalised AST is not the key of a
program accepted before (in any level). The level ends after ``per_level`` rows or after
``max_attempts(per_level)`` attempts. Rows are written in acceptance order with ids
``<level>-00000``, ``<level>-00001``, ...

Attempts are generated and run ahead, on every sandbox worker, but decided strictly in
attempt order, so the output is the same as a one-by-one run: byte-identical for the same
seed with the grammar generator. An existing output file is resumed: its longest prefix of
rows that this run would have written is kept (a torn last line is dropped), and the run
continues after the last kept row's attempt.
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
    """

    def __init__(
        self,
        generator: ProgramGenerator,
        program_filter: ProgramFilter,
        config: SynthConfig,
        difficulty: DifficultyFilter | None = None,
        check_constraints: bool | None = None,
        threads: int | None = None,
    ) -> None:
        self.generator = generator
        self.filter = program_filter
        self.config = config
        self.difficulty = difficulty
        self.check_constraints = (
            generator.name != "grammar" if check_constraints is None else check_constraints
        )
        workers = program_filter.first.workers + program_filter.second.workers
        self.threads = threads or max(4, workers * 2)

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
        with (
            output.open("a", encoding="utf-8") as sink,
            ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="synth") as pool,
        ):
            for spec in self.config.levels:
                level = LevelSummary(spec.name, rows=state.rows.get(spec.name, 0))
                level.resumed = level.rows
                summary.resumed += level.rows
                summary.levels.append(level)
                start = state.last_attempt.get(spec.name, -1) + 1

                def write(row: dict[str, Any]) -> None:
                    sink.write(json.dumps(row, ensure_ascii=False) + "\n")
                    summary.written += 1
                    if on_row is not None:
                        on_row(row)

                await self._level(spec, level, start, accepted, pool, write)
                sink.flush()
        summary.seconds = time.perf_counter() - started
        return summary

    async def _level(
        self,
        spec: ConstraintSpec,
        level: LevelSummary,
        start: int,
        accepted: set[str],
        pool: ThreadPoolExecutor,
        write: Callable[[dict[str, Any]], None],
    ) -> None:
        """Decide attempts ``start, start + 1, ...`` in order until the level is full.

        Candidates are generated and validated ahead of the decision point (at most
        ``self.threads`` running, never many more than the rows still missing); a candidate
        whose key equals that of an earlier undecided one waits, and runs only if the
        earlier one is rejected, exactly as in a one-by-one run.
        """
        loop = asyncio.get_running_loop()
        limit = self.config.max_attempts()
        entries: dict[int, _Entry] = {}
        running_keys: dict[str, int] = {}
        generated = decided = start

        def submit(attempt: int, entry: _Entry) -> None:
            candidate = entry.candidate
            assert isinstance(candidate, Candidate)
            entry.future = loop.run_in_executor(pool, self.filter.validate, candidate, spec)
            running_keys[entry.key] = attempt

        while level.rows < self.config.per_level and decided < limit:
            missing = self.config.per_level - level.rows
            ahead = min(self.threads * 2, missing + missing // 4 + 2)
            while generated < limit and generated - decided < ahead:
                seed = item_seed(self.config.seed, spec.name, generated)
                candidate = await self.generator.generate(spec, seed)
                rejection, key = self._static(spec, candidate)
                entry = _Entry(candidate, key, rejection)
                if rejection is None and key not in accepted and key not in running_keys:
                    submit(generated, entry)
                entries[generated] = entry
                generated += 1
            entry = entries.pop(decided)
            outcome: ValidatedProgram | Rejection
            if entry.rejection is not None:
                outcome = entry.rejection
            elif entry.key in accepted:
                outcome = Rejection("duplicate")
            else:
                if entry.future is None:
                    submit(decided, entry)
                assert entry.future is not None
                outcome = await self._judged(await entry.future)
            if running_keys.get(entry.key) == decided:
                del running_keys[entry.key]
            if isinstance(outcome, ValidatedProgram):
                accepted.add(entry.key)
                write(program_row(spec, level.rows, decided, self.config.seed, outcome))
                level.rows += 1
            else:
                level.rejections[outcome.reason] += 1
            decided += 1
            level.attempts = decided
        for entry in entries.values():
            if entry.future is not None:
                entry.future.cancel()

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
    future: asyncio.Future[ValidatedProgram | Rejection] | None = None


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
