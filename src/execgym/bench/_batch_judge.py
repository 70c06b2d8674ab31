"""Judging a JSONL batch file (``execgym judge``): one result per line, written as each
program finishes, resumable.

Results are matched to input lines by their ``line`` field (the input line number): ids may
repeat or be missing, and a repeated id is reported. Resuming skips the lines the output
already holds a trustworthy verdict for (checking that each such line still has the id
recorded with it), does not write a still-malformed line's error record twice, and first
repairs a last output line cut short by a killed run. Requests are re-keyed by line number
for the sandbox (``judge_many`` answers in completion order), and each result gets its
line's own id back.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, ExitStack, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Protocol

from execgym._jsonl import JsonLinesWriter
from execgym.bench._batch import (
    MAX_OUTPUT_CHARS,
    BatchLine,
    BatchLineError,
    ResumeState,
    batch_line_ids,
    count_nonblank_lines,
    read_batch,
    read_resume_state,
    result_record,
)
from execgym.sandbox import JudgeRequest, JudgeResult, Sandbox

ProgressBar = Callable[[str, int | None], AbstractContextManager[Callable[[], None]]]
"""``progress(label, total)``: a context whose value is ``advance()``, called once per unit
of work done (a command draws a bar; a library caller may pass nothing)."""


class ProgramJudge(Protocol):
    """Where a batch's programs are judged (a :class:`~execgym.sandbox.Sandbox` is one)."""

    def judge_many(self, requests: Iterable[JudgeRequest]) -> Iterator[JudgeResult]:
        """One result per request, each with its request's id, in completion order; the
        requests are read lazily, a bounded number ahead of the results."""
        ...


def no_progress(label: str, total: int | None) -> AbstractContextManager[Callable[[], None]]:
    """A :data:`ProgressBar` that shows nothing."""
    return nullcontext(lambda: None)


class BatchUsageError(ValueError):
    """The files cannot be used as given: an output file holding another batch's results,
    or one that cannot be written."""


@dataclass(frozen=True)
class BatchJob:
    """What to judge and where the results go (``output`` ``None``: standard output)."""

    batch: Path
    output: Path | None = None
    resume: bool = False
    workers: int | None = None
    max_output_chars: int = MAX_OUTPUT_CHARS

    def __post_init__(self) -> None:
        if self.resume and self.output is None:
            raise BatchUsageError("resuming needs an output file")


@dataclass
class BatchTally:
    """What judging did with the lines of one batch so far."""

    verdicts: Counter[str] = field(default_factory=Counter)
    malformed: int = 0
    already_done: int = 0
    repeated_ids: int = 0

    @property
    def judged(self) -> int:
        return sum(self.verdicts.values())

    def summary(self) -> str:
        counts = ", ".join(f"{count} {verdict}" for verdict, count in self.verdicts.most_common())
        text = f"judged {self.judged} program(s)" + (f" ({counts})" if counts else "")
        text += f"; {self.malformed} malformed line(s) skipped"
        if self.already_done:
            text += f"; {self.already_done} already in the output (--resume)"
        if self.repeated_ids:
            text += (
                f"; {self.repeated_ids} line(s) repeat an earlier line's id "
                '(results are told apart by their "line")'
            )
        return text


@dataclass(frozen=True)
class RepeatedId:
    """A line whose id an earlier line already has."""

    line: int
    id: str
    first_line: int
    count: int
    """How many repeats were found so far, this one included."""


@dataclass
class BatchEvents:
    """What a caller hears while a batch is judged (each does nothing by default)."""

    repaired: Callable[[str], None] = lambda what: None
    """A last output line cut short by a killed run was repaired (what was done)."""
    malformed: Callable[[BatchLineError], None] = lambda error: None
    repeated_id: Callable[[RepeatedId], None] = lambda repeat: None
    progress: ProgressBar = no_progress


def judge_batch(
    job: BatchJob,
    tally: BatchTally | None = None,
    events: BatchEvents | None = None,
    judge: ProgramJudge | None = None,
) -> BatchTally:
    """Judge every line of ``job.batch``, writing one record per line (see the module docs).

    ``tally`` is filled as lines finish, so that a caller interrupted by Ctrl-C can say what
    was done. ``judge`` judges the programs (default: a local sandbox of ``job.workers``).
    Raises :class:`BatchUsageError` when resuming into another batch's output or when the
    output cannot be written.
    """
    tally = tally if tally is not None else BatchTally()
    events = events or BatchEvents()
    state = ResumeState()
    if job.resume and job.output is not None:
        state = read_resume_state(job.output)
        if state.repaired:
            events.repaired(state.repaired)
        check_resume_matches(job.batch, job.output, state)
    _judge_lines(job, events, state, tally, judge)
    return tally


def check_resume_matches(batch: Path, output: Path, state: ResumeState) -> None:
    """Refuse to resume into an output file that records other programs at these lines."""
    current = batch_line_ids(batch, state.finished)
    for line, recorded in sorted(state.finished.items()):
        if line not in current:
            raise BatchUsageError(
                f"{output} holds a result for line {line}, but {batch} has no program on "
                f"line {line}: "
                "it holds another batch's results; judge into a new -o file"
            )
        if current[line] != recorded:
            raise BatchUsageError(
                f"{output} holds a result for line {line} with id {recorded!r}, but line "
                f"{line} of {batch} has id {current[line]!r}: it holds another batch's "
                "results; judge into a new -o file"
            )


def _judge_lines(
    job: BatchJob,
    events: BatchEvents,
    state: ResumeState,
    tally: BatchTally,
    judge: ProgramJudge | None,
) -> None:
    first_line_of: dict[str, int] = {}

    def note_id(line_id: str | None, line_number: int) -> None:
        if line_id is None:
            return
        first = first_line_of.setdefault(line_id, line_number)
        if first != line_number:
            tally.repeated_ids += 1
            events.repeated_id(RepeatedId(line_number, line_id, first, tally.repeated_ids))

    with ExitStack() as stack:
        writer = JsonLinesWriter(_open_output(stack, job.output, job.resume))
        advance = stack.enter_context(events.progress("judging", count_nonblank_lines(job.batch)))
        if judge is None:
            judge = stack.enter_context(Sandbox(workers=job.workers))
        pending: dict[str, BatchLine] = {}

        def requests() -> Iterator[JudgeRequest]:
            for item in read_batch(job.batch):
                if isinstance(item, BatchLineError):
                    note_id(item.line_id, item.line_number)
                    tally.malformed += 1
                    events.malformed(item)
                    if item.line_number not in state.malformed:
                        writer.write(item.output_record())
                    advance()
                    continue
                note_id(item.request.id, item.line_number)
                if item.line_number in state.finished:
                    tally.already_done += 1
                    advance()
                    continue
                key = f"line {item.line_number}"
                pending[key] = item
                yield dataclasses.replace(item.request, id=key)

        for keyed_result in judge.judge_many(requests()):
            item = pending.pop(keyed_result.id or "")
            result = keyed_result.model_copy(update={"id": item.request.id})
            writer.write(result_record(result, item.line_number, job.max_output_chars))
            tally.verdicts[result.verdict.value] += 1
            advance()


def _open_output(stack: ExitStack, output: Path | None, resume: bool) -> IO[str]:
    if output is None:
        return sys.stdout
    try:
        if output.parent != Path():
            output.parent.mkdir(parents=True, exist_ok=True)
        mode = "a" if resume and output.exists() else "w"
        return stack.enter_context(output.open(mode, encoding="utf-8"))
    except OSError as exc:
        raise BatchUsageError(f"cannot write output file {output}: {exc.strerror}") from None
