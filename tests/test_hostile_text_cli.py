"""Text a program controls, through every command that writes or shows it.

Each command gets programs (or responses, or rows) holding lone surrogates, invalid UTF-8,
NUL, terminal escape sequences and rich markup. Every file and stream it writes must be
valid UTF-8, JSON must read back to the exact text, a terminal must never receive an
invisible character as itself, and a batch must go on judging the lines after a hostile one.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from hostile_text import HOSTILE_STRINGS, INVISIBLE_CHARACTERS, program_returning
from typer.testing import CliRunner, Result

from execgym._verbatim import visible
from execgym.bench._eval_task import get_eval_task
from execgym.cli import app
from execgym.llm import record


def invoke(*args: str) -> Result:
    result = CliRunner().invoke(app, list(args), env={"COLUMNS": "250"})
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    return result


def assert_terminal_safe(text_bytes: bytes) -> str:
    """The bytes a command sent to a terminal: valid UTF-8 and no invisible character."""
    text = text_bytes.decode("utf-8")
    assert not set(INVISIBLE_CHARACTERS) & set(text), [c for c in text if c in INVISIBLE_CHARACTERS]
    return text


def json_lines_of(path: Path) -> list[dict[str, Any]]:
    text = path.read_bytes().decode("utf-8")  # strict: the file is valid UTF-8
    return [json.loads(line) for line in text.split("\n") if line]


ESC_ID = "\x1b[2J[/oops]"
MARKUP_NAME = "[red]batch[x]"

BATCH: list[dict[str, Any] | bytes] = [
    {"id": "surrogate-raise", "code": 'raise ValueError("\\ud800")', "tests": [{"input": ""}]},
    {
        "id": "surrogate-return",
        "code": program_returning("\ud800[red]x[/red]\x00"),
        "tests": [{"fn_name": "f", "args": [], "expected": "other"}],
    },
    {
        "id": "escapes-in-stdout",
        "code": "print('\\x1b[31mred\\x00 [/oops] \\u2028 end')",
        "tests": [{"input": "", "output": "\x1b[31mred\x00 [/oops] \u2028 end\n"}],
        "checker": "exact",
    },
    {
        "id": "invalid-utf8-stdout",
        "code": "import sys\nsys.stdout.buffer.write(b'\\xff\\xfe ok\\n')",
        "tests": [{"input": "", "output": "ok"}],
    },
    # Raw invalid UTF-8 bytes inside the batch file itself.
    b'{"id": "raw-bytes", "code": "print(\'\xff\xfe\')", "tests": [{"input": "", "output": "x"}]}',
    {"id": ESC_ID, "code": 1, "tests": []},  # malformed, with a hostile id
    {"id": "good", "code": "print(int(input()) * 2)", "tests": [{"input": "21\n", "output": "42"}]},
]


def _write_batch(path: Path) -> Path:
    lines = [
        line if isinstance(line, bytes) else json.dumps(line).encode("ascii") for line in BATCH
    ]
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


def test_judge_writes_hostile_results_and_keeps_judging(tmp_path: Path) -> None:
    batch = _write_batch(tmp_path / f"{MARKUP_NAME}.jsonl")
    output = tmp_path / "out.jsonl"
    result = invoke("judge", "--batch", str(batch), "-o", str(output))
    assert result.exit_code == 1  # the malformed line
    stderr = assert_terminal_safe(result.stderr_bytes or b"")
    assert f"{MARKUP_NAME}.jsonl:6: field 'code'" in stderr  # markup in a path, shown as is
    records = json_lines_of(output)
    by_line = {record["line"]: record for record in records}
    assert sorted(by_line) == list(range(1, len(BATCH) + 1))
    assert by_line[1]["verdict"] == "RUNTIME_ERROR"
    assert by_line[1]["tests"][0]["error"]["message"] == "\ud800"
    assert by_line[2]["verdict"] == "WRONG_ANSWER"
    assert by_line[2]["tests"][0]["actual"] == "\ud800[red]x[/red]\x00"
    assert by_line[3]["verdict"] == "OK"
    assert by_line[3]["tests"][0]["stdout"] == "\x1b[31mred\x00 [/oops] \u2028 end\n"
    assert by_line[4]["verdict"] == "WRONG_ANSWER"
    assert by_line[4]["tests"][0]["stdout"] == "\ufffd\ufffd ok\n"
    assert by_line[5]["verdict"] in {"WRONG_ANSWER", "RUNTIME_ERROR", "COMPILE_ERROR"}
    assert by_line[6]["id"] == ESC_ID and by_line[6]["field"] == "code"
    assert by_line[7]["verdict"] == "OK" and by_line[7]["id"] == "good"


def test_judge_resumes_after_a_hostile_line(tmp_path: Path) -> None:
    batch = _write_batch(tmp_path / "batch.jsonl")
    output = tmp_path / "out.jsonl"
    assert invoke("judge", "--batch", str(batch), "-o", str(output)).exit_code == 1
    first = json_lines_of(output)
    # A kill after the first three records, the fourth cut short.
    kept = output.read_bytes().split(b"\n")
    output.write_bytes(b"\n".join(kept[:3]) + b"\n" + kept[3][:25])
    judged = sum(1 for line in kept[:3] if "verdict" in json.loads(line))
    result = invoke("judge", "--batch", str(batch), "-o", str(output), "--resume")
    assert result.exit_code == 1
    assert_terminal_safe(result.stderr_bytes or b"")
    assert "removed its last line" in result.stderr
    assert f"{judged} already in the output" in result.stderr
    records = json_lines_of(output)
    assert sorted(record["line"] for record in records) == list(range(1, len(BATCH) + 1))
    key = {r["line"]: (r.get("verdict"), r.get("error")) for r in first}
    assert {r["line"]: (r.get("verdict"), r.get("error")) for r in records} == key


def test_run_json_and_plain_take_a_lone_surrogate(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text('raise ValueError("\\ud800\\x1b[2J[/oops]")\n', encoding="utf-8")
    as_json = invoke("run", str(program), "--json")
    assert as_json.exit_code == 1
    report = json.loads(as_json.stdout_bytes.decode("utf-8"))
    assert report["verdict"] == "RUNTIME_ERROR"
    assert report["detail"] == "ValueError: \ud800\x1b[2J[/oops]"
    plain = invoke("run", str(program))
    assert plain.exit_code == 1
    summary = (plain.stderr_bytes or b"").decode("utf-8").splitlines()[-1]
    assert "RUNTIME_ERROR" in summary
    assert "(ValueError: \\ud800\\x1b[2J[/oops])" in assert_terminal_safe(summary.encode())


TRACED = (
    "def f(a, v):\n"
    "    total = 0\n"
    "    for i in range(len(a)):\n"
    "        x = a[i]\n"
    "        total += x\n"
    '    y = "[/oops]"\n'
    '    z = "\x1b[31mred\x1b[0m"  # \u202e comment\n'
    "    w = v + chr(0xD800)\n"
    "    return [total, str(total)]\n"
)


def test_trace_shows_program_text_and_values_verbatim(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text(TRACED, encoding="utf-8")
    call = "f([1, 2], '[red]hi[/red] [x]')"
    table = invoke("trace", str(program), "--call", call)
    assert table.exit_code == 0, table.output
    shown = assert_terminal_safe(table.stdout_bytes)
    for text in (
        "x = a[i]",
        'y = "[/oops]"',
        "'[red]hi[/red] [x]'",
        'z = "\\x1b[31mred\\x1b[0m"  # \\u202e comment',
        "'[red]hi[/red] [x]\\ud800'",
        "output: [3, '3'] (list)",
    ):
        assert text in shown, text
    assert "return [total," in shown
    as_json = invoke("trace", str(program), "--call", call, "--json")
    assert as_json.exit_code == 0
    trace = json.loads(as_json.stdout_bytes.decode("utf-8"))
    assert trace["code"] == TRACED
    values = [v["repr"] for step in trace["steps"] for v in step["changes"].values()]
    assert "'[red]hi[/red] [x]\\ud800'" in values


def test_trace_shows_an_exception_message_verbatim(tmp_path: Path) -> None:
    program = tmp_path / "p.py"
    program.write_text('def f():\n    raise ValueError("[/oops] \\x1b[2J \\ud800")\n')
    result = invoke("trace", str(program), "--call", "f()")
    assert result.exit_code == 1
    shown = assert_terminal_safe(result.stdout_bytes)
    assert "ValueError: [/oops] \\x1b[2J \\ud800" in shown


def test_questions_write_hostile_programs(tmp_path: Path) -> None:
    rows = [
        {"id": f"h{index}", "code": program_returning(text), "input": "", "entry": "f"}
        for index, text in enumerate(HOSTILE_STRINGS)
    ]
    programs = tmp_path / "programs.jsonl"
    programs.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    output = tmp_path / "questions.jsonl"
    result = invoke("questions", str(programs), "-o", str(output), "--style", "cruxeval")
    assert result.exit_code == 0, result.output
    assert_terminal_safe(result.stderr_bytes or b"")
    questions = json_lines_of(output)
    outputs = {q["program_id"]: q["items"][0] for q in questions if q["kind"] == "output"}
    assert set(outputs) == {row["id"] for row in rows}
    for index, text in enumerate(HOSTILE_STRINGS):
        assert outputs[f"h{index}"]["reference"]["literal"] == repr(text)

    # Scoring answers that are hostile text themselves.
    answers = {
        q["id"]: [f"[ANSWER]{text}[/ANSWER]", text]
        for q, text in zip(questions, HOSTILE_STRINGS, strict=False)
    }
    generations = tmp_path / "answers.json"
    generations.write_text(json.dumps(answers), encoding="utf-8")
    run_dir = tmp_path / "execq"
    scored = invoke(
        "score", "execq", "--data", str(output), "--generations", str(generations),
        "-o", str(run_dir),
    )  # fmt: skip
    assert scored.exit_code == 0, scored.output
    assert_terminal_safe(scored.stdout_bytes + (scored.stderr_bytes or b""))
    records = json_lines_of(run_dir / "items.jsonl")
    assert {(r["question_id"], r["response"]) for r in records} == {
        (qid, response) for qid, responses in answers.items() for response in responses
    }


def test_score_and_eval_take_hostile_responses(shared_data: Path, tmp_path: Path) -> None:
    data = shared_data / "cruxeval.jsonl"
    task = get_eval_task("cruxeval-o")
    items = task.load(data, cot=False)[:3]
    responses = [f"[ANSWER]{text}[/ANSWER]" for text in HOSTILE_STRINGS[:9]]
    generations = tmp_path / "generations.json"
    by_item = {item.id: responses[3 * i : 3 * i + 3] for i, item in enumerate(items)}
    generations.write_text(json.dumps(by_item), encoding="utf-8")
    scored = invoke(
        "score", "cruxeval-o", "--generations", str(generations), "--data", str(data),
        "-o", str(tmp_path / "score"),
    )  # fmt: skip
    assert scored.exit_code == 0, scored.output
    assert_terminal_safe(scored.stdout_bytes + (scored.stderr_bytes or b""))
    stored = json_lines_of(tmp_path / "score" / "items.jsonl")
    assert {r["id"]: [s["response"] for s in r["samples"]] for r in stored} == by_item

    replay = tmp_path / "replay.jsonl"
    for item in items:
        record(replay, item.messages(), by_item[item.id], model="m")
    run_dir = tmp_path / "eval"
    evaluated = invoke(
        "eval", "cruxeval-o", "--model", "m", "--replay", str(replay), "--data", str(data),
        "--limit", "3", "--n", "3", "-o", str(run_dir),
    )  # fmt: skip
    assert evaluated.exit_code == 0, evaluated.output
    assert_terminal_safe(evaluated.stdout_bytes + (evaluated.stderr_bytes or b""))
    answered = json_lines_of(run_dir / "items.jsonl")
    assert {r["id"]: [s["response"] for s in r["samples"]] for r in answered} == by_item
    json.loads((run_dir / "summary.json").read_bytes().decode("utf-8"))


def test_synth_report_shows_hostile_level_names(tmp_path: Path) -> None:
    level = "L1\x1b[2J[/oops]\ud800"
    row = {"level": level, "method": "m", "metrics": {"trace_length": 3, "statements": 2}}
    programs = tmp_path / "programs.jsonl"
    programs.write_text(json.dumps(row) + "\n", encoding="utf-8")
    result = invoke("synth", "report", str(programs), "-o", str(tmp_path / "report"))
    assert result.exit_code == 0, result.output
    shown = assert_terminal_safe(result.stdout_bytes + (result.stderr_bytes or b""))
    assert visible(level) in shown
    summary = json.loads((tmp_path / "report" / "summary.json").read_bytes().decode("utf-8"))
    assert list(summary) == [level]


def test_input_files_that_are_not_utf8_are_named_with_their_line(
    shared_data: Path, tmp_path: Path
) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(
        b'{"id": "a", "code": "def f():\\n    return 1", "input": ""}\n{"id": "b\xff"}\n'
    )
    generations = tmp_path / "generations.json"
    generations.write_text('{"sample_0": ["0"]}', encoding="utf-8")
    data = str(shared_data / "cruxeval.jsonl")
    run = ["-o", str(tmp_path / "run")]
    for args in (
        ["questions", str(bad), "-o", str(tmp_path / "q.jsonl")],
        ["score", "cruxeval-o", "--generations", str(bad), "--data", data, *run],
        ["score", "cruxeval-o", "--generations", str(generations), "--data", str(bad), *run],
        ["score", "execq", "--data", str(bad), "--generations", str(generations), *run],
        ["synth", "report", str(bad), "-o", str(tmp_path / "report")],
    ):
        result = invoke(*args)
        assert result.exit_code == 2, (args, result.output)
        message = " ".join(result.stderr.split())
        assert f"{bad}:2: not UTF-8 text (byte 0xff at column 10)" in message, args
