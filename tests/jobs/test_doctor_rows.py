"""The doctor's rows measured from inside a child: resource limits and the environment."""

from __future__ import annotations

import json
import os

import pytest

from execgym.jobs import doctor_stage, probe_rows
from execgym.sandbox import RunResult, Sandbox, Verdict


def _probe(limits: dict[str, int], environment: dict[str, str]) -> RunResult:
    stdout = json.dumps({"limits": limits, "environment": environment}) + "\n"
    return RunResult(
        verdict=Verdict.OK, exit_code=0, stdout=stdout, stderr="", cpu_s=0, wall_s=0,
        peak_memory_mb=0,
    )  # fmt: skip


LIMITS = {"CPU": 5, "AS": 340 << 20, "FSIZE": 16 << 20, "NOFILE": 74, "CORE": 0, "STACK": 8 << 20}
THREADS = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1"}


def test_the_sandbox_children_run_limited_in_a_scrubbed_environment(sandbox: Sandbox) -> None:
    rows = {row["name"]: row for row in doctor_stage(sandbox).features}
    limits, environment = rows["resource limits"], rows["environment"]
    assert limits["active"] is True, limits
    for name in ("RLIMIT_CPU", "RLIMIT_AS", "RLIMIT_FSIZE", "RLIMIT_NOFILE", "RLIMIT_CORE 0"):
        assert name in limits["detail"]
    assert environment["active"] is True, environment
    assert f"PYTHONHASHSEED={sandbox.config.hash_seed}" in environment["detail"]
    assert "OMP_NUM_THREADS" in environment["detail"]


def test_an_unlimited_resource_or_core_dumps_turn_the_row_off() -> None:
    environment = {"PYTHONHASHSEED": "0", **THREADS}
    assert probe_rows(_probe(LIMITS, environment), 0)[0]["active"] is True
    unlimited = probe_rows(_probe({**LIMITS, "AS": -1}, environment), 0)[0]
    assert unlimited["active"] is False and "RLIMIT_AS unlimited" in unlimited["detail"]
    cores = probe_rows(_probe({**LIMITS, "CORE": 1 << 20}, environment), 0)[0]
    assert cores["active"] is False


def test_a_leaked_variable_or_an_unpinned_seed_turn_the_environment_row_off(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXECGYM_TEST_SECRET", "s3cret")
    clean = {"PATH": "/usr/bin", "PYTHONHASHSEED": "0", **THREADS}
    assert probe_rows(_probe(LIMITS, clean), 0)[1]["active"] is True
    leaked = probe_rows(_probe(LIMITS, {**clean, "EXECGYM_TEST_SECRET": "s3cret"}), 0)[1]
    assert leaked["active"] is False
    assert "EXECGYM_TEST_SECRET reach the child" in leaked["detail"]
    assert probe_rows(_probe(LIMITS, clean), 1)[1]["active"] is False  # another seed asked
    threads = probe_rows(_probe(LIMITS, {**clean, "OMP_NUM_THREADS": "8"}), 0)[1]
    assert threads["active"] is False and "not all 1" in threads["detail"]
    assert "EXECGYM_TEST_SECRET" in os.environ


def test_a_probe_that_does_not_report_turns_both_rows_off() -> None:
    broken = _probe(LIMITS, {}).model_copy(update={"stdout": "", "verdict": Verdict.RUNTIME_ERROR})
    rows = probe_rows(broken, 0)
    assert [row["active"] for row in rows] == [False, False]
    assert "did not report (RUNTIME_ERROR" in rows[0]["detail"]
