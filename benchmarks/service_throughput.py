"""Sandbox service throughput: ``execgym serve sandbox`` on loopback against the direct
Python API, in the same run.

(a) The service: ``execgym serve sandbox --workers W`` started here on a free loopback port;
    ``--clients`` concurrent clients (64) send ``--requests`` (10,000) SandboxFusion
    ``POST /run_code`` requests between them, each running ``print(int(input()) * 3)`` with its
    own input ``i``; every answer must be ``Success`` with the output ``3 * i``, so a lost,
    wrong or duplicated result shows as an error. The service's memory (its process and its
    fork-servers, resident) is sampled every second.
(b) The direct API: ``Sandbox(workers=W).arun`` on the same programs from the same number of
    concurrent callers in one process.

Latency is each request's time as its caller saw it. The clients speak HTTP/1.1 over
keep-alive connections through a minimal client written here, so that the load generator
takes little of the CPU it shares with the service (the CPU of each is printed). Both are
warmed first (200 requests). It prints requests/s and p50/p99 latency of each, their
ratios, the errors, and the memory samples with the growth from the first sample after
warm-up to the last; it exits 0 (it reports), and every loop is bounded in count and time
(``--timeout`` per phase).

Run: ``.venv/bin/python benchmarks/service_throughput.py [--requests 10000] [--clients 64]
[--workers 2]`` (the ``serve`` extra). On a 2-core machine the clients share the cores with
the service.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from execgym.sandbox import Sandbox, Verdict

CODE = "print(int(input()) * 3)"
WARM_UP = 200


@dataclass
class Phase:
    """What one phase measured."""

    name: str
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    seen: set[int] = field(default_factory=set)
    elapsed_s: float = 0.0

    def summary(self) -> str:
        return (
            f"{self.name:<8} {len(self.latencies):>6} answered in {self.elapsed_s:6.1f} s: "
            f"{self.rate():7.1f} req/s, p50 {self.quantile_ms(0.5):6.1f} ms, "
            f"p99 {self.quantile_ms(0.99):6.1f} ms, {len(self.errors)} errors"
        )

    def rate(self) -> float:
        return len(self.latencies) / self.elapsed_s if self.elapsed_s else 0.0

    def quantile_ms(self, q: float) -> float:
        ms = sorted(1000 * x for x in self.latencies)
        return ms[min(len(ms) - 1, int(q * len(ms)))] if ms else float("nan")


async def drive(
    count: int, clients: int, one: Callable[[int], Awaitable[str | None]], phase: Phase
) -> None:
    """``count`` calls of ``one(i)`` from ``clients`` concurrent callers; ``one`` returns an
    error text or ``None``."""
    next_index = iter(range(count))

    async def client() -> None:
        for index in next_index:
            started = time.perf_counter()
            error = await one(index)
            phase.latencies.append(time.perf_counter() - started)
            if error is not None:
                phase.errors.append(f"{index}: {error}")
            elif index in phase.seen:
                phase.errors.append(f"{index}: answered twice")
            else:
                phase.seen.add(index)

    started = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    phase.elapsed_s = time.perf_counter() - started
    missing = count - len(phase.seen)
    if missing:
        phase.errors.append(f"{missing} results missing")


def check(index: int, stdout: str | None) -> str | None:
    return None if stdout == f"{3 * index}\n" else f"expected {3 * index}, got {stdout!r}"


class Connection:
    """A minimal HTTP/1.1 keep-alive client for one connection: a load generator as light
    as it can be (a general client such as httpx takes several times the CPU the service
    takes, and here the two share the machine's cores)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.streams: tuple[asyncio.StreamReader, asyncio.StreamWriter] | None = None

    async def post_json(self, path: str, body: Mapping[str, object]) -> tuple[int, object]:
        if self.streams is None:
            self.streams = await asyncio.open_connection("127.0.0.1", self.port)
        reader, writer = self.streams
        data = json.dumps(body).encode()
        head = (
            f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Content-Length: {len(data)}\r\n\r\n"
        )
        writer.write(head.encode() + data)
        await writer.drain()
        status_line = await reader.readline()
        length = 0
        while (line := await reader.readline()) not in (b"\r\n", b""):
            name, _, value = line.decode("latin-1").partition(":")
            if name.strip().lower() == "content-length":
                length = int(value)
        return int(status_line.split()[1]), json.loads(await reader.readexactly(length))

    def close(self) -> None:
        if self.streams is not None:
            self.streams[1].close()


async def service_phase(url: str, count: int, clients: int, name: str) -> Phase:
    phase = Phase(name)
    port = int(url.rsplit(":", 1)[1])
    connections: dict[object, Connection] = {}

    async def one(index: int) -> str | None:
        connection = connections.setdefault(asyncio.current_task(), Connection(port))
        body = {"code": CODE, "stdin": f"{index}\n", "language": "python"}
        try:
            status, answer = await connection.post_json("/run_code", body)
        except (OSError, ValueError, asyncio.IncompleteReadError) as exc:
            return f"{type(exc).__name__}: {exc}"
        if status != 200 or not isinstance(answer, dict):
            return f"HTTP {status}: {str(answer)[:200]}"
        if answer["status"] != "Success":
            return f"{answer['status']}: {answer['message']}"
        return check(index, answer["run_result"]["stdout"])

    try:
        await drive(count, clients, one, phase)
    finally:
        for connection in connections.values():
            connection.close()
    return phase


async def direct_phase(sandbox: Sandbox, count: int, clients: int, name: str) -> Phase:
    phase = Phase(name)

    async def one(index: int) -> str | None:
        result = await sandbox.arun(CODE, f"{index}\n")
        if result.verdict is not Verdict.OK:
            return f"{result.verdict}: {result.detail}"
        return check(index, result.stdout)

    await drive(count, clients, one, phase)
    return phase


def process_cpu_s(pid: int) -> float:
    """CPU seconds (user and system) ``pid`` has used so far."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_rss_mb(root: int) -> float:
    """Resident memory of ``root`` and every process under it, in MB."""
    parents: dict[int, int] = {}
    rss: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(entry.name)] = int(fields[1])
        rss[int(entry.name)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    tree = {root}
    changed = True
    while changed:
        grown = {pid for pid, parent in parents.items() if parent in tree} - tree
        changed = bool(grown)
        tree |= grown
    return sum(rss.get(pid, 0) for pid in tree) / (1 << 20)


class MemorySampler:
    def __init__(self, pid: int) -> None:
        self.pid = pid
        self.samples: list[tuple[float, float]] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._start = time.monotonic()

    def _run(self) -> None:
        while not self._stop.wait(1.0):
            self.samples.append((time.monotonic() - self._start, tree_rss_mb(self.pid)))

    def __enter__(self) -> MemorySampler:
        self.samples.append((0.0, tree_rss_mb(self.pid)))
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.samples.append((time.monotonic() - self._start, tree_rss_mb(self.pid)))


def start_service(workers: int, clients: int) -> tuple[subprocess.Popen[bytes], str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [
        sys.executable,
        "-c",
        "from execgym.cli import main\nmain()\n",
        "serve",
        "sandbox",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--max-queue",
        str(clients),
    ]
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/health", timeout=1).status_code == 200:
                return process, url
        except httpx.HTTPError:
            time.sleep(0.1)
    process.kill()
    raise SystemExit("the service did not start within 60 s")


async def bounded(work: Awaitable[Phase], timeout: float, name: str) -> Phase:
    try:
        return await asyncio.wait_for(work, timeout)
    except TimeoutError:
        failed = Phase(name)
        failed.errors.append(f"stopped after {timeout} s")
        return failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--timeout", type=float, default=900.0, help="seconds per phase")
    args = parser.parse_args()
    print(
        f"{args.requests} requests from {args.clients} concurrent clients, "
        f"{args.workers} sandbox workers, {os.cpu_count()} cores"
    )

    process, url = start_service(args.workers, args.clients)
    try:
        asyncio.run(service_phase(url, WARM_UP, args.clients, "warm-up"))
        service_cpu, client_cpu = process_cpu_s(process.pid), sum(os.times()[:2])
        with MemorySampler(process.pid) as memory:
            served = asyncio.run(
                bounded(
                    service_phase(url, args.requests, args.clients, "service"),
                    args.timeout,
                    "service",
                )
            )
        service_cpu = process_cpu_s(process.pid) - service_cpu
        client_cpu = sum(os.times()[:2]) - client_cpu
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)

    with Sandbox(workers=args.workers) as sandbox:
        sandbox.start()
        asyncio.run(direct_phase(sandbox, WARM_UP, args.clients, "warm-up"))
        direct = asyncio.run(
            bounded(
                direct_phase(sandbox, args.requests, args.clients, "direct"),
                args.timeout,
                "direct",
            )
        )

    print(served.summary())
    print(direct.summary())
    if served.rate() and direct.rate():
        print(
            f"service / direct: throughput {served.rate() / direct.rate():.2f}x, "
            f"p50 latency {served.quantile_ms(0.5) / direct.quantile_ms(0.5):.2f}x, "
            f"p99 latency {served.quantile_ms(0.99) / direct.quantile_ms(0.99):.2f}x"
        )
    print(
        f"CPU during the service phase: {service_cpu:.1f} s the service's process (its "
        f"fork-servers and programs apart), {client_cpu:.1f} s the clients"
    )
    for phase in (served, direct):
        for error in phase.errors[:5]:
            print(f"  {phase.name} error: {error}")
    samples = memory.samples
    shown = ", ".join(f"{t:.0f}s {mb:.0f}" for t, mb in samples[:: max(1, len(samples) // 8)])
    print(f"service memory (MB, process and fork-servers): {shown}")
    first, last = samples[0][1], samples[-1][1]
    peak = max(mb for _, mb in samples)
    print(
        f"memory: {first:.0f} MB after warm-up, {last:.0f} MB at the end "
        f"({last - first:+.0f} MB), peak {peak:.0f} MB"
    )
    verdict = "PASS" if not served.errors and not direct.errors else "FAIL"
    print(f"{verdict}: every request answered once and right, by both")


if __name__ == "__main__":
    main()
