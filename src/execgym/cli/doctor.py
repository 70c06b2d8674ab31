"""``execgym doctor``: the sandbox's isolation on this machine, and whether it runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import typer

from execgym.cli._common import EXIT_FAILURE, EXIT_OK, stdout_console

if TYPE_CHECKING:
    from rich.console import Console

    from execgym.jobs import DoctorReport


def doctor() -> None:
    """Show the sandbox's isolation here; prove it runs a program.

    Exit status: 0 when the sandbox runs a trivial program (even with features missing),
    1 when it cannot.
    """
    from execgym.jobs import doctor_stage
    from execgym.sandbox import Sandbox

    with Sandbox(workers=1) as sandbox:
        report = doctor_stage(sandbox)
    print_doctor_report(stdout_console(), report)
    raise typer.Exit(EXIT_OK if report.sandbox_works else EXIT_FAILURE)


def print_doctor_report(console: Console, report: DoctorReport) -> None:
    """The isolation table, the machine facts and a final verdict line."""
    from rich.table import Table

    from execgym._verbatim import markup_escape, verbatim
    from execgym.cli._display import run_summary_line

    table = Table(title="execgym sandbox isolation")
    table.add_column("feature", no_wrap=True)
    table.add_column("active", no_wrap=True)
    table.add_column("detail", overflow="fold")  # long paths wrap, never cut
    for feature in report.features:
        active_mark = "[green]yes[/]" if feature["active"] else "[red]no[/]"
        table.add_row(verbatim(str(feature["name"])), active_mark, verbatim(str(feature["detail"])))
    console.print(table)
    if report.visible:
        console.print("a child sees, read-only (plus /dev, /proc and its own /tmp):")
        for path in report.visible:
            console.print(f"  {markup_escape(path)}", soft_wrap=True)
    root = "root" if report.uid == 0 else "not root"
    console.print(f"python   {report.python_version} ({markup_escape(report.python_executable)})")
    console.print(f"uid      {report.uid} ({root})")
    console.print(f"cores    {report.cores} available to this process")
    console.print(f"checkers {', '.join(report.checkers) or '(none)'}")
    if report.trivial_run is not None:
        console.print(f"trivial program: {run_summary_line(report.trivial_run)}")
    if report.error:
        console.print(f"[red]error:[/] {markup_escape(report.error)}")
    if report.sandbox_works:
        active = len(report.features) - len(report.missing_features)
        line = (
            f"[bold green]sandbox works[/]: {active} of {len(report.features)} "
            "isolation features active"
        )
        if report.missing_features:
            line += f"; missing: {markup_escape(', '.join(report.missing_features))}"
        console.print(line, soft_wrap=True)
    else:
        console.print("[bold red]sandbox does not work[/]: it cannot run a trivial program")
