"""The cgroup of one fork-server: task, memory and CPU limits over a run's whole process tree.

The fork-server joins its cgroup once (moving a task costs milliseconds, so children are
born inside instead), and every process a program starts is counted with it:

* ``pids`` bounds the number of tasks (set per run);
* ``memory`` bounds the memory of the whole tree — anonymous memory, its files in the
  per-run ``/tmp`` and anything else the kernel charges — at the server's own usage plus the
  run's allowance; the kernel reclaims, then kills a process of the tree (never the server,
  which is exempt from the OOM killer), and the run is judged ``MEMORY_LIMIT``;
* ``cpuacct`` (v1) or ``cpu.stat`` (v2) gives the CPU time of the whole tree, reaped or
  not, which the fork-server checks against the run's time limit while it runs.

cgroup v1 (one hierarchy per controller) and v2 (one unified tree) are both handled. Root
can always create one; an ordinary user can where a cgroup v2 subtree has been delegated
to them (``systemd-run --user --scope -p Delegate=yes ...``). Files that are read or
written during a run are opened before the fork-server hides the cgroup tree.
"""

from __future__ import annotations

import contextlib
import os
import time
from dataclasses import dataclass, field

V1_ROOT = "/sys/fs/cgroup"
V2_ROOT = "/sys/fs/cgroup"
PREFIX = "execgym-"


@dataclass
class TreeCgroup:
    """Open handles on the cgroup (or v1 cgroups) of one fork-server."""

    version: int
    dirs: dict[str, str] = field(default_factory=dict)  # controller -> directory
    controllers: list[str] = field(default_factory=list)
    _fds: dict[str, int] = field(default_factory=dict)
    _last_written: dict[str, bytes] = field(default_factory=dict)
    base_tasks: int = 1

    # ---- per run --------------------------------------------------------------------
    def set_task_limit(self, tasks: int) -> None:
        self._write("pids.max", str(tasks + self.base_tasks).encode())

    def set_memory_limit(self, limit_bytes: int) -> None:
        self._write("memory.limit", str(limit_bytes).encode())

    def memory_bytes(self) -> int:
        return self._read_int("memory.usage")

    def oom_kills(self) -> int:
        """How many processes the OOM killer has ended in this cgroup so far."""
        fd = self._fds.get("memory.events")
        if fd is None:
            return 0
        for line in os.pread(fd, 4096, 0).splitlines():
            key, _, value = line.partition(b" ")
            if key == b"oom_kill":
                return int(value)
        return 0

    def cpu_seconds(self) -> float:
        """CPU time of every task that ever ran in the cgroup (the server's included)."""
        fd = self._fds.get("cpu.usage")
        if fd is None:
            return 0.0
        data = os.pread(fd, 4096, 0)
        if self.version == 1:
            return int(data) / 1e9
        for line in data.splitlines():
            key, _, value = line.partition(b" ")
            if key == b"usage_usec":
                return int(value) / 1e6
        return 0.0

    @property
    def has(self) -> set[str]:
        return {name.split(".")[0] for name in self._fds}

    def _write(self, name: str, data: bytes) -> None:
        fd = self._fds.get(name)
        if fd is None or self._last_written.get(name) == data:
            return
        os.pwrite(fd, data, 0)
        self._last_written[name] = data

    def _read_int(self, name: str) -> int:
        fd = self._fds.get(name)
        return int(os.pread(fd, 64, 0)) if fd is not None else 0

    def members(self) -> list[int]:
        """The tasks in the cgroup now, read afresh (v1 caches an open file's list)."""
        directory = self.dirs.get("pids") or next(iter(self.dirs.values()), None)
        if directory is None:
            return []
        fd = os.open(os.path.join(directory, "cgroup.procs"), os.O_RDONLY)
        try:
            chunks = []
            while chunk := os.read(fd, 65536):
                chunks.append(chunk)
        finally:
            os.close(fd)
        return [int(pid) for pid in b"".join(chunks).split()]


# Files opened per controller: our name -> (v1 file, v2 file, mode).
_FILES = {
    "pids": {"pids.max": ("pids.max", "pids.max", os.O_WRONLY)},
    "memory": {
        "memory.limit": ("memory.limit_in_bytes", "memory.max", os.O_WRONLY),
        "memory.usage": ("memory.usage_in_bytes", "memory.current", os.O_RDONLY),
        "memory.events": ("memory.oom_control", "memory.events", os.O_RDONLY),
    },
    "cpuacct": {"cpu.usage": ("cpuacct.usage", "cpu.stat", os.O_RDONLY)},
}


def create(server_pid: int, tasks: int) -> tuple[TreeCgroup | None, str]:
    """Create and join the fork-server's cgroup; ``None`` and the reason where impossible."""
    v1 = {name: path for name in _FILES if (path := _v1_dir(name)) is not None}
    if v1:
        return _create_v1(v1, server_pid, tasks)
    base = _v2_base()
    if base is None:
        return None, _no_cgroup_reason()
    return _create_v2(base, server_pid, tasks)


def _create_v1(roots: dict[str, str], server_pid: int, tasks: int) -> tuple[TreeCgroup | None, str]:
    group = TreeCgroup(version=1)
    problems = []
    for controller, root in roots.items():
        _remove_stale(root)
        path = os.path.join(root, f"{PREFIX}{server_pid}")
        try:
            os.makedirs(path, exist_ok=True)
            if controller == "pids":
                _write_file(os.path.join(path, "pids.max"), str(tasks + 2))
            if controller == "memory":
                # Never swap a sandboxed process's memory out: the limit is on memory.
                with contextlib.suppress(OSError):
                    _write_file(os.path.join(path, "memory.swappiness"), "0")
            _write_file(os.path.join(path, "cgroup.procs"), str(server_pid))
            _open_files(group, controller, path, version=1)
        except OSError as exc:
            problems.append(f"{controller}: {exc}")
            continue
        group.dirs[controller] = path
        group.controllers.append(controller)
    if not group.controllers:
        return None, "; ".join(problems) or "no cgroup controller usable"
    return group, "; ".join(problems)


def _create_v2(base: str, server_pid: int, tasks: int) -> tuple[TreeCgroup | None, str]:
    _remove_stale(base)
    available = _read_words(os.path.join(base, "cgroup.subtree_control"))
    wanted = [c for c in ("pids", "memory") if c not in available]
    with contextlib.suppress(OSError):
        if wanted:
            _write_file(
                os.path.join(base, "cgroup.subtree_control"), " ".join(f"+{c}" for c in wanted)
            )
    enabled = _read_words(os.path.join(base, "cgroup.subtree_control"))
    path = os.path.join(base, f"{PREFIX}{server_pid}")
    group = TreeCgroup(version=2)
    try:
        os.makedirs(path, exist_ok=True)
        if "pids" in enabled:
            _write_file(os.path.join(path, "pids.max"), str(tasks + 2))
        if "memory" in enabled:
            with contextlib.suppress(OSError):
                _write_file(os.path.join(path, "memory.swap.max"), "0")
        _write_file(os.path.join(path, "cgroup.procs"), str(server_pid))
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.rmdir(path)
        return None, f"cgroup v2 at {base} not usable: {exc}"
    for controller in ("pids", "memory", "cpuacct"):
        if controller == "cpuacct" or controller in enabled:
            with contextlib.suppress(OSError):
                _open_files(group, controller, path, version=2)
                group.dirs[controller] = path
                group.controllers.append(controller)
    return group, "" if group.controllers else "no controller enabled"


def _open_files(group: TreeCgroup, controller: str, path: str, version: int) -> None:
    opened: dict[str, int] = {}
    try:
        for name, (v1_file, v2_file, mode) in _FILES[controller].items():
            opened[name] = os.open(os.path.join(path, v1_file if version == 1 else v2_file), mode)
    except OSError:
        for fd in opened.values():
            os.close(fd)
        raise
    group._fds.update(opened)


def _v1_dir(controller: str) -> str | None:
    for name in (controller, "cpu,cpuacct" if controller == "cpuacct" else controller):
        path = os.path.join(V1_ROOT, name)
        if os.path.isdir(path) and _is_cgroup_v1(path) and os.access(path, os.W_OK):
            return path
    return None


def _is_cgroup_v1(path: str) -> bool:
    return os.path.exists(os.path.join(path, "cgroup.procs")) and not os.path.exists(
        os.path.join(path, "cgroup.controllers")
    )


def _v2_base() -> str | None:
    """A cgroup v2 directory where this process may create a child and move into it: the
    root for root, the parent of its own cgroup where that has been delegated."""
    if not os.path.exists(os.path.join(V2_ROOT, "cgroup.controllers")):
        return None
    if os.geteuid() == 0 and os.access(V2_ROOT, os.W_OK):
        return V2_ROOT
    own = _own_v2_cgroup()
    if own is None:
        return None
    parent = os.path.dirname(os.path.join(V2_ROOT, own.lstrip("/")))
    procs = os.path.join(parent, "cgroup.procs")
    if parent != V2_ROOT and os.access(parent, os.W_OK) and os.access(procs, os.W_OK):
        return parent
    return None


def _own_v2_cgroup() -> str | None:
    with contextlib.suppress(OSError), open("/proc/self/cgroup") as f:
        for line in f:
            if line.startswith("0::"):
                return line[3:].strip()
    return None


def _no_cgroup_reason() -> str:
    if os.geteuid() == 0:
        return "no cgroup controller is mounted writable"
    return (
        "no delegated cgroup: run under `systemd-run --user --scope -p Delegate=yes` for "
        "limits over the whole process tree"
    )


def _read_words(path: str) -> list[str]:
    try:
        with open(path) as f:
            return f.read().split()
    except OSError:
        return []


def _write_file(path: str, text: str) -> None:
    with open(path, "w") as f:
        f.write(text)


def _remove_stale(base: str) -> None:
    """Remove empty cgroups of fork-servers that were killed (rmdir fails on busy ones)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(base):
            owner = entry.name.removeprefix(PREFIX)
            if entry.name.startswith(PREFIX) and not os.path.exists(f"/proc/{owner}"):
                with contextlib.suppress(OSError):
                    os.rmdir(entry.path)


def oom_kills_of(server_pid: int) -> int | None:
    """The OOM kills recorded by the memory cgroup of a fork-server (dead or alive), read
    from the judging process; ``None`` where it has none."""
    candidates = []
    v1 = _v1_dir("memory")
    if v1 is not None:
        candidates.append((os.path.join(v1, f"{PREFIX}{server_pid}", "memory.oom_control"), 1))
    v2 = _v2_base()
    if v2 is not None:
        candidates.append((os.path.join(v2, f"{PREFIX}{server_pid}", "memory.events"), 2))
    for path, _ in candidates:
        try:
            with open(path, "rb") as f:
                text = f.read()
        except OSError:
            continue
        for line in text.splitlines():
            key, _, value = line.partition(b" ")
            if key == b"oom_kill":
                return int(value)
    return None


def remove_cgroups_of(server_pid: int) -> None:
    """Remove the cgroups of a fork-server that has exited (from the judging process:
    inside, the cgroup tree is hidden and the server's own membership keeps them busy)."""
    bases = [p for c in _FILES if (p := _v1_dir(c)) is not None]
    v2 = _v2_base()
    if v2 is not None:
        bases.append(v2)
    for base in bases:
        path = os.path.join(base, f"{PREFIX}{server_pid}")
        for _ in range(50):  # the last tasks may still be exiting
            try:
                os.rmdir(path)
                break
            except FileNotFoundError:
                break
            except OSError:
                time.sleep(0.002)
