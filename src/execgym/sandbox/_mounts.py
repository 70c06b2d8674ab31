"""The fork-server's private mount table: what children can see and write.

* ``/proc`` is mounted afresh for the PID namespace;
* ``/tmp``, ``/var/tmp`` and ``/dev/shm`` become private, size-capped tmpfs (the working
  directories live there), and ``/run``, ``/var/run`` and the home directory become empty
  ones (no sockets of host services, no secrets in a home directory);
* a directory the interpreter needs that lay under a masked place (a virtual environment in
  ``/tmp``, a Python installed in the home directory) is bound back at its own path;
* the cgroup tree is hidden, so a child cannot leave its pids cgroup;
* every other mount, and every bound-back directory, is remounted read-only.
"""

from __future__ import annotations

import contextlib
import os
import sys
from dataclasses import dataclass

from execgym.sandbox import _syscalls as sc

PRIVATE_TMPFS = ("/tmp", "/var/tmp", "/dev/shm")
WORK_ROOT = "/tmp/execgym-work"


@dataclass(frozen=True)
class Mask:
    """A directory covered by a fresh tmpfs."""

    path: str
    writable: bool
    options: str


def masks(tmpfs_mb: int) -> list[Mask]:
    """What to cover: the shared temporary places (writable) and the places to hide."""
    writable = f"size={tmpfs_mb}m,nr_inodes=65536,mode=1777"
    hidden = "size=1m,nr_inodes=1024,mode=0755"
    found = [Mask(path, True, writable) for path in PRIVATE_TMPFS]
    found += [Mask(path, False, hidden) for path in ("/run", "/var/run", _home())]
    seen: set[str] = set()
    result = []
    for mask in found:
        real = os.path.realpath(mask.path)
        if real in seen or real == "/" or not os.path.isdir(real) or os.path.islink(mask.path):
            continue
        seen.add(real)
        result.append(Mask(real, mask.writable, mask.options))
    return result


def _home() -> str:
    home = os.path.expanduser("~")
    return home if home not in ("", "/", "~") else "/nonexistent"


def interpreter_paths() -> list[str]:
    """Directories a child's interpreter may read: prefixes, ``sys.path``, the executable's."""
    candidates = {sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix}
    candidates.add(os.path.dirname(os.path.realpath(sys.executable)))
    candidates.add(os.path.dirname(sys.executable))
    for entry in sys.path:
        if entry and os.path.isdir(entry):
            candidates.add(entry)
    real = {os.path.realpath(path) for path in candidates if os.path.isdir(path)}
    real.discard("/")  # the fork-server's working directory, never a module directory
    # Keep the outermost: a directory inside another kept one comes along with it.
    return sorted(p for p in real if not any(p != q and _inside(p, q) for q in real))


def _inside(path: str, parent: str) -> bool:
    return path == parent or path.startswith(parent.rstrip("/") + "/")


@dataclass
class MountReport:
    private_tmp: bool
    masked: list[str]
    kept: list[str]
    read_only_failures: list[str]
    errors: list[str]


def set_up_mounts(tmpfs_mb: int, fresh_proc: bool) -> MountReport:
    """Build the private mount table (the caller has entered a mount namespace)."""
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
    errors: list[str] = []
    if fresh_proc:
        try:
            sc.mount("proc", "/proc", "proc", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)
        except OSError as exc:
            errors.append(f"/proc: {exc}")
    if os.path.isdir("/sys/fs/cgroup"):
        with contextlib.suppress(OSError):
            sc.mount("tmpfs", "/sys/fs/cgroup", "tmpfs", sc.MS_RDONLY, "size=4k,mode=0555")
    needed = interpreter_paths()
    masked: list[str] = []
    kept: list[str] = []
    writable: set[str] = set()
    for mask in masks(tmpfs_mb):
        keep = [path for path in needed if _inside(path, mask.path) and path != mask.path]
        if any(_inside(mask.path, path) for path in needed):
            continue  # the interpreter lives inside: masking it would hide the interpreter
        try:
            _cover(mask, keep)
        except OSError as exc:
            errors.append(f"{mask.path}: {exc}")
            continue
        masked.append(mask.path)
        kept.extend(keep)
        if mask.writable:
            writable.add(mask.path)
    failures = _remount_read_only(skip=writable)
    return MountReport("/tmp" in writable, masked, kept, failures, errors)


def _cover(mask: Mask, keep: list[str]) -> None:
    """Mount a fresh tmpfs on ``mask.path`` and bind the ``keep`` directories back."""
    below = os.open(mask.path, os.O_PATH | os.O_DIRECTORY)  # the covered tree, reachable later
    try:
        sc.mount("tmpfs", mask.path, "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, mask.options)
        for path in keep:
            os.makedirs(path, exist_ok=True)
            source = f"/proc/self/fd/{below}/{os.path.relpath(path, mask.path)}"
            sc.mount(source, path, None, sc.MS_BIND | sc.MS_REC)
    finally:
        os.close(below)


_FLAG_NAMES = {
    "nosuid": sc.MS_NOSUID,
    "nodev": sc.MS_NODEV,
    "noexec": sc.MS_NOEXEC,
    "noatime": sc.MS_NOATIME,
    "nodiratime": sc.MS_NODIRATIME,
    "relatime": sc.MS_RELATIME,
}


def _remount_read_only(skip: set[str]) -> list[str]:
    failed: list[str] = []
    with open("/proc/self/mountinfo") as f:
        lines = f.read().splitlines()
    for line in lines:
        fields = line.split(" ")
        target = _unescape(fields[4])
        options = fields[5].split(",")
        if target in skip or target == "/proc" or target.startswith("/proc/"):
            continue
        if _inside(target, "/sys/fs/cgroup") or "ro" in options:
            continue
        flags = sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY
        for option in options:
            flags |= _FLAG_NAMES.get(option, 0)
        try:
            sc.mount(None, target, None, flags)
        except OSError:
            if os.path.exists(target):
                failed.append(target)
    # /proc/sys is writable by uid 0 through file modes alone: make it read-only too.
    if os.path.isdir("/proc/sys"):
        try:
            sc.mount("/proc/sys", "/proc/sys", None, sc.MS_BIND | sc.MS_REC)
            sc.mount(None, "/proc/sys", None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY)
        except OSError:
            failed.append("/proc/sys")
    return failed


def _unescape(path: str) -> str:
    return path.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n")
