"""``execgym judge``: judge a JSONL batch file, writing one result per line as each finishes.

Results are matched to input lines by their ``line`` field (the input line number): ids may
repeat or be missing, and a repeated id is warned about. ``--resume`` skips the lines the
output already holds a trustworthy verdict for (checking that each such line still has the
id recorded with it), does not write a still-malformed line's error record twice, and first
repairs a last output line cut short by a killed run. Ctrl-C stops the run, says how many
programs were judged, and how to go on.
"""

from __future__ import annotations

import dataclasses
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from rich.console import Console

from execgym._batch import (
    BatchLine,
    BatchLineError,
    ResumeState,
    batch_line_ids,
    count_nonblank_lines,
    read_batch,
    read_resume_state,
    result_record,
)
from execgym._cli_common import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, print_interrupted
from execgym._display import progress_bar
from execgym._jsonl import JsonLinesWriter
from execgym._verbatim import markup_escape
from execgym.sandbox import JudgeRequest, Sandbox

MAX_REPEAT_WARNINGS = 10
"""Repeated ids named one by one on standard error; the rest are only counted."""


@dataclass(frozen=True)
class JudgeJob:
    """What ``execgym judge`` was asked to do."""

    batch: Path
    workers: int | None
    output: Path | None
    resume: bool
    max_output_chars: int


class JudgeUsageError(ValueError):
    """The command line or the files cannot be used as given (exit status 2)."""


@dataclass
class JudgeTally:
    """What ``execgym judge`` did with the lines of one batch."""

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


def run_judge(job: JudgeJob, errors: Console) -> int:
    """Judge ``job.batch`` (see :func:`execgym.cli.judge`); returns the exit status."""
    state = ResumeState()
    if job.resume and job.output is not None:
        state = read_resume_state(job.output)
        if state.repaired:
            errors.print(f"note: {markup_escape(state.repaired)}", soft_wrap=True)
        check_resume_matches(job.batch, job.output, state)
    tally = JudgeTally()
    try:
        _judge_lines(job, errors, state, tally)
    except KeyboardInterrupt:
        where = str(job.output) if job.output is not None else "standard output"
        then = (
            "rerun the same command with --resume to judge the rest"
            if job.output is not None
            else "write to a file with -o FILE to be able to --resume a long batch"
        )
        print_interrupted(errors, f"{tally.summary()}; results so far are in {where}; {then}")
        return EXIT_INTERRUPTED
    errors.print(tally.summary(), soft_wrap=True, markup=False)
    return EXIT_FAILURE if tally.malformed else EXIT_OK


def check_resume_matches(batch: Path, output: Path, state: ResumeState) -> None:
    """Refuse to resume into an output file that records other programs at these lines."""
    current = batch_line_ids(batch, state.finished)
    for line, recorded in sorted(state.finished.items()):
        if line not in current:
            raise JudgeUsageError(
                f"{output} holds a result for line {line}, but {batch} has no program on "
                f"line {line}: "
                "it holds another batch's results; judge into a new -o file"
            )
        if current[line] != recorded:
            raise JudgeUsageError(
                f"{output} holds a result for line {line} with id {recorded!r}, but line "
                f"{line} of {batch} has id {current[line]!r}: it holds another batch's "
                "results; judge into a new -o file"
            )


def _judge_lines(job: JudgeJob, errors: Console, state: ResumeState, tally: JudgeTally) -> None:
    batch = job.batch
    first_line_of: dict[str, int] = {}

    def note_id(line_id: str | None, line_number: int) -> None:
        if line_id is None:
            return
        first = first_line_of.setdefault(line_id, line_number)
        if first == line_number:
            return
        tally.repeated_ids += 1
        if tally.repeated_ids <= MAX_REPEAT_WARNINGS:
            errors.print(
                f"[yellow]warning:[/] {markup_escape(str(batch))}:{line_number}: id "
                f"{markup_escape(repr(line_id))} repeats line {first}",
                soft_wrap=True,
            )

    with ExitStack() as stack:
        writer = JsonLinesWriter(_open_output(stack, job.output, job.resume))
        advance = stack.enter_context(progress_bar(errors, "judging", count_nonblank_lines(batch)))
        sandbox = stack.enter_context(Sandbox(workers=job.workers))
        pending: dict[str, BatchLine] = {}

        def requests() -> Iterator[JudgeRequest]:
            for item in read_batch(batch):
                if isinstance(item, BatchLineError):
                    note_id(item.line_id, item.line_number)
                    tally.malformed += 1
                    errors.print(f"[bold red]error:[/] {markup_escape(str(item))}", soft_wrap=True)
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

        for keyed_result in sandbox.judge_many(requests()):
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
        raise JudgeUsageError(f"cannot write output file {output}: {exc.strerror}") from None
