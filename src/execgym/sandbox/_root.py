"""The minimal root a child sees: only what the interpreter needs, read-only.

The fork-server builds it once, in its own mount namespace, then ``pivot_root``s into it and
detaches the host's tree, so no path of the host stays reachable:

* a small tmpfs as ``/``, read-only once built;
* read-only binds of the interpreter (its executable and the symlinks leading to it, the
  standard library, ``libpython``), the shared-library directories, and from each
  ``site-packages`` on ``sys.path`` only the entries the fork-server has loaded modules from
  (so a package's data — a benchmark's hidden tests shipped in a package, say — stays out
  unless the caller preloads that package);
* a minimal ``/etc`` written afresh (``passwd``, ``group``, ``hosts``) plus the host's
  ``ld.so.cache`` and ``localtime``;
* a minimal ``/dev``: ``null``, ``zero``, ``full``, ``random``, ``urandom`` and the usual
  symlinks; no ``ptmx``, no terminals;
* a fresh ``/proc`` for the PID namespace, with ``/proc/sys`` and the other writable kernel
  knobs read-only and the files that describe the kernel's internals masked;
* an empty ``/tmp``, on which the fork-server mounts a fresh, size- and inode-capped tmpfs
  for every run (the working directory); ``/var/tmp`` and ``/dev/shm`` point into it;
* the caller's extra read-only binds (``SandboxConfig.read_only_paths``), at their own paths.

:func:`plan_root` reads the host (before any namespace is entered); :func:`enter_root`
builds the tree and pivots into it.
"""

from __future__ import annotations

import contextlib
import glob
import os
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import dataclass, field

from execgym.sandbox import _syscalls as sc

DEVICES = ("null", "zero", "full", "random", "urandom")
DEV_LINKS = {
    "fd": "/proc/self/fd",
    "stdin": "/proc/self/fd/0",
    "stdout": "/proc/self/fd/1",
    "stderr": "/proc/self/fd/2",
    "shm": "/tmp",
}
WORK_DIR = "/tmp"
"""The per-run working directory (a fresh tmpfs each run), also ``HOME`` and ``TMPDIR``."""

LIBRARY_DIRS = (
    "/lib",
    "/lib64",
    "/lib32",
    "/usr/lib64",
    "/usr/lib32",
    "/lib/x86_64-linux-gnu",
    "/usr/lib/x86_64-linux-gnu",
    "/lib/aarch64-linux-gnu",
    "/usr/lib/aarch64-linux-gnu",
)
"""Where the dynamic linker finds shared libraries (those that exist are bound; a symlink
among them is recreated). Distributions that keep libraries in ``/usr/lib`` itself get it
through the directories of the libraries the fork-server has mapped."""
RESERVED = ("/tmp", "/var/tmp", "/dev", "/proc", "/sys")
"""Places of the root that are the sandbox's own: no extra bind may lie there."""


def check_extra_path(path: str) -> str:
    """``path`` as an absolute, resolved path an extra read-only bind may show; a
    ``ValueError`` names what is wrong with it."""
    real = os.path.realpath(path)
    for place in RESERVED:
        if real == place or real.startswith(place + "/"):
            raise ValueError(
                f"read-only path {path!r}: it lies under {place}, which the sandbox provides "
                "itself (every run gets a fresh /tmp); keep data files elsewhere"
            )
    if real == "/":
        raise ValueError("read-only path '/': that would show the whole host")
    return real


ETC_FILES = ("ld.so.cache", "localtime")
SHARED_DATA = ("/usr/share/zoneinfo",)
"""Read-only data the standard library reads (``zoneinfo``)."""

PROC_READ_ONLY = ("sys", "sysrq-trigger", "irq", "bus", "fs")
PROC_MASKED = ("kcore", "keys", "key-users", "timer_list", "sched_debug", "latency_stats")


@dataclass(frozen=True)
class Bind:
    """A host path (``source``) shown read-only at ``target`` inside the root."""

    source: str
    target: str
    is_dir: bool


@dataclass
class RootPlan:
    """Everything the minimal root will hold, computed from the host before isolation."""

    binds: list[Bind] = field(default_factory=list)
    symlinks: dict[str, str] = field(default_factory=dict)
    packages: dict[str, list[Bind]] = field(default_factory=dict)
    """Module directories (``site-packages`` and the like) shown with only some of their
    entries: each is covered by an empty tmpfs if a bind above shows it, then the entries
    are bound into it."""
    files: dict[str, str] = field(default_factory=dict)
    missing: list[str] = field(default_factory=list)
    """Extra binds the caller asked for that do not exist (reported, not fatal)."""

    def visible(self) -> list[str]:
        """What a child can see, for the doctor: one line per bound path."""
        shown = {bind.target for bind in self.binds} | set(self.files)
        shown |= {bind.target for binds in self.packages.values() for bind in binds}
        return sorted(shown)


def plan_root(extra_paths: tuple[str, ...] = (), packages: tuple[str, ...] = ()) -> RootPlan:
    """Decide what the root shows; call after preloading, before entering namespaces.

    ``packages`` names third-party packages to show although nothing loaded them yet."""
    plan = RootPlan()
    seen: set[str] = set()

    def bind(path: str, target: str | None = None) -> None:
        real = os.path.realpath(path)
        target = target or real
        if target in seen or not os.path.exists(real):
            return
        seen.add(target)
        plan.binds.append(Bind(real, target, os.path.isdir(real)))

    _plan_executable(plan, sys.executable, bind)
    stdlib_dirs = _stdlib_dirs()
    for directory in stdlib_dirs:
        bind(directory)
    libpython = _libpython()
    if libpython:
        bind(libpython)
    for directory in LIBRARY_DIRS:
        if os.path.islink(directory):
            plan.symlinks[directory] = os.readlink(directory)
        elif os.path.isdir(directory):
            bind(directory)
    for library in _mapped_libraries():
        bind(library)
    for directory in SHARED_DATA:
        if os.path.isdir(directory):
            bind(directory)
    for name in ETC_FILES:
        path = os.path.join("/etc", name)
        if os.path.exists(path):
            bind(path, path)
    for directory, entries in _package_entries(stdlib_dirs, packages).items():
        plan.packages[directory] = [
            Bind(os.path.realpath(path), path, os.path.isdir(path))
            for path in (os.path.join(directory, entry) for entry in sorted(entries))
        ]
    for path in extra_paths:
        if os.path.exists(path):
            bind(check_extra_path(path))
        else:
            plan.missing.append(path)
    plan.files.update(_etc_files())
    plan.binds = _outermost(plan.binds)
    return plan


def _outermost(binds: list[Bind]) -> list[Bind]:
    """Drop the binds another bound directory already shows; parents first."""
    directories = [b.target for b in binds if b.is_dir]
    kept = [
        b
        for b in binds
        if not any(b.target != d and b.target.startswith(d.rstrip("/") + "/") for d in directories)
    ]
    return sorted(kept, key=lambda b: b.target.count("/"))


def _plan_executable(
    plan: RootPlan, executable: str, bind: Callable[[str, str | None], None]
) -> None:
    """The interpreter at the path ``sys.executable`` names, through any symlinks."""
    path = os.path.abspath(executable)
    for _ in range(16):
        if not os.path.islink(path):
            break
        link = os.readlink(path)
        plan.symlinks[path] = link
        path = os.path.normpath(os.path.join(os.path.dirname(path), link))
    bind(path, None)
    venv = os.path.join(sys.prefix, "pyvenv.cfg")
    if sys.prefix != sys.base_prefix and os.path.exists(venv):
        bind(venv, venv)


def _stdlib_dirs() -> list[str]:
    """The standard library and its extension modules, where this interpreter loads them."""
    found = {os.path.dirname(os.path.realpath(os.__file__))}
    for name in ("_json", "math", "select"):
        module = sys.modules.get(name)
        location = getattr(module, "__file__", None)
        if isinstance(location, str):
            found.add(os.path.dirname(os.path.realpath(location)))
    return sorted(p for p in found if os.path.isdir(p))


def _libpython() -> str | None:
    if not sysconfig.get_config_var("Py_ENABLE_SHARED"):
        return None
    libdir = sysconfig.get_config_var("LIBDIR")
    name = sysconfig.get_config_var("LDLIBRARY")
    if not isinstance(libdir, str) or not isinstance(name, str):
        return None
    path = os.path.join(libdir, name)
    return path if os.path.exists(path) else None


def _mapped_files() -> set[str]:
    """Files mapped into this process: shared libraries and extension modules."""
    found: set[str] = set()
    with contextlib.suppress(OSError), open("/proc/self/maps") as maps:
        for line in maps:
            parts = line.split(None, 5)
            if len(parts) == 6 and parts[5].startswith("/"):
                found.add(parts[5].rstrip("\n").removesuffix(" (deleted)"))
    return found


def _mapped_libraries() -> set[str]:
    """The shared libraries this process has mapped, outside the module directories (which
    are handled entry by entry)."""
    return {
        os.path.realpath(path)
        for path in _mapped_files()
        if ".so" in os.path.basename(path) and "-packages" not in path
    }


SYSTEM_PACKAGE_GLOBS = (
    "/usr/lib/python3*/dist-packages",
    "/usr/lib/python3*/site-packages",
    "/usr/local/lib/python3*/dist-packages",
    "/usr/local/lib/python3*/site-packages",
)
"""Module directories inside the library directories, shown only in part like the others."""


def _package_entries(stdlib_dirs: list[str], packages: tuple[str, ...]) -> dict[str, set[str]]:
    """For every module directory on ``sys.path`` beyond the standard library, and every
    system one: the entries (packages, modules, vendored libraries) this process loaded
    something from, and those of the named ``packages`` (with the ``NAME.libs`` directory
    of vendored shared libraries a wheel may carry)."""
    stdlib = [os.path.realpath(d) for d in stdlib_dirs]
    candidates = list(sys.path)
    candidates += [p for pattern in SYSTEM_PACKAGE_GLOBS for p in sorted(glob.glob(pattern))]
    candidates += [
        os.path.join(d, name) for d in stdlib for name in ("site-packages", "dist-packages")
    ]
    directories: list[str] = []
    for entry in candidates:
        if not entry or not os.path.isdir(entry):
            continue
        real = os.path.realpath(entry)
        if real in stdlib or real == "/" or real in directories:
            continue
        if any(real.startswith(d + "/") for d in stdlib) and not real.endswith("-packages"):
            continue  # a package of the standard library itself
        directories.append(real)
    loaded: list[str] = list(_mapped_files())
    for module in list(sys.modules.values()):
        loaded.extend(_module_files(module))
    entries: dict[str, set[str]] = {directory: set() for directory in directories}
    for name in packages:
        for directory in directories:
            for entry in (name, f"{name}.py", f"{name}.libs"):
                if os.path.exists(os.path.join(directory, entry)):
                    entries[directory].add(entry)
            entries[directory].update(
                found
                for found in _listing(directory)
                if found.startswith(f"{name}.") and found.endswith(".so")
            )
    for path in loaded:
        real = os.path.realpath(path)
        for directory in directories:
            if real.startswith(directory + "/"):
                entries[directory].add(real[len(directory) + 1 :].split("/")[0])
                break
    return entries


def _listing(directory: str) -> list[str]:
    try:
        return os.listdir(directory)
    except OSError:
        return []


def _module_files(module: object) -> list[str]:
    files = []
    location = getattr(module, "__file__", None)
    if isinstance(location, str):
        files.append(location)
    search = getattr(module, "__path__", None)
    with contextlib.suppress(TypeError):
        files.extend(p for p in list(search or []) if isinstance(p, str))
    return files


def _etc_files() -> dict[str, str]:
    # Children run as uid 0 of their user namespace (under root) or as the caller's uid.
    uid, gid = (os.getuid(), os.getgid()) if os.geteuid() != 0 else (1000, 1000)
    return {
        "/etc/passwd": (
            "root:x:0:0:root:/tmp:/nonexistent\n"
            f"sandbox:x:{uid}:{gid}:sandbox:/tmp:/nonexistent\n"
            "nobody:x:65534:65534:nobody:/nonexistent:/nonexistent\n"
        ),
        "/etc/group": f"root:x:0:\nsandbox:x:{gid}:\nnogroup:x:65534:\n",
        "/etc/hosts": "127.0.0.1\tlocalhost\n::1\tlocalhost\n",
        "/etc/hostname": "sandbox\n",
    }


@dataclass
class RootReport:
    """What :func:`enter_root` managed: the fresh ``/proc``, and any bind that failed."""

    fresh_proc: bool = False
    errors: list[str] = field(default_factory=list)


STAGING = "/tmp"
"""Where the new root is assembled: a fresh tmpfs mounted over this path (in the private
mount namespace only); host paths are reached through a descriptor of the old root."""


def enter_root(plan: RootPlan, fresh_proc: bool) -> RootReport:
    """Build the root from ``plan`` and ``pivot_root`` into it (in a private mount
    namespace; as its init when ``fresh_proc``). Raises ``OSError`` if the root cannot be
    built; a bind that fails is reported and left out."""
    report = RootReport()
    sc.mount(None, "/", None, sc.MS_REC | sc.MS_PRIVATE)
    host = os.open("/", os.O_PATH | os.O_DIRECTORY)
    sc.mount("tmpfs", STAGING, "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, _ROOT_TMPFS)
    try:
        _build(plan, fresh_proc, lambda path: f"/proc/self/fd/{host}/{path.lstrip('/')}", report)
    except BaseException:
        # Nothing is pivoted yet: give the host's tree back, whole, to the caller.
        with contextlib.suppress(OSError):
            sc.umount(STAGING, sc.MNT_DETACH)
        raise
    finally:
        os.close(host)
    os.chdir(STAGING)
    os.mkdir(".old-root")
    sc.pivot_root(".", ".old-root")
    sc.umount("/.old-root", sc.MNT_DETACH)
    os.rmdir("/.old-root")
    os.chdir("/")
    sc.mount(None, "/", None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY | _ROOT_FLAGS)
    return report


def _build(
    plan: RootPlan, fresh_proc: bool, host_path: Callable[[str], str], report: RootReport
) -> None:
    for path in ("tmp", "proc", "dev", "etc", "var"):
        os.mkdir(_staged(path), 0o755)
    os.symlink("../tmp", _staged("var/tmp"))
    for bind in plan.binds:
        _try_bind(host_path(bind.source), bind, report)
    for directory, entries in sorted(plan.packages.items()):
        if os.path.isdir(_staged(directory)):  # shown whole by a bind above: cover it
            sc.mount("tmpfs", _staged(directory), "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, _SMALL)
        else:
            os.makedirs(_staged(directory), 0o755)
        for bind in entries:
            _try_bind(host_path(bind.source), bind, report)
    for path, link in plan.symlinks.items():
        with contextlib.suppress(FileExistsError):
            os.makedirs(os.path.dirname(_staged(path)), exist_ok=True)
            os.symlink(link, _staged(path))
    for path, text in plan.files.items():
        with open(_staged(path), "w") as f:
            f.write(text)
    for name in DEVICES:
        try:
            _bind_device(host_path(f"/dev/{name}"), _staged(f"dev/{name}"))
        except OSError as exc:
            report.errors.append(f"/dev/{name}: {exc.strerror or exc}")
    for name, link in DEV_LINKS.items():
        os.symlink(link, _staged(f"dev/{name}"))
    report.fresh_proc = fresh_proc and _mount_proc(_staged("proc"), report)
    if not report.fresh_proc:
        _bind_read_only(host_path("/proc"), _staged("proc"), True)


_ROOT_TMPFS = "size=2m,nr_inodes=8192,mode=0755"
_SMALL = "size=64k,nr_inodes=4096,mode=0755"


def _try_bind(source: str, bind: Bind, report: RootReport) -> None:
    try:
        _bind_read_only(source, _staged(bind.target), bind.is_dir)
    except OSError as exc:
        report.errors.append(f"{bind.target}: {exc.strerror or exc}")


_ROOT_FLAGS = sc.MS_NOSUID | sc.MS_NODEV


def _staged(path: str) -> str:
    return os.path.join(STAGING, path.lstrip("/"))


def _make_mount_point(target: str, is_dir: bool) -> None:
    if os.path.lexists(target):
        return
    os.makedirs(os.path.dirname(target), exist_ok=True)
    if is_dir:
        os.mkdir(target, 0o755)
    else:
        with open(target, "w"):
            pass


def _bind_read_only(source: str, target: str, is_dir: bool) -> None:
    _make_mount_point(target, is_dir)
    sc.mount(source, target, None, sc.MS_BIND | sc.MS_REC)
    flags = _locked_flags(target) | sc.MS_NOSUID | sc.MS_NODEV
    sc.mount(None, target, None, sc.MS_REMOUNT | sc.MS_BIND | sc.MS_RDONLY | flags)


def _bind_device(source: str, target: str) -> None:
    _make_mount_point(target, is_dir=False)
    sc.mount(source, target, None, sc.MS_BIND)
    flags = _locked_flags(target) | sc.MS_NOSUID | sc.MS_NOEXEC
    sc.mount(None, target, None, sc.MS_REMOUNT | sc.MS_BIND | flags)


_STATVFS_FLAGS = {
    os.ST_NOSUID: sc.MS_NOSUID,
    os.ST_NODEV: sc.MS_NODEV,
    os.ST_NOEXEC: sc.MS_NOEXEC,
    os.ST_NOATIME: sc.MS_NOATIME,
    os.ST_NODIRATIME: sc.MS_NODIRATIME,
    os.ST_RELATIME: sc.MS_RELATIME,
}


def _locked_flags(path: str) -> int:
    """The mount flags a remount inside a user namespace must keep (it may not clear them)."""
    current = os.statvfs(path).f_flag
    return sum(ms for st, ms in _STATVFS_FLAGS.items() if current & st)


def _mount_proc(target: str, report: RootReport) -> bool:
    try:
        sc.mount("proc", target, "proc", sc.MS_NOSUID | sc.MS_NODEV | sc.MS_NOEXEC)
    except OSError as exc:
        report.errors.append(f"/proc: {exc.strerror or exc}; the host's /proc is shown instead")
        return False
    for name in PROC_READ_ONLY:
        path = os.path.join(target, name)
        if os.path.exists(path):
            try:
                _bind_read_only(path, path, os.path.isdir(path))
            except OSError as exc:
                report.errors.append(f"/proc/{name} read-only: {exc.strerror or exc}")
    for name in PROC_MASKED:
        path = os.path.join(target, name)
        if os.path.exists(path):
            try:
                if os.path.isdir(path):
                    sc.mount("tmpfs", path, "tmpfs", sc.MS_RDONLY, "size=4k,mode=0555")
                else:
                    sc.mount(os.path.join(target, "..", "dev", "null"), path, None, sc.MS_BIND)
            except OSError as exc:
                report.errors.append(f"/proc/{name} masked: {exc.strerror or exc}")
    return True


class WorkArea:
    """The per-run tmpfs on :data:`WORK_DIR`: size- and inode-capped, mounted for a run and
    detached after it, so whatever a program left there (any number of files, any depth)
    is freed at once and cannot reach the next run.

    A run that left the tmpfs exactly as it was mounted — one inode, no block, no extended
    attribute, the same mode, owner and timestamps of its root — leaves nothing to leak;
    its tmpfs is kept for the next run instead of being remounted, which most programs
    (those that write no file) never notice but the fork-server does.
    """

    def __init__(self, size_bytes: int, inodes: int) -> None:
        self.options = f"size={max(size_bytes, 1 << 16)},nr_inodes={inodes},mode=0777"
        self._mounted: tuple[object, ...] | None = None

    def open(self) -> str:
        if self._mounted is None:
            sc.mount("tmpfs", WORK_DIR, "tmpfs", sc.MS_NOSUID | sc.MS_NODEV, self.options)
            self._mounted = _pristine_state()
        return WORK_DIR

    def close(self) -> None:
        """After a run (its processes all gone): detach the tmpfs unless it is untouched."""
        if self._mounted is not None and _pristine_state() == self._mounted:
            return
        self._mounted = None
        sc.umount(WORK_DIR, sc.MNT_DETACH)


def _pristine_state() -> tuple[object, ...]:
    info = os.stat(WORK_DIR)
    usage = os.statvfs(WORK_DIR)
    return (
        info.st_mode,
        info.st_uid,
        info.st_gid,
        info.st_nlink,
        info.st_mtime_ns,
        info.st_ctime_ns,
        usage.f_files - usage.f_ffree,
        usage.f_blocks - usage.f_bfree,
        tuple(os.listxattr(WORK_DIR)),
    )
