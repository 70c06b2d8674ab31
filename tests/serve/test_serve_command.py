"""``execgym serve sandbox``: its defaults are the library's, its help names the endpoints,
and bad settings are usage errors before anything starts."""

from __future__ import annotations

import httpx
from typer.testing import CliRunner

from execgym.cli import app
from execgym.cli._defaults import SERVE_HOST, SERVE_MAX_QUEUE, SERVE_PORT
from execgym.sandbox import Sandbox
from execgym.serve import DEFAULT_PORT, ServiceSettings
from serve.service_process import Service


def test_the_command_defaults_are_the_service_defaults() -> None:
    settings = ServiceSettings()
    assert (
        settings.host,
        settings.port,
        settings.max_queue,
    ) == (SERVE_HOST, SERVE_PORT, SERVE_MAX_QUEUE)
    assert DEFAULT_PORT == 8080  # SandboxFusion's


def test_the_help_names_every_endpoint_and_option() -> None:
    text = CliRunner().invoke(app, ["serve", "sandbox", "-h"]).output
    for name in ("/run_code", "/v1/run", "/v1/judge", "/v1/judge/batch", "/v1/trace"):
        assert name in text
    for option in ("--host", "--port", "--workers", "--api-key", "--max-queue"):
        assert option in text
    assert "EXECGYM_SANDBOX_API_KEY" in text


def test_bad_settings_are_usage_errors() -> None:
    runner = CliRunner()
    for args in (["--workers", "0"], ["--max-queue", "-1"], ["--port", "0"], ["--api-key", ""]):
        result = runner.invoke(app, ["serve", "sandbox", *args])
        assert result.exit_code == 2, (args, result.output)


def test_health_names_the_isolation_rows_that_are_off(service: Service, sandbox: Sandbox) -> None:
    answer = httpx.get(f"{service.url}/health", timeout=5).json()
    assert answer["status"] == "ok" and answer["workers"] == 2
    off = [row["name"] for row in sandbox.isolation_report() if not row["active"]]
    assert answer["isolation_missing"] == off
