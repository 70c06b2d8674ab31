"""Running the service on uvicorn until it is stopped.

SIGINT or SIGTERM stops it gracefully: uvicorn stops accepting connections, every request
in flight (queued ones included) is answered, then the sandbox closes.
"""

from __future__ import annotations

import uvicorn

from execgym.serve._app import create_app
from execgym.serve._settings import ServiceSettings


class ServiceFailed(RuntimeError):
    """The service could not start (its sandbox failed to start, the port was taken, ...)."""


def serve_sandbox(settings: ServiceSettings) -> None:
    """Serve ``settings.host:settings.port`` until SIGINT or SIGTERM."""
    config = uvicorn.Config(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level="info",
        access_log=False,
        timeout_graceful_shutdown=None,  # wait for every request in flight
    )
    server = uvicorn.Server(config)
    failed = ServiceFailed(
        f"the sandbox service did not start on {settings.host}:{settings.port} "
        "(see the messages above)"
    )
    try:
        server.run()
    except SystemExit as exc:  # uvicorn's own exit when the app or the socket fails to start
        if exc.code not in (None, 0):
            raise failed from None
    if not server.started:
        raise failed
