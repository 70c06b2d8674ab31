"""Thin ctypes wrappers for the Linux calls the standard library lacks on Python 3.11."""

from __future__ import annotations

import ctypes
import os
import platform

CLONE_NEWNS = 0x00020000
CLONE_NEWUTS = 0x04000000
CLONE_NEWIPC = 0x08000000
CLONE_NEWUSER = 0x10000000
CLONE_NEWPID = 0x20000000
CLONE_NEWNET = 0x40000000

MS_RDONLY = 0x1
MS_NOSUID = 0x2
MS_NODEV = 0x4
MS_NOEXEC = 0x8
MS_REMOUNT = 0x20
MS_NOATIME = 0x400
MS_NODIRATIME = 0x800
MS_BIND = 0x1000
MS_REC = 0x4000
MS_PRIVATE = 1 << 18
MS_RELATIME = 1 << 21
MS_STRICTATIME = 1 << 24
MNT_DETACH = 2

PR_SET_PDEATHSIG = 1
PR_SET_DUMPABLE = 4
PR_CAPBSET_DROP = 24
PR_SET_SECUREBITS = 28
PR_SET_NO_NEW_PRIVS = 38
PR_CAP_AMBIENT = 47
PR_CAP_AMBIENT_CLEAR_ALL = 4

# securebits: NOROOT, NO_SETUID_FIXUP and KEEP_CAPS, each with its lock bit.
SECUREBITS_LOCKED_NOROOT = 0x01 | 0x02 | 0x04 | 0x08 | 0x20
_LINUX_CAPABILITY_VERSION_3 = 0x20080522
CAP_LAST_CAP_GUESS = 63

# The C library this interpreter already runs on (ctypes.util would import subprocess and
# threading, whose fork hooks make every fork of a fork-server twice as slow).
_libc = ctypes.CDLL(None, use_errno=True)
_libc.mount.argtypes = [
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_char_p,
    ctypes.c_ulong,
    ctypes.c_char_p,
]
_libc.prctl.argtypes = [
    ctypes.c_int,
    ctypes.c_ulong,
    ctypes.c_ulong,
    ctypes.c_ulong,
    ctypes.c_ulong,
]


# Calls the C library does not wrap, by number, on the architectures execgym supports.
_SYSCALL_NUMBERS = {
    "x86_64": {"pivot_root": 155, "keyctl": 250, "seccomp": 317},
    "aarch64": {"pivot_root": 41, "keyctl": 219, "seccomp": 277},
}
KEYCTL_JOIN_SESSION_KEYRING = 1
SECCOMP_SET_MODE_FILTER = 1
SECCOMP_FILTER_FLAG_SPEC_ALLOW = 1 << 2


def _number(name: str) -> int:
    try:
        return _SYSCALL_NUMBERS[platform.machine()][name]
    except KeyError:
        raise OSError(38, f"{name}: no syscall number known for {platform.machine()}") from None


def _check(result: int, what: str) -> None:
    if result != 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"{what}: {os.strerror(errno)}")


def unshare(flags: int) -> None:
    _check(_libc.unshare(ctypes.c_int(flags)), "unshare")


def mount(source: str | None, target: str, fstype: str | None, flags: int, data: str = "") -> None:
    _check(
        _libc.mount(
            source.encode() if source else None,
            target.encode(),
            fstype.encode() if fstype else None,
            ctypes.c_ulong(flags),
            data.encode() if data else None,
        ),
        f"mount {target}",
    )


def prctl(option: int, arg2: int = 0, arg3: int = 0, arg4: int = 0, arg5: int = 0) -> None:
    _check(_libc.prctl(option, arg2, arg3, arg4, arg5), f"prctl({option})")


class _CapHeader(ctypes.Structure):
    _fields_ = (("version", ctypes.c_uint32), ("pid", ctypes.c_int))


class _CapData(ctypes.Structure):
    _fields_ = (
        ("effective", ctypes.c_uint32),
        ("permitted", ctypes.c_uint32),
        ("inheritable", ctypes.c_uint32),
    )


def restrict_descendants() -> None:
    """Limit what any descendant can ever hold, once, in the fork-server.

    Locks the securebits so uid 0 gains nothing at exec, empties the bounding and ambient
    sets and sets ``no_new_privs``; all are inherited by every child. Steps that need a
    capability the process lacks are skipped: without it there is nothing to drop there.
    """
    try:
        prctl(PR_SET_SECUREBITS, SECUREBITS_LOCKED_NOROOT)
    except OSError:
        pass
    for cap in range(CAP_LAST_CAP_GUESS + 1):
        try:
            prctl(PR_CAPBSET_DROP, cap)
        except OSError:
            break
    try:
        prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL)
    except OSError:
        pass
    prctl(PR_SET_NO_NEW_PRIVS, 1)


def clear_capabilities() -> None:
    """Zero this process's effective, permitted and inheritable capability sets (per child).

    Then mark the process dumpable again (a uid change cleared it), so that its own
    ``/proc/self`` files stay readable to it; with no capabilities left that gives no one
    a handle on anything else.
    """
    header = _CapHeader(_LINUX_CAPABILITY_VERSION_3, 0)
    data = (_CapData * 2)()
    _check(_libc.capset(ctypes.byref(header), ctypes.byref(data)), "capset")
    prctl(PR_SET_DUMPABLE, 1)


def set_parent_death_signal(signum: int) -> None:
    prctl(PR_SET_PDEATHSIG, signum)


def umount(target: str, flags: int = MNT_DETACH) -> None:
    _check(_libc.umount2(target.encode(), ctypes.c_int(flags)), f"umount {target}")


def pivot_root(new_root: str, put_old: str) -> None:
    _check(
        _libc.syscall(ctypes.c_long(_number("pivot_root")), new_root.encode(), put_old.encode()),
        "pivot_root",
    )


def join_new_session_keyring() -> None:
    """Give this process (and what it forks) a fresh, empty, anonymous session keyring."""
    result = _libc.syscall(
        _number("keyctl"), ctypes.c_long(KEYCTL_JOIN_SESSION_KEYRING), ctypes.c_void_p(None)
    )
    if result < 0:
        errno = ctypes.get_errno()
        raise OSError(errno, f"keyctl(JOIN_SESSION_KEYRING): {os.strerror(errno)}")


class _SockFprog(ctypes.Structure):
    _fields_ = (("len", ctypes.c_ushort), ("filter", ctypes.c_void_p))


class SeccompProgram:
    """A classic BPF program kept in memory, loadable in this process and its forks."""

    def __init__(self, program: bytes, syscall_number: int) -> None:
        if not program or len(program) % 8:
            raise ValueError(f"not a BPF program: {len(program)} bytes")
        self._buffer = ctypes.create_string_buffer(program, len(program))
        self._prog = _SockFprog(len(program) // 8, ctypes.addressof(self._buffer))
        self._number = syscall_number

    def load(self) -> None:
        """Install the filter on this thread (``no_new_privs`` must be set already)."""
        result = _libc.syscall(
            self._number,
            ctypes.c_long(SECCOMP_SET_MODE_FILTER),
            ctypes.c_long(SECCOMP_FILTER_FLAG_SPEC_ALLOW),
            ctypes.byref(self._prog),
        )
        if result != 0:
            errno = ctypes.get_errno()
            raise OSError(errno, f"seccomp: {os.strerror(errno)}")
