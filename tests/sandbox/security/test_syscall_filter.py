"""Class 5: the kernel surface is narrow. A seccomp filter, loaded once in the fork-server and
completed in each child, refuses the keyring, io_uring, bpf, userfaultfd, perf events,
ptrace and cross-process memory, namespaces (unshare, setns, clone flags), mounts, module
loading, kexec and personality changes; the child has a fresh keyring of its own. Ordinary
programs (threads, processes, multiprocessing) still work."""

from __future__ import annotations

import ctypes
import errno
import platform

import pytest

from execgym.sandbox import Sandbox, Verdict
from execgym.sandbox._seccomp import CHILD_DENIED, SERVER_DENIED
from sandbox.security._support import (
    Case,
    both_modes,
    case,
    prints,
    run_case,
)

V = Verdict
NUMBERS = {
    "x86_64": {
        "keyctl": 250,
        "add_key": 248,
        "io_uring_setup": 425,
        "bpf": 321,
        "userfaultfd": 323,
        "perf_event_open": 298,
        "ptrace": 101,
        "process_vm_readv": 310,
        "setns": 308,
        "kexec_load": 246,
        "init_module": 175,
        "personality": 135,
        "clone3": 435,
        "pivot_root": 155,
    },
}
KEY_SPEC_SESSION_KEYRING = -3
KEYCTL_READ = 11
KEYCTL_REVOKE = 3


def denied(name: str, args: str, expected: int = errno.EPERM) -> Case:
    number = NUMBERS.get(platform.machine(), {}).get(name)
    code = (
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        f"r = libc.syscall({number}, {args})\nprint(r, ctypes.get_errno())"
    )
    return case(f"{name}_is_denied", code, V.OK, check=prints(f"-1 {expected}"))


CASES = [
    denied("keyctl", f"{KEYCTL_READ}, {KEY_SPEC_SESSION_KEYRING}, 0, 0"),
    denied("add_key", "b'user', b'planted', b'x', 1, -3"),
    denied("io_uring_setup", "8, 0"),
    denied("bpf", "0, 0, 0"),
    denied("userfaultfd", "0"),
    denied("perf_event_open", "0, 0, -1, -1, 0"),
    denied("ptrace", "16, 1, 0, 0"),
    denied("process_vm_readv", "1, 0, 0, 0, 0, 0"),
    denied("setns", "0, 0"),
    denied("kexec_load", "0, 0, 0, 0"),
    denied("init_module", "0, 0, 0"),
    denied("personality", "0x0040000"),
    denied("pivot_root", "b'/', b'/'"),
    denied("clone3", "0, 0", errno.ENOSYS),
    case(
        "unshare_then_mount",
        "import ctypes, os\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "r1 = libc.unshare(0x10000000 | 0x20000)\ne1 = ctypes.get_errno()\n"
        "r2 = libc.mount(b'tmpfs', b'/tmp', b'tmpfs', 0, None)\ne2 = ctypes.get_errno()\n"
        "print(r1, e1, r2, e2)",
        V.OK,
        check=prints(f"-1 {errno.EPERM} -1 {errno.EPERM}"),
    ),
    case(
        "fork_with_namespace_flags",
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        "r = libc.syscall(56, 0x10000000 | 17, 0, 0, 0, 0)\nprint(r, ctypes.get_errno())",
        V.OK,
        check=prints(f"-1 {errno.EPERM}"),
    ),
    case(
        "ordinary_programs_still_work",
        "import os, threading, multiprocessing, subprocess\nt = threading.Thread(target=lambda: 0)"
        "\nt.start()\nt.join()\npid = os.fork()\nif pid == 0:\n    os._exit(3)\n"
        "print(os.waitpid(pid, 0)[1] >> 8, multiprocessing.Pool(2).map(abs, [-1, -2]))",
        V.OK,
        check=prints("3 [1, 2]"),
    ),
]


ordinary_user_outcomes, test_as_the_judging_user, test_as_an_ordinary_user = both_modes(CASES)


@pytest.fixture(scope="module")
def session_key() -> int:
    """A key in this process's session keyring, which no child may reach."""
    libc = ctypes.CDLL(None, use_errno=True)
    key = libc.syscall(248, b"user", b"execgym-sec-key", b"secret", 6, KEY_SPEC_SESSION_KEYRING)
    if key < 0:
        pytest.skip(f"this process cannot add a key to its session keyring ({ctypes.get_errno()})")
    return int(key)


def read_key(key: int) -> bytes:
    libc = ctypes.CDLL(None, use_errno=True)
    buffer = ctypes.create_string_buffer(64)
    size = libc.syscall(250, KEYCTL_READ, key, buffer, 64)
    assert size >= 0, f"the key is gone: errno {ctypes.get_errno()}"
    return buffer.raw[:size]


pytestmark = pytest.mark.skipif(
    platform.machine() not in NUMBERS, reason="syscall numbers are listed for x86_64 only"
)


def test_no_case_reaches_the_judging_process_keyring(
    own_sandbox: Sandbox, session_key: int
) -> None:
    for item in CASES:
        run_case(own_sandbox, item)
        assert read_key(session_key) == b"secret", item.id


def test_the_keyring_attack_of_the_review(own_sandbox: Sandbox, session_key: int) -> None:
    code = (
        "import ctypes\nlibc = ctypes.CDLL(None, use_errno=True)\n"
        f"libc.syscall(250, {KEYCTL_REVOKE}, {session_key})\n"
        "libc.syscall(248, b'user', b'planted', b'x', 1, -3)\nprint('tried')"
    )
    assert own_sandbox.run(code).stdout == "tried\n"
    assert read_key(session_key) == b"secret"
    libc = ctypes.CDLL(None, use_errno=True)
    planted = libc.syscall(249, b"user", b"planted", None, KEY_SPEC_SESSION_KEYRING)  # request_key
    assert planted < 0


def test_the_lists_cover_what_the_issue_names() -> None:
    named = {
        "keyctl",
        "add_key",
        "request_key",
        "io_uring_setup",
        "bpf",
        "userfaultfd",
        "perf_event_open",
        "ptrace",
        "process_vm_readv",
        "process_vm_writev",
        "pivot_root",
        "unshare",
        "setns",
        "kexec_load",
        "init_module",
        "finit_module",
        "personality",
    }
    assert named <= set(SERVER_DENIED)
    assert {"mount", "umount2"} <= set(CHILD_DENIED)
