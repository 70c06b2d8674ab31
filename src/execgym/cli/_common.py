"""What every command of the command line shares: exit statuses, consoles, the usage-error
and Ctrl-C messages, and how the help reads.

The help is click's plain layout (``rich_markup_mode=None`` on every typer app, with
:data:`CONTEXT_SETTINGS`): ``-h`` as well as ``--help``, a flag shown as just its name, text
wrapped to the terminal and never cut, where typer's rich panels print ``--resume <bool>``
and end a long URL in an ellipsis at 80 columns. Lists that come from a registry are read
only when their help is shown (:class:`TaskListCommand`).

This module imports only typer, so that building ``execgym --help`` stays quick; rich is
imported when a console is first needed.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from typer.core import TyperCommand

if TYPE_CHECKING:
    from rich.console import Console

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2
EXIT_INTERRUPTED = 130
"""The status after Ctrl-C, as a shell reports a process killed by SIGINT."""

CONTEXT_SETTINGS: dict[str, Any] = {
    "help_option_names": ["-h", "--help"],
    "max_content_width": 100,
}


def stderr_console() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False)


def stdout_console() -> Console:
    from rich.console import Console

    return Console(highlight=False)


def usage_error(message: str) -> typer.Exit:
    """Print ``message`` as an error on standard error; the exit to raise (status 2)."""
    from execgym._verbatim import markup_escape

    stderr_console().print(f"[bold red]error:[/] {markup_escape(message)}", soft_wrap=True)
    return typer.Exit(EXIT_USAGE)


def print_interrupted(console: Console, message: str) -> None:
    """Say that Ctrl-C stopped the command, what was kept and how to go on."""
    from execgym._verbatim import markup_escape

    console.print(f"[bold yellow]interrupted:[/] {markup_escape(message)}", soft_wrap=True)


def interrupted(message: str) -> typer.Exit:
    """:func:`print_interrupted` on standard error; the exit to raise (status 130)."""
    print_interrupted(stderr_console(), message)
    return typer.Exit(EXIT_INTERRUPTED)


def utf8_problem(path: Path) -> str | None:
    """Where ``path`` (a text file) is not UTF-8, as ``"FILE:LINE: ..."``; ``None`` if it is."""
    with path.open("rb") as stream:
        for number, line in enumerate(stream, start=1):
            try:
                line.decode("utf-8")
            except UnicodeDecodeError as exc:
                byte = line[exc.start]
                return (
                    f"{path}:{number}: not UTF-8 text (byte 0x{byte:02x} at column {exc.start + 1})"
                )
    return None


class TaskListCommand(TyperCommand):
    """A command whose help ends with every registered eval task and what it is.

    The list is read from the task registry only when this help is shown, so that other
    commands (and ``execgym --help``) never load the benchmarks.
    """

    # click's Context and HelpFormatter: typer vendors click in some versions, so no import.
    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        from execgym.bench import EVAL_TASKS

        with formatter.section("Tasks"):
            formatter.write_dl(
                [(entry.name, str(entry.metadata["summary"])) for entry in EVAL_TASKS.entries()]
            )
        super().format_epilog(ctx, formatter)


def read_text_file(path: Path, what: str) -> str:
    """The UTF-8 text of ``path``; a missing or unreadable file is a usage error naming it."""
    if not path.exists():
        raise usage_error(f"{what} not found: {path}")
    if not path.is_file():
        raise usage_error(f"{what} is not a file: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise usage_error(f"{what} is not UTF-8 text: {path} ({exc})") from None
    except OSError as exc:
        raise usage_error(f"cannot read {what} {path}: {exc.strerror}") from None
