"""What the agent's machinery costs next to the model: ReCode on the household world with a
model of fixed latency, many episodes in flight.

The model answers every request after exactly ``--latency`` seconds with scripted ReCode
replies (the test suite's policy, which solves every household task type). ``--episodes``
episodes run with ``--concurrency`` in flight through ``run_agent``, each with its own
sandboxed interpreter (fork-servers are started before timing). Measured in the same run:

* each episode's wall time (from its start to its record), summed over episodes;
* the time spent inside the model's ``complete``, summed over calls;
* their difference: the controller and the executor (expanding, analysing blocks, the
  interpreter's messages, environment steps, waiting for the event loop or a worker).

The figure is controller and executor time as a share of episode wall time (target: under
5%). Beside it, CPU seconds: the controller's process over the run, and the sandbox's
(fork-servers and interpreters) for the episodes, which is what its processes used from
start to close less what starting and closing the same number of fork-servers costs,
measured just before.

    .venv/bin/python benchmarks/agent_overhead.py [--episodes 32] [--concurrency 32] [--latency 1.0]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import resource
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests" / "agent"))

from scripted import recode_policy

from execgym.agent import AgentSettings, Budgets, finished_episodes, run_agent
from execgym.llm import ChatMessage, Completion, SamplingParams, Usage
from execgym.sandbox import Sandbox


class FixedLatencyModel:
    """Answers after exactly ``latency`` seconds; adds up the time spent in ``complete``."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.policy = recode_policy()
        self.calls = 0
        self.seconds = 0.0

    @property
    def name(self) -> str:
        return "fixed-latency"

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        began = time.perf_counter()
        await asyncio.sleep(self.latency)
        text = self.policy(messages)
        self.calls += 1
        self.seconds += time.perf_counter() - began
        return Completion([text], ["stop"], Usage(), self.name)


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--episodes", type=int, default=32)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--latency", type=float, default=1.0)
    args = parser.parse_args()
    settings = AgentSettings(
        env="household",
        method="recode",
        model="fixed-latency",
        n=args.episodes,
        concurrency=args.concurrency,
        budgets=Budgets(max_steps=200, max_calls=60),
    )
    model = FixedLatencyModel(args.latency)
    cpu_children_before = children_cpu()
    with Sandbox(workers=args.concurrency) as idle:
        idle.start()
    start_up = children_cpu() - cpu_children_before
    cpu_children_before = children_cpu()
    with tempfile.TemporaryDirectory() as scratch, Sandbox(workers=args.concurrency) as sandbox:
        sandbox.start()
        cpu_before = time.process_time()
        began = time.perf_counter()
        report = asyncio.run(run_agent(settings, model, Path(scratch), sandbox))
        wall = time.perf_counter() - began
        cpu_controller = time.process_time() - cpu_before
        records = list(finished_episodes(Path(scratch)).values())
    cpu_sandbox = children_cpu() - cpu_children_before - start_up
    episode_wall = sum(record["elapsed_s"] for record in records)
    overhead = episode_wall - model.seconds
    share = overhead / episode_wall
    longest_model = max(record["calls"] for record in records) * args.latency
    steps = sum(record["steps"] for record in records)
    successes = sum(record["success"] for record in records)
    print(
        f"agent overhead: {len(records)} episodes of ReCode on the household world, "
        f"{args.concurrency} in flight, model latency {args.latency:.2f} s per call"
    )
    print(
        f"episodes succeeded: {successes}/{len(records)} · model calls: {model.calls} · "
        f"environment steps: {steps} · aborted: {report.aborted}"
    )
    print(
        f"run wall time: {wall:.2f} s (the longest episode's model time alone: "
        f"{longest_model:.2f} s)"
    )
    print(
        f"summed over episodes: {episode_wall:.2f} s of wall time, {model.seconds:.2f} s in the "
        f"model, {overhead:.2f} s in the controller and executor "
        f"({1000 * overhead / len(records):.0f} ms per episode, "
        f"{1000 * overhead / max(steps, 1):.2f} ms per step)"
    )
    verdict = "PASS" if share < 0.05 else "FAIL"
    print(f"controller + executor time / wall time: {100 * share:.2f}% (target < 5%: {verdict})")
    print(
        f"CPU: controller process {cpu_controller:.2f} s, sandbox for the episodes "
        f"{cpu_sandbox:.2f} s (fork-server start-up, {start_up:.2f} s, taken off), "
        f"{1000 * (cpu_controller + cpu_sandbox) / max(steps, 1):.2f} ms per step, "
        f"{(cpu_controller + cpu_sandbox) / wall:.2f} CPU s per wall s"
    )
    print(json.dumps({"share": round(share, 5), "wall_s": round(wall, 3)}))


if __name__ == "__main__":
    main()
