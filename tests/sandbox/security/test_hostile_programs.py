"""The security suite: hostile programs against the sandbox.

Every case is a hostile program with the verdict it must get. After every case the host must
be unaffected: a sentinel process of the test survives, no process carrying the case's
unique marker exists anywhere on the host, nothing new appeared in the host's ``/tmp`` or
``/dev/shm``, the sandbox's private tmpfs was cleaned, no process is left below the
fork-servers, and the sandbox still judges a trivial correct program OK. After the whole
module (the sandbox closed): no process of the sandbox is left, no ``execgym-*`` temp dir
or pids cgroup of ours is left, and nothing new is in ``/dev/shm``.

Programs are written with placeholders (``@MARKER@``, ``@TEST_PID@``, ``@PORT@``, ...) that
are filled in per case; see :func:`fill`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
import signal
import socket
import subprocess
import sysconfig
import tempfile
import textwrap
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from execgym.sandbox import (
    CallTest,
    JudgeRequest,
    Limits,
    Sandbox,
    StdioTest,
    Verdict,
)

V = Verdict
REPO = Path(__file__).resolve().parents[3]
CANARY = Path(__file__).resolve().parent / "hostile" / "canary.txt"
SECRET_NAME = "EXECGYM_SECURITY_SECRET"
ZYGOTE_MODULE = "execgym.sandbox._zygote"
WORKERS = 2

FAST = Limits(time_s=0.5, wall_s=1.0, memory_mb=256, output_mb=1, file_mb=4)
"""Small limits: 0.5 s CPU and 1 s wall per test, 256 MB, 1 MB of output, 4 MB per file."""


ROOMY = Limits(time_s=2.0, wall_s=4.0, memory_mb=256, output_mb=1, file_mb=4)
"""For cases whose verdict must not be a time limit even on a loaded machine (filling memory
or a tmpfs takes real CPU time)."""

CALL_LIMIT_S = 30.0
"""No single sandbox call may take longer than this (a hang is a failure, not a stall)."""


# --------------------------------------------------------------------------------------------
# Host inspection
# --------------------------------------------------------------------------------------------


def process_table() -> dict[int, tuple[int, str]]:
    """Every host process as ``pid -> (ppid, cmdline)``, read from ``/proc``."""
    table: dict[int, tuple[int, str]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read().decode("utf-8", "replace")
            with open(f"/proc/{entry.name}/cmdline", "rb") as f:
                cmdline = f.read().replace(b"\0", b" ").decode("utf-8", "replace")
        except OSError:
            continue
        ppid = int(stat[stat.rindex(")") + 2 :].split()[1])
        table[int(entry.name)] = (ppid, cmdline)
    return table


def descendants(
    root: int, table: dict[int, tuple[int, str]] | None = None
) -> dict[int, tuple[int, str]]:
    """Every descendant of ``root`` as ``pid -> (depth, cmdline)``."""
    table = process_table() if table is None else table
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    found: dict[int, tuple[int, str]] = {}
    frontier = [(root, 0)]
    while frontier:
        pid, depth = frontier.pop()
        for child in children.get(pid, []):
            found[child] = (depth + 1, table[child][1])
            frontier.append((child, depth + 1))
    return found


def processes_with(marker: str) -> list[str]:
    """Command lines of host processes that mention ``marker``."""
    me = os.getpid()
    return [
        f"{pid}: {cmd}" for pid, (_, cmd) in process_table().items() if marker in cmd and pid != me
    ]


def listing(path: str) -> set[str]:
    try:
        return set(os.listdir(path))
    except FileNotFoundError:
        return set()


def leaked_entries(before: set[str], after: set[str], marker: str) -> set[str]:
    """New entries of a host temp dir that came from the sandbox.

    The host's ``/tmp`` is shared with whatever else runs on the machine, so not every new
    entry is a leak. Every hostile program here names what it creates after the case's
    marker, and the sandbox names its own temp dirs ``execgym*``: those are leaks.
    """
    return {name for name in after - before if marker in name or name.startswith("execgym")}


def digest(path: Path) -> tuple[str, int]:
    """Content hash and mode of a host file."""
    return hashlib.sha256(path.read_bytes()).hexdigest(), path.stat().st_mode


def vm_hwm_mb(pid: int | str = "self") -> float:
    """Peak resident memory (VmHWM) of a process, in MB."""
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmHWM for {pid}")


# --------------------------------------------------------------------------------------------
# Host-side servers the hostile programs try to reach
# --------------------------------------------------------------------------------------------


class Listener:
    """A stream server in a thread that counts every connection it accepts."""

    def __init__(self, family: int, address: str | tuple[str, int]) -> None:
        self.sock = socket.socket(family, socket.SOCK_STREAM)
        self.sock.bind(address)
        self.sock.listen(16)
        self.accepted = 0
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            with contextlib.suppress(OSError):
                conn.sendall(b"hello from the host")
            conn.close()

    def close(self) -> None:
        with contextlib.suppress(OSError):
            self.sock.shutdown(socket.SHUT_RDWR)
        self.sock.close()


class Datagrams:
    """A UDP socket on loopback that counts what it receives."""

    def __init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.settimeout(0.0)

    @property
    def port(self) -> int:
        return int(self.sock.getsockname()[1])

    def received(self) -> int:
        count = 0
        while True:
            try:
                self.sock.recv(65536)
            except OSError:  # nothing more to read
                return count
            count += 1


@dataclass
class Host:
    """What a case may refer to and what the checks compare against."""

    secret: str
    test_pid: int
    sentinel: subprocess.Popen[bytes]
    tcp: Listener
    udp: Datagrams
    unix: Listener
    unix_path: str
    abstract: Listener
    abstract_name: str
    home: Path
    site_packages: Path
    canary: tuple[str, int]
    domainname: str
    marker: str = ""
    baseline: dict[int, tuple[int, str]] = field(default_factory=dict)
    zygotes_seen: set[int] = field(default_factory=set)

    def connections(self) -> int:
        return self.tcp.accepted + self.unix.accepted + self.abstract.accepted


def fill(code: str, host: Host) -> str:
    """Substitute the placeholders of a hostile program."""
    values = {
        "@MARKER@": host.marker,
        "@TEST_PID@": str(host.test_pid),
        "@SENTINEL_PID@": str(host.sentinel.pid),
        "@PORT@": str(host.tcp.sock.getsockname()[1]),
        "@UDP_PORT@": str(host.udp.port),
        "@UNIX_PATH@": host.unix_path,
        "@ABSTRACT@": host.abstract_name,
        "@REPO@": str(REPO),
        "@HOME@": str(host.home),
        "@SITE@": str(host.site_packages),
        "@CANARY@": str(CANARY),
        "@SECRET_NAME@": SECRET_NAME,
    }
    code = textwrap.dedent(code).strip() + "\n"
    for key, value in values.items():
        code = code.replace(key, value)
    return code


# --------------------------------------------------------------------------------------------
# Cases
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Outcome:
    """What one sandbox call gave, whether it was ``run`` or ``judge``."""

    verdict: Verdict
    stdout: str
    stderr: str
    detail: str
    error_type: str | None
    elapsed_s: float


Check = Callable[[Outcome, Host], None]


@dataclass(frozen=True)
class Case:
    """A hostile program, how it is run, and the verdicts it may honestly get.

    ``mode`` is ``run`` (``Sandbox.run`` with ``stdin``), ``stdio`` (judged against
    ``expected_stdout``) or ``call`` (judged with ``CallTest(fn_name="f", args=[1],
    expected=expected_value)`` and the ``exact`` checker). ``expect`` is a single verdict
    wherever the behaviour is deterministic; OK is never in a set of several.
    """

    id: str
    code: str
    expect: frozenset[Verdict]
    mode: str = "run"
    stdin: str = ""
    expected_stdout: str = "2"
    expected_value: Any = 2
    limits: Limits = FAST
    max_elapsed_s: float = 10.0
    check: Check | None = None


def case(
    id: str,
    code: str,
    expect: Verdict | set[Verdict],
    *,
    mode: str = "run",
    stdin: str = "",
    expected_stdout: str = "2",
    expected_value: Any = 2,
    limits: Limits = FAST,
    max_elapsed_s: float = 10.0,
    check: Check | None = None,
) -> Case:
    verdicts = frozenset({expect} if isinstance(expect, Verdict) else expect)
    assert len(verdicts) == 1 or V.OK not in verdicts, f"{id}: OK in an ambiguous set"
    return Case(
        id,
        code,
        verdicts,
        mode,
        stdin,
        expected_stdout,
        expected_value,
        limits,
        max_elapsed_s,
        check,
    )


# ---- checks a case adds to the common ones --------------------------------------------------


def error_is(*types: str) -> Check:
    def check(outcome: Outcome, host: Host) -> None:
        assert outcome.error_type in types, (outcome.error_type, outcome.detail)

    return check


def detail_has(text: str) -> Check:
    def check(outcome: Outcome, host: Host) -> None:
        assert text in outcome.detail, outcome.detail

    return check


def stdout_is(text: str) -> Check:
    def check(outcome: Outcome, host: Host) -> None:
        assert outcome.stdout == text, outcome.stdout[-2000:]

    return check


def host_path_absent(*templates: str) -> Check:
    def check(outcome: Outcome, host: Host) -> None:
        for template in templates:
            path = Path(fill(template, host).strip())
            assert not path.exists(), f"the sandbox created {path} on the host"

    return check


def fast_and_capped(outcome: Outcome, host: Host) -> None:
    """Floods end fast and keep at most the output cap."""
    assert outcome.elapsed_s < 5, outcome.elapsed_s
    cap = int(FAST.output_mb * (1 << 20))
    assert len(outcome.stdout.encode()) <= cap and len(outcome.stderr.encode()) <= cap


def no_connection(outcome: Outcome, host: Host) -> None:
    assert host.connections() == 0, "a host server accepted a connection from the sandbox"
    assert host.udp.received() == 0, "the host's UDP socket received a datagram"


def secret_not_leaked(outcome: Outcome, host: Host) -> None:
    assert host.secret not in outcome.stdout + outcome.stderr + outcome.detail
    # The program really read environments (so the check above is not vacuous).
    assert "PATH=" in outcome.stdout, outcome.stdout[:2000]
    assert "environ of pid 1:" in outcome.stdout, outcome.stdout[:2000]


def canary_intact(outcome: Outcome, host: Host) -> None:
    assert digest(CANARY) == host.canary, "the canary file changed"


def domainname_unchanged(outcome: Outcome, host: Host) -> None:
    current = Path("/proc/sys/kernel/domainname").read_text()
    if current != host.domainname:  # put it back before failing
        with contextlib.suppress(OSError):
            Path("/proc/sys/kernel/domainname").write_text(host.domainname)
    assert current == host.domainname, "the sandbox changed the host's domain name"


def no_survivor_later(outcome: Outcome, host: Host) -> None:
    """The double-forked grandchild would write its marker file 0.3 s after starting."""
    time.sleep(0.6)
    assert processes_with(host.marker) == []
    for root in ("/tmp", "/var/tmp", "/dev/shm", str(REPO), str(host.home)):
        assert not any(host.marker in name for name in listing(root)), root


def both(*checks: Check) -> Check:
    def check(outcome: Outcome, host: Host) -> None:
        for each in checks:
            each(outcome, host)

    return check


CONTAINED = stdout_is("contained\n")
"""Programs that probe several ways out print ``contained`` only if every probe failed."""

PROBE = """
escapes = []
def probe(name, action):
    try:
        action()
    except BaseException as exc:
        return
    escapes.append(name)
"""
"""Shared prologue: ``probe(name, action)`` records ``name`` if ``action`` succeeded."""

VERDICT_OF_PROBES = """
print("contained" if not escapes else "ESCAPED: " + ", ".join(escapes))
"""


def probes(body: str) -> str:
    return textwrap.dedent(PROBE) + textwrap.dedent(body) + textwrap.dedent(VERDICT_OF_PROBES)


# ---- resource exhaustion ---------------------------------------------------------------------
"""Bombs, floods and fills: each is bounded by a limit and gets that limit's verdict."""

RESOURCES = [
    case(
        "fork_bomb",
        """
        import os
        while True:
            os.fork()
        """,
        V.RUNTIME_ERROR,  # the pids cgroup makes fork fail with EAGAIN, uncaught
        check=error_is("BlockingIOError"),
    ),
    case(
        "fork_bomb_swallowing_errors",
        """
        import os
        while True:
            try:
                os.fork()
            except BaseException:
                pass
        """,
        V.TIME_LIMIT,  # every process spins; the watchdog ends it at the wall limit
    ),
    case(
        "memory_bomb_growing",
        """
        hoard = []
        while True:
            hoard.append(bytearray(10**7))
        """,
        V.MEMORY_LIMIT,
        limits=ROOMY,
    ),
    case("memory_bomb_one_allocation", "x = bytearray(8 << 30)", V.MEMORY_LIMIT, limits=ROOMY),
    case("infinite_loop", "while True:\n    pass", V.TIME_LIMIT),
    case(
        "busy_threads",
        """
        import threading
        def spin():
            while True:
                pass
        threads = [threading.Thread(target=spin, daemon=True) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        """,
        V.TIME_LIMIT,
    ),
    case(
        "sleep_past_wall_limit",
        "import time\ntime.sleep(3600)",
        V.TIME_LIMIT,
        max_elapsed_s=4,
    ),
    case(
        "sleep_with_timer_signals_blocked",
        """
        import signal, time
        signal.pthread_sigmask(
            signal.SIG_BLOCK,
            {signal.SIGALRM, signal.SIGPROF, signal.SIGXCPU, signal.SIGTERM, signal.SIGINT},
        )
        time.sleep(3600)
        """,
        V.TIME_LIMIT,  # only the fork-server's watchdog can end it
        max_elapsed_s=5,
    ),
    case(
        "fifo_blocks_forever",
        """
        import os
        os.mkfifo("@MARKER@.fifo")
        print(open("@MARKER@.fifo").read())
        """,
        V.TIME_LIMIT,
        max_elapsed_s=5,
    ),
    case(
        "stdout_flood_1gb",
        """
        import sys
        block = "x" * (1 << 20)
        for _ in range(1024):
            sys.stdout.write(block)
        """,
        V.OUTPUT_LIMIT,
        check=fast_and_capped,
    ),
    case(
        "stdout_flood_raw_fd",
        """
        import os
        block = b"y" * (1 << 20)
        for _ in range(1024):
            os.write(1, block)
        """,
        V.OUTPUT_LIMIT,
        check=fast_and_capped,
    ),
    case(
        "stdout_flood_small_prints",
        "while True:\n    print('z' * 999)",
        V.OUTPUT_LIMIT,
        check=fast_and_capped,
    ),
    case(
        "stderr_flood",
        """
        import sys
        block = "e" * (1 << 20)
        for _ in range(1024):
            sys.stderr.write(block)
        """,
        V.OUTPUT_LIMIT,
        check=fast_and_capped,
    ),
    case(
        "one_huge_file_in_cwd",
        """
        block = b"\\0" * (1 << 20)
        with open("@MARKER@.bin", "wb") as f:
            for _ in range(16 << 10):
                f.write(block)
        """,
        {V.RUNTIME_ERROR, V.OUTPUT_LIMIT},  # RLIMIT_FSIZE: EFBIG at file_mb
        max_elapsed_s=5,
    ),
    case(
        "disk_filled_with_many_files",
        """
        import os
        block = b"\\1" * (3 << 20)
        for i in range(10**6):
            for root in (".", "/tmp", "/var/tmp"):
                with open(os.path.join(root, f"@MARKER@-{i}"), "wb") as f:
                    f.write(block)
        """,
        V.RUNTIME_ERROR,  # ENOSPC once the private tmpfs is full
        limits=ROOMY,
        max_elapsed_s=8,
        check=error_is("OSError"),
    ),
    case(
        "dev_shm_filled",
        """
        block = b"\\2" * (3 << 20)
        for i in range(10**6):
            with open(f"/dev/shm/@MARKER@-{i}", "wb") as f:
                f.write(block)
        """,
        V.RUNTIME_ERROR,  # ENOSPC on the private /dev/shm
        max_elapsed_s=8,
        check=both(error_is("OSError"), host_path_absent("/dev/shm/@MARKER@-0")),
    ),
    case(
        "file_descriptors_exhausted",
        """
        files = []
        while True:
            files.append(open("/dev/null"))
        """,
        V.RUNTIME_ERROR,  # EMFILE; the post-check proves the next run still works
        check=error_is("OSError"),
    ),
]

# ---- time limits that a program tries to dodge -----------------------------------------------
"""However the program treats the timers, running past the limit is TIME_LIMIT."""

TIMING = [
    case(
        "sigterm_ignored_loop",
        """
        import signal
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        while True:
            pass
        """,
        V.TIME_LIMIT,
    ),
    case(
        "every_timer_signal_ignored",
        """
        import signal
        for s in (signal.SIGPROF, signal.SIGALRM, signal.SIGXCPU, signal.SIGTERM):
            signal.signal(s, signal.SIG_IGN)
        while True:
            pass
        """,
        # A CPU-bound loop that outlives RLIMIT_CPU is a time-limit, whatever signal ends it.
        V.TIME_LIMIT,
        limits=FAST.model_copy(update={"wall_s": 4.0}),
    ),
    case(
        "base_exception_swallowed_forever",
        """
        x = 0
        while True:
            try:
                while True:
                    x += 1
            except BaseException:
                pass
        """,
        V.TIME_LIMIT,
    ),
    case(
        "timeout_swallowed_then_answer",
        """
        x = 0
        try:
            while True:
                x += 1
        except BaseException:
            pass
        print(2)
        """,
        V.TIME_LIMIT,  # it ran past the CPU limit: printing afterwards must not make it OK
        mode="stdio",
    ),
    case(
        "cpu_timer_disabled_then_answer",
        """
        import signal, time
        signal.setitimer(signal.ITIMER_PROF, 0)
        start = time.process_time()
        while time.process_time() - start < 1.2:
            pass
        print(2)
        """,
        V.TIME_LIMIT,  # 1.2 s of CPU against a 0.5 s limit (the wall limit is 3 s)
        mode="stdio",
        limits=FAST.model_copy(update={"wall_s": 3.0}),
    ),
    case(
        "huge_int_to_str_unlimited_digits",
        """
        import sys
        sys.set_int_max_str_digits(0)
        print(len(str(10 ** 1_500_000)))
        """,
        # CPython 3.11 converts int to str in quadratic time: 1.5 million digits take several
        # CPU seconds on any current machine, past the 1 s limit. The per-test timer fires
        # when the C call returns, or RLIMIT_CPU's SIGXCPU ends it first: TIME_LIMIT.
        V.TIME_LIMIT,
        limits=FAST.model_copy(update={"time_s": 1.0, "wall_s": 4.0}),
    ),
]

# ---- crashes and exits -----------------------------------------------------------------------
"""A program that dies, overflows or exits early never passes."""

CRASHES = [
    case(
        "ctypes_segfault",
        "import ctypes\nctypes.string_at(0)",
        V.RUNTIME_ERROR,
        check=detail_has("SIGSEGV"),
    ),
    case(
        "recursion_default_limit",
        "def f(n):\n    return f(n + 1)\nf(0)",
        V.RUNTIME_ERROR,
        check=error_is("RecursionError"),
    ),
    case(
        "recursion_through_c_with_limit_raised",
        """
        import sys
        sys.setrecursionlimit(10**6)
        class Node:
            def __repr__(self):
                return repr(Node())
        repr(Node())
        """,
        V.RUNTIME_ERROR,  # overflows the C stack: SIGSEGV
    ),
    case(
        "recursion_python_with_limit_raised",
        """
        import sys
        sys.setrecursionlimit(10**6)
        def f(n):
            return f(n + 1)
        f(0)
        """,
        # Python 3.11 frames live on the heap: a million of them take about 300 MB and about
        # a CPU second, so this ends in RecursionError, MemoryError or the 1 s CPU limit
        # depending on the machine's speed. All are honest; OK never is.
        {V.RUNTIME_ERROR, V.MEMORY_LIMIT, V.TIME_LIMIT},
        limits=FAST.model_copy(update={"time_s": 1.0, "wall_s": 4.0}),
    ),
    case(
        "huge_int_to_str_default_limit",
        "print(str(10**100000))",
        V.RUNTIME_ERROR,  # ValueError: exceeds the 4300-digit conversion limit
        check=error_is("ValueError"),
    ),
    case(
        "stdout_closed_then_print",
        "import sys\nsys.stdout.close()\nprint(2)",
        V.RUNTIME_ERROR,  # ValueError: I/O operation on closed file
        mode="stdio",
    ),
    case(
        "fd1_closed_then_print",
        "import os\nos.close(1)\nprint(2)",
        V.RUNTIME_ERROR,  # the flush fails with EBADF; nothing reached the output
        mode="stdio",
    ),
    case(
        "os_exit_at_module_level",
        "import os\nos._exit(0)\ndef f(x):\n    return 2",
        V.RUNTIME_ERROR,
        mode="call",
    ),
    case(
        "sys_exit_at_module_level",
        "import sys\nsys.exit(0)\ndef f(x):\n    return 2",
        V.RUNTIME_ERROR,
        mode="call",
    ),
    case(
        "os_exit_inside_the_call",
        "import os\ndef f(x):\n    os._exit(0)",
        V.RUNTIME_ERROR,
        mode="call",
    ),
    case(
        "killpg_own_group",
        "import os, signal\nos.killpg(0, signal.SIGKILL)\nprint(2)",
        V.RUNTIME_ERROR,  # it only reaches its own session: it killed itself
        check=detail_has("SIGKILL"),
    ),
]

# ---- the filesystem --------------------------------------------------------------------------
"""Everything outside the private tmpfs is read-only; what the sandbox writes stays there."""


def write_case(id: str, target: str) -> Case:
    return case(
        id,
        f"open({target!r}, 'w').write('pwned')",
        V.RUNTIME_ERROR,  # OSError: read-only file system
        check=both(error_is("OSError", "PermissionError"), host_path_absent(target)),
    )


FILESYSTEM = [
    write_case("write_into_etc", "/etc/@MARKER@"),
    write_case("write_into_repo", "@REPO@/@MARKER@"),
    write_case("write_into_home", "@HOME@/@MARKER@"),
    write_case("write_pth_into_site_packages", "@SITE@/@MARKER@.pth"),
    case(
        "modify_the_canary",
        "open('@CANARY@', 'a').write('pwned')",
        V.RUNTIME_ERROR,
        # Read-only where the repository is visible, hidden where it lies under a masked path.
        check=both(error_is("OSError", "PermissionError", "FileNotFoundError"), canary_intact),
    ),
    case(
        "symlink_and_chmod_zero_then_exit",
        """
        import os
        os.symlink("@CANARY@", "link")
        try:
            os.chmod("link", 0o777)  # follows the link to the read-only host file
        except OSError:
            pass
        os.makedirs("a/b/c")
        open("a/b/c/f", "w").write("x")
        for d in ("a/b/c", "a/b", "a", "."):
            os.chmod(d, 0)
        print(2)
        """,
        V.OK,  # a legal program; the point is the cleanup afterwards
        mode="stdio",
        check=canary_intact,
    ),
    case(
        "private_tmp_writes_stay_private",
        """
        for root in ("/tmp", "/var/tmp", "/dev/shm"):
            with open(f"{root}/@MARKER@", "w") as f:
                f.write("x")
        print(2)
        """,
        V.OK,
        mode="stdio",
        check=host_path_absent("/tmp/@MARKER@", "/var/tmp/@MARKER@", "/dev/shm/@MARKER@"),
    ),
    case(
        "write_proc_sys",
        probes(
            """
            probe("domainname", lambda: open("/proc/sys/kernel/domainname", "w").write("@MARKER@"))
            probe("hostname", lambda: open("/proc/sys/kernel/hostname", "w").write("@MARKER@"))
            import ctypes
            libc = ctypes.CDLL(None, use_errno=True)
            def sethostname():
                if libc.sethostname(b"@MARKER@", 10) != 0:
                    raise OSError(ctypes.get_errno(), "sethostname")
            probe("sethostname", sethostname)
            """
        ),
        V.OK,
        check=both(CONTAINED, domainname_unchanged),
    ),
    case(
        "mount_umount_and_user_namespace",
        probes(
            """
            import ctypes, os
            libc = ctypes.CDLL(None, use_errno=True)
            def call(fn, *args):
                def action():
                    if fn(*args) != 0:
                        raise OSError(ctypes.get_errno(), "failed")
                return action
            MS_REMOUNT, MS_BIND = 0x20, 0x1000
            probe("mount tmpfs", call(libc.mount, b"none", b"@REPO@", b"tmpfs", 0, None))
            probe("remount / rw", call(libc.mount, None, b"/", None, MS_REMOUNT, None))
            probe("umount /tmp", call(libc.umount2, b"/tmp", 2))
            probe("umount /proc", call(libc.umount2, b"/proc", 2))
            # A new user namespace is allowed, but it must not make the host writable.
            if libc.unshare(0x10000000 | 0x00020000) == 0:
                probe("userns remount rw",
                      call(libc.mount, None, b"/", None, MS_REMOUNT | MS_BIND, None))
            probe("userns write", lambda: open("@REPO@/@MARKER@", "w").write("x"))
            probe("setns to host net", lambda: os.setns(os.open("/proc/1/ns/net", 0), 0))
            """
        ),
        V.OK,
        check=both(CONTAINED, host_path_absent("@REPO@/@MARKER@")),
    ),
    case(
        "read_etc_shadow",
        probes('probe("/etc/shadow", lambda: open("/etc/shadow").read())'),
        V.OK,  # password hashes of the host are not the program's to read
        check=CONTAINED,
    ),
    case(
        "capabilities_all_dropped",
        """
        fields = dict(
            line.split(":", 1) for line in open("/proc/self/status").read().splitlines()
        )
        caps = {k: int(fields[k], 16) for k in ("CapInh", "CapPrm", "CapEff", "CapBnd", "CapAmb")}
        bad = [k for k, v in caps.items() if v] + (
            [] if fields["NoNewPrivs"].strip() == "1" else ["NoNewPrivs"]
        )
        import os
        for name, action in (("setuid", lambda: os.setuid(4242)),
                             ("setgroups", lambda: os.setgroups([0, 4242])),
                             ("chown", lambda: os.chown(".", 4242, 4242))):
            try:
                action()
                bad.append(name)
            except OSError:
                pass
        print("contained" if not bad else "ESCAPED: " + ", ".join(bad))
        """,
        V.OK,
        check=CONTAINED,
    ),
]

# ---- processes, signals and the network ------------------------------------------------------
"""The sandbox sees no host process and no network; survivors do not outlive the run."""

PROCESSES = [
    case(
        "kill_parent",
        "import os, signal\nos.kill(os.getppid(), signal.SIGKILL)\nprint(2)",
        V.OK,  # its parent is the namespace's init, which ignores the signal
        mode="stdio",
    ),
    case(
        "kill_the_test_process",
        probes(
            """
            import os, signal
            for pid in (@TEST_PID@, @SENTINEL_PID@):
                probe(f"kill {pid}", lambda: os.kill(pid, signal.SIGKILL))
            """
        ),
        V.OK,
        check=CONTAINED,
    ),
    case(
        "kill_everything",
        """
        import os, signal
        try:
            os.kill(-1, signal.SIGKILL)
        except ProcessLookupError:  # nothing else in its PID namespace to signal
            pass
        print(2)
        """,
        V.OK,  # kill(-1) reaches only the sandbox's own processes, never the caller
        mode="stdio",
    ),
    case(
        "sigint_to_init",
        "import os, signal, time\nos.kill(1, signal.SIGINT)\ntime.sleep(0.1)\nprint(2)",
        V.OK,  # the fork-server must not die of a signal its child sends
        mode="stdio",
    ),
    case(
        "other_signals_to_init",
        """
        import os, signal, time
        for s in ("SIGSTOP", "SIGTERM", "SIGHUP", "SIGQUIT", "SIGUSR1", "SIGUSR2", "SIGPIPE",
                  "SIGALRM", "SIGCHLD", "SIGTSTP", "SIGSEGV"):
            os.kill(1, getattr(signal, s))
        time.sleep(0.1)
        print(2)
        """,
        V.OK,
        mode="stdio",
    ),
    case(
        "setsid_double_fork_survivor",
        """
        import os, sys
        child = os.fork()
        if child == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv(sys.executable, [sys.executable, "-c", (
                    "import sys, time\\n"
                    "time.sleep(0.3)\\n"
                    "for d in ('/tmp', '/dev/shm', '@REPO@', '@HOME@'):\\n"
                    "    try: open(d + '/' + sys.argv[1], 'w').write('x')\\n"
                    "    except OSError: pass\\n"
                    "time.sleep(3600)\\n"), "@MARKER@"])
            os._exit(0)
        os.waitpid(child, 0)
        print(2)
        """,
        V.OK,  # a legal program; the grandchild must not survive the run
        mode="stdio",
        check=no_survivor_later,
    ),
    case(
        "survivor_spawned_at_module_level",
        """
        import subprocess, sys
        subprocess.Popen([sys.executable, "-c", "import time; time.sleep(3600)", "@MARKER@"],
                         start_new_session=True)
        def f(x):
            return 2
        """,
        V.OK,
        mode="call",
        check=no_survivor_later,
    ),
    case(
        "process_memory_and_fds_of_init",
        probes(
            """
            import ctypes, os
            probe("/proc/1/mem", lambda: open("/proc/1/mem", "r+b"))
            for name in ("0", "1", "2", "3", "4", "5"):
                probe(f"/proc/1/fd/{name}", lambda: os.open(f"/proc/1/fd/{name}", os.O_WRONLY))
            libc = ctypes.CDLL(None, use_errno=True)
            def attach():
                if libc.ptrace(16, 1, None, None) != 0:  # PTRACE_ATTACH
                    raise OSError(ctypes.get_errno(), "ptrace")
            probe("ptrace init", attach)
            """
        ),
        V.OK,
        check=CONTAINED,
    ),
    case(
        "loopback_tcp_and_udp",
        probes(
            """
            import socket
            def tcp(host, family=socket.AF_INET):
                def action():
                    with socket.socket(family, socket.SOCK_STREAM) as s:
                        s.settimeout(0.5)
                        s.connect((host, @PORT@))
                        s.recv(100)
                return action
            probe("127.0.0.1", tcp("127.0.0.1"))
            probe("localhost", lambda: socket.create_connection(("localhost", @PORT@), 0.5))
            probe("::1", tcp("::1", socket.AF_INET6))
            def udp():
                with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
                    s.sendto(b"x", ("127.0.0.1", @UDP_PORT@))
            probe("udp", udp)
            probe("dns", lambda: socket.getaddrinfo("example.com", 80))
            """
        ),
        V.OK,
        check=both(CONTAINED, no_connection),
    ),
    case(
        "unix_socket_on_host_filesystem",
        probes(
            """
            import socket
            def connect(address):
                def action():
                    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
                        s.settimeout(0.5)
                        s.connect(address)
                        s.recv(100)
                return action
            probe("@UNIX_PATH@", connect("@UNIX_PATH@"))
            probe("abstract", connect("\\0@ABSTRACT@"))
            """
        ),
        V.OK,
        check=both(CONTAINED, no_connection),
    ),
    case(
        "environment_secrets",
        """
        import os
        print("own environ:", dict(os.environ))
        print("own /proc environ:", open("/proc/self/environ").read())
        for pid in ["1", str(os.getppid()), "@TEST_PID@"] + os.listdir("/proc"):
            if not pid.isdigit():
                continue
            for what in ("environ", "cmdline"):
                try:
                    print(f"{what} of pid {pid}:", open(f"/proc/{pid}/{what}").read())
                except OSError as exc:
                    print(f"{what} of pid {pid}: {exc}")
        print(os.environ.get("@SECRET_NAME@"))
        """,
        V.OK,
        check=secret_not_leaked,
    ),
]

# ---- the harness and the comparison ----------------------------------------------------------
"""Patching the interpreter or faking the harness never turns a wrong answer into a pass."""

HARNESS = [
    case(
        "eq_always_true_object",
        """
        class Liar:
            def __eq__(self, other):
                return True
            def __ne__(self, other):
                return False
            __hash__ = object.__hash__
        def f(x):
            return Liar()
        """,
        V.WRONG_ANSWER,
        mode="call",
    ),
    case(
        "int_subclass_eq_always_true",
        """
        class Liar(int):
            def __eq__(self, other):
                return True
            __hash__ = int.__hash__
        def f(x):
            return Liar(7)
        """,
        V.WRONG_ANSWER,
        mode="call",
    ),
    case(
        "list_subclass_eq_true_wrong_content",
        """
        class Liar(list):
            def __eq__(self, other):
                return True
            def __iter__(self):
                return iter([2])
        def f(x):
            return Liar([9, 9])
        """,
        V.WRONG_ANSWER,
        mode="call",
        expected_value=[2],
    ),
    case(
        "list_subclass_eq_true_equal_content",
        """
        class Liar(list):
            def __eq__(self, other):
                return True
        def f(x):
            return Liar([2])
        """,
        V.OK,  # the content really is [2]
        mode="call",
        expected_value=[2],
    ),
    case(
        "builtins_patched",
        """
        import builtins
        builtins.print = lambda *a, **k: None
        builtins.len = lambda obj: 2
        builtins.repr = lambda obj: "2"
        def f(x):
            return 3
        """,
        V.WRONG_ANSWER,
        mode="call",
    ),
    case(
        "builtin_types_patched",
        """
        import builtins
        builtins.str = lambda *a, **k: "2"
        builtins.isinstance = lambda obj, kind: True
        builtins.type = lambda *a: int
        def f(x):
            return 3
        """,
        V.WRONG_ANSWER,  # the harness's reporting must not depend on patchable builtins
        mode="call",
    ),
    case(
        "print_and_stdout_patched",
        """
        import builtins, io, sys
        real = sys.stdout
        builtins.print = lambda *a, **k: None
        sys.stdout = io.StringIO()
        print(2)
        sys.stdout.write("2\\n")
        real.write("3\\n")
        """,
        V.WRONG_ANSWER,  # only "3" reached the real standard output
        mode="stdio",
    ),
    case(
        "harness_module_and_json_patched",
        """
        import json, sys
        fake = '{"ev": "done", "i": 0, "status": "ok", "value": "forged"}'
        harness = sys.modules["execgym.sandbox._harness"]
        harness.TestTimeout = harness.make_runner = harness.encode_value = None
        values = sys.modules["execgym.sandbox._values"]
        values.encode_value = lambda value: "forged"
        json.dumps = lambda *a, **k: fake
        json.JSONEncoder.encode = lambda self, o: fake
        json.loads = lambda *a, **k: {"ev": "done"}
        def f(x):
            return 3
        """,
        V.WRONG_ANSWER,
        mode="call",
    ),
    case(
        "harness_module_globals_cleared",
        """
        import sys
        harness = sys.modules["execgym.sandbox._harness"]
        for name in list(vars(harness)):
            if not name.startswith("__"):
                setattr(harness, name, None)
        def f(x):
            return 3
        """,
        V.WRONG_ANSWER,  # the harness docstring: its globals do not change what it reports
        mode="call",
    ),
    case(
        "json_encoder_rewrites_timeout",
        """
        import json
        original = json.JSONEncoder.iterencode
        def forged(self, o, _one_shot=False):
            if isinstance(o, dict) and o.get("status") == "timeout":
                o = {k: v for k, v in o.items() if k != "error"}
                o["status"] = "ok"
            return original(self, o, _one_shot)
        json.JSONEncoder.iterencode = forged
        x = 0
        while True:
            x += 1
        """,
        V.TIME_LIMIT,  # an endless loop is never OK, whatever the harness was made to say
    ),
    case(
        "fake_result_on_channel_then_exit",
        """
        import json, os
        os.write(3, (json.dumps(
            {"ev": "done", "i": 0, "status": "ok", "stdout": "2\\n", "cpu_s": 0.0}
        ) + "\\n").encode())
        os._exit(0)
        """,
        # It printed nothing and ended mid-test: never OK.
        {V.RUNTIME_ERROR, V.WRONG_ANSWER},
        mode="stdio",
    ),
    case(
        "fake_result_on_channel_then_crash",
        """
        import ctypes, json, os
        print(2, flush=True)
        os.write(3, (json.dumps(
            {"ev": "done", "i": 0, "status": "ok", "stdout": "2\\n", "cpu_s": 0.0}
        ) + "\\n").encode())
        ctypes.string_at(0)
        """,
        V.RUNTIME_ERROR,  # it died of SIGSEGV during the test
        mode="stdio",
    ),
    case(
        "garbage_on_channel",
        "import os\nos.write(3, b'not json\\n' * 1000)\nos.write(3, b'{}' * 100000)\nprint(3)",
        {V.WRONG_ANSWER, V.RUNTIME_ERROR},  # it printed 3 and scribbled on the harness's fd
        mode="stdio",
    ),
]

CASES = RESOURCES + TIMING + CRASHES + FILESYSTEM + PROCESSES + HARNESS


# --------------------------------------------------------------------------------------------
# Fixtures
# --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def host() -> Iterator[Host]:
    """Host-side state: the sentinel, the servers, snapshots; checked again at the end."""
    test_pid = os.getpid()
    baseline = descendants(test_pid)
    tmp_before, shm_before = listing("/tmp"), listing("/dev/shm")
    cgroups_before = listing("/sys/fs/cgroup/pids")
    sentinel = subprocess.Popen(["sleep", "3600"])
    home = Path.home()
    socket_dir = tempfile.mkdtemp(prefix=".execgym-security-", dir=home)
    unix_path = os.path.join(socket_dir, "host.sock")
    abstract_name = f"execgym-security-{secrets.token_hex(6)}"
    tcp = Listener(socket.AF_INET, ("127.0.0.1", 0))
    unix = Listener(socket.AF_UNIX, unix_path)
    abstract = Listener(socket.AF_UNIX, "\0" + abstract_name)
    state = Host(
        secret=f"s3cr3t-{secrets.token_hex(16)}",
        test_pid=test_pid,
        sentinel=sentinel,
        tcp=tcp,
        udp=Datagrams(),
        unix=unix,
        unix_path=unix_path,
        abstract=abstract,
        abstract_name=abstract_name,
        home=home,
        site_packages=Path(sysconfig.get_paths()["purelib"]),
        canary=digest(CANARY),
        domainname=Path("/proc/sys/kernel/domainname").read_text(),
        baseline=baseline,
    )
    try:
        yield state
    finally:
        for listener in (tcp, unix, abstract):
            listener.close()
        state.udp.sock.close()
        with contextlib.suppress(OSError):
            os.unlink(unix_path)
            os.rmdir(socket_dir)
        sentinel.kill()
        sentinel.wait()
    # The whole module: the sandbox is closed by now (its fixture depends on this one).
    left = {pid: info for pid, info in descendants(test_pid).items() if pid not in baseline}
    assert left == {}, f"processes left by the sandbox: {left}"
    # Every case proved our fork-servers' /tmp private (a filesystem of its own), so new
    # ``execgym-work-*`` dirs come from other, non-namespaced sandboxes on this machine.
    new_tmp = {
        name
        for name in leaked_entries(tmp_before, listing("/tmp"), "execgym-sec-")
        if not name.startswith("execgym-work-")
    }
    assert new_tmp == set(), f"temp dirs left in /tmp: {new_tmp}"
    assert listing("/dev/shm") - shm_before == set()
    if os.geteuid() == 0 and os.path.isdir("/sys/fs/cgroup/pids"):
        ours = {f"execgym-{pid}" for pid in state.zygotes_seen}
        left_cgroups = (listing("/sys/fs/cgroup/pids") - cgroups_before) & ours
        assert left_cgroups == set(), f"pids cgroups left: {left_cgroups}"
        assert ours, "no fork-server was ever seen"


@pytest.fixture(scope="module")
def hostile_sandbox(host: Host) -> Iterator[Sandbox]:
    """One warm sandbox for the module, started after a secret is put in our environment."""
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv(SECRET_NAME, host.secret)
        with Sandbox(workers=WORKERS) as sb:
            sb.start()
            host.zygotes_seen |= set(zygote_processes(host)[0])
            yield sb


def zygote_processes(host: Host) -> tuple[list[int], list[int], dict[int, tuple[int, str]]]:
    """Our fork-servers (depth 1), their namespace inits (depth 2), and everything else."""
    outer: list[int] = []
    inits: list[int] = []
    others: dict[int, tuple[int, str]] = {}
    table = process_table()
    for pid, (depth, cmd) in descendants(host.test_pid, table).items():
        if pid in host.baseline or pid == host.sentinel.pid:
            continue
        if depth == 1 and ZYGOTE_MODULE in cmd:
            outer.append(pid)
        elif depth == 2 and ZYGOTE_MODULE in cmd and table[pid][0] not in host.baseline:
            inits.append(pid)
        else:
            others[pid] = (depth, cmd)
    return outer, inits, others


def call_sandbox(sb: Sandbox, host: Host, item: Case, code: str) -> Outcome:
    """Run one case with a hard time bound; on a hang, kill our fork-servers and fail."""

    def go() -> Outcome:
        started = time.perf_counter()
        if item.mode == "run":
            run = sb.run(code, item.stdin, limits=item.limits)
            error = run.error.type if run.error else None
            return Outcome(
                run.verdict,
                run.stdout,
                run.stderr,
                run.detail,
                error,
                time.perf_counter() - started,
            )
        if item.mode == "stdio":
            tests: list[StdioTest | CallTest] = [
                StdioTest(input=item.stdin, output=item.expected_stdout)
            ]
            checker = "tokens"
        else:
            tests = [CallTest(fn_name="f", args=[1], expected=item.expected_value)]
            checker = "exact"
        judged = sb.judge(JudgeRequest(code=code, tests=tests, checker=checker, limits=item.limits))
        (test,) = judged.tests
        return Outcome(
            judged.verdict,
            test.stdout,
            test.stderr,
            test.detail,
            test.error.type if test.error else None,
            time.perf_counter() - started,
        )

    with ThreadPoolExecutor(max_workers=1) as pool:
        future = pool.submit(go)
        try:
            return future.result(timeout=CALL_LIMIT_S)
        except FutureTimeout:
            outer, _, _ = zygote_processes(host)
            for pid in outer:
                with contextlib.suppress(OSError):
                    os.kill(pid, signal.SIGKILL)
            future.result(timeout=CALL_LIMIT_S)
            pytest.fail(f"{item.id}: the sandbox call hung for over {CALL_LIMIT_S} s")


def assert_host_unaffected(
    sb: Sandbox, host: Host, tmp_before: set[str], var_tmp_before: set[str], shm_before: set[str]
) -> None:
    """The checks after every case."""
    assert host.sentinel.poll() is None, "the test's sentinel process was killed"
    assert processes_with(host.marker) == [], "a process of the case survived on the host"
    for root, before in (("/tmp", tmp_before), ("/var/tmp", var_tmp_before)):
        leaked = leaked_entries(before, listing(root), host.marker)
        assert leaked == set(), f"new entries in the host's {root}: {leaked}"
    assert listing("/dev/shm") - shm_before == set(), "new entries in the host's /dev/shm"
    outer, inits, others = zygote_processes(host)
    host.zygotes_seen |= set(outer)
    assert others == {}, f"processes left below the fork-servers: {others}"
    assert len(outer) <= WORKERS and len(inits) <= WORKERS, (outer, inits)
    for init in inits:
        # Between runs the fork-server's root shows an empty /tmp (the run's tmpfs is gone),
        # and /var/tmp and /dev/shm only point there.
        root = f"/proc/{init}/root"
        assert os.stat(f"{root}/tmp").st_dev != os.stat("/tmp").st_dev, "/tmp is not private"
        assert listing(f"{root}/tmp") == set(), listing(f"{root}/tmp")
        assert os.readlink(f"{root}/var/tmp") == "../tmp"
        assert os.readlink(f"{root}/dev/shm") == "/tmp"
    trivial = JudgeRequest(
        code="print(int(input()) + 1)",
        tests=[StdioTest(input="1\n", output="2")],
        limits=FAST,
    )
    for _ in range(WORKERS):  # one call per fork-server: the pool hands them out in turn
        result = sb.judge(trivial)
        assert result.verdict is V.OK, result.tests[0].detail


# --------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("item", CASES, ids=[c.id for c in CASES])
def test_hostile_program(hostile_sandbox: Sandbox, host: Host, item: Case) -> None:
    host.marker = f"execgym-sec-{secrets.token_hex(6)}"
    snapshots = listing("/tmp"), listing("/var/tmp"), listing("/dev/shm")
    host.tcp.accepted = host.unix.accepted = host.abstract.accepted = 0
    host.udp.received()
    hwm_before = vm_hwm_mb()
    outcome = call_sandbox(hostile_sandbox, host, item, fill(item.code, host))
    described = f"{outcome.verdict}: {outcome.detail!r}; stdout {outcome.stdout[-300:]!r}"
    assert outcome.verdict in item.expect, described
    assert outcome.elapsed_s < item.max_elapsed_s, f"took {outcome.elapsed_s:.1f} s"
    assert vm_hwm_mb() - hwm_before < 100, "the judging process buffered the program's output"
    if item.check is not None:
        item.check(outcome, host)
    assert_host_unaffected(hostile_sandbox, host, *snapshots)


def test_cases_are_many_and_distinct() -> None:
    assert len(CASES) >= 30
    assert len({c.id for c in CASES}) == len(CASES)
