"""``execgym trace`` as users call it."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from execgym.cli import app

PROGRAM = "def f(xs):\n    total = 0\n    for x in xs:\n        total += x\n    return total\n"


def test_trace_table_and_json(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text(PROGRAM)
    runner = CliRunner()
    table = runner.invoke(app, ["trace", str(program), "--call", "f([1, 2])"])
    assert table.exit_code == 0, table.output
    assert "total += x" in table.output
    assert "output: 3 (int)" in table.output
    raw = runner.invoke(app, ["trace", str(program), "--call", "f([1, 2])", "--json"])
    assert raw.exit_code == 0
    data = json.loads(raw.output)
    assert data["status"] == "ok"
    assert data["output"]["literal"] == "3"
    assert [s["line"] for s in data["steps"] if s["event"] == "line"] == [2, 3, 4, 3, 4, 3, 5]


def test_trace_errors(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text(PROGRAM)
    runner = CliRunner()
    bad_call = runner.invoke(app, ["trace", str(program), "--call", "xs.f(1)"])
    assert bad_call.exit_code == 2
    assert "must call a function by name" in bad_call.output
    missing = runner.invoke(app, ["trace", str(tmp_path / "nope.py"), "--call", "f([])"])
    assert missing.exit_code == 2
    raising = runner.invoke(app, ["trace", str(program), "--call", "f(None)"])
    assert raising.exit_code == 1
    assert "TypeError" in raising.output
