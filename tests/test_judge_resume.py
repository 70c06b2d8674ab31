"""``execgym judge --resume``: results are matched to input lines, never to ids alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from cli_process import interrupt_when
from typer.testing import CliRunner, Result

from execgym.cli import app


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args))
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def line(code: str, stdin: str, expected: str, line_id: str | None = None) -> str:
    row: dict[str, Any] = {"code": code, "tests": [{"input": stdin, "output": expected}]}
    if line_id is not None:
        row["id"] = line_id
    return json.dumps(row)


DOUBLE = "print(int(input()) * 2)"
TRIPLE = "print(int(input()) * 3)"


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]


def test_repeated_and_missing_ids_are_judged_once_each_and_resumed(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    rows = [
        line(DOUBLE, "1\n", "2", "p"),
        line(DOUBLE, "2\n", "4"),  # no id
        line(TRIPLE, "2\n", "6", "p"),  # the same id, another program
        line(TRIPLE, "3\n", "9"),  # no id
    ]
    batch.write_text("\n".join(rows[:3]) + "\n", encoding="utf-8")
    output = tmp_path / "out.jsonl"
    first = invoke("judge", "--batch", str(batch), "-o", str(output))
    assert first.exit_code == 0, first.stderr
    assert "batch.jsonl:3: id 'p' repeats line 1" in first.stderr
    assert "1 line(s) repeat an earlier line's id" in first.stderr
    assert sorted((r["line"], r["id"], r["verdict"]) for r in records(output)) == [
        (1, "p", "OK"),
        (2, None, "OK"),
        (3, "p", "OK"),
    ]
    # The batch grows by one line; a resume judges only it, once.
    batch.write_text("\n".join(rows) + "\n", encoding="utf-8")
    second = invoke("judge", "--batch", str(batch), "-o", str(output), "--resume")
    assert second.exit_code == 0, second.stderr
    assert "judged 1 program(s) (1 OK)" in second.stderr
    assert "3 already in the output (--resume)" in second.stderr
    lines = [r["line"] for r in records(output)]
    assert sorted(lines) == [1, 2, 3, 4]
    # Nothing left to do: a further resume judges nothing and writes nothing.
    third = invoke("judge", "--batch", str(batch), "-o", str(output), "--resume")
    assert "judged 0 program(s)" in third.stderr
    assert len(records(output)) == 4


def test_a_torn_last_line_is_repaired_and_its_program_judged_again(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(line(DOUBLE, "1\n", "2", "a") + "\n" + line(DOUBLE, "5\n", "10", "b") + "\n")
    output = tmp_path / "out.jsonl"
    assert invoke("judge", "--batch", str(batch), "-o", str(output)).exit_code == 0
    whole = output.read_bytes()
    output.write_bytes(whole[: whole.index(b"\n") + 1] + whole[whole.index(b"\n") + 1 :][:40])
    result = invoke("judge", "--batch", str(batch), "-o", str(output), "--resume")
    assert result.exit_code == 0
    assert "removed its last line, cut short by an interrupted run" in result.stderr
    assert "judged 1 program(s) (1 OK); 0 malformed line(s) skipped; 1 already" in result.stderr
    assert sorted((r["line"], r["id"]) for r in records(output)) == [(1, "a"), (2, "b")]


def test_resume_refuses_an_output_of_another_batch(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    batch.write_text(line(DOUBLE, "1\n", "2", "a") + "\n")
    output = tmp_path / "out.jsonl"
    assert invoke("judge", "--batch", str(batch), "-o", str(output)).exit_code == 0
    before = output.read_bytes()
    other = tmp_path / "other.jsonl"
    other.write_text(line(DOUBLE, "1\n", "2", "z") + "\n")
    result = invoke("judge", "--batch", str(other), "-o", str(output), "--resume")
    assert result.exit_code == 2
    assert "holds a result for line 1 with id 'a'" in result.stderr
    assert "has id 'z'" in result.stderr
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    shorter = invoke("judge", "--batch", str(empty), "-o", str(output), "--resume")
    assert shorter.exit_code == 2
    assert "has no program on line 1" in " ".join(shorter.stderr.split())
    assert output.read_bytes() == before


def test_a_malformed_line_is_recorded_once_and_judged_once_fixed(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    good = line(DOUBLE, "1\n", "2", "good")
    batch.write_text(good + '\n{"id": "bad", "code": 1, "tests": []}\n')
    output = tmp_path / "out.jsonl"
    assert invoke("judge", "--batch", str(batch), "-o", str(output)).exit_code == 1
    again = invoke("judge", "--batch", str(batch), "-o", str(output), "--resume")
    assert again.exit_code == 1  # still malformed, still reported
    assert "field 'code'" in again.stderr
    assert [r.get("error") is not None for r in records(output)].count(True) == 1
    batch.write_text(good + "\n" + line(TRIPLE, "1\n", "3", "bad") + "\n")
    fixed = invoke("judge", "--batch", str(batch), "-o", str(output), "--resume")
    assert fixed.exit_code == 0
    assert [r.get("verdict") for r in records(output) if r["line"] == 2] == [None, "OK"]


def test_ctrl_c_says_what_was_judged_and_how_to_resume(tmp_path: Path) -> None:
    batch = tmp_path / "batch.jsonl"
    slow = "import time\ntime.sleep(0.3)\nprint(int(input()) * 2)"
    batch.write_text(
        "".join(line(slow, f"{i}\n", str(2 * i), f"p{i}") + "\n" for i in range(40)),
        encoding="utf-8",
    )
    output = tmp_path / "out.jsonl"
    status, stderr = interrupt_when(
        ["judge", "--batch", str(batch), "-o", str(output), "--workers", "1"],
        lambda: output.exists() and output.read_text(encoding="utf-8").count("\n") >= 2,
        "wrote two results",
    )
    assert status == 130, stderr
    assert "interrupted:" in stderr
    assert "rerun the same command with --resume to judge the rest" in stderr
    done = len(records(output))
    assert 2 <= done < 40
    assert f"judged {done} program(s)" in stderr
    resumed = invoke("judge", "--batch", str(batch), "-o", str(output), "--resume")
    assert resumed.exit_code == 0, resumed.stderr
    assert f"{done} already in the output" in resumed.stderr
    final = records(output)
    assert sorted(r["line"] for r in final) == list(range(1, 41))
    assert {r["verdict"] for r in final} == {"OK"}
