"""``execgym pipeline``: run the main job (:func:`execgym.jobs.run_pipeline`) and show each
stage's report as the stage ends."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from execgym.cli._common import (
    EXIT_FAILURE,
    EXIT_OK,
    interrupted,
    stderr_console,
    stdout_console,
    usage_error,
)
from execgym.cli._defaults import PIPELINE_DIR, THROUGHPUT_PROGRAMS

if TYPE_CHECKING:
    from rich.console import Console

    from execgym.jobs import (
        DatasetReport,
        ExampleOutcome,
        PipelineReport,
        StageReport,
        SynthReport,
        ThroughputReport,
    )


def pipeline(
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Parallel sandboxes (default: one per core)."),
    ] = None,
    output_dir: Annotated[
        Path, typer.Option("-o", "--output-dir", help="Where verdicts.jsonl and summary.json go.")
    ] = PIPELINE_DIR,
    throughput_programs: Annotated[
        int,
        typer.Option("--throughput-programs", min=0, help="Programs in the throughput batch."),
    ] = THROUGHPUT_PROGRAMS,
    per_level: Annotated[
        int, typer.Option("--per-level", min=1, help="Programs synthesized per built-in level.")
    ] = 4,
    seed: Annotated[int, typer.Option("--seed", help="Synthesis and question seed.")] = 0,
) -> None:
    """Run execgym's main job: no model, no network, no data needed.

    Stages: check the sandbox (doctor), judge the project's own example programs and check
    each gets its expected verdict, measure throughput over a repeated batch of the passing
    examples, synthesize programs at every built-in level with a per-level report and plots,
    then trace them and the project's example functions and build the ExecVerify question
    dataset in every style, keeping only questions whose reference answer earns full
    reward, and export it for verl. Writes OUTPUT_DIR/verdicts.jsonl, programs.jsonl,
    synth-report/, questions.jsonl, train.parquet and summary.json.

    Exit status: 0 when every example got its expected verdict, 1 otherwise (or when the
    sandbox does not work), 130 when interrupted.
    """
    from execgym.cli._display import progress_bars
    from execgym.jobs import run_pipeline

    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise usage_error(f"cannot create output directory {output_dir}: {exc.strerror}") from None
    console = stdout_console()
    try:
        report = run_pipeline(
            output_dir,
            workers=workers,
            throughput_programs=throughput_programs,
            per_level=per_level,
            seed=seed,
            progress=progress_bars(stderr_console()),
            on_stage=lambda stage: print_stage(console, stage),
        )
    except KeyboardInterrupt:
        raise interrupted(
            f"the main job stopped; what it finished is in {output_dir}; "
            "rerun execgym pipeline to run it again from the start"
        ) from None
    if report.doctor.sandbox_works:
        print_verdict_line(console, report)
    raise typer.Exit(EXIT_OK if report.ok else EXIT_FAILURE)


def print_stage(console: Console, stage: StageReport) -> None:
    """Show one stage's report, as the stage ends."""
    from execgym.cli.doctor import print_doctor_report
    from execgym.jobs import DatasetReport, DoctorReport, SynthReport, ThroughputReport

    if isinstance(stage, DoctorReport):
        print_doctor_report(console, stage)
    elif isinstance(stage, ThroughputReport):
        print_throughput(console, stage)
    elif isinstance(stage, SynthReport):
        print_synthesis_report(console, stage)
    elif isinstance(stage, DatasetReport):
        print_dataset_report(console, stage)
    else:
        print_verdict_table(console, stage)


def print_verdict_line(console: Console, report: PipelineReport) -> None:
    """What failed, then the job's verdict and where its files are."""
    from execgym._verbatim import markup_escape

    if report.dataset_failed:
        console.print("[bold red]dataset:[/] some reference answers did not earn full reward")
    mismatched = report.mismatched
    for outcome in mismatched:
        detail = outcome.result.detail
        console.print(
            f"[bold red]mismatch:[/] {markup_escape(outcome.example.id)} expected "
            f"{outcome.example.expected.value}, got {outcome.result.verdict.value}"
            + (f" ({markup_escape(detail)})" if detail else ""),
            soft_wrap=True,
        )
    if report.throughput_failed:
        console.print("[bold red]throughput batch:[/] not every passing example was judged OK")
    outcomes = report.outcomes
    matched = len(outcomes) - len(mismatched)
    status = "[bold green]OK[/]" if report.ok else "[bold red]FAILED[/]"
    console.print(
        f"{status}: {matched}/{len(outcomes)} examples got their expected verdict; "
        f"wrote {markup_escape(str(report.output_dir / 'verdicts.jsonl'))} and "
        f"{markup_escape(str(report.summary_path))}",
        soft_wrap=True,
    )


def print_verdict_table(console: Console, outcomes: Sequence[ExampleOutcome]) -> None:
    from rich import box
    from rich.table import Table

    table = Table(
        title="example programs", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
    )
    table.add_column("id", no_wrap=True)
    table.add_column("checker", no_wrap=True)
    table.add_column("expected", no_wrap=True)
    table.add_column("got", no_wrap=True)
    table.add_column("passed", justify="right", no_wrap=True)
    table.add_column("cpu ms", justify="right", no_wrap=True)
    for outcome in outcomes:
        got = outcome.result.verdict.value
        table.add_row(
            outcome.example.id,
            outcome.example.checker,
            outcome.example.expected.value,
            f"[green]{got}[/]" if outcome.matches else f"[bold red]{got}[/]",
            f"{outcome.result.passed}/{outcome.result.total}",
            f"{outcome.cpu_ms:.1f}",
        )
    console.print(table)


def print_throughput(console: Console, report: ThroughputReport) -> None:
    verdicts = ", ".join(f"{count} {verdict}" for verdict, count in report.verdicts.items())
    console.print(
        f"throughput: {report.programs} programs ({report.tests} tests) in {report.wall_s:.2f} s "
        f"on {report.workers} worker(s): [bold]{report.programs_per_s:.1f} programs/s, "
        f"{report.tests_per_s:.1f} tests/s[/] ({verdicts})",
        soft_wrap=True,
    )


def print_synthesis_report(console: Console, report: SynthReport) -> None:
    """The per-level statistics (programs, distinct methods, median of every difficulty
    metric) as a table, and where the plots are."""
    from rich import box
    from rich.table import Table

    from execgym._verbatim import verbatim
    from execgym.synth import METRICS

    levels = list(report.statistics)
    table = Table(
        title="synthesized programs by level (medians)",
        box=box.SIMPLE_HEAD,
        pad_edge=False,
        collapse_padding=True,
    )
    table.add_column("", no_wrap=True)
    for level in levels:
        table.add_column(verbatim(level), justify="right", no_wrap=True)
    entries = [report.statistics[level] for level in levels]
    table.add_row("programs", *(str(entry["programs"]) for entry in entries))
    table.add_row("methods", *(str(entry["methods"]) for entry in entries))
    for name in METRICS:
        medians = [entry["metrics"].get(name, {}).get("median") for entry in entries]
        table.add_row(
            name.replace("_", " "),
            *("-" if value is None else f"{value:.3g}" for value in medians),
        )
    console.print(table)
    plots = [path for path in report.report_files if path.suffix == ".png"]
    if plots:
        where = f"plots: {plots[0].parent} ({len(plots)} PNG files)"
        console.print(verbatim(where), soft_wrap=True)


def print_dataset_report(console: Console, report: DatasetReport) -> None:
    from rich import box
    from rich.table import Table

    from execgym._verbatim import verbatim
    from execgym.tasks import STYLES

    table = Table(title="ExecVerify questions", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("style")
    table.add_column("questions", justify="right")
    for style in STYLES:
        table.add_row(style, str(report.questions_by_style[style]))
    console.print(table)
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(report.items_by_kind.items()))
    console.print(f"items by kind: {kinds}")
    synthesized = report.programs - report.examples
    console.print(
        verbatim(
            f"{report.questions} questions from {report.programs} programs ({synthesized} "
            f"synthesized, {report.examples} built-in examples), every reference answer "
            f"verified at full reward; {len(report.unverified)} left out; "
            f"written to {report.path}"
        ),
        soft_wrap=True,
    )
    if report.verl_path is not None:
        console.print(
            verbatim(f"{report.verl_rows} rows for verl written to {report.verl_path}"),
            soft_wrap=True,
        )
    if report.skipped:
        skipped = ", ".join(f"{why} {n}" for why, n in sorted(report.skipped.items()))
        console.print(verbatim(f"programs skipped: {skipped}"), soft_wrap=True)
