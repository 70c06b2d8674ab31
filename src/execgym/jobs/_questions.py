"""Question files (``execgym questions``): trace every program's call and write its
questions, one per line, as they are built."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path

from execgym._jsonl import JsonLinesWriter
from execgym.bench import ProgressBar, no_progress
from execgym.sandbox import Sandbox, SandboxConfig
from execgym.tasks import BuildStats, ProgramFormatError, Style, iter_programs, iter_questions
from execgym.trace import INSTRUMENTS


@dataclass
class QuestionFileReport:
    """What writing a question file did: the build's counts and the malformed rows."""

    output: Path
    stats: BuildStats
    malformed: list[str] = field(default_factory=list)


def write_question_file(
    programs: Path,
    output: Path,
    kinds: Sequence[str],
    style: Style,
    *,
    seed: int = 0,
    cot: bool = False,
    workers: int | None = None,
    determinism: bool = True,
    stats: BuildStats | None = None,
    on_malformed: Callable[[ProgramFormatError], None] = lambda error: None,
    progress: ProgressBar = no_progress,
) -> QuestionFileReport:
    """Write the questions of every program of ``programs`` (JSONL rows ``{"id", "code",
    "entry", "input"}``) to ``output``, one :class:`~execgym.tasks.Question` per line.

    A malformed row is handed to ``on_malformed`` and skipped. With ``determinism`` each call
    is traced again under a second hash seed, and a question whose answer changes there is
    left out. ``stats`` (counted as the file is written, so that a caller stopped by Ctrl-C
    can say what was written) and ``progress`` (programs traced) are optional.
    """
    report = QuestionFileReport(output, stats if stats is not None else BuildStats())

    def malformed(error: ProgramFormatError) -> None:
        report.malformed.append(str(error))
        on_malformed(error)

    total = sum(1 for line in programs.open(encoding="utf-8") if line.strip())
    with ExitStack() as stack:
        config = SandboxConfig(instruments=INSTRUMENTS)
        sandbox = stack.enter_context(Sandbox(workers=workers, config=config))
        second = None
        if determinism:
            config = SandboxConfig(hash_seed=config.hash_seed + 1, instruments=INSTRUMENTS)
            second = stack.enter_context(Sandbox(workers=workers, config=config))
        writer = JsonLinesWriter(
            stack.enter_context(output.open("w", encoding="utf-8")), compact=True
        )
        advance = stack.enter_context(progress("questions", total))
        shown = 0
        for question in iter_questions(
            sandbox,
            iter_programs(programs, on_error=malformed),
            list(kinds),
            style,
            seed,
            cot,
            stats=report.stats,
            second_seed=second,
        ):
            writer.write(question)
            for _ in range(report.stats.programs - shown):
                advance()
            shown = report.stats.programs
        for _ in range(report.stats.programs - shown):  # programs after the last question
            advance()
    return report
