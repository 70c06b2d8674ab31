"""Judging throughput on HumanEval: 164 problems x 10 generations through execgym.bench.

The ten "generations" per problem are made without a model: the canonical solution five
times and five wrong variants (its result wrapped in a list, an exception, a missing
function, a syntax error, and for one problem in ten an endless loop cut by the 1 s time
limit, otherwise a `None` result), so the run mixes passing, failing, crashing,
non-compiling and (about 1%) timing-out programs the way a sampled model's output does;
every time-limited program costs a full second of CPU, which is the judge doing its job.
Judged with `judge_solutions` (every worker busy, HumanEval's
own test program and `check(entry_point)` in the child).

Baseline, same run: a bare fork-per-program loop with no isolation at the same worker count
running only the five canonical copies (the cheapest possible judge of the passing half).

Figures: programs/s and tests/s (a HumanEval problem's `check` holds several assertions;
tests/s counts the assertions of the programs that ran to the end of `check`), the verdict
mix, and the ratio of execgym's programs/s on the canonical half to the bare loop's.

    .venv/bin/python benchmarks/judge_throughput.py [--workers 2]
"""

from __future__ import annotations

import argparse
import ast
import collections
import os
import sys
import time
from pathlib import Path

from execgym.bench import Problem, assemble_program, judge_solutions, load_dataset
from execgym.sandbox import Limits, Sandbox, Verdict

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "HumanEval.jsonl.gz"
WRONG_VARIANTS = (
    "\n_orig = {entry}\ndef {entry}(*a, **k):\n    r = _orig(*a, **k)\n    return [r]\n",
    "\ndef {entry}(*a, **k):\n    raise ValueError('broken')\n",
    "\ndel {entry}\n",
    "\ndef {entry}(:\n",
)
ENDLESS = "\ndef {entry}(*a, **k):\n    while True:\n        pass\n"
RETURNS_NONE = "\ndef {entry}(*a, **k):\n    return None\n"


def generations(problem: Problem, index: int) -> list[str]:
    canonical = problem.reference_solutions[0]
    entry = problem.entry_point or "f"
    fifth = ENDLESS if index % 10 == 0 else RETURNS_NONE
    wrong = [canonical + variant.format(entry=entry) for variant in (*WRONG_VARIANTS, fifth)]
    return [canonical] * 5 + wrong


def assertion_count(problem: Problem) -> int:
    tree = ast.parse(problem.test_code or "")
    return sum(isinstance(node, ast.Assert) for node in ast.walk(tree))


def bare_fork_loop(programs: list[str], workers: int) -> float:
    """Seconds for a no-isolation fork-per-program loop, ``workers`` children at a time."""
    started = time.perf_counter()
    running: set[int] = set()
    for code in programs:
        while len(running) >= workers:
            pid, _ = os.wait()
            running.discard(pid)
        pid = os.fork()
        if pid == 0:
            try:
                exec(compile(code, "<program>", "exec"), {"__name__": "__main__"})
                os._exit(0)
            except BaseException:
                os._exit(1)
        running.add(pid)
    while running:
        pid, _ = os.wait()
        running.discard(pid)
    return time.perf_counter() - started


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"HumanEval data not found at {DATA}", file=sys.stderr)
        return 2
    problems = [
        p.model_copy(update={"limits": Limits(time_s=1.0, wall_s=2.0, memory_mb=512)})
        for p in load_dataset("humaneval", DATA)
    ]
    submissions = [(p, code) for i, p in enumerate(problems) for code in generations(p, i)]
    asserts = {p.id: assertion_count(p) for p in problems}
    print(f"judge throughput: {len(problems)} HumanEval problems x 10 generations = ", end="")
    print(f"{len(submissions)} programs, {args.workers} workers, Python {sys.version.split()[0]}")
    with Sandbox(workers=args.workers) as sandbox:
        sandbox.start()
        judge_solutions(sandbox, submissions[:20])  # warm up
        started = time.perf_counter()
        results = judge_solutions(sandbox, submissions)
        seconds = time.perf_counter() - started
        canonical = [(p, g) for i, p in enumerate(problems) for g in generations(p, i)[:5]]
        started = time.perf_counter()
        canonical_results = judge_solutions(sandbox, canonical)
        canonical_s = time.perf_counter() - started
    verdicts = collections.Counter(r.verdict.value for r in results)
    tests_run = sum(asserts[r.id or ""] for r in results if r.verdict is Verdict.OK)
    bare_programs = [
        assemble_program(p, code, "full") + f"\ncheck({p.entry_point})\n" for p, code in canonical
    ]
    bare_s = bare_fork_loop(bare_programs, args.workers)
    canonical_ok = sum(r.verdict is Verdict.OK for r in canonical_results)
    print()
    print(f"  mixed generations: {len(results) / seconds:8.1f} programs/s", end="")
    print(f"   {tests_run / seconds:8.1f} assertions/s   ({seconds:.2f} s)")
    print(f"  verdicts: {dict(sorted(verdicts.items()))}")
    print(f"  canonical half:    {len(canonical) / canonical_s:8.1f} programs/s", end="")
    print(f"   ({canonical_ok}/{len(canonical)} OK)")
    print(f"  bare fork loop:    {len(canonical) / bare_s:8.1f} programs/s   (no isolation)")
    print(f"  execgym / bare fork loop on the same programs: {bare_s / canonical_s:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
