"""The honest lower bound for a fork-per-program judge: run with ``python -I -S``.

Reads JSON ``{"programs": [...], "workers": N, "timeout_s": T, "preload": [...]}`` on
stdin. It imports the same modules a fork-server preloads, then keeps ``workers`` forked
children running, each of which ``exec``s one program with stdio on /dev/null and exits
(0 if it ran through); it only waits for exit statuses, through pidfds. Prints
``{"seconds": S, "passed": K, "cpu_seconds": C}`` for the loop alone (start-up not
counted; C is the CPU time of the loop and all its children). No isolation,
no limits but a wall-clock alarm, no bookkeeping: nothing a judge could skip.
"""

import importlib
import json
import os
import resource
import select
import signal
import sys
import time


def child(program, devnull, timeout_s):
    code = 1
    try:
        for fd in (0, 1, 2):
            os.dup2(devnull, fd)
        signal.setitimer(signal.ITIMER_REAL, timeout_s)  # default action: killed
        exec(program, {"__name__": "__main__"})
        code = 0
    except BaseException:
        code = 1
    finally:
        os._exit(code)


def main():
    job = json.loads(sys.stdin.read())
    for name in job["preload"]:
        importlib.import_module(name)
    programs, workers, timeout_s = job["programs"], job["workers"], job["timeout_s"]
    devnull = os.open(os.devnull, os.O_RDWR)
    passed = 0
    running = {}
    pending = iter(programs)
    started = time.perf_counter()
    cpu_started = _cpu_seconds()
    while True:
        while len(running) < workers:
            program = next(pending, None)
            if program is None:
                break
            pid = os.fork()
            if pid == 0:
                child(program, devnull, timeout_s)
            running[os.pidfd_open(pid)] = pid
        if not running:
            break
        ready, _, _ = select.select(list(running), [], [])
        for pidfd in ready:
            _, status = os.waitpid(running.pop(pidfd), 0)
            os.close(pidfd)
            passed += os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0
    seconds = time.perf_counter() - started
    cpu = _cpu_seconds() - cpu_started
    print(json.dumps({"seconds": seconds, "passed": passed, "cpu_seconds": cpu}))


def _cpu_seconds():
    """CPU time of this process and every child it has reaped."""
    total = 0.0
    for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN):
        usage = resource.getrusage(who)
        total += usage.ru_utime + usage.ru_stime
    return total


main()
