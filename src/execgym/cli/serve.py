"""``execgym serve``: execgym's HTTP services. ``execgym serve sandbox`` runs the sandbox
service (:func:`execgym.serve.serve_sandbox`).

:data:`serve_app` is registered in :mod:`execgym.cli` with
``app.add_typer(serve_app, name="serve")``; each service is one command of it.
"""

from __future__ import annotations

from typing import Annotated

import typer

from execgym.cli._common import (
    CONTEXT_SETTINGS,
    EXIT_FAILURE,
    EXIT_OK,
    interrupted,
    stderr_console,
    usage_error,
)
from execgym.cli._defaults import SERVE_HOST, SERVE_MAX_QUEUE, SERVE_PORT

serve_app = typer.Typer(
    name="serve",
    help="Run execgym's HTTP services.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)

API_KEY_VARIABLE = "EXECGYM_SANDBOX_API_KEY"


@serve_app.command("sandbox")
def sandbox(
    host: Annotated[
        str, typer.Option("--host", help="Address to listen on (0.0.0.0: every interface).")
    ] = SERVE_HOST,
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="Port.")] = SERVE_PORT,
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Programs run at once (default: one per core)."),
    ] = None,
    api_key: Annotated[
        str | None,
        typer.Option(
            "--api-key",
            envvar=API_KEY_VARIABLE,
            show_envvar=True,
            help="Require 'Authorization: Bearer KEY' on every endpoint but /health.",
        ),
    ] = None,
    max_queue: Annotated[
        int,
        typer.Option(
            "--max-queue", min=0, help="Requests that may wait for a worker; beyond: 429."
        ),
    ] = SERVE_MAX_QUEUE,
) -> None:
    """Serve the sandbox over HTTP until Ctrl-C or SIGTERM.

    POST /run_code is SandboxFusion's endpoint (language "python"), so SandboxFusion clients
    such as verl's sandbox-fusion reward call it unchanged:
    reward_model.sandbox_fusion.url=http://HOST:PORT/run_code. The native endpoints take and
    give the Python API's and the command line's JSON: POST /v1/run, /v1/judge (one line of
    an `execgym judge` batch file), /v1/judge/batch (a batch file, JSONL in and out) and
    /v1/trace. GET /health answers without a key; GET /metrics is Prometheus's text format.

    At most WORKERS programs run at once and MAX_QUEUE requests wait; further requests get
    429 with Retry-After. Bodies over 16 MB get 413. A failure of the sandbox is reported as
    SandboxError (/run_code) or a SANDBOX_ERROR verdict, never as a wrong answer. Stopping
    answers every request in flight first.

    Needs the serve extra (pip install 'execgym[serve]'). Exit status: 130 after Ctrl-C
    (SIGTERM ends it as that signal does, after the same graceful stop), 1 when the service
    could not start (the sandbox, the port), 2 for a usage error.
    """
    try:
        from execgym.serve import ServiceFailed, ServiceSettings, serve_sandbox
    except ImportError as exc:
        raise usage_error(
            f"the sandbox service needs the serve extra ({exc.name or exc} is missing): "
            "pip install 'execgym[serve]'"
        ) from None
    try:
        settings = ServiceSettings(
            host=host, port=port, workers=workers, api_key=api_key, max_queue=max_queue
        )
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    try:
        serve_sandbox(settings)
    except ServiceFailed as exc:
        from execgym._verbatim import markup_escape

        stderr_console().print(f"[bold red]error:[/] {markup_escape(str(exc))}", soft_wrap=True)
        raise typer.Exit(EXIT_FAILURE) from None
    except KeyboardInterrupt:
        raise interrupted("the sandbox service stopped after answering every request") from None
    raise typer.Exit(EXIT_OK)
