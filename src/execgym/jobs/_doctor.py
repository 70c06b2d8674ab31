"""The doctor (``execgym doctor``, the main job's first stage): what isolation the sandbox
has on this machine, and whether it runs.

The isolation rows come from the sandbox itself (what its fork-server entered). Two more
are measured from inside a child by a probe program (:data:`LIMITS_PROBE`): the resource
limits a child really runs under, and its environment (scrubbed, hash seed pinned, BLAS
threads set to one), the README's last two isolation rows.
"""

from __future__ import annotations

import json
import os
import platform
import sys
from dataclasses import dataclass
from typing import Any

from execgym.sandbox import Limits, RunResult, Sandbox, Verdict, checker_names

TRIVIAL_PROGRAM = "print(sum(range(10)))\n"
TRIVIAL_PROGRAM_OUTPUT = "45\n"

LIMITS_PROBE = """\
import json, os, resource
names = ("CPU", "AS", "FSIZE", "NOFILE", "CORE", "STACK", "NPROC")
limits = {n: resource.getrlimit(getattr(resource, "RLIMIT_" + n))[0] for n in names}
print(json.dumps({"limits": limits, "environment": dict(os.environ)}))
"""
"""Prints the soft limits and the environment the child runs with, as JSON."""
PROBE_TIME_S = 2.0
PROBE_MEMORY_MB = 256
"""The limits the probe asks for; the doctor shows the kernel limits a child gets for them."""
CHILD_OWN_VARIABLES = frozenset({"PATH", "LANG", "HOME", "TMPDIR", "PYTHONHASHSEED"})
"""Variables the sandbox sets for the child itself (with the allocator and thread ones)."""


@dataclass
class DoctorReport:
    """What the sandbox can do on this machine."""

    features: list[dict[str, Any]]
    python_version: str
    python_executable: str
    uid: int
    cores: int
    checkers: list[str]
    trivial_run: RunResult | None
    error: str | None = None
    visible: list[str] | None = None

    @property
    def sandbox_works(self) -> bool:
        trivial_run = self.trivial_run
        return (
            self.error is None
            and trivial_run is not None
            and trivial_run.verdict is Verdict.OK
            and trivial_run.stdout == TRIVIAL_PROGRAM_OUTPUT
        )

    @property
    def missing_features(self) -> list[str]:
        return [str(feature["name"]) for feature in self.features if not feature["active"]]

    def as_json(self) -> dict[str, Any]:
        return {
            "sandbox_works": self.sandbox_works,
            "features": self.features,
            "python_version": self.python_version,
            "python_executable": self.python_executable,
            "uid": self.uid,
            "cores": self.cores,
            "checkers": self.checkers,
            "visible": self.visible,
            "trivial_run": self.trivial_run.model_dump(mode="json") if self.trivial_run else None,
            "error": self.error,
        }


def doctor_stage(sandbox: Sandbox) -> DoctorReport:
    """Ask ``sandbox`` what isolation it entered and run one trivial program through it."""
    features: list[dict[str, Any]] = []
    trivial_run: RunResult | None = None
    error: str | None = None
    visible: list[str] | None = None
    try:
        features = sandbox.isolation_report()
        visible = sandbox.visible_paths()
        trivial_run = sandbox.run(TRIVIAL_PROGRAM, "", Limits(time_s=5.0))
        probe = sandbox.run(
            LIMITS_PROBE, "", Limits(time_s=PROBE_TIME_S, memory_mb=PROBE_MEMORY_MB)
        )
        features.extend(probe_rows(probe, sandbox.config.hash_seed))
    except Exception as exc:  # the doctor reports any failure to start instead of crashing
        error = f"{type(exc).__name__}: {exc}"
    try:
        checkers = checker_names()
    except Exception as exc:
        checkers = []
        error = error or f"checkers failed to load: {type(exc).__name__}: {exc}"
    return DoctorReport(
        features=features,
        python_version=platform.python_version(),
        python_executable=sys.executable,
        uid=os.getuid(),
        cores=len(os.sched_getaffinity(0)),
        checkers=checkers,
        trivial_run=trivial_run,
        error=error,
        visible=visible,
    )


def probe_rows(probe: RunResult, hash_seed: int) -> list[dict[str, Any]]:
    """The "resource limits" and "environment" rows, from :data:`LIMITS_PROBE`'s run."""
    try:
        seen = json.loads(probe.stdout)
        limits: dict[str, int] = seen["limits"]
        environment: dict[str, str] = seen["environment"]
    except (ValueError, KeyError, TypeError):
        detail = f"the probe program did not report ({probe.verdict.value}: {probe.detail})"
        return [
            {"name": "resource limits", "active": False, "detail": detail},
            {"name": "environment", "active": False, "detail": detail},
        ]
    return [_limits_row(limits), _environment_row(environment, hash_seed)]


def _limits_row(limits: dict[str, int]) -> dict[str, Any]:
    def shown(name: str, unit: str = "", shift: int = 0) -> str:
        value = limits.get(name, -1)
        return "unlimited" if value < 0 else f"{value >> shift}{unit}"

    bounded = ("CPU", "AS", "FSIZE", "NOFILE", "STACK")
    held = all(limits.get(name, -1) >= 0 for name in bounded) and limits.get("CORE") == 0
    detail = (
        f"a child asked for {PROBE_TIME_S:g} CPU s and {PROBE_MEMORY_MB} MB runs "
        f"under RLIMIT_CPU {shown('CPU', ' s')}, RLIMIT_AS {shown('AS', ' MB', 20)} (with the "
        f"preloaded interpreter), RLIMIT_FSIZE {shown('FSIZE', ' MB', 20)}, RLIMIT_NOFILE "
        f"{shown('NOFILE')}, RLIMIT_STACK {shown('STACK', ' MB', 20)}, RLIMIT_CORE "
        f"{shown('CORE')}, RLIMIT_NPROC {shown('NPROC')}; per-test CPU and wall timers on top"
    )
    return {"name": "resource limits", "active": held, "detail": detail}


def _environment_row(environment: dict[str, str], hash_seed: int) -> dict[str, Any]:
    threads = {name: value for name, value in environment.items() if "THREADS" in name}
    own = CHILD_OWN_VARIABLES | set(threads) | {"MALLOC_ARENA_MAX"}
    leaked = sorted(name for name in environment if name in os.environ and name not in own)
    pinned = environment.get("PYTHONHASHSEED") == str(hash_seed)
    single = bool(threads) and all(value == "1" for value in threads.values())
    parts = [
        f"{len(environment)} variables, none of this process's"
        if not leaked
        else f"this process's {', '.join(leaked)} reach the child",
        f"PYTHONHASHSEED={environment.get('PYTHONHASHSEED', 'unset')}",
        f"{', '.join(sorted(threads))} = 1" if single else "BLAS thread variables not all 1",
    ]
    return {
        "name": "environment",
        "active": not leaked and pinned and single,
        "detail": "; ".join(parts),
    }
