"""``execgym serve``: execgym's HTTP services. ``execgym serve sandbox`` runs the sandbox
service (:func:`execgym.serve.serve_sandbox`); ``execgym serve rewards --port P [--workers N]``
the reward server (OpenRLHF's remote reward protocol, :mod:`execgym.train.server`).

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


@serve_app.command("rewards")
def serve_rewards(
    port: Annotated[int, typer.Option("--port", min=1, max=65535, help="TCP port.")] = 5000,
    workers: Annotated[
        int, typer.Option("--workers", min=1, help="Sandbox fork-servers (parallel runs).")
    ] = 4,
    host: Annotated[str, typer.Option("--host", help="Address to listen on.")] = "127.0.0.1",
    max_concurrency: Annotated[
        int, typer.Option("--max-concurrency", min=1, help="Requests scored at once.")
    ] = 8,
    max_waiting: Annotated[
        int, typer.Option("--max-waiting", min=0, help="Requests queued beyond that (then 503).")
    ] = 256,
    max_body_mb: Annotated[
        float, typer.Option("--max-body-mb", min=0.001, help="Largest request body (413).")
    ] = 64.0,
    max_items: Annotated[
        int, typer.Option("--max-items", min=1, help="Most responses in one request (413).")
    ] = 4096,
    retries: Annotated[
        int, typer.Option("--retries", min=0, help="Tries again on a sandbox failure.")
    ] = 1,
    infra_error_score: Annotated[
        float | None,
        typer.Option(
            "--infra-error-score",
            help="Reward for a response the sandbox could not judge (default: answer 503).",
        ),
    ] = None,
) -> None:
    """Serve rewards over HTTP: POST /get_reward {query, prompts, labels} -> {rewards,
    scores, extra_logs} (OpenRLHF's remote reward protocol); GET /health.

    Needs the serve extra (pip install 'execgym[serve]'). Runs until interrupted.
    """
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError:
        raise usage_error(
            "the reward server needs FastAPI and uvicorn: pip install 'execgym[serve]'"
        ) from None
    from execgym.train.server import RewardServerSettings
    from execgym.train.server import serve_rewards as run_server

    settings = RewardServerSettings(
        host=host,
        port=port,
        workers=workers,
        max_concurrency=max_concurrency,
        max_waiting=max_waiting,
        max_body_bytes=int(max_body_mb * 1024 * 1024),
        max_items=max_items,
        retries=retries,
        infra_error_score=infra_error_score,
    )
    stderr_console().print(
        f"execgym rewards on http://{host}:{port}/get_reward (health: /health)", soft_wrap=True
    )
    try:
        run_server(settings)
    except KeyboardInterrupt:
        raise typer.Exit(EXIT_OK) from None
