"""``execgym doctor``: what isolation the sandbox has on this machine, and whether it runs."""

from __future__ import annotations

import os
import platform
import sys
from dataclasses import dataclass
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.table import Table

from execgym._display import run_summary_line
from execgym.sandbox import Limits, RunResult, Sandbox, Verdict, checker_names

TRIVIAL_PROGRAM = "print(sum(range(10)))\n"
TRIVIAL_PROGRAM_OUTPUT = "45\n"


@dataclass
class DoctorReport:
    """What the sandbox can do on this machine."""

    features: list[dict[str, Any]]
    python_version: str
    python_executable: str
    uid: int
    cores: int
    checkers: list[str]
    trivial_run: RunResult | None
    error: str | None = None
    visible: list[str] | None = None

    @property
    def sandbox_works(self) -> bool:
        trivial_run = self.trivial_run
        return (
            self.error is None
            and trivial_run is not None
            and trivial_run.verdict is Verdict.OK
            and trivial_run.stdout == TRIVIAL_PROGRAM_OUTPUT
        )

    @property
    def missing_features(self) -> list[str]:
        return [str(feature["name"]) for feature in self.features if not feature["active"]]

    def as_json(self) -> dict[str, Any]:
        return {
            "sandbox_works": self.sandbox_works,
            "features": self.features,
            "python_version": self.python_version,
            "python_executable": self.python_executable,
            "uid": self.uid,
            "cores": self.cores,
            "checkers": self.checkers,
            "visible": self.visible,
            "trivial_run": self.trivial_run.model_dump(mode="json") if self.trivial_run else None,
            "error": self.error,
        }


def doctor_stage(sandbox: Sandbox) -> DoctorReport:
    """Ask ``sandbox`` what isolation it entered and run one trivial program through it."""
    features: list[dict[str, Any]] = []
    trivial_run: RunResult | None = None
    error: str | None = None
    visible: list[str] | None = None
    try:
        features = sandbox.isolation_report()
        visible = sandbox.visible_paths()
        trivial_run = sandbox.run(TRIVIAL_PROGRAM, "", Limits(time_s=5.0))
    except Exception as exc:  # the doctor reports any failure to start instead of crashing
        error = f"{type(exc).__name__}: {exc}"
    try:
        checkers = checker_names()
    except Exception as exc:
        checkers = []
        error = error or f"checkers failed to load: {type(exc).__name__}: {exc}"
    return DoctorReport(
        features=features,
        python_version=platform.python_version(),
        python_executable=sys.executable,
        uid=os.getuid(),
        cores=len(os.sched_getaffinity(0)),
        checkers=checkers,
        trivial_run=trivial_run,
        error=error,
        visible=visible,
    )


def print_doctor_report(console: Console, report: DoctorReport) -> None:
    """The isolation table, the machine facts and a final verdict line."""
    table = Table(title="execgym sandbox isolation")
    table.add_column("feature", no_wrap=True)
    table.add_column("active", no_wrap=True)
    table.add_column("detail")
    for feature in report.features:
        active_mark = "[green]yes[/]" if feature["active"] else "[red]no[/]"
        table.add_row(escape(str(feature["name"])), active_mark, escape(str(feature["detail"])))
    console.print(table)
    if report.visible:
        console.print("a child sees, read-only (plus /dev, /proc and its own /tmp):")
        for path in report.visible:
            console.print(f"  {escape(path)}", soft_wrap=True)
    root = "root" if report.uid == 0 else "not root"
    console.print(f"python   {report.python_version} ({escape(report.python_executable)})")
    console.print(f"uid      {report.uid} ({root})")
    console.print(f"cores    {report.cores} available to this process")
    console.print(f"checkers {', '.join(report.checkers) or '(none)'}")
    if report.trivial_run is not None:
        console.print(f"trivial program: {run_summary_line(report.trivial_run)}")
    if report.error:
        console.print(f"[red]error:[/] {escape(report.error)}")
    if report.sandbox_works:
        active = len(report.features) - len(report.missing_features)
        line = (
            f"[bold green]sandbox works[/]: {active} of {len(report.features)} "
            "isolation features active"
        )
        if report.missing_features:
            line += f"; missing: {escape(', '.join(report.missing_features))}"
        console.print(line, soft_wrap=True)
    else:
        console.print("[bold red]sandbox does not work[/]: it cannot run a trivial program")
