"""``execgym questions``: trace every program's call and write its questions, one per line."""

from __future__ import annotations

from contextlib import ExitStack
from pathlib import Path

from rich.console import Console

from execgym._cli_common import EXIT_FAILURE, EXIT_INTERRUPTED, EXIT_OK, print_interrupted
from execgym._display import progress_bar
from execgym._jsonl import JsonLinesWriter
from execgym._verbatim import markup_escape
from execgym.sandbox import Sandbox, SandboxConfig
from execgym.tasks import (
    STYLE_KINDS,
    STYLES,
    BuildStats,
    ProgramFormatError,
    check_style,
    iter_programs,
    iter_questions,
    kind_name,
    question_kinds,
)
from execgym.trace import INSTRUMENTS


class QuestionsUsageError(ValueError):
    """An unknown style or kind; the message lists the valid ones."""


def parse_kinds(style: str, kinds: str | None) -> list[str]:
    """The kinds ``--kinds`` names (all the style asks when ``None``), checked against what
    ``style`` asks; an unknown style or kind is an error listing the valid ones."""
    if style not in STYLES:
        raise QuestionsUsageError(f"unknown style {style!r}; known styles: {', '.join(STYLES)}")
    if not kinds:
        return list(STYLE_KINDS[style])
    asked = [name.strip() for name in kinds.split(",") if name.strip()]
    known = set(question_kinds())
    unknown = [name for name in asked if name not in known]
    if unknown:
        valid = ", ".join(kind for kind in question_kinds() if kind in STYLE_KINDS[style])
        raise QuestionsUsageError(
            f"unknown kind{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
            f"in --kinds; style {style!r} asks: {valid}"
        )
    wanted = [kind_name(name) for name in asked]
    try:
        check_style(style, wanted)
    except ValueError as exc:
        raise QuestionsUsageError(str(exc)) from None
    return wanted


def write_questions(
    programs: Path,
    output: Path,
    kinds: list[str],
    style: str,
    seed: int,
    cot: bool,
    workers: int | None,
    determinism: bool,
    errors: Console,
) -> int:
    """Write the questions of every program of ``programs`` to ``output``; the exit status."""
    malformed: list[str] = []

    def report(error: ProgramFormatError) -> None:
        malformed.append(str(error))
        errors.print(f"[red]error:[/] {markup_escape(str(error))}", soft_wrap=True)

    stats = BuildStats()
    total = sum(1 for line in programs.open(encoding="utf-8") if line.strip())
    try:
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
            advance = stack.enter_context(progress_bar(errors, "questions", total))
            shown = 0
            for question in iter_questions(
                sandbox,
                iter_programs(programs, on_error=report),
                kinds,
                style,  # type: ignore[arg-type]
                seed,
                cot,
                stats=stats,
                second_seed=second,
            ):
                writer.write(question)
                for _ in range(stats.programs - shown):
                    advance()
                shown = stats.programs
            for _ in range(stats.programs - shown):  # programs after the last question
                advance()
    except KeyboardInterrupt:
        print_interrupted(
            errors,
            f"{stats.questions} questions from {stats.programs} programs are in {output}; "
            "the command starts over when run again",
        )
        return EXIT_INTERRUPTED
    errors.print(
        f"{stats.questions} questions ({stats.items} items) from {stats.programs} programs "
        f"written to {markup_escape(str(output))}; {stats.describe()}; "
        f"malformed rows: {len(malformed)}",
        soft_wrap=True,
    )
    return EXIT_FAILURE if malformed else EXIT_OK
