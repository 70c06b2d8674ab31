"""Terminal rendering shared by the commands: verdict colours and the one-line run summary."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from execgym.sandbox import RunResult, Verdict


def verdict_markup(verdict: Verdict | str) -> str:
    text = str(verdict)
    colour = "green" if text == Verdict.OK else "red"
    return f"[bold {colour}]{text}[/]"


def run_summary_line(result: RunResult) -> str:
    """The rich one-line summary ``execgym run`` prints on standard error."""
    parts = [
        verdict_markup(result.verdict),
        f"exit {result.exit_code if result.exit_code is not None else '-'}",
        f"cpu {result.cpu_s * 1000:.1f} ms",
        f"wall {result.wall_s * 1000:.1f} ms",
        f"peak memory {result.peak_memory_mb:.1f} MB",
    ]
    if result.detail:
        parts.append(f"({escape(result.detail)})")
    return "  ".join(parts)


@contextmanager
def progress_bar(console: Console, label: str, total: int | None) -> Iterator[Callable[[], None]]:
    """A rich progress bar on ``console`` when it is a terminal; yields ``advance()``.

    Off a terminal (a pipe, a file, CI) nothing is drawn and ``advance`` does nothing.
    """
    if not console.is_terminal:
        yield lambda: None
        return
    with Progress(
        TextColumn(f"[bold]{escape(label)}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)
