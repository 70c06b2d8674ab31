"""What the FixAudit loop costs besides the model: 64 problems in flight against a model of
fixed latency.

The model answers instantly after sleeping a fixed latency per request (``--latency``,
default 1 s, an LLM call's order of magnitude), the way a served model does; its answers
play a real repair on each problem: the Coder writes a buggy program, the Auditor reads it
and proposes a test that exposes the bug, two votes agree, the Fixer repairs it, and audit
rounds find nothing more until the loop stops. The problems are the three APPS samples of
the shared data that have hidden tests (4184, 2287, 2404), repeated to ``--problems`` (64)
under distinct ids, all in flight at once through ``run_repair_eval`` (the harness of
``execgym repair eval``: sandbox runs, transcripts, hidden-test judging, records written
as problems finish).

Figures, all from the same run:

- per problem, the time outside model calls (wall time of its loop minus the time it spent
  waiting on the model: sandbox runs, parsing, bookkeeping, waiting for a sandbox worker),
  summed over problems, as a ratio of the summed wall time; target under 5%;
- of that, the sandbox's share;
- the whole run's wall time against the longest chain of model waits of any problem (the
  run cannot finish sooner): the excess covers hidden-test judging and writing records too.

    .venv/bin/python benchmarks/repair_overhead.py [--latency 1.0] [--problems 64] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from execgym.bench import ITEMS_FILE, Problem, load_dataset, read_item_records
from execgym.llm import ChatMessage, Completion, SamplingParams, Usage
from execgym.repair import RepairEvalSettings, RepairSettings, run_repair_eval
from execgym.sandbox import Sandbox

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "apps_coderl"

PRIME_RIGHT = """def is_prime(n):
    if n < 2:
        return False
    for d in range(2, int(n ** 0.5) + 1):
        if n % d == 0:
            return False
    return True
"""
PRIME_BUGGY = PRIME_RIGHT.replace("int(n ** 0.5) + 1", "int(n ** 0.5)")
KTH_RIGHT = """class Solution:
    def findKthPositive(self, arr, k):
        present = set(arr)
        n = 0
        while k:
            n += 1
            if n not in present:
                k -= 1
        return n
"""
KTH_BUGGY = """class Solution:
    def findKthPositive(self, arr, k):
        return k + len([a for a in arr if a <= k])
"""


def fenced(code: str) -> str:
    return f"```python\n{code.rstrip()}\n```"


def scripts() -> dict[str, dict[str, str]]:
    """Per problem: each role's answer; ``audit-bug`` when the Auditor sees the bug."""
    solutions = json.loads((DATA / "2287" / "solutions.json").read_text(encoding="utf-8"))
    tree_right = solutions[3]
    tree_buggy = tree_right.replace("if i>j or (i-j)%2==1:", "if (i-j)%2==1:")
    tree_fail = "<test><input>\n3\n1 2\n2 3\n2\n1 0\n3 4\n</input><output>\nNo\n</output></test>"
    prime_fail = "<test><call>is_prime(25)</call><output>False</output></test>"
    kth_fail = "<test><call>findKthPositive([1, 2, 4], 3)</call><output>6</output></test>"
    return {
        "preset array/list with the first few `primes`": {
            "bug": "int(n ** 0.5))",
            "coder": fenced(PRIME_BUGGY),
            "audit-bug": prime_fail,
            "audit": "<test><call>is_prime(11)</call><output>True</output></test>",
            "vote": prime_fail,
            "fixer": fenced(PRIME_RIGHT),
        },
        "Takahashi wrote integers into K of the vertices": {
            "bug": "if (i-j)%2==1:",
            "coder": fenced(tree_buggy),
            "audit-bug": tree_fail,
            "audit": "<test><input>\n2\n1 2\n1\n1 5\n</input><output>\nYes\n5\n4\n</output></test>",
            "vote": tree_fail,
            "fixer": fenced(tree_right),
        },
        "integer that is missing from this array": {
            "bug": "k + len(",
            "coder": fenced(KTH_BUGGY),
            "audit-bug": kth_fail,
            "audit": "<test><call>findKthPositive([5], 1)</call><output>1</output></test>",
            "vote": kth_fail,
            "fixer": fenced(KTH_RIGHT),
        },
    }


class FixedLatencyModel:
    """Sleeps ``latency`` seconds per request, then answers by role from :func:`scripts`."""

    def __init__(self, latency: float) -> None:
        self.latency = latency
        self.scripts = scripts()
        self.requests = 0

    @property
    def name(self) -> str:
        return "fixed-latency"

    def answer(self, prompt: str) -> str:
        script = next(s for marker, s in self.scripts.items() if marker in prompt)
        if prompt.startswith("Solve the following"):
            return script["coder"]
        if prompt.startswith("You are auditing"):
            return script["audit-bug" if script["bug"] in prompt else "audit"]
        if prompt.startswith("What is the correct output"):
            return script["vote"]
        return script["fixer"]

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        self.requests += 1
        await asyncio.sleep(self.latency)
        text = self.answer(messages[-1]["content"])
        return Completion([text] * params.n, ["stop"] * params.n, Usage(1000, 200), self.name)


def problems(count: int) -> list[Problem]:
    scored = [p for p in load_dataset("apps", DATA) if p.hidden_tests]
    return [
        scored[i % len(scored)].model_copy(update={"id": f"{scored[i % len(scored)].id}-{i:03d}"})
        for i in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--latency", type=float, default=1.0, help="seconds per model request")
    parser.add_argument("--problems", type=int, default=64, help="problems, all in flight")
    parser.add_argument("--workers", type=int, default=2, help="sandbox fork-servers")
    args = parser.parse_args()
    batch = problems(args.problems)
    model = FixedLatencyModel(args.latency)
    settings = RepairEvalSettings(
        "apps", "fixaudit", model.name, RepairSettings(budget=20), concurrency=args.problems
    )
    with Sandbox(workers=args.workers) as sandbox, tempfile.TemporaryDirectory() as scratch:
        sandbox.start()
        run_dir = Path(scratch)
        started = time.perf_counter()
        report = asyncio.run(run_repair_eval(batch, model, settings, run_dir, sandbox))
        wall = time.perf_counter() - started
        records = read_item_records(run_dir / ITEMS_FILE)
    timings = [record["transcript"]["timing"] for record in records.values()]
    loop_wall = sum(t["wall_s"] for t in timings)
    model_wait = sum(t["model_s"] for t in timings)
    sandbox_time = sum(t["sandbox_s"] for t in timings)
    outside = loop_wall - model_wait
    longest_chain = max(t["model_s"] for t in timings)
    calls = sum(record["calls"] for record in records.values())
    print(f"problems: {len(records)} in flight, all solved: {report.summary['pass@1'] == 1.0}")
    print(f"model: {args.latency:.2f} s per request; {model.requests} requests, {calls} calls")
    print(f"run wall time: {wall:.2f} s; sandbox workers: {args.workers}")
    print(
        f"time outside model calls: {outside:.2f} s of {loop_wall:.2f} s of loop wall time "
        f"summed over problems = {100 * outside / loop_wall:.2f}% (target < 5%)"
    )
    print(f"  of which sandbox runs: {sandbox_time:.2f} s ({100 * sandbox_time / loop_wall:.2f}%)")
    print(
        f"whole run: {wall:.2f} s against the longest chain of model waits "
        f"{longest_chain:.2f} s = {100 * (wall - longest_chain) / wall:.2f}% outside "
        "(hidden-test judging and record writing included)"
    )


if __name__ == "__main__":
    main()
