"""``execgym questions`` and ``execgym score execq`` as users call them."""
# mypy: disable-error-code="attr-defined,arg-type"

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from execgym.cli import app
from execgym.tasks import Question

SET_ORDER = "def f(words):\n    return list(set(words))"


def write_programs(path: Path, shared_data: Path, extra: list[str]) -> None:
    rows = (shared_data / "cruxeval.jsonl").read_text().splitlines()[:6]
    path.write_text("\n".join(rows[:2] + extra + rows[2:]) + "\n")


def test_questions_writes_one_question_per_line(tmp_path: Path, shared_data: Path) -> None:
    programs = tmp_path / "programs.jsonl"
    nondeterministic = json.dumps(
        {"id": "sets", "code": SET_ORDER, "input": "['apple', 'pear', 'fig', 'kiwi', 'plum']"}
    )
    write_programs(programs, shared_data, ['{"id": "broken", "input": "1"}', nondeterministic])
    out = tmp_path / "questions.jsonl"
    result = CliRunner().invoke(
        app, ["questions", str(programs), "-o", str(out), "--style", "cruxeval", "--seed", "3"]
    )
    assert result.exit_code == 1  # one malformed row
    assert f"{programs}:3: field 'code': is missing" in result.output
    # its output (and so its input question's target) depends on the hash seed
    assert "2 questions left out: the answer depends on the hash seed" in result.output
    questions = [Question.model_validate_json(line) for line in out.read_text().splitlines()]
    assert {q.program_id for q in questions} == {f"sample_{i}" for i in range(6)}
    assert {q.kind for q in questions} == {"output", "input"}
    again = tmp_path / "again.jsonl"
    CliRunner().invoke(
        app, ["questions", str(programs), "-o", str(again), "--style", "cruxeval", "--seed", "3"]
    )
    assert again.read_text() == out.read_text()  # same seed, same bytes


def test_cruxeval_output_questions_cover_all_800_with_cruxevals_outputs(
    tmp_path: Path, shared_data: Path
) -> None:
    """Determinism is per question: programs whose traced locals hold a set or an object at
    some address (sample_400, _422, _736, _748) still get their stable output question."""
    data = shared_data / "cruxeval.jsonl"
    out = tmp_path / "q.jsonl"
    result = CliRunner().invoke(
        app, ["questions", str(data), "--kinds", "output", "--style", "cruxeval", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    expected = {row["id"]: row["output"] for row in map(json.loads, data.read_text().splitlines())}
    questions = [Question.model_validate_json(line) for line in out.read_text().splitlines()]
    assert len(questions) == 800
    assert {q.program_id: q.items[0].reference.literal for q in questions} == expected
    assert {"sample_400", "sample_422", "sample_736", "sample_748"} <= {
        q.program_id for q in questions
    }


def test_only_the_question_whose_answer_depends_on_the_hash_seed_is_left_out(
    tmp_path: Path,
) -> None:
    # The output and `size` are stable; the set's order after line 3 is not.
    code = "def f(text):\n    size = len(text)\n    seen = set(text)\n    return len(seen) + size"
    row = {"id": "chars", "code": code, "input": "'abcdef'"}
    programs = tmp_path / "p.jsonl"
    programs.write_text(json.dumps(row) + "\n")
    out = tmp_path / "q.jsonl"
    result = CliRunner().invoke(
        app,
        ["questions", str(programs), "-o", str(out), "--style", "reval", "--kinds", "output,state"],
    )
    assert result.exit_code == 0, result.output
    assert "1 question left out: the answer depends on the hash seed" in result.output
    questions = [Question.model_validate_json(line) for line in out.read_text().splitlines()]
    kept = {(item.kind.value, item.variable) for q in questions for item in q.items}
    assert ("output", None) in kept and ("state", "seen") not in kept
    assert ("state", "size") in kept  # stable under both seeds
    unchecked = tmp_path / "all.jsonl"
    CliRunner().invoke(
        app,
        ["questions", str(programs), "-o", str(unchecked), "--style", "reval",
         "--kinds", "output,state", "--no-determinism-check"],
    )  # fmt: skip
    every = [Question.model_validate_json(line) for line in unchecked.read_text().splitlines()]
    assert ("state", "seen") in {(i.kind.value, i.variable) for q in every for i in q.items}


def test_questions_gives_the_same_bytes_in_every_process(tmp_path: Path, shared_data: Path) -> None:
    """Two processes with different hash seeds of their own write the same file."""
    rows = (shared_data / "cruxeval.jsonl").read_text().splitlines()[:12]
    programs = tmp_path / "p.jsonl"
    programs.write_text("\n".join(rows) + "\n")
    outputs = []
    for hash_seed in ("1", "2", "3"):
        out = tmp_path / f"q{hash_seed}.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        command = [sys.executable, "-m", "execgym.cli", "questions", str(programs), "-o", str(out)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append(out.read_bytes())
    assert outputs[0] and outputs[0] == outputs[1] == outputs[2]


def test_questions_without_determinism_check_keeps_set_order_programs(tmp_path: Path) -> None:
    programs = tmp_path / "p.jsonl"
    programs.write_text(json.dumps({"id": "sets", "code": SET_ORDER, "input": "['a', 'b']"}))
    out = tmp_path / "q.jsonl"
    result = CliRunner().invoke(
        app,
        ["questions", str(programs), "-o", str(out), "--kinds", "output", "--no-determinism-check"],
    )
    assert result.exit_code == 0, result.output
    assert len(out.read_text().splitlines()) == 1


def test_questions_usage_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    bad_style = runner.invoke(app, ["questions", "x.jsonl", "-o", "o", "--style", "nope"])
    assert bad_style.exit_code == 2 and "unknown style" in bad_style.output
    bad_kind = runner.invoke(
        app, ["questions", "x.jsonl", "-o", "o", "--style", "cruxeval", "--kinds", "next"]
    )
    assert bad_kind.exit_code == 2 and "cruxeval" in bad_kind.output


def test_score_reports_accuracy_per_kind(tmp_path: Path, shared_data: Path) -> None:
    programs = tmp_path / "programs.jsonl"
    write_programs(programs, shared_data, [])
    questions_file = tmp_path / "questions.jsonl"
    runner = CliRunner()
    made = runner.invoke(
        app,
        ["questions", str(programs), "-o", str(questions_file), "--kinds", "output,coverage",
         "--style", "execverify-strict"],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    questions = [Question.model_validate_json(x) for x in questions_file.read_text().splitlines()]
    # Right on the first sample, wrong (no answer block) on the second, for every question.
    generations = {q.id: [q.reference_answer, "no idea"] for q in questions}
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps(generations))
    run_dir = tmp_path / "run"
    scored = runner.invoke(
        app,
        ["score", "execq", "--data", str(questions_file), "--generations", str(answers),
         "-o", str(run_dir)],
    )  # fmt: skip
    assert scored.exit_code == 0, scored.output
    summary = json.loads((run_dir / "summary.json").read_text())
    assert summary["responses"] == 2 * len(questions)
    assert summary["accuracy_by_kind"] == {"coverage": 0.5, "output": 0.5}
    assert "| output |" in scored.output
    lines = (run_dir / "items.jsonl").read_text().splitlines()
    assert len(lines) == 2 * len(questions)
    # JSONL generations give the same numbers.
    jsonl = tmp_path / "answers.jsonl"
    jsonl.write_text(
        "\n".join(json.dumps({"id": qid, "responses": r}) for qid, r in generations.items())
    )
    again = runner.invoke(
        app,
        ["score", "execq", "--data", str(questions_file), "--generations", str(jsonl),
         "-o", str(tmp_path / "run2")],
    )  # fmt: skip
    assert again.exit_code == 0
    assert json.loads((tmp_path / "run2" / "summary.json").read_text()) == summary


def test_score_input_errors(tmp_path: Path) -> None:
    runner = CliRunner()
    questions = tmp_path / "q.jsonl"
    questions.write_text('{"id": "x"}\n')
    generations = tmp_path / "g.json"
    generations.write_text("{}")
    unknown = runner.invoke(
        app, ["score", "nope", "--data", str(questions), "--generations", str(generations)]
    )
    assert unknown.exit_code == 2 and "known tasks" in unknown.output
    assert "execq" in unknown.output
    bad = runner.invoke(
        app, ["score", "execq", "--data", str(questions), "--generations", str(generations)]
    )
    assert bad.exit_code == 2
    assert f"{questions}:1: field" in bad.output


_MAIN_JOB_QUESTIONS = """
import sys
from pathlib import Path
from execgym.jobs import dataset_stage
from execgym.jobs import EXAMPLE_FUNCTIONS
from execgym.sandbox import Sandbox, SandboxConfig
from execgym.synth import INSTRUMENTS
one = SandboxConfig(instruments=INSTRUMENTS)
two = SandboxConfig(hash_seed=1, instruments=INSTRUMENTS)
with Sandbox(workers=2, config=one) as first, Sandbox(workers=2, config=two) as second:
    dataset_stage(first, second, [], EXAMPLE_FUNCTIONS, Path(sys.argv[1]))
"""


def test_main_job_questions_are_the_same_bytes_in_every_process(tmp_path: Path) -> None:
    outputs = []
    for hash_seed in ("1", "2"):
        out = tmp_path / hash_seed
        out.mkdir()
        env = {**os.environ, "PYTHONHASHSEED": hash_seed}
        command = [sys.executable, "-c", _MAIN_JOB_QUESTIONS, str(out)]
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, done.stderr
        outputs.append((out / "questions.jsonl").read_bytes())
    assert outputs[0] and outputs[0] == outputs[1]
