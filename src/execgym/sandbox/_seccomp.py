"""The syscall filter: what the kernel refuses to every sandboxed process.

Two filters, compiled once per judging process with libseccomp (through ``pyseccomp``) into
classic BPF and handed to every fork-server as bytes:

* the **server filter**, loaded once by the fork-server after it has entered its isolation,
  and inherited by every child: the keyring, io_uring, bpf, userfaultfd, perf events,
  ptrace and cross-process memory access, every way to enter or create a namespace
  (``unshare``, ``setns``, ``clone``/``clone3`` with namespace flags), ``pivot_root``,
  ``chroot`` and the new mount API, kernel modules and kexec, ``personality``, and the
  administrative calls (clock, swap, reboot, quota, ``syslog``, ...); ``ioctl(TIOCSTI)``
  (typing into a terminal) too;
* the **child filter**, stacked on top in each child before the program runs: ``mount``
  and ``umount2`` (which the fork-server itself still needs for the per-run ``/tmp``),
  ``memfd_create`` (anonymous memory outside the run's size-capped ``/tmp``), System V IPC
  and POSIX message queues (objects that outlive a process).

Denied calls fail with ``EPERM`` (``clone3`` with ``ENOSYS``, so that the C library falls
back to ``clone``, which the filter can inspect); a call of another architecture kills the
process. Loading a precompiled program costs a few microseconds, so the child filter adds
nothing measurable per run.
"""

from __future__ import annotations

import errno
import functools
import tempfile
from dataclasses import dataclass

NAMESPACE_FLAGS = (
    0x00000080,  # CLONE_NEWTIME
    0x00020000,  # CLONE_NEWNS
    0x02000000,  # CLONE_NEWCGROUP
    0x04000000,  # CLONE_NEWUTS
    0x08000000,  # CLONE_NEWIPC
    0x10000000,  # CLONE_NEWUSER
    0x20000000,  # CLONE_NEWPID
    0x40000000,  # CLONE_NEWNET
)
TIOCSTI = 0x5412

SERVER_DENIED = (
    # keyrings
    "keyctl",
    "add_key",
    "request_key",
    # kernel interfaces with a long record of privilege escalations
    "io_uring_setup",
    "io_uring_enter",
    "io_uring_register",
    "bpf",
    "userfaultfd",
    "perf_event_open",
    # other processes' memory
    "ptrace",
    "process_vm_readv",
    "process_vm_writev",
    "process_madvise",
    "kcmp",
    "pidfd_getfd",
    # namespaces and the filesystem tree
    "unshare",
    "setns",
    "pivot_root",
    "chroot",
    "open_tree",
    "move_mount",
    "fsopen",
    "fsconfig",
    "fsmount",
    "fspick",
    "mount_setattr",
    "open_by_handle_at",
    "name_to_handle_at",
    "fanotify_init",
    # the kernel itself
    "init_module",
    "finit_module",
    "delete_module",
    "kexec_load",
    "kexec_file_load",
    "personality",
    "acct",
    "swapon",
    "swapoff",
    "reboot",
    "syslog",
    "quotactl",
    "quotactl_fd",
    "lookup_dcookie",
    "vhangup",
    "uselib",
    "ustat",
    "sysfs",
    "iopl",
    "ioperm",
    "settimeofday",
    "clock_settime",
    "clock_adjtime",
    "adjtimex",
    "sethostname",
    "setdomainname",
    "move_pages",
    "migrate_pages",
    "nfsservctl",
)
"""Denied to the fork-server and every process below it."""

CHILD_DENIED = (
    "mount",
    "umount2",
    "memfd_create",
    "memfd_secret",
    "shmget",
    "semget",
    "msgget",
    "mq_open",
)
"""Denied, in addition, to each child (the fork-server still mounts the per-run ``/tmp``)."""


@dataclass(frozen=True)
class CompiledFilters:
    """Both filters as classic BPF, ready for ``seccomp(2)`` in the fork-server."""

    server: bytes
    child: bytes
    seccomp_syscall: int
    """The number of ``seccomp(2)`` on this architecture."""
    denied: tuple[str, ...]
    """Every call one of the filters denies, for the doctor."""


class FilterUnavailable(RuntimeError):
    """The filter cannot be built here (no libseccomp)."""


@functools.cache
def compiled_filters() -> CompiledFilters:
    """Build both filters once; raises :class:`FilterUnavailable` with the reason."""
    try:
        import pyseccomp as seccomp
    except (ImportError, RuntimeError, OSError) as exc:
        raise FilterUnavailable(f"libseccomp is not usable: {exc}") from None

    def known(name: str) -> bool:
        return int(seccomp.resolve_syscall(seccomp.Arch.NATIVE, name)) >= 0

    def export(rules: seccomp.SyscallFilter) -> bytes:
        with tempfile.TemporaryFile() as f:
            rules.export_bpf(f)
            f.seek(0)
            return f.read()

    eperm = seccomp.ERRNO(errno.EPERM)
    server = seccomp.SyscallFilter(seccomp.ALLOW)
    denied = [name for name in SERVER_DENIED if known(name)]
    for name in denied:
        server.add_rule(eperm, name)
    for flag in NAMESPACE_FLAGS:
        server.add_rule(eperm, "clone", seccomp.Arg(0, seccomp.MASKED_EQ, flag, flag))
    if known("clone3"):
        # Its flags sit in a struct the filter cannot read: refuse it as unknown, so that the
        # C library falls back to clone(2), whose flags the rules above inspect.
        server.add_rule(seccomp.ERRNO(errno.ENOSYS), "clone3")
    server.add_rule(eperm, "ioctl", seccomp.Arg(1, seccomp.MASKED_EQ, 0xFFFFFFFF, TIOCSTI))
    child = seccomp.SyscallFilter(seccomp.ALLOW)
    child_denied = [name for name in CHILD_DENIED if known(name)]
    for name in child_denied:
        child.add_rule(eperm, name)
    return CompiledFilters(
        server=export(server),
        child=export(child),
        seccomp_syscall=int(seccomp.resolve_syscall(seccomp.Arch.NATIVE, "seccomp")),
        denied=(
            *denied,
            "clone/clone3 with namespace flags",
            "ioctl(TIOCSTI)",
            *child_denied,
        ),
    )


def filter_options() -> dict[str, object]:
    """What a fork-server needs to load the filters, as JSON-ready options (or the reason
    there is none)."""
    try:
        filters = compiled_filters()
    except FilterUnavailable as exc:
        return {"seccomp_error": str(exc)}
    return {
        "seccomp_server": filters.server.hex(),
        "seccomp_child": filters.child.hex(),
        "seccomp_syscall": filters.seccomp_syscall,
        "seccomp_denied": list(filters.denied),
    }
