"""Isolation that a fork-server enters once and every child it forks inherits.

Entered once per fork-server (not per child, which is what makes it cheap):

* a **cgroup** (see ``_cgroups``) bounding the tasks, memory and CPU time of every run's
  whole process tree; where none can be made, ``RLIMIT_NPROC`` (counted inside the user
  namespace) and the fork-server's polling of the tree stand in, and the doctor says so;
* a **user namespace** when not root (so an ordinary user can create the others);
* **network**, **IPC** and **UTS** namespaces: no network (loopback included), no System V
  or POSIX IPC object of the host, a host name of its own;
* a **PID namespace** whose init is the fork-server: a child sees no host process, cannot
  signal one, and ``kill(-1)`` from the init ends every survivor;
* a **mount namespace** holding only the **minimal root** (see ``_root``): the interpreter,
  its libraries and the loaded packages read-only, a minimal ``/etc`` and ``/dev``, a fresh
  ``/proc``, and a fresh size-capped tmpfs as ``/tmp`` for every run;
* for root, an **unprivileged uid**: after building the root, the fork-server moves into a
  user namespace whose uid 0 is an unprivileged host uid (65534 by default), so children
  own nothing on the host;
* a fresh **session keyring**, then the **syscall filter** (see ``_seccomp``);
* no capabilities at exec, ``no_new_privs``.

Each feature that cannot be entered is recorded with the reason, and ``execgym doctor``
prints the record. Nothing here is fatal: a missing feature is reported, not hidden.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import time
from dataclasses import dataclass, field
from typing import Any

from execgym.sandbox import _cgroups, _root
from execgym.sandbox import _syscalls as sc
from execgym.sandbox._cgroups import TreeCgroup


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
    private_root: bool = False
    cgroup: TreeCgroup | None = None
    oom_protected: bool = False
    child_filter: sc.SeccompProgram | None = None
    visible: list[str] = field(default_factory=list)

    def add(self, name: str, active: bool, detail: str) -> None:
        self.features.append(Feature(name, active, detail))


def enter_isolation(options: dict[str, Any]) -> IsolationState:
    """Enter everything; returns in the process that will serve (the new PID 1 if any)."""
    state = IsolationState()
    is_root = os.geteuid() == 0
    use_namespaces = bool(options.get("namespaces", True))
    with contextlib.suppress(OSError):
        sc.set_parent_death_signal(signal.SIGKILL)
    plan = None
    if use_namespaces and options.get("minimal_root", True):
        plan = _root.plan_root(
            tuple(options.get("read_only_paths", ())), tuple(options.get("packages", ()))
        )
    if options.get("cgroup", True):
        _join_cgroup(state, int(options.get("processes", 32)))
    else:
        state.add("process limit", True, "RLIMIT_NPROC (the cgroup is disabled by configuration)")
        state.add("limits over the process tree", False, "cgroup disabled by configuration")
    if is_root:
        _protect_from_oom_killer(state)
    if use_namespaces:
        _enter_namespaces(state, plan, is_root, int(options.get("sandbox_uid", 65534)))
    else:
        for name in ("user namespace", "network namespace", "pid namespace", "mount namespace"):
            state.add(name, False, "disabled by configuration")
        state.add("minimal root", False, "disabled by configuration: the host is visible")
    _restrict_children(state)
    _fresh_keyring(state)
    _load_filters(state, options)
    return state


def _enter_namespaces(
    state: IsolationState, plan: _root.RootPlan | None, is_root: bool, sandbox_uid: int
) -> None:
    flags = _unshare_best(state, is_root)
    switch: _UidSwitch | None = None
    if flags & sc.CLONE_NEWPID:
        switch = _become_pid_namespace_init(state, sandbox_uid if is_root else None)
    if flags & sc.CLONE_NEWUTS:
        with contextlib.suppress(OSError):
            socket.sethostname("sandbox")
    if flags & sc.CLONE_NEWNS and plan is not None:
        _enter_minimal_root(state, plan)
    elif flags & sc.CLONE_NEWNS:
        state.add("minimal root", False, "disabled by configuration: the host is visible")
        if state.pid_namespace:
            # The PID namespace's own /proc, so that what the fork-server reads there is its.
            sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
            sc.mount("proc", "/proc", "proc", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)
    if switch is not None:
        switch.complete(state)
        if state.private_root:
            # A mount namespace of the new user namespace's own, so that the fork-server,
            # now unprivileged on the host, can still mount each run's /tmp.
            try:
                sc.unshare(sc.CLONE_NEWNS)
            except OSError as exc:
                state.private_root = False
                state.add("per-run /tmp", False, f"cannot mount after the uid switch: {exc}")
    elif is_root:
        state.add("unprivileged uid", False, "needs a PID namespace; children run as uid 0")


def _enter_minimal_root(state: IsolationState, plan: _root.RootPlan) -> None:
    try:
        report = _root.enter_root(plan, fresh_proc=state.pid_namespace)
    except OSError as exc:
        state.add("mount namespace", True, "private mount table")
        state.add("minimal root", False, f"could not be built ({exc}): the host is visible")
        return
    state.private_root = True
    state.visible = plan.visible()
    state.add("mount namespace", True, "private mount table")
    shown = ", ".join(state.visible[:8]) + (", ..." if len(state.visible) > 8 else "")
    state.add(
        "minimal root",
        True,
        f"pivot_root into a read-only tmpfs showing {len(state.visible)} paths ({shown}); "
        "`execgym doctor` lists them all",
    )
    for missing in plan.missing:
        state.add("read-only bind", False, f"{missing} does not exist")
    if state.pid_namespace:
        state.add(
            "private /proc",
            report.fresh_proc,
            "shows only the sandbox's processes" if report.fresh_proc else "host /proc shown",
        )
    state.add(
        "per-run /tmp",
        True,
        "a fresh size- and inode-capped tmpfs per run, unmounted after it (the working "
        "directory; /var/tmp and /dev/shm point there)",
    )
    state.add("devices", True, "/dev holds null, zero, full, random, urandom; no ptmx, no tty")
    for error in report.errors:
        state.add("minimal root error", False, error)


def _join_cgroup(state: IsolationState, processes: int) -> None:
    cgroup, why = _cgroups.create(os.getpid(), processes)
    state.cgroup = cgroup
    has = cgroup.has if cgroup is not None else set()
    where = f"cgroup v{cgroup.version}" if cgroup is not None else ""
    if "pids" in has:
        state.add("process limit", True, f"{where} pids controller, set per run")
    else:
        state.add("process limit", True, "RLIMIT_NPROC (counted inside the user namespace)")
    if "memory" in has:
        state.add(
            "memory limit (process tree)",
            True,
            f"{where} memory controller: the whole tree of a run, files in /tmp included",
        )
    else:
        state.add(
            "memory limit (process tree)",
            False,
            f"no memory cgroup ({why}); per process RLIMIT_AS, and the tree's resident memory "
            "plus /tmp checked every 20 ms",
        )
    if "cpu" in has:
        state.add("CPU accounting (process tree)", True, f"{where}: survivors counted too")
    else:
        state.add(
            "CPU accounting (process tree)",
            False,
            f"no CPU cgroup ({why}); summed from /proc over the PID namespace",
        )


def _protect_from_oom_killer(state: IsolationState) -> None:
    """Exempt the fork-server from the OOM killer, without letting children exempt
    themselves: the legacy file lowers the score without lowering the floor that an
    unprivileged child may later set (each child raises its own back to 0)."""
    try:
        with open("/proc/self/oom_adj", "w") as f:
            f.write("-17")
        state.oom_protected = True
    except OSError:
        state.oom_protected = False


def _restrict_children(state: IsolationState) -> None:
    """Drop, once, what every child must never have: bounding-set capabilities, root's
    privileges at exec, and new privileges from setuid binaries. Each child then only
    clears its own capability sets."""
    try:
        sc.restrict_descendants()
        state.add("privileges", True, "no capabilities, no_new_privs, root gains nothing at exec")
    except OSError as exc:
        state.add("privileges", False, f"could not drop privileges: {exc}")


def _fresh_keyring(state: IsolationState) -> None:
    try:
        sc.join_new_session_keyring()
        state.add("keyring", True, "a fresh empty session keyring; keyring calls denied")
    except OSError as exc:
        state.add("keyring", False, f"could not leave the caller's session keyring: {exc}")


def _load_filters(state: IsolationState, options: dict[str, Any]) -> None:
    if "seccomp_server" not in options:
        reason = options.get("seccomp_error", "not requested")
        state.add("syscall filter", False, f"none: {reason}")
        return
    try:
        number = int(options["seccomp_syscall"])
        server = sc.SeccompProgram(bytes.fromhex(options["seccomp_server"]), number)
        state.child_filter = sc.SeccompProgram(bytes.fromhex(options["seccomp_child"]), number)
        server.load()
    except (OSError, ValueError) as exc:
        state.child_filter = None
        state.add("syscall filter", False, f"could not be loaded: {exc}")
        return
    denied = options.get("seccomp_denied", [])
    state.add(
        "syscall filter",
        True,
        f"seccomp: {len(denied)} kinds of call denied ("
        + ", ".join(map(str, denied[:8]))
        + ", ...)",
    )


def _unshare_best(state: IsolationState, is_root: bool) -> int:
    uid, gid = os.getuid(), os.getgid()
    user = 0 if is_root else sc.CLONE_NEWUSER
    others = sc.CLONE_NEWIPC | sc.CLONE_NEWUTS
    attempts = [
        user | sc.CLONE_NEWNS | sc.CLONE_NEWNET | sc.CLONE_NEWPID | others,
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
    state.add(
        "ipc and uts namespaces",
        bool(flags & sc.CLONE_NEWIPC),
        "no IPC object of the host; host name 'sandbox'" if flags & sc.CLONE_NEWIPC else why,
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
            why + "; the host's files are visible and /tmp is shared",
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
    # PID 1 will build its own root and /proc: keep the host's /proc for the parent.
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
        # A signal that ended the server shows as 128 + its number, as a shell reports it
        # (the judging process tells an OOM kill from a crash by it).
        os._exit(code if code >= 0 else 128 - code)
    os.close(ask_r)
    os.close(answer_w)
    os.close(host_proc)
    with contextlib.suppress(OSError):
        sc.set_parent_death_signal(signal.SIGKILL)
    if state.cgroup is not None:
        state.cgroup.base_tasks += 1  # the waiting parent stays in the cgroup too
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


def set_process_limit(state: IsolationState, processes: int) -> None:
    """Set the pids cgroup's task limit for the next child (else RLIMIT_NPROC applies)."""
    if state.cgroup is not None:
        with contextlib.suppress(OSError):
            state.cgroup.set_task_limit(processes)


def kill_cgroup_members(state: IsolationState) -> None:
    """Kill every task of the cgroup but the fork-server's own: the detached survivors
    when there is no PID namespace to end them."""
    if state.cgroup is None:
        return
    own = {os.getpid(), os.getppid()}
    for _ in range(100):
        try:
            pids = [pid for pid in state.cgroup.members() if pid not in own]
        except OSError:
            return
        if not pids:
            return
        for pid in pids:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.001)
