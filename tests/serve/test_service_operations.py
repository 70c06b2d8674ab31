"""The service under load and in operation: backpressure (429 with Retry-After), size caps,
the bearer token, metrics, a sandbox failure, a graceful stop and a port already taken."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from serve.service_process import CHILD, Service, running_service

SLEEPER = "import time\ntime.sleep({s})\nprint('slept')"


def run_code(url: str, code: str, **kw: Any) -> httpx.Response:
    body = {"code": code, "language": "python", "run_timeout": 20}
    return httpx.post(f"{url}/run_code", json=body, timeout=60, **kw)


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"never {what}"
        time.sleep(0.02)


def health(url: str) -> dict[str, Any]:
    answer: dict[str, Any] = httpx.get(f"{url}/health", timeout=5).json()
    return answer


def in_background(call: Callable[[], httpx.Response]) -> tuple[threading.Thread, list[Any]]:
    box: list[Any] = []
    thread = threading.Thread(target=lambda: box.append(call()))
    thread.start()
    return thread, box


def test_a_full_queue_answers_429_with_retry_after_and_drops_nothing() -> None:
    with running_service("--workers", "1", "--max-queue", "1") as service:
        url = service.url
        first, first_box = in_background(lambda: run_code(url, SLEEPER.format(s=1.5)))
        wait_for(lambda: health(url)["in_flight"] == 1, "ran the first request")
        second, second_box = in_background(lambda: run_code(url, SLEEPER.format(s=0.1)))
        wait_for(lambda: health(url)["queued"] == 1, "queued the second request")
        refused = run_code(url, "print(1)")
        assert refused.status_code == 429
        assert int(refused.headers["Retry-After"]) >= 1
        assert refused.json()["status"] == "SandboxError"
        assert "capacity" in refused.json()["message"]
        native = httpx.post(f"{url}/v1/run", json={"code": "print(1)"}, timeout=10)
        assert native.status_code == 429 and native.json()["error"] == "overloaded"
        for thread in (first, second):
            thread.join(timeout=60)
        for box in (first_box, second_box):
            assert box[0].status_code == 200
            assert box[0].json()["run_result"]["stdout"] == "slept\n"
        assert run_code(url, "print(1)").status_code == 200  # room again
        metrics = httpx.get(f"{url}/metrics", timeout=5).text
        assert 'execgym_sandbox_rejected_total{reason="overloaded"} 2.0' in metrics


def test_bodies_and_batches_over_the_caps_are_413(service: Service) -> None:
    big = {"code": "x = '" + "a" * (17 << 20) + "'", "language": "python"}
    response = httpx.post(f"{service.url}/run_code", json=big, timeout=60)
    assert response.status_code == 413
    assert response.json()["status"] == "Failed" and "cap" in response.json()["message"]
    response = httpx.post(f"{service.url}/v1/run", json=big, timeout=60)
    assert (response.status_code, response.json()["error"]) == (413, "too_large")
    line = '{"code": "print(1)", "tests": [{"input": "", "output": "1"}]}\n'
    response = httpx.post(f"{service.url}/v1/judge/batch", content=line * 1025, timeout=60)
    assert response.status_code == 413
    assert "1025 programs, over this service's cap of 1024" in response.json()["detail"]


def test_an_output_flood_is_cut_at_the_cap(service: Service) -> None:
    code = "import sys\nsys.stdout.write('x' * (20 << 20))"
    answer = run_code(service.url, code).json()
    assert answer["status"] == "Failed" and answer["message"].startswith("OUTPUT_LIMIT")
    assert len(answer["run_result"]["stdout"]) <= 8 << 20


def test_a_bearer_token_guards_every_endpoint_but_health() -> None:
    with running_service(env={"EXECGYM_SANDBOX_API_KEY": "s3cret"}) as service:
        url = service.url
        assert httpx.get(f"{url}/health", timeout=5).status_code == 200
        for headers in ({}, {"Authorization": "Bearer wrong"}, {"Authorization": "s3cret"}):
            refused = run_code(url, "print(1)", headers=headers)
            assert refused.status_code == 401
            assert refused.headers["WWW-Authenticate"] == "Bearer"
            assert httpx.get(f"{url}/metrics", headers=headers, timeout=5).status_code == 401
        allowed = run_code(url, "print(1)", headers={"Authorization": "Bearer s3cret"})
        assert allowed.status_code == 200 and allowed.json()["status"] == "Success"
        metrics = httpx.get(f"{url}/metrics", headers={"Authorization": "Bearer s3cret"})
        assert 'execgym_sandbox_rejected_total{reason="unauthorized"} 6.0' in metrics.text


def test_metrics_count_verdicts_latency_and_sandbox_errors(service: Service) -> None:
    before = _samples(httpx.get(f"{service.url}/metrics", timeout=5).text)
    run_code(service.url, "print(1)")
    httpx.post(
        f"{service.url}/run_code",
        json={"code": "while True: pass", "language": "python", "run_timeout": 0.5},
        timeout=30,
    )
    response = httpx.get(f"{service.url}/metrics", timeout=5)
    assert response.headers["content-type"].startswith("text/plain")
    after = _samples(response.text)
    ok = 'execgym_sandbox_verdicts_total{endpoint="run_code",verdict="OK"}'
    timeout = 'execgym_sandbox_verdicts_total{endpoint="run_code",verdict="TIME_LIMIT"}'
    count = 'execgym_sandbox_request_seconds_count{endpoint="run_code"}'
    assert after[ok] - before.get(ok, 0) == 1
    assert after[timeout] - before.get(timeout, 0) == 1
    assert after[count] - before.get(count, 0) == 2
    assert 'execgym_sandbox_run_seconds_bucket{endpoint="run_code",le="1.0"}' in after
    for gauge in ("execgym_sandbox_in_flight", "execgym_sandbox_queued"):
        assert after[gauge] == 0
    assert "# TYPE execgym_sandbox_sandbox_errors_total counter" in response.text


def test_a_sandbox_failure_is_sandbox_error_never_a_wrong_answer() -> None:
    with running_service("--workers", "1") as service:
        slow, box = in_background(lambda: run_code(service.url, SLEEPER.format(s=5)))
        wait_for(lambda: health(service.url)["in_flight"] == 1, "started the run")
        time.sleep(0.3)
        for pid in _fork_servers(service.process.pid):
            os.kill(pid, signal.SIGKILL)
        slow.join(timeout=60)
        answer = box[0].json()
        assert box[0].status_code == 200
        assert answer["status"] == "SandboxError"
        assert answer["run_result"]["status"] == "Error"
        assert "sandbox failure" in answer["message"]
        # The next request gets a fresh fork-server.
        assert run_code(service.url, "print(2)").json()["run_result"]["stdout"] == "2\n"
        metrics = httpx.get(f"{service.url}/metrics", timeout=5).text
        assert 'execgym_sandbox_sandbox_errors_total{endpoint="run_code"} 1.0' in metrics


def test_stopping_answers_the_requests_in_flight_then_exits() -> None:
    with running_service("--workers", "1") as service:
        slow, box = in_background(lambda: run_code(service.url, SLEEPER.format(s=1.5)))
        wait_for(lambda: health(service.url)["in_flight"] == 1, "started the run")
        service.process.send_signal(signal.SIGTERM)
        slow.join(timeout=60)
        assert box[0].status_code == 200
        assert box[0].json()["run_result"]["stdout"] == "slept\n"
        status, output = service.stop()
        assert status == -signal.SIGTERM, output  # ended as SIGTERM ends it, after answering
        assert "Waiting for connections to close" in output
        try:
            httpx.get(f"{service.url}/health", timeout=2)
        except httpx.ConnectError:
            pass
        else:
            raise AssertionError("the stopped service still answered")


def test_ctrl_c_stops_the_service_with_status_130() -> None:
    with running_service("--workers", "1") as service:
        service.process.send_signal(signal.SIGINT)
        output, _ = service.process.communicate(timeout=60)
    assert service.process.returncode == 130, output
    assert "stopped" in output and "Traceback" not in output


def test_a_port_already_taken_is_reported_and_exits_1(service: Service) -> None:
    port = service.url.rsplit(":", 1)[1]
    second = subprocess.run(
        [sys.executable, "-c", CHILD, "serve", "sandbox", "--port", port, "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert second.returncode == 1
    assert "address already in use" in (second.stdout + second.stderr).lower()


def _samples(text: str) -> dict[str, float]:
    samples = {}
    for line in text.splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            samples[name] = float(value)
    return samples


def _fork_servers(root: int) -> list[int]:
    """The fork-server processes under ``root`` (its descendants running the zygote)."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])

    def under_root(pid: int) -> bool:
        while pid > 1:
            pid = parents.get(pid, 0)
            if pid == root:
                return True
        return False

    found = []
    for pid in parents:
        try:
            command = Path(f"/proc/{pid}/cmdline").read_bytes()
        except OSError:
            continue
        if b"execgym.sandbox._zygote" in command and under_root(pid):
            found.append(pid)
    assert found, "no fork-server found under the service"
    return found
