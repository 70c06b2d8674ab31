"""The sandbox API as users call it: run, execute, judge, judge_many and the async forms."""

from __future__ import annotations

import asyncio

from execgym.sandbox import (
    CallTest,
    JudgeRequest,
    Limits,
    Sandbox,
    StdioTest,
    Verdict,
)

FAST = Limits(time_s=0.5, wall_s=1.0)


def test_run_reports_output_times_and_memory(sandbox: Sandbox) -> None:
    result = sandbox.run("import sys\nprint(input()[::-1])\nprint('e', file=sys.stderr)", "abc\n")
    assert result.verdict is Verdict.OK
    assert result.exit_code == 0
    assert result.stdout == "cba\n"
    assert result.stderr == "e\n"
    assert result.wall_s > 0
    assert result.peak_memory_mb > 1


def test_run_verdicts_for_each_failure(sandbox: Sandbox) -> None:
    assert sandbox.run("def f(:\n  pass").verdict is Verdict.COMPILE_ERROR
    error = sandbox.run("def g():\n    return 1 / 0\ng()")
    assert error.verdict is Verdict.RUNTIME_ERROR
    assert error.error is not None and error.error.type == "ZeroDivisionError"
    assert 'File "<solution>", line 2, in g' in error.stderr
    assert sandbox.run("while True: pass", limits=FAST).verdict is Verdict.TIME_LIMIT
    memory = sandbox.run("x = bytearray(1 << 31)", limits=Limits(memory_mb=128))
    assert memory.verdict is Verdict.MEMORY_LIMIT
    flood = sandbox.run("print('x' * (1 << 21))", limits=Limits(output_mb=1))
    assert flood.verdict is Verdict.OUTPUT_LIMIT


def test_exit_codes_of_scripts(sandbox: Sandbox) -> None:
    assert sandbox.run("import sys\nprint(1)\nsys.exit(0)").verdict is Verdict.OK
    failed = sandbox.run("import sys\nsys.exit(3)")
    assert failed.verdict is Verdict.RUNTIME_ERROR
    assert failed.exit_code == 3
    assert sandbox.run("exit()").verdict is Verdict.OK


def test_stdin_is_a_real_file_descriptor(sandbox: Sandbox) -> None:
    code = "import os, sys\na = os.read(0, 3)\nb = sys.stdin.buffer.read()\nprint(a, b)"
    assert sandbox.run(code, "12345").stdout == "b'123' b'45'\n"
    assert sandbox.run("print(open(0).read().split())", "1 2\n3").stdout == "['1', '2', '3']\n"


def test_every_stdio_test_gets_its_own_verdict(sandbox: Sandbox) -> None:
    code = (
        "n = int(input())\n"
        "if n == 2:\n    while True: pass\n"
        "if n == 3:\n    raise ValueError(n)\n"
        "print(n * 2)"
    )
    tests = [StdioTest(input=f"{n}\n", output=str(2 * n)) for n in range(5)]
    result = sandbox.judge(JudgeRequest(code=code, tests=tests, limits=FAST))
    verdicts = [t.verdict for t in result.tests]
    assert verdicts == [
        Verdict.OK,
        Verdict.OK,
        Verdict.TIME_LIMIT,
        Verdict.RUNTIME_ERROR,
        Verdict.OK,
    ]
    assert (result.passed, result.total, result.verdict) == (3, 5, Verdict.TIME_LIMIT)


def test_tests_after_a_dead_child_still_run(sandbox: Sandbox) -> None:
    code = "import os\nn = int(input())\nif n == 1:\n    os._exit(0)\nprint(n)"
    tests = [StdioTest(input=f"{n}\n", output=str(n)) for n in range(4)]
    result = sandbox.judge(JudgeRequest(code=code, tests=tests))
    assert [t.verdict for t in result.tests] == [
        Verdict.OK,
        Verdict.RUNTIME_ERROR,
        Verdict.OK,
        Verdict.OK,
    ]


def test_isolate_tests_gives_each_test_a_fresh_process(sandbox: Sandbox) -> None:
    code = "import sys\nsys.counter = getattr(sys, 'counter', 0) + 1\nprint(sys.counter)"
    tests = [StdioTest(input="", output="1") for _ in range(3)]
    shared = sandbox.judge(JudgeRequest(code=code, tests=tests))
    isolated = sandbox.judge(JudgeRequest(code=code, tests=tests, isolate_tests=True))
    assert shared.passed == 1
    assert isolated.passed == 3


def test_call_tests_compare_type_aware_in_the_parent(sandbox: Sandbox) -> None:
    code = "def add(a, b):\n    return a + b"
    tests = [
        CallTest(fn_name="add", args=[1, 2], expected=3),
        CallTest(fn_name="add", args=[1, 2], expected=3.0),
        CallTest(fn_name="add", args=[True, False], expected=True),
        CallTest(fn_name="add", args=[[1], [2]], expected=[1, 2]),
        CallTest(fn_name="add", args_src="(1,), (2,)", expected_literal="(1, 2)"),
        CallTest(fn_name="add", args_src="(1,), (2,)", expected=[1, 2]),
    ]
    result = sandbox.judge(JudgeRequest(code=code, tests=tests, checker="exact"))
    assert [t.verdict is Verdict.OK for t in result.tests] == [
        True,
        False,
        False,
        True,
        True,
        False,
    ]


def test_args_src_is_evaluated_in_the_program_namespace(sandbox: Sandbox) -> None:
    code = "BASE = 10\ndef f(x, *, scale=1):\n    return (x + BASE) * scale"
    test = CallTest(fn_name="f", args_src="BASE, scale=2", expected=40)
    assert sandbox.judge(JudgeRequest(code=code, tests=[test])).verdict is Verdict.OK


def test_leetcode_solution_class_and_preamble(sandbox: Sandbox) -> None:
    code = (
        "class Solution:\n"
        "    def twoSum(self, nums: List[int], target: int) -> List[int]:\n"
        "        seen = defaultdict(int)\n"
        "        for i, n in enumerate(nums):\n"
        "            if target - n in seen:\n"
        "                return [seen[target - n], i]\n"
        "            seen[n] = i\n"
    )
    test = CallTest(fn_name="twoSum", args=[[2, 7, 11, 15], 9], expected=[0, 1])
    assert sandbox.judge(JudgeRequest(code=code, tests=[test])).verdict is Verdict.OK
    without = sandbox.judge(JudgeRequest(code=code, tests=[test], preamble=False))
    assert without.verdict is Verdict.RUNTIME_ERROR
    assert "NameError" in without.tests[0].detail


def test_load_failures_fail_every_call_test(sandbox: Sandbox) -> None:
    tests = [CallTest(fn_name="f", args=[1], expected=1)] * 2
    for code, verdict in [
        ("import os\nos._exit(0)\ndef f(x): return x", Verdict.RUNTIME_ERROR),
        ("import sys\nsys.exit(0)\ndef f(x): return x", Verdict.RUNTIME_ERROR),
        ("while True: pass\ndef f(x): return x", Verdict.TIME_LIMIT),
        ("def f(x) return x", Verdict.COMPILE_ERROR),
        ("raise KeyError('boom')", Verdict.RUNTIME_ERROR),
    ]:
        result = sandbox.judge(JudgeRequest(code=code, tests=tests, limits=FAST))
        assert [t.verdict for t in result.tests] == [verdict, verdict], code


def test_missing_function_is_a_runtime_error(sandbox: Sandbox) -> None:
    test = CallTest(fn_name="missing", args=[], expected=None)
    result = sandbox.judge(JudgeRequest(code="x = 1", tests=[test]))
    assert result.verdict is Verdict.RUNTIME_ERROR
    assert "missing" in result.tests[0].detail


def test_several_accepted_outputs(sandbox: Sandbox) -> None:
    test = StdioTest(input="", output=["YES", "yes"])
    assert sandbox.judge(JudgeRequest(code="print('yes')", tests=[test])).verdict is Verdict.OK
    wrong = sandbox.judge(JudgeRequest(code="print('no')", tests=[test]))
    assert wrong.verdict is Verdict.WRONG_ANSWER


def test_hash_seed_is_pinned_and_configurable() -> None:
    from execgym.sandbox import SandboxConfig

    code = "print(hash('execgym'))"
    with Sandbox(workers=1, config=SandboxConfig(hash_seed=0)) as a:
        first, second = a.run(code).stdout, a.run(code).stdout
    with Sandbox(workers=1, config=SandboxConfig(hash_seed=1)) as b:
        other = b.run(code).stdout
    assert first == second
    assert first != other


def test_environment_is_scrubbed_and_blas_threads_pinned(sandbox: Sandbox) -> None:
    code = "import os\nprint(sorted(os.environ))\nprint(os.environ['OMP_NUM_THREADS'])"
    lines = sandbox.run(code).stdout.splitlines()
    names = eval(lines[0])
    assert set(names) <= {
        "PATH",
        "LANG",
        "PYTHONHASHSEED",
        "MALLOC_ARENA_MAX",
        "HOME",
        "TMPDIR",
        "OMP_NUM_THREADS",
        "OPENBLAS_NUM_THREADS",
        "MKL_NUM_THREADS",
        "NUMEXPR_NUM_THREADS",
        "VECLIB_MAXIMUM_THREADS",
    }
    assert lines[1] == "1"


def test_working_directory_is_fresh_for_every_run(sandbox: Sandbox) -> None:
    # Every worker's next run starts in an empty working directory, whatever the last left.
    for _ in range(2 * sandbox.workers):
        sandbox.run("import os\nopen('f', 'w').write('x')\nos.makedirs('d/e')")
    second = sandbox.run("import os\nprint(os.getcwd(), sorted(os.listdir('.')))").stdout
    assert second.split(" ", 1)[1].strip() == "[]"


def test_judge_many_uses_every_worker_and_keeps_ids(sandbox: Sandbox) -> None:
    requests = [
        JudgeRequest(
            id=f"p{i}",
            code="print(int(input()) + 1)",
            tests=[StdioTest(input=f"{i}", output=str(i + 1))],
        )
        for i in range(20)
    ]
    results = list(sandbox.judge_many(requests))
    assert sorted(r.id or "" for r in results) == sorted(f"p{i}" for i in range(20))
    assert all(r.verdict is Verdict.OK for r in results)


async def test_async_api_runs_concurrently(sandbox: Sandbox) -> None:
    code = "import time\ntime.sleep(0.5)\nprint(1)"
    loop = asyncio.get_running_loop()
    started = loop.time()
    results = await asyncio.gather(sandbox.arun(code), sandbox.arun(code))
    elapsed = loop.time() - started
    assert [r.verdict for r in results] == [Verdict.OK, Verdict.OK]
    # Two workers: the two sleeps overlap (sequential would take at least 1 s).
    assert elapsed < 0.95
    judged = await sandbox.ajudge(
        JudgeRequest(code="print(2)", tests=[StdioTest(input="", output="2")])
    )
    assert judged.verdict is Verdict.OK


def test_a_dead_fork_server_is_a_sandbox_error_then_recovers() -> None:
    import os
    import signal

    with Sandbox(workers=1) as sb:
        sb.start()
        server = sb._servers[0]
        assert server.pid is not None
        os.kill(server.pid, signal.SIGKILL)
        os.waitpid(server.pid, 0)
        # The next call finds the server dead and restarts it before running.
        assert sb.run("print(1)").verdict is Verdict.OK
        failed = server.execute({"code": "print(1)"})  # malformed request: the sandbox failed
        assert failed["ok"] is False
        assert sb.run("print(2)").stdout == "2\n"


def test_without_namespaces_survivors_are_still_ended_or_the_loss_is_reported() -> None:
    import time

    from execgym.sandbox import SandboxConfig

    survivor = (
        "import os, time\n"
        "if os.fork() == 0:\n"
        "    os.setsid()\n"
        "    time.sleep(30)\n"
        "    os._exit(0)\n"
        "print(1)\n"
    )
    before = set(_children_sleeping())
    with Sandbox(workers=1, config=SandboxConfig(namespaces=False)) as sb:
        features = {f["name"]: f for f in sb.isolation_report()}
        # A time limit first: the cgroup's member list must not be read stale afterwards.
        assert sb.run("while True: pass", limits=FAST).verdict is Verdict.TIME_LIMIT
        assert sb.run(survivor).verdict is Verdict.OK
        time.sleep(0.2)
        alive = sorted(set(_children_sleeping()) - before)
        if features["process limit"]["active"] and "cgroup" in features["process limit"]["detail"]:
            assert alive == [], "a detached process outlived its run"
        else:
            assert "outlive" in features["pid namespace"]["detail"]


def _children_sleeping() -> list[int]:
    """Processes whose parent is init and whose command line is a fork-server's: survivors."""
    import os

    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/cmdline", "rb") as f:
                cmdline = f.read()
        except OSError:
            continue
        if (
            ppid == 1
            and b"execgym.sandbox._zygote" in cmdline
            and b'"namespaces": false' in cmdline
        ):
            found.append(int(entry))
    return found
