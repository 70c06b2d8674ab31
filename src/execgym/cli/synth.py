"""``execgym synth``: build a program dataset at controlled difficulty, and report on one.

``execgym synth --levels 1-6 --per-level N --seed S [--generator grammar|model] -o FILE``
generates (the group's callback runs when no subcommand is given;
:func:`execgym.jobs.synthesize_programs`); ``execgym synth report FILE -o DIR`` writes
per-level statistics and plots.

Exit statuses: 0 success, 1 a level ended with fewer programs than asked, 2 a usage error
(bad option, unknown level, unreadable file, missing model backend).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from execgym.cli._common import (
    CONTEXT_SETTINGS,
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    print_interrupted,
    stderr_console,
    usage_error,
    utf8_problem,
)

if TYPE_CHECKING:
    from rich.console import Console

    from execgym.synth import ConstraintSpec, ProgramGenerator, SynthSummary

synth_app = typer.Typer(
    name="synth",
    help="Synthesize programs at difficulty levels, or report on them.",
    add_completion=False,
    no_args_is_help=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)


@synth_app.callback(invoke_without_command=True)
def synth(
    ctx: typer.Context,
    levels: Annotated[
        str, typer.Option("--levels", help='Levels to build: "1-6", "2,4", "L3" or custom names.')
    ] = "1-6",
    per_level: Annotated[int, typer.Option("--per-level", min=1, help="Programs per level.")] = 10,
    seed: Annotated[int, typer.Option("--seed", help="Dataset seed.")] = 0,
    generator: Annotated[
        str, typer.Option("--generator", help="grammar (no model) or model.")
    ] = "grammar",
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Programs JSONL to write (resumed if it exists)."),
    ] = None,
    levels_file: Annotated[
        Path | None,
        typer.Option("--levels-file", help="TOML or YAML file of extra or overriding levels."),
    ] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Fork-servers per sandbox.")
    ] = None,
    model: Annotated[
        str | None, typer.Option("--model", help="Model name (for --generator model).")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", help="OpenAI-compatible server URL.")
    ] = None,
    temperature: Annotated[
        float, typer.Option("--temperature", min=0.0, help="Sampling temperature (model).")
    ] = 0.8,
) -> None:
    """Generate programs (no subcommand), with a progress bar, resuming an existing file."""
    if ctx.invoked_subcommand is not None:
        return
    from execgym.cli._display import progress_bars
    from execgym.jobs import SynthesisProgress, synthesize_programs

    if output is None:
        raise usage_error("missing option -o / --output: the programs file to write")
    chosen = _levels(levels, levels_file)
    program_generator = _generator(generator, model, base_url, temperature)
    console = stderr_console()
    counts = SynthesisProgress()
    try:
        summary = synthesize_programs(
            output,
            chosen,
            program_generator,
            per_level=per_level,
            seed=seed,
            workers=workers,
            counts=counts,
            progress=progress_bars(console),
        )
    except KeyboardInterrupt:
        print_interrupted(
            console,
            f"{counts.programs} programs are in {output}; rerun the same command to resume",
        )
        raise typer.Exit(EXIT_INTERRUPTED) from None
    _print_summary(console, summary, per_level, output)
    raise typer.Exit(EXIT_FAILURE if summary.missing(per_level) else EXIT_OK)


@synth_app.command("report")
def report(
    programs: Annotated[Path, typer.Argument(help="A programs JSONL written by execgym synth.")],
    output_dir: Annotated[
        Path, typer.Option("-o", "--output-dir", help="Directory for the JSON, markdown, PNGs.")
    ],
) -> None:
    """Per-level difficulty statistics (JSON, markdown) and plots.

    One PNG per difficulty metric (its distribution per level) and medians.png (the
    medians of every metric across levels).
    """
    from execgym._verbatim import markup_escape, visible
    from execgym.synth import (
        ReportInputError,
        level_statistics,
        markdown_table,
        read_program_rows,
        write_report,
    )

    if not programs.is_file():
        raise usage_error(f"programs file not found: {programs}")
    problem = utf8_problem(programs)
    if problem is not None:
        raise usage_error(problem)
    try:
        rows = read_program_rows(programs)
    except ReportInputError as error:
        raise usage_error(str(error)) from None
    if not rows:
        raise usage_error(f"{programs} holds no programs")
    paths = write_report(rows, output_dir)
    typer.echo(visible(markdown_table(level_statistics(rows))), nl=False)
    for path in paths:
        stderr_console().print(f"wrote {markup_escape(str(path))}")


def _levels(selection: str, levels_file: Path | None) -> list[ConstraintSpec]:
    from execgym.synth import SpecError, builtin_levels, load_levels, select_levels

    known = builtin_levels()
    try:
        if levels_file is not None:
            known.update(load_levels(levels_file, bases=known))
        return select_levels(selection, known)
    except SpecError as error:
        raise usage_error(str(error)) from None


def _generator(
    kind: str, model: str | None, base_url: str | None, temperature: float
) -> ProgramGenerator:
    import importlib

    from execgym.synth import GrammarGenerator, ModelGenerator

    if kind == "grammar":
        return GrammarGenerator()
    if kind != "model":
        raise usage_error(f"--generator must be grammar or model, not {kind!r}")
    if not model or not base_url:
        raise usage_error("--generator model needs --model NAME and --base-url URL")
    try:
        llm: Any = importlib.import_module("execgym.llm")
    except ImportError:
        llm = None
    open_model = getattr(llm, "open_model", None)
    if open_model is None:
        raise usage_error(
            "--generator model needs execgym.llm.open_model, which this installation lacks"
        )
    return ModelGenerator(open_model(model, base_url=base_url), temperature=temperature)


def _print_summary(console: Console, summary: SynthSummary, per_level: int, output: Path) -> None:
    from rich.table import Table

    from execgym._verbatim import markup_escape, verbatim

    table = Table(title=verbatim(f"execgym synth → {output}"), title_justify="left")
    for column in ("level", "programs", "resumed", "attempts", "rejected (reason: count)"):
        table.add_column(column)
    for level in summary.levels:
        reasons = ", ".join(f"{k}: {v}" for k, v in level.rejections.most_common())
        table.add_row(
            verbatim(level.name),
            str(level.rows),
            str(level.resumed),
            str(level.attempts),
            verbatim(reasons or "-"),
        )
    console.print(table)
    rate = summary.written / summary.seconds if summary.seconds else 0.0
    console.print(f"{summary.written} new programs in {summary.seconds:.1f} s ({rate:.0f}/s)")
    for name, lacking in summary.missing(per_level).items():
        console.print(f"[yellow]{markup_escape(name)}: {lacking} fewer programs than asked[/]")
