"""The ``execgym`` command line: run, trace, questions, eval, score, synth, judge, doctor,
serve and the main job (``pipeline``), repair, agent and export.

One module per command (:mod:`.run`, :mod:`.trace`, :mod:`.questions`, :mod:`.eval`,
:mod:`.score`, :mod:`.synth`, :mod:`.judge`, :mod:`.doctor`, :mod:`.pipeline`,
:mod:`.repair`, :mod:`.agent`, :mod:`.export`, :mod:`.serve`): each parses
its command line, calls a library function (the sandbox, :mod:`execgym.bench`,
:mod:`execgym.jobs`, ...) and renders what it returns. Each command imports the library
when it runs, so ``execgym --help`` stays quick: at the top a command module imports only
typer and what every command shares (:mod:`._common`: exit statuses, consoles, help layout;
:mod:`._defaults`: the defaults the help shows). Text a program controls is written through
:mod:`execgym._jsonl` and shown through :mod:`execgym._verbatim`.

Exit statuses: 0 success, 1 a failure the command reports (a verdict other than OK for
``run``, malformed input lines for ``judge``, a broken sandbox for ``doctor``, an example
with the wrong verdict for ``pipeline``), 2 a usage error (bad option, missing file), 130
interrupted by Ctrl-C (after saying what was kept and how to go on).
"""

from __future__ import annotations

from typing import Annotated

import typer

from execgym import __version__
from execgym.cli import (
    agent,
    doctor,
    eval,
    export,
    judge,
    pipeline,
    questions,
    repair,
    run,
    score,
    serve,
    synth,
    trace,
)
from execgym.cli._common import CONTEXT_SETTINGS, EXIT_OK, TaskListCommand
from execgym.cli._ray_option import RayOptionCommand, TaskListRayCommand

app = typer.Typer(
    name="execgym",
    help="Code execution as ground truth for training and evaluating code LLMs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)


def main() -> None:
    """Entry point of the ``execgym`` console script."""
    app()


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"execgym {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Print execgym's version and exit.",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    """Code execution as ground truth for training and evaluating code LLMs."""


app.command("run")(run.run)
app.command("trace")(trace.trace)
app.command("questions")(questions.questions)
app.command("eval", cls=TaskListRayCommand)(eval.eval_)
app.command("score", cls=TaskListCommand)(score.score)
app.add_typer(synth.synth_app, name="synth")
app.command("judge", cls=RayOptionCommand)(judge.judge)
app.command("doctor")(doctor.doctor)
app.command("pipeline")(pipeline.pipeline)
app.add_typer(repair.repair_app, name="repair")
app.add_typer(agent.agent_app, name="agent")
app.add_typer(export.export_app, name="export")
app.add_typer(serve.serve_app, name="serve")

__all__ = ["app", "main"]
