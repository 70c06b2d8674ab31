"""Class 6: text a program controls never crashes a tool. The review's three reproducers;
every writer and renderer is swept with hostile strings in tests/test_hostile_text_cli.py."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from execgym.cli import app


def test_judge_writes_a_lone_surrogate_and_judges_the_next_line(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    lines = [
        {"id": "bad", "code": 'raise ValueError("\\ud800")', "tests": [{"input": ""}]},
        {"id": "good", "code": "print(2)", "tests": [{"input": "", "output": "2"}]},
    ]
    batch.write_text("".join(json.dumps(line) + "\n" for line in lines))
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(app, ["judge", "--batch", str(batch), "-o", str(out)])
    lines_out = out.read_bytes().decode("utf-8").splitlines()  # results come as they finish
    records = {r["id"]: r for r in map(json.loads, lines_out)}
    assert records["bad"]["verdict"] == "RUNTIME_ERROR", result.output
    assert records["good"]["verdict"] == "OK", result.output
    assert "\ud800" in records["bad"]["tests"][0]["error"]["message"]


def test_run_json_takes_a_lone_surrogate(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text('raise ValueError("\\ud800")\n')
    result = CliRunner().invoke(app, ["run", str(program), "--json"])
    report = json.loads(result.stdout)
    assert report["verdict"] == "RUNTIME_ERROR" and "\ud800" in report["stderr"]


def test_trace_shows_markup_verbatim(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text('def f(a, i):\n    y = "[/oops]"\n    x = a[i]\n    return [x, y]\n')
    result = CliRunner().invoke(
        app, ["trace", str(program), "--call", "f([1, 2], 0)"], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "x = a[i]" in result.stdout and '"[/oops]"' in result.stdout
