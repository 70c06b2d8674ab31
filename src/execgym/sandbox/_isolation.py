"""Isolation that a fork-server enters once and every child it forks inherits.

Entered once per fork-server (not per child, which is what makes it cheap):

* a **user namespace** when not root (so an ordinary user can create the others);
* a **network namespace** with no interfaces up: no network, loopback included;
* a **PID namespace** whose init is the fork-server, with a fresh ``/proc``: a child sees no
  host process, cannot signal one, and ``kill(-1)`` from the init ends every survivor;
* a **mount namespace** (see ``_mounts``): every existing mount read-only; ``/tmp``,
  ``/var/tmp`` and ``/dev/shm`` private, size-capped tmpfs (the working directories live
  there); ``/run`` and the home directory hidden;
* for root, an **unprivileged uid**: after building the mounts, the fork-server moves into
  a user namespace whose uid 0 is an unprivileged host uid (65534 by default), so children
  own nothing on the host, cannot read root's files nor reach root-only sockets;
* for root, a **pids cgroup** bounding the number of tasks; for other users
  ``RLIMIT_NPROC``, counted inside the user namespace.

Each feature that cannot be entered is recorded with the reason, and ``execgym doctor``
prints the record. Nothing here is fatal: a missing feature is reported, not hidden.
"""

from __future__ import annotations

import contextlib
import os
import signal
import time
from dataclasses import dataclass, field

from execgym.sandbox import _syscalls as sc
from execgym.sandbox._mounts import PRIVATE_TMPFS, set_up_mounts


@dataclass
class Feature:
    name: str
    active: bool
    detail: str


@dataclass
class IsolationState:
    """What the fork-server entered, for its children and for the doctor report."""

    features: list[Feature] = field(default_factory=list)
    pid_namespace: bool = False
    cgroup_dir_fd: int | None = None  # the cgroup directory, reachable after it is hidden
    cgroup_max_fd: int | None = None
    cgroup_base_tasks: int = 0  # tasks of the fork-server itself, counted against pids.max
    cgroup_dir: str | None = None
    private_tmp: bool = False

    def add(self, name: str, active: bool, detail: str) -> None:
        self.features.append(Feature(name, active, detail))


def enter_isolation(
    tmpfs_mb: int, processes: int, use_namespaces: bool = True, sandbox_uid: int = 65534
) -> IsolationState:
    """Enter the namespaces; returns in the process that will serve (the new PID 1 if any)."""
    state = IsolationState()
    is_root = os.geteuid() == 0
    with contextlib.suppress(OSError):
        sc.set_parent_death_signal(signal.SIGKILL)
    if is_root:
        _create_pids_cgroup(state, processes)
    else:
        state.add(
            "process limit",
            True,
            "RLIMIT_NPROC (counted inside the user namespace when one is active)",
        )
    if not use_namespaces:
        for name in ("user namespace", "network namespace", "pid namespace", "mount namespace"):
            state.add(name, False, "disabled by configuration")
        _restrict_children(state)
        return state
    flags = _unshare_best(state, is_root)
    switch: _UidSwitch | None = None
    if flags & sc.CLONE_NEWPID:
        switch = _become_pid_namespace_init(state, sandbox_uid if is_root else None)
    if flags & sc.CLONE_NEWNS:
        _mount_privately(state, tmpfs_mb)
    if switch is not None:
        switch.complete(state)
    elif is_root:
        state.add("unprivileged uid", False, "needs a PID namespace; children run as uid 0")
    # A fresh network namespace holds only a loopback device, and it is down: nothing to do.
    _restrict_children(state)
    return state


def _restrict_children(state: IsolationState) -> None:
    """Drop, once, what every child must never have: bounding-set capabilities, root's
    privileges at exec, and new privileges from setuid binaries. Each child then only
    clears its own capability sets."""
    try:
        sc.restrict_descendants()
        state.add("privileges", True, "no capabilities, no_new_privs, root gains nothing at exec")
    except OSError as exc:
        state.add("privileges", False, f"could not drop privileges: {exc}")


def _mount_privately(state: IsolationState, tmpfs_mb: int) -> None:
    try:
        report = set_up_mounts(tmpfs_mb, fresh_proc=state.pid_namespace)
    except OSError as exc:
        state.add("mount namespace", False, f"could not make mounts private: {exc}")
        return
    state.private_tmp = report.private_tmp
    state.add("mount namespace", True, "private mount table")
    proc_failed = any(error.startswith("/proc") for error in report.errors)
    if state.pid_namespace:
        state.add(
            "private /proc",
            not proc_failed,
            "shows only the sandbox's processes" if not proc_failed else "host /proc visible",
        )
    detail = "private size-capped tmpfs on /tmp, /var/tmp, /dev/shm"
    state.add("private tmp", report.private_tmp, detail if report.private_tmp else "not mounted")
    hidden = [path for path in report.masked if path not in PRIVATE_TMPFS]
    state.add(
        "hidden host paths",
        bool(hidden),
        ("empty: " + ", ".join(hidden)) if hidden else "nothing hidden",
    )
    if report.read_only_failures:
        failed = ", ".join(report.read_only_failures[:5])
        state.add("read-only filesystem", False, f"could not remount: {failed}")
    else:
        state.add("read-only filesystem", True, "every mount but the private tmpfs is read-only")
    for error in report.errors:
        if not error.startswith("/proc"):
            state.add("mount error", False, error)


def _unshare_best(state: IsolationState, is_root: bool) -> int:
    uid, gid = os.getuid(), os.getgid()
    user = 0 if is_root else sc.CLONE_NEWUSER
    attempts = [
        user | sc.CLONE_NEWNS | sc.CLONE_NEWNET | sc.CLONE_NEWPID,
        user | sc.CLONE_NEWNS | sc.CLONE_NEWNET,
        user | sc.CLONE_NEWNET,
    ]
    error: OSError | None = None
    for flags in attempts:
        try:
            sc.unshare(flags)
        except OSError as exc:
            error = exc
            continue
        if flags & sc.CLONE_NEWUSER:
            _write_id_maps(uid, gid)
            state.add("user namespace", True, f"uid {uid} mapped to itself; unprivileged")
        _report_flags(state, flags, None)
        return flags
    _report_flags(state, 0, error)
    if not is_root:
        state.add("user namespace", False, f"unshare failed: {error}")
    return 0


def _report_flags(state: IsolationState, flags: int, error: OSError | None) -> None:
    why = f"unshare failed: {error}" if error else "kernel refused this namespace"
    state.add(
        "network namespace",
        bool(flags & sc.CLONE_NEWNET),
        "no interfaces up: no network, loopback included" if flags & sc.CLONE_NEWNET else why,
    )
    if not flags & sc.CLONE_NEWPID:
        lost = "; host processes are visible and a detached process may outlive its run"
        if os.geteuid() == 0:
            lost = "; host processes are visible (survivors are still killed via the cgroup)"
        state.add("pid namespace", False, why + lost)
    if not flags & sc.CLONE_NEWNS:
        state.add(
            "mount namespace",
            False,
            why + "; a program can write wherever this user can, and /tmp is shared",
        )


def _write_id_maps(uid: int, gid: int) -> None:
    with open("/proc/self/setgroups", "w") as f:
        f.write("deny")
    with open("/proc/self/uid_map", "w") as f:
        f.write(f"{uid} {uid} 1")
    with open("/proc/self/gid_map", "w") as f:
        f.write(f"{gid} {gid} 1")


class _UidSwitch:
    """The PID 1 side of moving into a user namespace whose uid 0 is ``uid`` on the host.

    A process cannot map a foreign uid into its own new user namespace; its parent, still
    root on the host, writes the maps while PID 1 waits on a pipe.
    """

    def __init__(self, uid: int, ask: int, answer: int) -> None:
        self.uid = uid
        self.ask = ask
        self.answer = answer

    def complete(self, state: IsolationState) -> None:
        try:
            sc.unshare(sc.CLONE_NEWUSER)
        except OSError as exc:
            os.write(self.ask, b"0")
            state.add("unprivileged uid", False, f"user namespace refused ({exc}); uid 0")
            return
        os.write(self.ask, b"1")
        reply = os.read(self.answer, 1)
        os.close(self.ask)
        os.close(self.answer)
        if reply != b"1":
            state.add("unprivileged uid", False, "the uid map could not be written; uid 0")
            return
        os.setgroups([])
        os.setresgid(0, 0, 0)
        os.setresuid(0, 0, 0)
        state.add(
            "unprivileged uid",
            True,
            f"children run as host uid {self.uid} (root only inside their user namespace)",
        )


def _become_pid_namespace_init(state: IsolationState, uid: int | None) -> _UidSwitch | None:
    """Fork the process that serves as PID 1; this process waits for it and mirrors its exit.

    With ``uid`` (running as root), the waiting parent first writes the uid and gid maps of
    PID 1's user namespace when asked (see :class:`_UidSwitch`).
    """
    ask_r, ask_w = os.pipe()
    answer_r, answer_w = os.pipe()
    # PID 1 will mount its own /proc over this one: keep the host's view for the parent.
    host_proc = os.open("/proc", os.O_PATH | os.O_DIRECTORY)
    pid = os.fork()
    if pid:
        # Only the waiting parent remains here; it holds no pipe the server needs.
        for fd in (0, 1, ask_w, answer_r):
            with contextlib.suppress(OSError):
                os.close(fd)
        if uid is not None:
            _write_maps_when_asked(host_proc, pid, uid, ask_r, answer_w)
        os.close(ask_r)
        os.close(answer_w)
        _, status = os.waitpid(pid, 0)
        code = os.waitstatus_to_exitcode(status)
        os._exit(code if code >= 0 else 1)
    os.close(ask_r)
    os.close(answer_w)
    os.close(host_proc)
    with contextlib.suppress(OSError):
        sc.set_parent_death_signal(signal.SIGKILL)
    if state.cgroup_dir:
        state.cgroup_base_tasks += 1  # the waiting parent stays in the cgroup too
    state.pid_namespace = True
    state.add("pid namespace", True, "children see only their own processes; survivors killed")
    if uid is None:
        os.close(ask_w)
        os.close(answer_r)
        return None
    return _UidSwitch(uid, ask_w, answer_r)


def _write_maps_when_asked(host_proc: int, pid: int, uid: int, ask: int, answer: int) -> None:
    if os.read(ask, 1) != b"1":
        return
    try:
        for name in ("uid_map", "gid_map"):
            fd = os.open(f"{pid}/{name}", os.O_WRONLY, dir_fd=host_proc)
            try:
                os.write(fd, f"0 {uid} 1".encode())
            finally:
                os.close(fd)
    except OSError:
        os.write(answer, b"0")
        return
    os.write(answer, b"1")


def _create_pids_cgroup(state: IsolationState, processes: int) -> None:
    base = _pids_controller_dir()
    if base is None:
        state.add(
            "process limit", False, "no writable pids cgroup controller; fork bombs unbounded"
        )
        return
    _remove_stale_cgroups(base)
    path = os.path.join(base, f"execgym-{os.getpid()}")
    try:
        os.makedirs(path, exist_ok=True)
        with open(os.path.join(path, "pids.max"), "w") as f:
            f.write(str(processes + 2))
        # The fork-server joins once, so every child is born inside the cgroup: moving each
        # child would cost milliseconds whenever the cgroup machinery has been idle.
        with open(os.path.join(path, "cgroup.procs"), "w") as f:
            f.write(str(os.getpid()))
        state.cgroup_base_tasks = 1
        state.cgroup_dir_fd = os.open(path, os.O_PATH | os.O_DIRECTORY)
        state.cgroup_max_fd = os.open(os.path.join(path, "pids.max"), os.O_WRONLY)
        state.cgroup_dir = path
        state.add("process limit", True, f"pids cgroup {path} (pids.max set per run)")
    except OSError as exc:
        state.add("process limit", False, f"pids cgroup at {base} not usable: {exc}")


def _remove_stale_cgroups(base: str) -> None:
    """Remove empty cgroups left by fork-servers that were killed (rmdir fails on busy ones)."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(base):
            owner = entry.name.removeprefix("execgym-")
            if entry.name.startswith("execgym-") and not os.path.exists(f"/proc/{owner}"):
                with contextlib.suppress(OSError):
                    os.rmdir(entry.path)


def cgroup_members(state: IsolationState) -> list[int]:
    """The tasks in the cgroup now. The file is opened afresh each time: cgroup v1 keeps
    the list it read for an open file for a second, which would hide new members."""
    if state.cgroup_dir_fd is None:
        return []
    fd = os.open("cgroup.procs", os.O_RDONLY, dir_fd=state.cgroup_dir_fd)
    try:
        chunks = []
        while chunk := os.read(fd, 65536):
            chunks.append(chunk)
    finally:
        os.close(fd)
    return [int(pid) for pid in b"".join(chunks).split()]


def set_process_limit(state: IsolationState, processes: int) -> None:
    """Set the pids cgroup's task limit for the next child (root only; else RLIMIT_NPROC)."""
    if state.cgroup_max_fd is not None:
        os.pwrite(state.cgroup_max_fd, str(processes + state.cgroup_base_tasks).encode(), 0)


def kill_cgroup_members(state: IsolationState) -> None:
    """Kill every task of the cgroup but the fork-server's own: the detached survivors
    when there is no PID namespace to end them."""
    own = {os.getpid(), os.getppid()}
    for _ in range(100):
        try:
            pids = [pid for pid in cgroup_members(state) if pid not in own]
        except OSError:
            return
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.001)


def remove_cgroup_of(server_pid: int) -> None:
    """Remove the pids cgroup of a fork-server that has exited (from the judging process:
    inside, the cgroup tree is hidden and the server's own membership keeps it busy)."""
    base = _pids_controller_dir()
    if base is None:
        return
    path = os.path.join(base, f"execgym-{server_pid}")
    for _ in range(50):  # the last tasks may still be exiting
        try:
            os.rmdir(path)
            return
        except FileNotFoundError:
            return
        except OSError:
            time.sleep(0.002)


def _pids_controller_dir() -> str | None:
    v1 = "/sys/fs/cgroup/pids"
    if os.path.isdir(v1) and os.access(v1, os.W_OK):
        return v1
    v2 = "/sys/fs/cgroup"
    try:
        with open(os.path.join(v2, "cgroup.controllers")) as f:
            controllers = f.read().split()
    except OSError:
        return None
    if "pids" in controllers and os.access(v2, os.W_OK):
        return v2
    return None
