"""Tracing cost over CRUXEval: traced run plus question generation vs an untraced run.

Both run the 800 CRUXEval calls ``f(<input>)`` in the same sandbox (same fork-servers,
same workers, same limits), in alternating rounds; the best round of each is kept. The
untraced run executes the call and returns its value; the traced run executes it under the
line tracer in the child and then builds the questions of every kind (ExecVerify style) in
the judging process. Prints programs/s for each and the ratio of their times.

Target: traced (with question generation) <= 2.5x the untraced time.

    .venv/bin/python benchmarks/trace_throughput.py [--workers 2] [--repeat 3]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from execgym.sandbox import CallTest, Limits, Sandbox, SandboxConfig, Verdict
from execgym.tasks import Kind, Program, build_questions
from execgym.trace import INSTRUMENTS, TraceOptions, TraceStatus, trace_call

DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data" / "cruxeval.jsonl"
LIMITS = Limits(time_s=2.0, memory_mb=512)
KINDS = [Kind.OUTPUT, Kind.NEXT, Kind.STATE]
TARGET = 2.5


def load_programs() -> list[Program]:
    rows = [json.loads(line) for line in DATA.open(encoding="utf-8")]
    return [Program(id=row["id"], code=row["code"], input=row["input"]) for row in rows]


def untraced(sandbox: Sandbox, program: Program) -> bool:
    test = CallTest(fn_name=program.entry, args_src=program.input)
    (result,) = sandbox.execute(program.code, [test], LIMITS, preamble=False)
    return result.verdict is Verdict.OK


def traced_with_questions(sandbox: Sandbox, program: Program) -> bool:
    trace = trace_call(
        sandbox, program.code, program.entry, program.input, TraceOptions(limits=LIMITS)
    )
    if trace.status is not TraceStatus.OK:
        return False
    questions = build_questions(program, trace, KINDS, "execverify", seed=0)
    return bool(questions)


def timed_round(
    sandbox: Sandbox, programs: list[Program], work: Callable[[Sandbox, Program], bool]
) -> tuple[float, int]:
    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=sandbox.workers * 2) as pool:
        ok = sum(pool.map(lambda program: work(sandbox, program), programs))
    return time.perf_counter() - started, ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    if not DATA.exists():
        print(f"CRUXEval data not found at {DATA}", file=sys.stderr)
        return 2
    programs = load_programs()
    print(f"trace throughput: {len(programs)} CRUXEval calls, {args.workers} workers, ", end="")
    print(f"Python {sys.version.split()[0]}")
    with Sandbox(workers=args.workers, config=SandboxConfig(instruments=INSTRUMENTS)) as sandbox:
        sandbox.start()
        timed_round(sandbox, programs[:50], untraced)  # warm caches once
        best: dict[str, tuple[float, int]] = {}
        rounds: dict[str, list[float]] = {"untraced": [], "traced": []}
        for _ in range(args.repeat):
            for name, work in (("untraced", untraced), ("traced", traced_with_questions)):
                seconds, ok = timed_round(sandbox, programs, work)
                rounds[name].append(seconds)
                if name not in best or seconds < best[name][0]:
                    best[name] = (seconds, ok)
    print()
    print(f"  {'run':<42}{'programs/s':>12}{'ok':>8}   (each round, s)")
    labels = {
        "untraced": "untraced call in the sandbox",
        "traced": "traced call + questions (output, next, state)",
    }
    for name in ("untraced", "traced"):
        seconds, ok = best[name]
        each = " ".join(f"{s:.2f}" for s in rounds[name])
        print(f"  {labels[name]:<42}{len(programs) / seconds:>12.1f}{ok:>8}   ({each})")
    ratio = best["traced"][0] / best["untraced"][0]
    verdict = "PASS" if ratio <= TARGET else "FAIL"
    print()
    print(f"  traced / untraced time: {ratio:.2f}x   target <= {TARGET}x   {verdict}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
