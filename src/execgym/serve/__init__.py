"""Scaling out: the sandbox as an HTTP service, and judging on a Ray cluster.

The service (the ``serve`` extra: FastAPI on uvicorn, Prometheus metrics):
:func:`serve_sandbox` runs :func:`create_app` with :class:`ServiceSettings`
(``execgym serve sandbox``). It answers SandboxFusion's ``POST /run_code``, so clients
written for SandboxFusion (verl's sandbox-fusion reward) call it unchanged, and the native
``POST /v1/run``, ``/v1/judge``, ``/v1/judge/batch`` and ``/v1/trace`` in the JSON shapes of
the Python API and the command line; ``GET /health`` and ``GET /metrics``.

The Ray backend (the ``ray`` extra, imported only when used): :class:`RayJudges`, a pool of
Ray actors each owning a warm sandbox sized to its node's CPUs, judges a batch
(:func:`execgym.bench.judge_batch`) or an eval's answers (:func:`execgym.bench.run_eval`)
with the same results and files as a local run; work on an actor that dies is retried on
another.
"""

from typing import TYPE_CHECKING

from execgym._lazy import lazy_exports

if TYPE_CHECKING:
    from execgym.serve._app import create_app
    from execgym.serve._ray_judges import RayJudges, RayOptions, RayUnavailable
    from execgym.serve._server import ServiceFailed, serve_sandbox
    from execgym.serve._settings import DEFAULT_PORT, ServiceSettings

# Each half loads its optional dependencies only when it is used.
_EXPORTS = {
    "DEFAULT_PORT": "execgym.serve._settings",
    "RayJudges": "execgym.serve._ray_judges",
    "RayOptions": "execgym.serve._ray_judges",
    "RayUnavailable": "execgym.serve._ray_judges",
    "ServiceFailed": "execgym.serve._server",
    "ServiceSettings": "execgym.serve._settings",
    "create_app": "execgym.serve._app",
    "serve_sandbox": "execgym.serve._server",
}

__getattr__ = lazy_exports("execgym.serve", _EXPORTS, globals())

__all__ = [
    "DEFAULT_PORT",
    "RayJudges",
    "RayOptions",
    "RayUnavailable",
    "ServiceFailed",
    "ServiceSettings",
    "create_app",
    "serve_sandbox",
]
