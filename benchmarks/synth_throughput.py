"""Synthesis throughput: validated programs per second for an L1-L6 mix.

One run of ``DatasetBuilder`` with the grammar generator over the six built-in levels
(``--per-level`` programs each): generation, the traced run on every candidate input
(sandbox A), the assertion-and-determinism run (sandbox B, another hash seed), branch
coverage, metrics, deduplication and writing the JSONL. The filter validates candidates in
batches of ``--batch-size`` (one child per batch and sandbox; see ``execgym.synth._filters``)
and both sandboxes allow the filters' instruments (``INSTRUMENTS``), as ``execgym synth``'s
do. Both sandboxes are started before timing. The baseline, measured in the same run on
the same two sandboxes and threads, is a bare untraced execution of the call ``f(<input>)``
of every program kept (one execution per program, no trace, no filters). Prints validated
programs/s, the baseline's programs/s, their ratio, sandbox executions (children) per
validated program, and the parent's CPU per program.

Target: at least 200 validated programs/s on the 2-core development machine.

    .venv/bin/python benchmarks/synth_throughput.py [--per-level 100] [--workers 2] [--seed 0]
        [--batch-size 16]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import threading
import time
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from execgym.sandbox import CallTest, Sandbox, SandboxConfig, TestResult, Verdict
from execgym.synth import (
    DEFAULT_BATCH_SIZE,
    INSTRUMENTS,
    DatasetBuilder,
    FilterOptions,
    GrammarGenerator,
    ProgramFilter,
    SynthConfig,
    builtin_levels,
)

TARGET = 200.0


class CountingSandbox(Sandbox):
    """A sandbox that counts the child executions it serves."""

    def __init__(self, workers: int, config: SandboxConfig) -> None:
        super().__init__(workers, config)
        self.executions = 0
        self._lock = threading.Lock()

    def execute(self, code: str, tests: Sequence[Any], *args: Any, **kw: Any) -> list[TestResult]:
        with self._lock:
            self.executions += 1
        return super().execute(code, tests, *args, **kw)


def baseline(sandboxes: list[CountingSandbox], rows: list[dict[str, Any]], threads: int) -> float:
    """Programs/s of one bare untraced execution of each row's call."""
    limits = FilterOptions().limits

    def run(index: int) -> bool:
        row = rows[index]
        sandbox = sandboxes[index % len(sandboxes)]
        test = CallTest(fn_name=row["entry"], args_src=row["input"])
        (result,) = sandbox.execute(row["code"], [test], limits, preamble=False)
        return result.verdict is Verdict.OK

    with ThreadPoolExecutor(max_workers=threads) as pool:
        list(pool.map(run, range(min(20, len(rows)))))
        started = time.perf_counter()
        ok = sum(pool.map(run, range(len(rows))))
        seconds = time.perf_counter() - started
    if ok != len(rows):
        print(f"  warning: {len(rows) - ok} programs failed their bare run", file=sys.stderr)
    return len(rows) / seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-level", type=int, default=100)
    parser.add_argument("--workers", type=int, default=2, help="fork-servers per sandbox")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    args = parser.parse_args()
    levels = tuple(builtin_levels().values())
    print(
        f"synth throughput: L1-L6, {args.per_level} programs per level, "
        f"2 sandboxes x {args.workers} workers, batches of {args.batch_size}, "
        f"Python {sys.version.split()[0]}"
    )
    first = CountingSandbox(args.workers, SandboxConfig(hash_seed=0, instruments=INSTRUMENTS))
    second = CountingSandbox(args.workers, SandboxConfig(hash_seed=1, instruments=INSTRUMENTS))
    with first, second, tempfile.TemporaryDirectory() as scratch:
        first.start()
        second.start()
        program_filter = ProgramFilter(first, second)
        warm = SynthConfig(levels=levels, per_level=2, seed=args.seed + 10_000)
        DatasetBuilder(GrammarGenerator(), program_filter, warm).run(Path(scratch) / "warm.jsonl")
        first.executions = second.executions = 0

        config = SynthConfig(levels=levels, per_level=args.per_level, seed=args.seed)
        builder = DatasetBuilder(
            GrammarGenerator(), program_filter, config, batch_size=args.batch_size
        )
        output = Path(scratch) / "programs.jsonl"
        started, cpu = time.perf_counter(), time.process_time()
        summary = builder.run(output)
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
        executions = first.executions + second.executions
        rows = [json.loads(line) for line in output.read_text().splitlines()]
        base = baseline([first, second], rows, builder.threads)

    rate = len(rows) / seconds
    print()
    print(f"  {'level':<8}{'programs':>10}{'attempts':>10}   rejected")
    for level in summary.levels:
        reasons = ", ".join(f"{k} {v}" for k, v in level.rejections.most_common()) or "-"
        print(f"  {level.name:<8}{level.rows:>10}{level.attempts:>10}   {reasons}")
    print()
    print(f"  validated programs/s (generate + trace + filters + write): {rate:8.1f}")
    print(f"  baseline: bare untraced sandbox execution, programs/s:      {base:8.1f}")
    print(f"  ratio validated / baseline:                                 {rate / base:8.2f}x")
    per_program = executions / len(rows)
    parent_ms = cpu / len(rows) * 1000
    print(f"  sandbox executions per validated program:                   {per_program:8.2f}")
    print(f"  parent CPU per validated program:                           {parent_ms:7.2f} ms")
    verdict = "PASS" if rate >= TARGET else "FAIL"
    print(f"  target >= {TARGET:.0f} validated programs/s: {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
