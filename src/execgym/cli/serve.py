"""``execgym serve rewards --port P [--workers N]``: the reward server (OpenRLHF's remote
reward protocol, :mod:`execgym.train.server`).

:data:`serve_app` is registered in :mod:`execgym.cli` with ``app.add_typer(serve_app,
name="serve")``; other services join it as commands of their own. Only typer is imported at
the top. Exit statuses: 0 when stopped, 2 a usage error (the ``serve`` extra missing).
"""

from __future__ import annotations

from typing import Annotated

import typer

from execgym.cli._common import CONTEXT_SETTINGS, EXIT_OK, stderr_console, usage_error

serve_app = typer.Typer(
    name="serve",
    help="Run execgym's HTTP services.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)


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
