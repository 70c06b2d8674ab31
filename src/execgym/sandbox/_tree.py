"""CPU time and memory of a run's whole process tree, as the fork-server measures them.

With a cgroup (see ``_cgroups``) the kernel accounts every task of the tree, reaped or not;
the fork-server's own CPU time is subtracted. Without one, inside a PID namespace whose
init is the fork-server, every process there belongs to the run: the meter sums
``/proc/PID/stat`` over them (a zombie still shows its times, a reaped process's are in its
parent's), and reads only the child's own entry when the namespace's last PID shows that
the child started nothing. Without either, only the child and what it waited for count.
Memory without a memory cgroup is the resident memory of those processes plus what the
run's ``/tmp`` holds, checked while the run goes on.
"""

from __future__ import annotations

import contextlib
import os
import resource

from execgym.sandbox._cgroups import TreeCgroup

_CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
_PAGE = os.sysconf("SC_PAGE_SIZE")


class TreeMeter:
    """Readings for the run that the fork-server is supervising now."""

    def __init__(self, cgroup: TreeCgroup | None, pid_namespace: bool, work_dir: str) -> None:
        self.cgroup = cgroup if cgroup is not None and "cpu" in cgroup.has else None
        self.memory_cgroup = cgroup if cgroup is not None and "memory" in cgroup.has else None
        self.pid_namespace = pid_namespace
        self.work_dir = work_dir
        self.child = 0

    @property
    def source(self) -> str:
        if self.cgroup is not None:
            return f"cgroup v{self.cgroup.version}"
        if self.pid_namespace:
            return "the processes of the PID namespace"
        return "the child and the processes it waited for"

    def begin(self, child: int) -> None:
        self.child = child

    def cpu_seconds(self) -> float:
        """CPU time of the tree so far (only differences between readings mean anything)."""
        if self.cgroup is not None:
            me = resource.getrusage(resource.RUSAGE_SELF)
            return self.cgroup.cpu_seconds() - me.ru_utime - me.ru_stime
        if self.pid_namespace and not self._alone():
            return sum(_stat_cpu(pid) for pid in _namespace_pids())
        return _stat_cpu(self.child)

    def memory_bytes(self) -> int | None:
        """Memory of the tree now, where no memory cgroup limits it (else ``None``)."""
        if self.memory_cgroup is not None:
            return None
        pids = _namespace_pids() if self.pid_namespace else [self.child]
        resident = sum(_resident_bytes(pid) for pid in pids)
        with contextlib.suppress(OSError):
            files = os.statvfs(self.work_dir)
            resident += (files.f_blocks - files.f_bfree) * files.f_frsize
        return resident

    def _alone(self) -> bool:
        """Whether the child is the only process the run has started."""
        try:
            with open("/proc/sys/kernel/ns_last_pid", "rb") as f:
                return int(f.read()) == self.child
        except (OSError, ValueError):
            return False


def _namespace_pids() -> list[int]:
    """Every process of the PID namespace but its init (the fork-server)."""
    return [int(name) for name in os.listdir("/proc") if name.isdigit() and name != "1"]


def _stat_cpu(pid: int) -> float:
    """User plus system CPU seconds of ``pid`` and its reaped children, from /proc."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            fields = f.read().rsplit(b")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    # After the command name: state is field 3; utime, stime, cutime, cstime are 14..17.
    return sum(int(value) for value in fields[11:15]) / _CLOCK_TICKS


def _resident_bytes(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/statm", "rb") as f:
            return int(f.read().split()[1]) * _PAGE
    except (OSError, IndexError, ValueError):
        return 0
