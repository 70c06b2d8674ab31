"""Shared machinery of the security tests: hostile cases, and running them in both modes.

A :class:`Case` is a hostile program, how it is run (``Sandbox.run`` or judged against a
stdin or call test) and the verdicts it may honestly get. :func:`run_case` runs one in this
process's sandbox (root mode when the suite runs as root). :func:`run_as_ordinary_user`
runs a batch of cases through ``_user_driver.py`` in a process of an ordinary user (created
when the suite runs as root), so that every class is also checked where the sandbox has no
privileges; it returns the outcomes by case id, or a reason the machine cannot do it.
"""

from __future__ import annotations

import json
import os
import pwd
import secrets
import shutil
import subprocess
import sys
import sysconfig
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from execgym.sandbox import CallTest, JudgeRequest, Limits, Sandbox, StdioTest, Verdict

REPO = Path(__file__).resolve().parents[3]
DRIVER = Path(__file__).resolve().parent / "_user_driver.py"
ORDINARY_USER = "execgym-sec"
SYSTEM_PYTHON = "/usr/bin/python3.11"

HOST_SECRET_DIR = Path("/var/tmp") / f"execgym-sec-{secrets.token_hex(4)}"
"""World-readable host data no program may see (made by the ``host_secrets`` fixture)."""

FAST = Limits(time_s=1.0, wall_s=3.0, memory_mb=256, output_mb=1, file_mb=4)


@dataclass(frozen=True)
class Case:
    """A hostile program, how it is run and the verdicts it may get (OK never among several).

    ``mode``: ``run`` (``Sandbox.run`` with ``stdin``), ``stdio`` (judged against
    ``expected_stdout`` with the tokens checker), ``call`` (``f(1)`` against ``expected``
    with the exact checker) or ``tests`` (several stdin tests, ``inputs``).
    """

    id: str
    code: str
    expect: frozenset[Verdict]
    mode: str = "run"
    stdin: str = ""
    inputs: tuple[str, ...] = ()
    expected_stdout: str = "2"
    expected: Any = 2
    limits: Limits = FAST
    check: Callable[[Outcome], None] | None = field(default=None, compare=False)


def case(id: str, code: str, expect: Verdict | set[Verdict], **kw: Any) -> Case:
    verdicts = frozenset({expect} if isinstance(expect, Verdict) else expect)
    assert len(verdicts) == 1 or Verdict.OK not in verdicts, f"{id}: OK in an ambiguous set"
    return Case(id, code, verdicts, **kw)


@dataclass(frozen=True)
class Outcome:
    """What one sandbox call gave, whatever the mode (the first test's details)."""

    verdict: Verdict
    stdout: str
    stderr: str
    detail: str
    cpu_s: float
    verdicts: tuple[Verdict, ...]
    stdouts: tuple[str, ...]


def run_case(sandbox: Sandbox, item: Case) -> Outcome:
    if item.mode == "run":
        run = sandbox.run(item.code, item.stdin, limits=item.limits)
        return Outcome(
            run.verdict,
            run.stdout,
            run.stderr,
            run.detail,
            run.cpu_s,
            (run.verdict,),
            (run.stdout,),
        )
    tests: list[StdioTest | CallTest]
    checker = "tokens"
    if item.mode == "stdio":
        tests = [StdioTest(input=item.stdin, output=item.expected_stdout)]
    elif item.mode == "tests":
        tests = [StdioTest(input=text) for text in item.inputs]
    else:
        tests = [CallTest(fn_name="f", args=[1], expected=item.expected)]
        checker = "exact"
    judged = sandbox.judge(
        JudgeRequest(code=item.code, tests=tests, checker=checker, limits=item.limits)
    )
    first = judged.tests[0]
    return Outcome(
        judged.verdict,
        first.stdout,
        first.stderr,
        first.detail,
        first.cpu_s,
        tuple(t.verdict for t in judged.tests),
        tuple(t.stdout for t in judged.tests),
    )


def prints(text: str) -> Callable[[Outcome], None]:
    """A check: the program's standard output, stripped, is exactly ``text``."""

    def check(outcome: Outcome) -> None:
        assert outcome.stdout.strip() == text, outcome.stdout[-500:] + outcome.stderr[-500:]

    return check


def check_outcome(item: Case, outcome: Outcome) -> None:
    described = f"{outcome.verdict}: {outcome.detail!r}; stdout {outcome.stdout[-300:]!r}"
    assert outcome.verdict in item.expect, f"{item.id}: {described}"
    assert Verdict.SANDBOX_ERROR not in outcome.verdicts, f"{item.id}: {described}"
    if item.check is not None:
        item.check(outcome)


# --------------------------------------------------------------------------------------------
# The ordinary-user half
# --------------------------------------------------------------------------------------------


def ordinary_user_unavailable() -> str | None:
    """Why the cases cannot be run as an ordinary user here (``None`` if they can)."""
    if os.geteuid() != 0:
        return None  # the suite itself is the ordinary user: run in this process
    if not os.path.exists(SYSTEM_PYTHON):
        return f"no {SYSTEM_PYTHON} an ordinary user could run"
    if shutil.which("useradd") is None or shutil.which("runuser") is None:
        return "useradd/runuser are not installed, so no ordinary user can be made"
    for path in (REPO / "src", Path(sysconfig.get_paths()["purelib"])):
        probe = subprocess.run(
            ["runuser", "-u", "nobody", "--", "test", "-r", str(path / ".")],
            capture_output=True,
        )
        if probe.returncode != 0:
            return f"{path} is not readable by other users"
    return None


def ensure_ordinary_user() -> pwd.struct_passwd:
    try:
        return pwd.getpwnam(ORDINARY_USER)
    except KeyError:
        subprocess.run(
            [
                "useradd",
                "--system",
                "--no-create-home",
                "--shell",
                "/usr/sbin/nologin",
                ORDINARY_USER,
            ],
            check=True,
            capture_output=True,
        )
        return pwd.getpwnam(ORDINARY_USER)


def run_as_ordinary_user(
    cases: list[Case], config: dict[str, Any] | None = None
) -> dict[str, Outcome]:
    """Every case through a sandbox of an ordinary user; outcomes by case id."""
    job = {
        "cases": [
            {
                "id": c.id,
                "code": c.code,
                "mode": c.mode,
                "stdin": c.stdin,
                "inputs": list(c.inputs),
                "expected_stdout": c.expected_stdout,
                "expected": c.expected,
                "limits": c.limits.model_dump(),
            }
            for c in cases
        ],
        "config": config or {},
    }
    if os.geteuid() == 0:
        ensure_ordinary_user()
        paths = f"{REPO / 'src'}:{sysconfig.get_paths()['purelib']}"
        command = [
            "runuser",
            "-u",
            ORDINARY_USER,
            "--",
            "env",
            f"PYTHONPATH={paths}",
            SYSTEM_PYTHON,
            str(DRIVER),
        ]
    else:
        command = [sys.executable, str(DRIVER)]
    done = subprocess.run(
        command, input=json.dumps(job), capture_output=True, text=True, timeout=600, cwd="/"
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return {
        row["id"]: Outcome(
            Verdict(row["verdict"]),
            row["stdout"],
            row["stderr"],
            row["detail"],
            row["cpu_s"],
            tuple(Verdict(v) for v in row["verdicts"]),
            tuple(row["stdouts"]),
        )
        for row in json.loads(done.stdout)
    }


def outcome_record(outcome: Outcome) -> dict[str, Any]:
    return asdict(outcome)


def both_modes(cases: list[Case]) -> tuple[Any, Any, Any]:
    """The module-level fixture and the two parametrized tests that run ``cases`` in this
    process's sandbox and as an ordinary user (skipped with the reason where impossible)::

        ordinary_user_outcomes, test_as_the_judging_user, test_as_an_ordinary_user = (
            both_modes(CASES)
        )
    """
    import pytest

    @pytest.fixture(scope="module")
    def ordinary_user_outcomes() -> dict[str, Outcome] | str:
        reason = ordinary_user_unavailable()
        return reason if reason else run_as_ordinary_user(cases)

    @pytest.mark.parametrize("item", cases, ids=[c.id for c in cases])
    def test_as_the_judging_user(own_sandbox: Sandbox, item: Case) -> None:
        check_outcome(item, run_case(own_sandbox, item))

    @pytest.mark.parametrize("item", cases, ids=[c.id for c in cases])
    def test_as_an_ordinary_user(
        ordinary_user_outcomes: dict[str, Outcome] | str, item: Case
    ) -> None:
        if isinstance(ordinary_user_outcomes, str):
            pytest.skip(ordinary_user_outcomes)
        check_outcome(item, ordinary_user_outcomes[item.id])

    return ordinary_user_outcomes, test_as_the_judging_user, test_as_an_ordinary_user
