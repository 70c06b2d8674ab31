"""Class 4: CPU, memory and processes are limited over a run's whole process tree, not per
process; survivors are killed and their CPU counted. With a cgroup (root, or a delegated
one) the kernel enforces the memory limit; without one the fork-server polls the tree."""

from __future__ import annotations

from execgym.sandbox import Limits, Sandbox, Verdict
from sandbox.security._support import (
    Outcome,
    both_modes,
    case,
    prints,
    run_case,
)

V = Verdict


def tree_cpu_counted(outcome: Outcome) -> None:
    assert "process tree" in outcome.detail or outcome.cpu_s >= 0.4, outcome


CASES = [
    case(
        "six_processes_of_120_mb",
        "import os, time\nkids = []\nfor _ in range(6):\n    pid = os.fork()\n"
        "    if pid == 0:\n        block = bytearray(120 << 20)\n"
        "        for i in range(0, len(block), 4096):\n            block[i] = 1\n"
        "        time.sleep(3)\n        os._exit(0)\n    kids.append(pid)\n"
        "for pid in kids:\n    os.waitpid(pid, 0)\nprint(2)",
        V.MEMORY_LIMIT,
        mode="stdio",
        limits=Limits(time_s=4, wall_s=12, memory_mb=200),
    ),
    case(
        "oom_aimed_at_the_fork_server",
        # Many mid-sized processes that take back the OOM killer's preference for children:
        # whichever process the kernel ends, the run is judged, never a sandbox failure.
        "import os, time\nfd = os.open('/proc/self/oom_score_adj', os.O_WRONLY)\n"
        "os.write(fd, b'0')\nkids = []\nfor _ in range(28):\n    pid = os.fork()\n"
        "    if pid == 0:\n        block = bytearray(24 << 20)\n"
        "        for i in range(0, len(block), 4096):\n            block[i] = 1\n"
        "        time.sleep(5)\n        os._exit(0)\n    kids.append(pid)\n"
        "for pid in kids:\n    os.waitpid(pid, 0)\nprint(2)",
        V.MEMORY_LIMIT,
        mode="stdio",
        limits=Limits(time_s=4, wall_s=15, memory_mb=64, processes=40),
    ),
    case(
        "detached_grandchildren_burn_cpu",
        # Two double-forked grandchildren burn CPU while the program itself only waits; the
        # wall limit is far away, so only the tree's CPU time can end the test.
        "import os, time\nfor _ in range(2):\n    if os.fork() == 0:\n"
        "        if os.fork() == 0:\n            while True:\n                pass\n"
        "        os._exit(0)\n    os.wait()\ntime.sleep(30)\nprint(2)",
        V.TIME_LIMIT,
        mode="stdio",
        limits=Limits(time_s=0.3, wall_s=60),
        check=tree_cpu_counted,
    ),
    case(
        "memory_in_memfds_is_refused",
        "import os\ntry:\n    os.memfd_create('hoard')\n    print('made')\n"
        "except OSError as e:\n    print(e.errno)",
        V.OK,
        check=prints("1"),
    ),
    case(
        "no_ptys_to_hold",
        "import os\ntry:\n    os.openpty()\n    print('pty')\nexcept OSError as e:\n"
        "    print(type(e).__name__)",
        V.OK,
        check=prints("FileNotFoundError"),
    ),
    case(
        "fork_bomb",
        "import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass",
        {V.TIME_LIMIT, V.RUNTIME_ERROR, V.MEMORY_LIMIT},
        mode="stdio",
        limits=Limits(time_s=1, wall_s=3),
    ),
]


ordinary_user_outcomes, test_as_the_judging_user, test_as_an_ordinary_user = both_modes(CASES)


def test_the_sandbox_judges_normally_after_every_case(own_sandbox: Sandbox) -> None:
    for item in CASES:
        run_case(own_sandbox, item)
        assert own_sandbox.run("print(6 * 7)").stdout == "42\n", item.id


def test_a_fork_server_the_oom_killer_ended_is_the_runs_memory_limit() -> None:
    from execgym.sandbox._outcome import test_outcomes

    response = {"ok": False, "error": "fork-server failure: died", "oom_killed": True}
    results, _ = test_outcomes(response, ["stdio", "call"], time_s=1.0)
    assert [r.verdict for r in results if r is not None] == [V.MEMORY_LIMIT, V.MEMORY_LIMIT]
    crashed, _ = test_outcomes({"ok": False, "error": "died"}, ["stdio"], time_s=1.0)
    assert [r.verdict for r in crashed if r is not None] == [V.SANDBOX_ERROR]


def test_host_ptys_are_untouched(own_sandbox: Sandbox) -> None:
    with open("/proc/sys/kernel/pty/nr") as f:
        before = int(f.read())
    run_case(own_sandbox, CASES[3])
    with open("/proc/sys/kernel/pty/nr") as f:
        assert int(f.read()) <= before
