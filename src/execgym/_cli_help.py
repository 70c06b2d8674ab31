"""How the command line's help reads: ``-h`` as well as ``--help``, plain text wrapped to
the terminal (never cut short), and lists that come from the registries.

The help is click's plain layout (``rich_markup_mode=None`` on every typer app): it shows
a flag as just its name and wraps long words instead of cutting them, where typer's
rich panels print ``--resume <bool>`` and end a long URL in an ellipsis at 80 columns.
"""

from __future__ import annotations

from typing import Any

from typer.core import TyperCommand

CONTEXT_SETTINGS: dict[str, Any] = {
    "help_option_names": ["-h", "--help"],
    "max_content_width": 100,
}


class TaskListCommand(TyperCommand):
    """A command whose help ends with every registered eval task and what it is.

    The list is read from the task registry only when this help is shown, so that other
    commands (and ``execgym --help``) never load the benchmarks.
    """

    # click's Context and HelpFormatter: typer vendors click in some versions, so no import.
    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        from execgym._eval_cli import task_help

        with formatter.section("Tasks"):
            formatter.write_dl(list(task_help()))
        super().format_epilog(ctx, formatter)
