"""What the command line says about itself: version, help, and how quickly it says it."""

from __future__ import annotations

import subprocess
import sys

import pytest
from typer.testing import CliRunner, Result

from execgym import __version__
from execgym.bench._eval_task import eval_task_names
from execgym.cli import app
from execgym.cli._defaults import RUN_MEMORY_MB, RUN_TIME_LIMIT_S
from execgym.sandbox import Limits
from execgym.tasks import STYLE_KINDS, Kind

COMMANDS = [
    [],
    ["run"],
    ["trace"],
    ["questions"],
    ["eval"],
    ["score"],
    ["judge"],
    ["doctor"],
    ["pipeline"],
    ["synth"],
    ["synth", "report"],
    ["agent"],
    ["agent", "run"],
    ["agent", "show"],
    ["agent", "export"],
]


def invoke(*args: str, columns: int = 80) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})


def test_version() -> None:
    for flag in ("--version", "-V"):
        result = invoke(flag)
        assert result.exit_code == 0
        assert result.stdout == f"execgym {__version__}\n"


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: " ".join(c) or "execgym")
def test_help_reads_well_at_80_columns(command: list[str]) -> None:
    short = invoke(*command, "-h")
    assert short.exit_code == 0, short.output
    long = invoke(*command, "--help")
    assert short.stdout == long.stdout
    text = long.stdout
    assert "Usage: execgym" in text
    assert "<bool>" not in text  # a flag takes no value
    assert "…" not in text  # nothing cut short
    for row in text.splitlines():
        assert len(row) <= 80, row
        if not row.startswith("Usage:"):
            assert not row.endswith("..."), row  # no command summary cut short


def test_flags_show_only_their_names() -> None:
    text = invoke("judge", "-h").stdout
    assert "--resume " in text
    assert "-o, --output <path>" in text
    questions = invoke("questions", "-h").stdout
    assert "--determinism-check / --no-determinism-check" in questions


@pytest.mark.parametrize("command", ["eval", "score"])
def test_eval_and_score_help_list_every_registered_task(command: str) -> None:
    text = invoke(command, "-h", columns=100).stdout
    listed = text.split("Tasks:", 1)[1]
    names = eval_task_names()
    assert len(names) >= 13
    for name in names:
        assert f"\n  {name} " in listed, name
    assert "http://localhost:8000/v1" in invoke("eval", "-h").stdout  # whole, at 80 columns


def test_unknown_kinds_are_named_with_the_valid_ones() -> None:
    result = invoke("questions", "missing.jsonl", "-o", "q.jsonl", "--kinds", "output,bogus")
    assert result.exit_code == 2
    message = " ".join(result.stderr.split())
    assert "unknown kind 'bogus' in --kinds" in message
    asked = [kind.value for kind in Kind if kind in STYLE_KINDS["execverify"]]
    assert "style 'execverify' asks: " + ", ".join(asked) in message
    crux = invoke("questions", "x.jsonl", "-o", "q.jsonl", "--style", "cruxeval", "--kinds", "x,y")
    assert "unknown kinds 'x', 'y' in --kinds; style 'cruxeval' asks: output, input" in " ".join(
        crux.stderr.split()
    )
    wrong_style = invoke(
        "questions", "x.jsonl", "-o", "q.jsonl", "--style", "cruxeval", "--kinds", "next"
    )
    assert wrong_style.exit_code == 2
    assert "has no 'next' questions" in wrong_style.stderr


def test_run_defaults_are_the_sandbox_defaults() -> None:
    assert Limits().time_s == RUN_TIME_LIMIT_S
    assert Limits().memory_mb == RUN_MEMORY_MB
    text = invoke("run", "-h").stdout
    assert "[default: 4.0" in text and "[default: 1024" in text


HEAVY = (
    "pydantic",
    "httpx",
    "matplotlib",
    "execgym.sandbox._models",
    "execgym.bench",
    "execgym.llm",
)

PROBE = f"""
import sys
from execgym.cli import app
try:
    app(["--help"])
except SystemExit:
    pass
print(sorted(name for name in {HEAVY!r} if name in sys.modules))
"""


def test_help_imports_nothing_heavy() -> None:
    """``execgym --help`` loads typer and the command signatures only: each command imports
    the library when it runs."""
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip().splitlines()[-1] == "[]", result.stdout
