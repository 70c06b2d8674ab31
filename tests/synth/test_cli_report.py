"""``execgym synth`` and ``execgym synth report`` through a typer app built around them."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from typer.testing import CliRunner

from execgym.cli.synth import synth_app

app = typer.Typer()
app.add_typer(synth_app, name="synth")


@app.command()
def version() -> None:
    """A second command, so that the app is a group as in execgym's CLI."""


runner = CliRunner()


def _synth(path: Path, seed: int, *extra: str) -> None:
    args = ["synth", "--levels", "1-6", "--per-level", "3", "--seed", str(seed), "-o", str(path)]
    result = runner.invoke(app, [*args, "--workers", "1", *extra])
    assert result.exit_code == 0, result.output


def test_synth_twice_same_file_and_report(tmp_path: Path) -> None:
    first, second, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    _synth(first, 11)
    _synth(second, 11)
    _synth(other, 12)
    assert first.read_bytes() == second.read_bytes()
    assert first.read_bytes() != other.read_bytes()
    rows = [json.loads(line) for line in first.read_text().splitlines()]
    assert [r["level"] for r in rows] == [f"L{n}" for n in range(1, 7) for _ in range(3)]

    report_dir = tmp_path / "report"
    result = runner.invoke(app, ["synth", "report", str(first), "-o", str(report_dir)])
    assert result.exit_code == 0, result.output
    assert "| L6 |" in result.output
    stats = json.loads((report_dir / "summary.json").read_text())
    assert list(stats) == [f"L{n}" for n in range(1, 7)]
    for name in ("summary.md", "trace_length.png", "max_nesting.png", "medians.png"):
        assert (report_dir / name).stat().st_size > 0
    assert (report_dir / "trace_length.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_usage_errors(tmp_path: Path) -> None:
    result = runner.invoke(app, ["synth", "--levels", "1-9", "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2 and "L7" in result.output
    result = runner.invoke(app, ["synth", "--levels", "1"])
    assert result.exit_code == 2 and "-o" in result.output
    result = runner.invoke(app, ["synth", "--generator", "model", "-o", str(tmp_path / "x.jsonl")])
    assert result.exit_code == 2 and "--model" in result.output
    result = runner.invoke(app, ["synth", "report", str(tmp_path / "missing.jsonl"), "-o", "d"])
    assert result.exit_code == 2


def test_custom_levels_from_a_file(tmp_path: Path) -> None:
    levels = tmp_path / "levels.toml"
    levels.write_text('[levels.loops]\nbase = "L3"\ncontrol_flow = ["for"]\n')
    path = tmp_path / "loops.jsonl"
    result = runner.invoke(
        app,
        [
            "synth",
            "--levels",
            "loops",
            "--levels-file",
            str(levels),
            "--per-level",
            "2",
            "-o",
            str(path),
            "--workers",
            "1",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert {r["level"] for r in rows} == {"loops"}
    assert all("for " in r["code"] for r in rows)
