"""Reward throughput: rewards per second through each trainer entry point and the reward
server, against the scorer called directly, in the same run.

Two workloads, built here from the project's own data (no model):

* ``execq``: ExecVerify's combined questions about synthesized programs (levels 1-6), each
  answered by its reference answer and by a copy with one white-box answer wrong (scored in
  process, no sandbox);
* ``codegen``: the APPS samples in ``../shared/data/apps_coderl``, each answered by a reference
  solution and by a wrong program (every response runs its tests in the sandbox).

For each workload it times, on the same responses:

(a) the scorer directly: ``execgym.rewards.score_batch`` (execq) or
    ``execgym.bench.judge_responses`` (codegen), in one batch: the floor;
(b) verl: ``execgym.train.verl.compute_score``, one call per response, on verl's reward loop
    threads (``--threads``, verl runs them in its event loop's executor);
(c) TRL: ``execgym.train.trl.execgym_reward``, one call per batch of ``--batch`` completions;
(d) OpenRLHF: ``execgym.train.openrlhf.reward_func``, one call per batch;
(e) the reward server over HTTP on loopback, ``--clients`` concurrent clients each posting
    batches of ``--batch``.

Every path's rewards are checked against (a) before its time counts (within float32 rounding:
OpenRLHF's rewards come back as a float32 tensor). Prints rewards/s and the
ratio to (a). It reports; it does not assert. Run:
``.venv/bin/python benchmarks/reward_throughput.py [--workers 2] [--repeat 3]`` (the server
needs the ``serve`` extra).
"""

from __future__ import annotations

import argparse
import asyncio
import math
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack
from pathlib import Path
from typing import Any

from execgym.bench import judge_responses
from execgym.rewards import ScoringData, get_reward, score_batch
from execgym.sandbox import Sandbox
from execgym.train import (
    TrainingRow,
    benchmark_rows,
    read_codegen_ground_truth,
    read_rows,
)
from execgym.train.openrlhf import reward_func
from execgym.train.trl import make_reward_function
from execgym.train.verl import compute_score

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
WRONG_CODE = "```python\nprint(0)\n```"


def execq_rows(sandbox: Sandbox, per_level: int, tmp: Path) -> list[TrainingRow]:
    """ExecVerify's combined questions about programs synthesized at levels 1-6."""
    programs = tmp / "programs.jsonl"
    command = [sys.executable, "-m", "execgym.cli", "synth", "--levels", "1-6"]
    command += ["--per-level", str(per_level), "--seed", "0", "-o", str(programs)]
    subprocess.run(command, check=True, capture_output=True)
    rows, _ = read_rows(programs, "programs", sandbox=sandbox)
    return rows


def workload(rows: Sequence[TrainingRow], copies: int) -> list[tuple[TrainingRow, str]]:
    pairs = []
    for row in rows:
        reference = row.reference or ""
        if row.data_source == "execgym/execq":
            wrong = reference.replace("<answer>\n", "<answer>\n0\n", 1)
        else:
            wrong = WRONG_CODE
        pairs += [(row, reference), (row, wrong)]
    return pairs * copies


def direct(pairs: Sequence[tuple[TrainingRow, str]], sandbox: Sandbox) -> list[float]:
    if pairs[0][0].data_source == "execgym/execq":
        data = [(ScoringData.from_json(row.ground_truth or ""), text) for row, text in pairs]
        scored = score_batch(data, sandbox=sandbox)
        return [get_reward(d.reward)(s) for (d, _), s in zip(data, scored, strict=True)]  # type: ignore[arg-type]
    problems = [(read_codegen_ground_truth(row.ground_truth or "")[0], t) for row, t in pairs]
    judged = judge_responses(sandbox, problems)
    return [1.0 if result.verdict.value == "OK" else 0.0 for _, result in judged]


def via_verl(
    pairs: Sequence[tuple[TrainingRow, str]], sandbox: Sandbox, threads: int
) -> list[float]:
    def one(pair: tuple[TrainingRow, str]) -> float:
        row, text = pair
        return compute_score(row.data_source, text, row.ground_truth or "", sandbox=sandbox)[
            "score"
        ]

    with ThreadPoolExecutor(max_workers=threads) as pool:
        return list(pool.map(one, pairs))


def batches(pairs: Sequence[Any], size: int) -> list[Sequence[Any]]:
    return [pairs[i : i + size] for i in range(0, len(pairs), size)]


def via_trl(pairs: Sequence[tuple[TrainingRow, str]], sandbox: Sandbox, size: int) -> list[float]:
    reward = make_reward_function(sandbox=sandbox)
    values: list[float] = []
    for chunk in batches(pairs, size):
        out = reward(
            prompts=[row.prompt for row, _ in chunk],
            completions=[text for _, text in chunk],
            data_source=[row.data_source for row, _ in chunk],
            ground_truth=[row.ground_truth for row, _ in chunk],
        )
        values += [float(v or 0.0) for v in out]
    return values


def via_openrlhf(
    pairs: Sequence[tuple[TrainingRow, str]], sandbox: Sandbox, size: int
) -> list[float]:
    values: list[float] = []
    for chunk in batches(pairs, size):
        labels = [row.ground_truth for row, _ in chunk]
        out = reward_func(["P" + t for _, t in chunk], ["P"] * len(chunk), labels, sandbox=sandbox)
        values += [float(v) for v in out["rewards"]]
    return values


class Server:
    """The reward server on a loopback port, in a thread."""

    def __init__(self, sandbox: Sandbox) -> None:
        import uvicorn

        from execgym.train.server import RewardServerSettings, create_reward_app

        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/get_reward"
        settings = RewardServerSettings(max_concurrency=8, max_items=100_000)
        config = uvicorn.Config(create_reward_app(settings, sandbox), log_level="warning")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(
            target=self.server.run, kwargs={"sockets": [self.sock]}, daemon=True
        )
        self.thread.start()
        while not self.server.started:
            time.sleep(0.01)

    def close(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)
        self.sock.close()


def via_server(
    pairs: Sequence[tuple[TrainingRow, str]], url: str, size: int, clients: int
) -> list[float]:
    import httpx

    chunks = batches(pairs, size)

    async def run() -> list[list[float]]:
        gate = asyncio.Semaphore(clients)
        async with httpx.AsyncClient(timeout=600) as http:

            async def post(chunk: Sequence[tuple[TrainingRow, str]]) -> list[float]:
                body = {
                    "query": ["P" + t for _, t in chunk],
                    "prompts": ["P"] * len(chunk),
                    "labels": [r.ground_truth for r, _ in chunk],
                }
                async with gate:
                    answer = await http.post(url, json=body)
                answer.raise_for_status()
                return list(answer.json()["rewards"])

            return await asyncio.gather(*(post(chunk) for chunk in chunks))

    return [value for part in asyncio.run(run()) for value in part]


def timed(
    run: Callable[[], list[float]], expected: list[float] | None, repeat: int
) -> tuple[float, list[float]]:
    best = float("inf")
    values: list[float] = []
    for _ in range(repeat):
        start = time.perf_counter()
        values = run()
        best = min(best, time.perf_counter() - start)
        same = [
            math.isclose(a, b, rel_tol=1e-6) for a, b in zip(values, expected or [], strict=False)
        ]
        if expected is not None and (len(values) != len(expected) or not all(same)):
            wrong = same.index(False) if False in same else len(same)
            raise SystemExit(
                f"rewards differ from the scorer's at response {wrong}: "
                f"{values[wrong]} vs {expected[wrong]}"
            )
    return best, values


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="Sandbox fork-servers.")
    parser.add_argument("--repeat", type=int, default=3, help="Rounds per path; best kept.")
    parser.add_argument("--per-level", type=int, default=20, help="Programs per level (execq).")
    parser.add_argument("--copies", type=int, default=4, help="Copies of each workload.")
    parser.add_argument("--batch", type=int, default=64, help="Responses per trainer batch.")
    parser.add_argument("--threads", type=int, default=8, help="verl's reward threads.")
    parser.add_argument("--clients", type=int, default=8, help="Concurrent server clients.")
    args = parser.parse_args()

    import tempfile

    with ExitStack() as stack:
        sandbox = stack.enter_context(Sandbox(workers=args.workers))
        sandbox.start()
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        apps, _ = benchmark_rows("apps", SHARED / "apps_coderl", sandbox=sandbox)
        loads = {
            "execq": workload(execq_rows(sandbox, args.per_level, tmp), args.copies),
            "codegen": workload(apps, args.copies * 4),
        }
        server = None
        try:
            server = Server(sandbox)
        except ImportError:
            print("(the reward server needs the serve extra; its row is left out)")
        print(
            f"workers={args.workers} batch={args.batch} threads={args.threads} "
            f"clients={args.clients} repeat={args.repeat}"
        )
        for name, pairs in loads.items():
            floor, expected = timed(lambda p=pairs: direct(p, sandbox), None, args.repeat)
            rows = [("scorer directly (floor)", floor)]
            paths: list[tuple[str, Callable[[], list[float]]]] = [
                ("verl compute_score", lambda p=pairs: via_verl(p, sandbox, args.threads)),
                ("TRL execgym_reward", lambda p=pairs: via_trl(p, sandbox, args.batch)),
                ("OpenRLHF reward_func", lambda p=pairs: via_openrlhf(p, sandbox, args.batch)),
            ]
            if server is not None:
                paths.append(
                    (
                        "reward server (HTTP)",
                        lambda p=pairs, u=server.url: via_server(p, u, args.batch, args.clients),
                    )
                )
            for label, run in paths:
                rows.append((label, timed(run, expected, args.repeat)[0]))
            print(f"\n{name}: {len(pairs)} responses")
            for label, seconds in rows:
                rate = len(pairs) / seconds
                print(f"  {label:<26} {rate:>10.0f} rewards/s   {floor / seconds:>5.2f}x the floor")
        if server is not None:
            server.close()


if __name__ == "__main__":
    main()
