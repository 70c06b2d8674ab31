"""Terminal rendering shared by the commands: verdict colours, the one-line run summary,
progress bars (:func:`progress_bars`, the library's ``progress`` argument), and the model
client's notices (a failing server being retried).

Text a program or a server controls goes through :mod:`execgym._verbatim`.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from execgym._verbatim import markup_escape
from execgym.sandbox import RunResult, Verdict

MODEL_LOGGER = "execgym.llm"
"""The logger the model client reports retries on."""


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
        parts.append(f"({markup_escape(result.detail)})")
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
        TextColumn(f"[bold]{markup_escape(label)}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=console,
        transient=True,
    ) as progress:
        task = progress.add_task(label, total=total)
        yield lambda: progress.advance(task)


def progress_bars(
    console: Console,
) -> Callable[[str, int | None], AbstractContextManager[Callable[[], None]]]:
    """The library's ``progress`` argument: a :func:`progress_bar` on ``console`` per stage."""

    def progress(label: str, total: int | None) -> AbstractContextManager[Callable[[], None]]:
        return progress_bar(console, label, total)

    return progress


REPEAT_AFTER_S = 5.0
"""A retry failing the same way as the last one shown is shown again only after this long."""


class _ConsoleHandler(logging.Handler):
    def __init__(self, console: Console, failure_attribute: str) -> None:
        super().__init__(logging.WARNING)
        self._console = console
        self._failure_attribute = failure_attribute
        self._last: tuple[object, float] | None = None

    def emit(self, record: logging.LogRecord) -> None:
        failure = getattr(record, self._failure_attribute, None)
        now = time.monotonic()
        if failure is not None:
            last = self._last
            if last is not None and last[0] == failure and now - last[1] < REPEAT_AFTER_S:
                return  # many requests in flight fail alike: one line says it
            self._last = (failure, now)
        try:
            message = record.getMessage()
        except Exception:  # a malformed log call must not stop the run
            message = str(record.msg)
        self._console.print(f"[yellow]model:[/] {markup_escape(message)}", soft_wrap=True)


@contextmanager
def model_notices(console: Console) -> Iterator[None]:
    """Show the model client's warnings on ``console`` while the block runs: which server
    is failing, how, and that the request is retried (above any progress bar)."""
    from execgym.llm import RETRY_FAILURE

    logger = logging.getLogger(MODEL_LOGGER)
    handler = _ConsoleHandler(console, RETRY_FAILURE)
    propagate = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate
