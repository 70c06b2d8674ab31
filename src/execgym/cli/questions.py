"""``execgym questions``: write the execution questions of each program's call."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from execgym.cli._common import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    print_interrupted,
    stderr_console,
    usage_error,
    utf8_problem,
)


def questions(
    programs: Annotated[Path, typer.Argument(help='JSONL of {"id", "code", "entry", "input"}.')],
    output: Annotated[Path, typer.Option("-o", "--output", help="Questions JSONL to write.")],
    kinds: Annotated[
        str | None,
        typer.Option("--kinds", help="Comma-separated kinds (default: all the style asks)."),
    ] = None,
    style: Annotated[
        str,
        typer.Option(
            "--style",
            help="execverify (ExecVerify's own format), execverify-strict, cruxeval or reval.",
        ),
    ] = "execverify",
    seed: Annotated[int, typer.Option("--seed", help="Selection seed.")] = 0,
    cot: Annotated[bool, typer.Option("--cot", help="Chain-of-thought prompts.")] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Parallel sandboxes.")
    ] = None,
    determinism: Annotated[
        bool,
        typer.Option(
            "--determinism-check/--no-determinism-check",
            help="Leave out questions whose answer changes under a second hash seed.",
        ),
    ] = True,
) -> None:
    """Write the execution questions of each program's call.

    Each output line is a Question: id, style, kind, prompt, the items with their reference
    answers, and a reference answer that scores full reward. CRUXEval's rows work as they
    are. Malformed rows are reported (file, line, field) and skipped; programs whose call
    raises or times out are skipped and counted; with the determinism check, each question
    whose answer changes under a second hash seed is left out and counted. The same input,
    kinds, style and seed give the same file, byte for byte. Exit status: 0 on success, 1
    if any row was malformed, 2 for a usage error.
    """
    from execgym._verbatim import markup_escape
    from execgym.cli._display import progress_bars
    from execgym.jobs import write_question_file
    from execgym.tasks import BuildStats, ProgramFormatError

    wanted = parse_kinds(style, kinds)
    if not programs.is_file():
        raise usage_error(f"programs file not found: {programs}")
    problem = utf8_problem(programs)
    if problem is not None:
        raise usage_error(problem)
    errors = stderr_console()

    def malformed(error: ProgramFormatError) -> None:
        errors.print(f"[red]error:[/] {markup_escape(str(error))}", soft_wrap=True)

    stats = BuildStats()
    try:
        report = write_question_file(
            programs,
            output,
            wanted,
            style,  # type: ignore[arg-type]  # checked by parse_kinds
            seed=seed,
            cot=cot,
            workers=workers,
            determinism=determinism,
            stats=stats,
            on_malformed=malformed,
            progress=progress_bars(errors),
        )
    except KeyboardInterrupt:
        print_interrupted(
            errors,
            f"{stats.questions} questions from {stats.programs} programs are in {output}; "
            "the command starts over when run again",
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    errors.print(
        f"{stats.questions} questions ({stats.items} items) from {stats.programs} programs "
        f"written to {markup_escape(str(output))}; {stats.describe()}; "
        f"malformed rows: {len(report.malformed)}",
        soft_wrap=True,
    )
    raise typer.Exit(EXIT_FAILURE if report.malformed else EXIT_OK)


def parse_kinds(style: str, kinds: str | None) -> list[str]:
    """The kinds ``--kinds`` names (all the style asks when ``None``), checked against what
    ``style`` asks; an unknown style or kind is a usage error listing the valid ones."""
    from execgym.tasks import STYLE_KINDS, STYLES, check_style, kind_name, question_kinds

    if style not in STYLES:
        raise usage_error(f"unknown style {style!r}; known styles: {', '.join(STYLES)}")
    if not kinds:
        return list(STYLE_KINDS[style])
    asked = [name.strip() for name in kinds.split(",") if name.strip()]
    known = set(question_kinds())
    unknown = [name for name in asked if name not in known]
    if unknown:
        valid = ", ".join(kind for kind in question_kinds() if kind in STYLE_KINDS[style])
        raise usage_error(
            f"unknown kind{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))} "
            f"in --kinds; style {style!r} asks: {valid}"
        )
    wanted = [kind_name(name) for name in asked]
    try:
        check_style(style, wanted)
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    return wanted
