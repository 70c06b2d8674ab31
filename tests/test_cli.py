"""The ``execgym`` command line: run, judge, doctor and pipeline, in-process and as a process."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner, Result

from execgym.cli import app
from execgym.cli.run import RUN_JSON_KEYS
from execgym.jobs import EXAMPLE_FUNCTIONS, EXAMPLE_PROGRAMS, ExampleProgram, judge_examples_stage
from execgym.sandbox import Sandbox, Verdict
from execgym.synth import builtin_levels
from execgym.tasks import STYLES, Question

ECHO_DOUBLE = 'import sys\nn = int(input())\nprint(n * 2)\nprint("note", file=sys.stderr)\n'
SUM_PROGRAM = "a, b = map(int, input().split())\nprint(a + b)\n"


def invoke(*args: str, stdin: str | None = None) -> Result:
    result = CliRunner().invoke(app, list(args), input=stdin)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def json_lines(text: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


# ---- run ----------------------------------------------------------------------------------------


def test_run_json_ok_with_stdin_file(tmp_path: Path) -> None:
    program = write(tmp_path / "double.py", ECHO_DOUBLE)
    stdin = write(tmp_path / "in.txt", "21\n")
    result = invoke("run", str(program), "--stdin", str(stdin), "--json")
    assert result.exit_code == 0, result.output
    assert len(result.stdout.strip().splitlines()) == 1  # exactly one JSON object
    report = json.loads(result.stdout)
    assert set(report) == {*RUN_JSON_KEYS, "detail"}
    assert report["verdict"] == "OK"
    assert report["exit_code"] == 0
    assert report["stdout"] == "42\n"
    assert report["stderr"] == "note\n"
    assert 0 <= report["cpu_s"] < 1
    assert 0 <= report["wall_s"] < 1
    assert report["peak_memory_mb"] > 0


def test_run_json_runtime_error(tmp_path: Path) -> None:
    program = write(tmp_path / "boom.py", 'print("before")\nraise ValueError("boom")\n')
    result = invoke("run", str(program), "--json")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["verdict"] == "RUNTIME_ERROR"
    assert report["exit_code"] == 1
    assert report["stdout"] == "before\n"
    assert "ValueError: boom" in report["stderr"]
    assert "ValueError" in report["detail"]


def test_run_json_time_limit(tmp_path: Path) -> None:
    program = write(tmp_path / "spin.py", "while True:\n    pass\n")
    result = invoke("run", str(program), "--json", "--time-limit", "0.5")
    assert result.exit_code == 1
    report = json.loads(result.stdout)
    assert report["verdict"] == "TIME_LIMIT"
    assert report["exit_code"] != 0
    assert 0.4 <= report["cpu_s"] < 2.0


def test_run_json_memory_limit(tmp_path: Path) -> None:
    program = write(
        tmp_path / "hog.py", "blocks = []\nwhile True:\n    blocks.append(bytearray(1 << 20))\n"
    )
    result = invoke("run", str(program), "--json", "--memory-mb", "64")
    assert result.exit_code == 1
    assert json.loads(result.stdout)["verdict"] == "MEMORY_LIMIT"


def test_run_plain_passes_output_through_and_summarises_on_stderr(tmp_path: Path) -> None:
    program = write(tmp_path / "double.py", ECHO_DOUBLE)
    result = invoke("run", str(program), "--stdin", "-", stdin="5\n")
    assert result.exit_code == 0
    assert result.stdout == "10\n"
    assert result.stderr.startswith("note\n")
    summary = result.stderr.splitlines()[-1]
    assert "OK" in summary and "cpu" in summary and "MB" in summary


def test_run_plain_failure_exits_1(tmp_path: Path) -> None:
    program = write(tmp_path / "exit3.py", "import sys\nsys.exit(3)\n")
    result = invoke("run", str(program))
    assert result.exit_code == 1
    assert "RUNTIME_ERROR" in result.stderr


def test_run_missing_program_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "nope.py"
    result = invoke("run", str(missing), "--json")
    assert result.exit_code == 2
    assert str(missing) in result.stderr
    assert "not found" in result.stderr
    assert result.stdout == ""


def test_run_missing_stdin_file_names_the_path(tmp_path: Path) -> None:
    program = write(tmp_path / "double.py", ECHO_DOUBLE)
    missing = tmp_path / "missing-input.txt"
    result = invoke("run", str(program), "--stdin", str(missing))
    assert result.exit_code == 2
    assert str(missing) in result.stderr


def test_run_help_documents_the_exit_status() -> None:
    result = invoke("run", "--help")
    assert result.exit_code == 0
    assert "Exit status" in result.stdout
    assert "1 for any other verdict" in result.stdout


def test_run_as_a_real_process(tmp_path: Path) -> None:
    program = write(tmp_path / "double.py", ECHO_DOUBLE)
    stdin = write(tmp_path / "in.txt", "4\n")
    completed = subprocess.run(
        [sys.executable, "-m", "execgym.cli", "run", str(program), "--stdin", str(stdin), "--json"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    report = json.loads(completed.stdout)
    assert (report["verdict"], report["stdout"]) == ("OK", "8\n")


# ---- judge --------------------------------------------------------------------------------------

GOOD_AND_BAD_LINES: list[str] = [
    # 1: stdin tests, one with several accepted outputs
    json.dumps(
        {
            "id": "sum",
            "code": SUM_PROGRAM,
            "tests": [{"input": "1 2\n", "output": "3"}, {"input": "2 2\n", "output": ["5", "4"]}],
        }
    ),
    # 2: bad JSON
    '{"id": "broken", "code": "print(1)", "tests": [',
    # 3: no code
    json.dumps({"id": "no-code", "tests": [{"input": "", "output": ""}]}),
    # 4: unknown checker
    json.dumps(
        {"id": "fuzzy", "code": "print(1)", "tests": [{"input": "", "output": "1"}], "checker": "x"}
    ),
    # 5: call tests under the exact checker
    json.dumps(
        {
            "id": "gcd",
            "code": "def gcd(a, b):\n    while b:\n        a, b = b, a % b\n    return a\n",
            "tests": [
                {"fn_name": "gcd", "args": [12, 18], "expected": 6},
                {"fn_name": "gcd", "args": [7, 5], "expected": 1},
            ],
            "checker": "exact",
        }
    ),
    # 6: float checker
    json.dumps(
        {
            "id": "third",
            "code": "print(1 / 3)",
            "tests": [{"input": "", "output": "0.333333"}],
            "checker": "float",
        }
    ),
    # 7: wrong answer on one of two tests
    json.dumps(
        {
            "id": "wrong",
            "code": SUM_PROGRAM.replace("a + b", "a * b"),
            "tests": [{"input": "2 2\n", "output": "4"}, {"input": "1 2\n", "output": "3"}],
        }
    ),
    # 8: a time limit
    json.dumps(
        {"id": "spin", "code": "while True: pass", "tests": [{"input": ""}], "time_limit": 0.5}
    ),
]


def test_judge_reports_malformed_lines_and_judges_the_rest(tmp_path: Path) -> None:
    batch = write(tmp_path / "batch.jsonl", "\n".join(GOOD_AND_BAD_LINES) + "\n")
    output = tmp_path / "out" / "results.jsonl"
    result = invoke("judge", "--batch", str(batch), "--workers", "2", "-o", str(output))
    assert result.exit_code == 1  # some lines were malformed
    assert result.stdout == ""  # results went to -o
    stderr = result.stderr
    assert f"{batch}:2: not valid JSON" in stderr
    assert f"{batch}:3: field 'code'" in stderr
    assert f"{batch}:4: field 'checker'" in stderr
    assert "3 malformed line(s)" in stderr

    records = json_lines(output.read_text(encoding="utf-8"))
    by_line = {record["line"]: record for record in records}
    assert sorted(by_line) == list(range(1, 9))
    for line in (2, 3, 4):
        assert "verdict" not in by_line[line]
        assert f":{line}: " in by_line[line]["error"]
    assert by_line[2]["id"] is None
    assert by_line[3]["id"] == "no-code"
    assert by_line[4]["field"] == "checker"

    expected = {
        1: ("sum", "OK", 2, 2),
        5: ("gcd", "OK", 2, 2),
        6: ("third", "OK", 1, 1),
        7: ("wrong", "WRONG_ANSWER", 1, 2),
        8: ("spin", "TIME_LIMIT", 0, 1),
    }
    for line, (line_id, verdict, passed, total) in expected.items():
        record = by_line[line]
        assert (record["id"], record["verdict"], record["passed"], record["total"]) == (
            line_id,
            verdict,
            passed,
            total,
        )
        assert len(record["tests"]) == total
        for test in record["tests"]:
            assert {"verdict", "cpu_s", "wall_s", "stdout", "stderr"} <= set(test)


def test_judge_all_good_lines_exit_0_and_write_to_stdout(tmp_path: Path) -> None:
    good = [GOOD_AND_BAD_LINES[i] for i in (0, 4, 5, 6)]
    batch = write(tmp_path / "batch.jsonl", "\n".join(good) + "\n")
    result = invoke("judge", "--batch", str(batch), "--workers", "2")
    assert result.exit_code == 0, result.stderr
    records = json_lines(result.stdout)
    assert {record["id"]: record["verdict"] for record in records} == {
        "sum": "OK",
        "gcd": "OK",
        "third": "OK",
        "wrong": "WRONG_ANSWER",
    }
    assert "0 malformed" in result.stderr


def test_judge_truncates_long_output(tmp_path: Path) -> None:
    line = {"id": "loud", "code": 'print("x" * 5000)', "tests": [{"input": "", "output": "x"}]}
    batch = write(tmp_path / "batch.jsonl", json.dumps(line) + "\n")
    result = invoke("judge", "--batch", str(batch), "--max-output-chars", "50")
    (record,) = json_lines(result.stdout)
    assert record["verdict"] == "WRONG_ANSWER"
    stdout = record["tests"][0]["stdout"]
    assert stdout.startswith("x" * 50 + "... [") and len(stdout) < 100


def test_judge_resume_skips_finished_lines(tmp_path: Path) -> None:
    first, second, third = (GOOD_AND_BAD_LINES[i] for i in (0, 4, 5))
    batch = write(tmp_path / "batch.jsonl", f"{first}\n{second}\n")
    output = tmp_path / "results.jsonl"
    assert invoke("judge", "--batch", str(batch), "-o", str(output)).exit_code == 0
    # A killed run left a half-written line; the batch has grown by one program.
    with output.open("a", encoding="utf-8") as stream:
        stream.write('{"id": "third", "verd')
    write(batch, f"{first}\n{second}\n{third}\n")
    result = invoke("judge", "--batch", str(batch), "-o", str(output), "--resume")
    assert result.exit_code == 0, result.stderr
    assert "2 already in the output" in result.stderr
    assert "removed its last line" in result.stderr  # the cut line is repaired away
    records = json_lines(output.read_text(encoding="utf-8"))
    assert sorted(record["id"] for record in records) == ["gcd", "sum", "third"]
    assert [record["line"] for record in records][-1] == 3


def test_judge_resume_needs_an_output_file(tmp_path: Path) -> None:
    batch = write(tmp_path / "batch.jsonl", GOOD_AND_BAD_LINES[0] + "\n")
    result = invoke("judge", "--batch", str(batch), "--resume")
    assert result.exit_code == 2
    assert "--resume" in result.stderr


def test_judge_missing_batch_file_names_the_path(tmp_path: Path) -> None:
    missing = tmp_path / "missing.jsonl"
    result = invoke("judge", "--batch", str(missing))
    assert result.exit_code == 2
    assert str(missing) in result.stderr


def test_judge_as_a_real_process(tmp_path: Path) -> None:
    batch = write(tmp_path / "batch.jsonl", "\n".join(GOOD_AND_BAD_LINES[:2]) + "\n")
    completed = subprocess.run(
        [sys.executable, "-m", "execgym.cli", "judge", "--batch", str(batch), "--workers", "1"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert completed.returncode == 1
    records = json_lines(completed.stdout)  # nothing but JSON lines on stdout
    assert {record["line"] for record in records} == {1, 2}
    assert f"{batch}:2:" in completed.stderr


# ---- doctor -------------------------------------------------------------------------------------


def test_doctor_reports_isolation_and_runs_a_program() -> None:
    result = invoke("doctor")
    assert result.exit_code == 0, result.output
    assert "network namespace" in result.stdout
    assert "python" in result.stdout
    assert "uid" in result.stdout
    assert "cores" in result.stdout
    assert "trivial program: OK" in result.stdout
    assert "sandbox works" in result.stdout


def test_doctor_exits_1_when_the_sandbox_cannot_run_a_program(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def refuse(self: Sandbox) -> list[dict[str, Any]]:
        raise RuntimeError("the fork-server exited during start-up")

    monkeypatch.setattr(Sandbox, "isolation_report", refuse)
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "fork-server exited" in result.stdout
    assert "sandbox does not work" in result.stdout


# ---- pipeline -----------------------------------------------------------------------------------


def test_examples_cover_every_verdict_but_sandbox_error() -> None:
    expected = {example.expected for example in EXAMPLE_PROGRAMS}
    assert expected == set(Verdict) - {Verdict.SANDBOX_ERROR}
    assert len({example.id for example in EXAMPLE_PROGRAMS}) == len(EXAMPLE_PROGRAMS)
    checkers = {example.checker for example in EXAMPLE_PROGRAMS}
    assert {"tokens", "float", "xcodeeval"} <= checkers


@pytest.fixture(scope="module")
def example_outcomes(sandbox: Sandbox) -> dict[str, Verdict]:
    outcomes = judge_examples_stage(sandbox, EXAMPLE_PROGRAMS)
    return {outcome.example.id: outcome.result.verdict for outcome in outcomes}


@pytest.mark.parametrize("example", EXAMPLE_PROGRAMS, ids=lambda example: example.id)
def test_example_gets_its_expected_verdict(
    example: ExampleProgram, example_outcomes: dict[str, Verdict]
) -> None:
    assert example_outcomes[example.id] is example.expected


def test_pipeline_judges_every_example_and_writes_its_files(tmp_path: Path) -> None:
    output_dir = tmp_path / "run"
    result = invoke(
        "pipeline", "--workers", "2", "-o", str(output_dir), "--throughput-programs", "24"
    )
    assert result.exit_code == 0, result.output
    assert "network namespace" in result.stdout
    assert "programs/s" in result.stdout and "tests/s" in result.stdout
    assert f"{len(EXAMPLE_PROGRAMS)}/{len(EXAMPLE_PROGRAMS)} examples" in result.stdout
    # The per-level statistics are a rendered table, not markdown among tables.
    assert "synthesized programs by level (medians)" in result.stdout
    assert "|---" not in result.stdout and "| level |" not in result.stdout
    assert "…" not in result.stdout  # at 80 columns no table cuts a cell short
    assert re.search(r"^ trace length +\d", result.stdout, re.MULTILINE)
    words = " ".join(result.stdout.split())
    examples, synthesized_count = len(EXAMPLE_FUNCTIONS), 4 * len(builtin_levels())
    assert (
        f"from {synthesized_count + examples} programs ({synthesized_count} synthesized, "
        f"{examples} built-in examples)"
    ) in words

    verdicts = json_lines((output_dir / "verdicts.jsonl").read_text(encoding="utf-8"))
    assert sorted(record["id"] for record in verdicts) == sorted(e.id for e in EXAMPLE_PROGRAMS)
    for record in verdicts:
        assert record["matches"] is True, record
        assert record["verdict"] == record["expected"]

    summary = json.loads((output_dir / "summary.json").read_text(encoding="utf-8"))
    assert summary["matched"] == summary["examples"] == len(EXAMPLE_PROGRAMS)
    assert summary["mismatched"] == []
    throughput = summary["throughput"]
    assert throughput["programs"] == 24
    assert throughput["workers"] == 2
    assert throughput["verdicts"] == {"OK": 24}
    assert throughput["programs_per_s"] > 0
    assert summary["doctor"]["sandbox_works"] is True

    # The ExecVerify stage: every style, every example function, every reference verified.
    dataset = summary["dataset"]
    assert dataset["unverified"] == []
    assert dataset["synthesized_programs"] == synthesized_count
    assert dataset["example_programs"] == len(EXAMPLE_FUNCTIONS)
    assert set(dataset["questions_by_style"]) == {
        "execverify",
        "execverify-strict",
        "cruxeval",
        "reval",
    }
    assert set(dataset["items_by_kind"]) == {"output", "input", "next", "state", "coverage", "path"}
    questions = [
        Question.model_validate_json(line)
        for line in (output_dir / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(questions) == dataset["questions"]
    # ... and the same questions as verl's training parquet, one row each, in file order.
    parquet = pq.read_table(output_dir / "train.parquet").to_pylist()
    assert dataset["verl_rows"] == len(parquet) == len(questions)
    assert [row["extra_info"]["id"] for row in parquet] == [q.id for q in questions]
    synthesized = summary["synthesis"]["programs_per_level"]
    levels = [f"L{n}" for n in range(1, 7)] + ["L2-strict", "L6-strict"]
    assert synthesized == dict.fromkeys(levels, 4)
    assert (output_dir / "synth-report" / "medians.png").stat().st_size > 0
    example_ids = {p.id for p in EXAMPLE_FUNCTIONS}
    assert example_ids <= {q.program_id for q in questions}
    assert {q.program_id.split("-")[0] for q in questions} >= {f"L{n}" for n in range(1, 7)}


def test_pipeline_shows_progress_on_a_terminal(tmp_path: Path) -> None:
    """On a terminal every long stage draws a progress bar: throughput, synthesis, questions."""
    import os
    import pty

    main, terminal = pty.openpty()
    command = [
        sys.executable, "-c", "from execgym.cli import main; main()", "pipeline",
        "--workers", "2", "--per-level", "1", "--throughput-programs", "8",
        "-o", str(tmp_path / "run"),
    ]  # fmt: skip
    env = {**os.environ, "COLUMNS": "100", "TERM": "xterm"}
    child = subprocess.Popen(command, stdout=terminal, stderr=terminal, env=env)
    os.close(terminal)
    shown = bytearray()
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the terminal closed when the child exited
            break
        if not chunk:
            break
        shown.extend(chunk)
    os.close(main)
    assert child.wait(timeout=120) == 0, shown.decode(errors="replace")
    text = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]", "", shown.decode("utf-8", errors="replace"))
    levels = len(builtin_levels())
    programs = levels + len(EXAMPLE_FUNCTIONS)  # one per level, and the built-in examples
    bars = (("throughput", 8), ("synthesizing", levels), ("questions", len(STYLES) * programs))
    for label, total in bars:
        assert re.search(rf"{label} .*\d+/{total}\b", text), label  # its bar, counting
    assert f"{levels}/{levels}" in text
