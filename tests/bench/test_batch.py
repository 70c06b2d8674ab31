"""Batch files of ``execgym judge``: parsing every line form, clear errors, output records."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from execgym._jsonl import JsonLinesWriter
from execgym.bench import (
    BatchLine,
    BatchLineError,
    batch_line_ids,
    count_nonblank_lines,
    parse_batch_line,
    read_batch,
    read_resume_state,
    repair_torn_tail,
    result_record,
    truncate_text,
)
from execgym.sandbox import (
    CallTest,
    ErrorInfo,
    JudgeResult,
    Sandbox,
    StdioTest,
    Verdict,
)
from execgym.sandbox import (
    TestResult as SandboxTestResult,
)

SUM_PROGRAM = "a, b = map(int, input().split())\nprint(a + b)\n"


def parse(record: object, line_number: int = 5) -> BatchLine | BatchLineError:
    text = record if isinstance(record, str) else json.dumps(record)
    return parse_batch_line(text, line_number, "batch.jsonl")


def parse_ok(record: object) -> BatchLine:
    parsed = parse(record)
    assert isinstance(parsed, BatchLine), parsed
    return parsed


def test_stdin_line_gets_the_documented_defaults() -> None:
    parsed = parse_ok(
        {"id": "p1", "code": SUM_PROGRAM, "tests": [{"input": "1 2\n", "output": "3"}]}
    )
    request = parsed.request
    assert parsed.line_number == 5
    assert request.id == "p1"
    assert request.code == SUM_PROGRAM
    assert request.tests == [StdioTest(input="1 2\n", output="3")]
    assert request.checker == "tokens"
    assert request.limits.time_s == 4.0
    assert request.limits.memory_mb == 1024
    assert request.limits.wall_s is None
    assert request.isolate_tests is False
    assert request.preamble is True


def test_call_line_with_every_optional_key() -> None:
    request = parse_ok(
        {
            "id": 17,
            "code": "def f(x):\n    return (x, x)\n",
            "tests": [
                {"fn_name": "f", "args": [1], "expected": [1, 1]},
                {"fn_name": "f", "args_src": "[2]", "expected_literal": "(2, 2)"},
                {"input": "", "output": ["a", "b"]},
            ],
            "checker": "exact",
            "time_limit": 2,
            "wall_limit": 3.5,
            "memory_mb": 256,
            "isolate_tests": True,
            "preamble": False,
        }
    ).request
    assert request.id == "17"  # integer ids come back as strings
    first, second, third = request.tests
    assert first == CallTest(fn_name="f", args=[1], expected=[1, 1])
    assert isinstance(second, CallTest)
    assert second.args_src == "[2]"
    assert second.expected_literal == "(2, 2)"
    assert second.compare is True
    assert third == StdioTest(input="", output=["a", "b"])
    assert request.checker == "exact"
    assert request.limits.time_s == 2.0
    assert request.limits.wall_s == 3.5
    assert request.limits.memory_mb == 256
    assert request.isolate_tests is True
    assert request.preamble is False


def test_line_without_id_is_accepted() -> None:
    assert parse_ok({"code": "print(1)", "tests": [{"input": ""}]}).request.id is None


GOOD_TEST = {"input": "", "output": "1"}


@pytest.mark.parametrize(
    ("line", "field", "fragment"),
    [
        ('{"id": "a", "code": ', None, "not valid JSON"),
        ("[1, 2]", None, "expected a JSON object"),
        ({"id": "a", "tests": [GOOD_TEST]}, "code", "missing"),
        ({"code": 5, "tests": [GOOD_TEST]}, "code", "must be a string"),
        ({"code": "print(1)"}, "tests", "missing"),
        ({"code": "print(1)", "tests": "1"}, "tests", "must be a list"),
        ({"code": "print(1)", "tests": []}, "tests", "at least one"),
        ({"code": "print(1)", "tests": [GOOD_TEST, {"stdin": "1"}]}, "tests[1]", "neither"),
        ({"code": "print(1)", "tests": ["1"]}, "tests[0]", "must be an object"),
        ({"code": "print(1)", "tests": [{"input": 5}]}, "tests[0].input", "string"),
        ({"code": "print(1)", "tests": [{"input": "", "output": 1}]}, "tests[0].output", ""),
        ({"code": "f", "tests": [{"fn_name": "f", "args": 3}]}, "tests[0].args", "list"),
        ({"code": "f", "tests": [{"fn_name": "f", "expectd": 3}]}, "tests[0].expectd", "unknown"),
        (
            {"code": "f", "tests": [{"fn_name": "f", "expected_literal": "(1,"}]},
            "tests[0].expected_literal",
            "not a Python literal",
        ),
        ({"code": "print(1)", "tests": [GOOD_TEST], "checker": "fuzzy"}, "checker", "fuzzy"),
        ({"code": "print(1)", "tests": [GOOD_TEST], "checker": 3}, "checker", "string"),
        ({"code": "print(1)", "tests": [GOOD_TEST], "time_limit": "2"}, "time_limit", "number"),
        ({"code": "print(1)", "tests": [GOOD_TEST], "time_limit": -1}, "time_limit", "positive"),
        ({"code": "print(1)", "tests": [GOOD_TEST], "time_limit": True}, "time_limit", "number"),
        ({"code": "print(1)", "tests": [GOOD_TEST], "wall_limit": 0}, "wall_limit", "positive"),
        ({"code": "print(1)", "tests": [GOOD_TEST], "memory_mb": 1.5}, "memory_mb", "integer"),
        ({"code": "print(1)", "tests": [GOOD_TEST], "isolate_tests": "y"}, "isolate_tests", ""),
        ({"code": "print(1)", "tests": [GOOD_TEST], "time_limt": 2}, "time_limt", "unknown key"),
        ({"id": [1], "code": "print(1)", "tests": [GOOD_TEST]}, "id", "string or an integer"),
    ],
)
def test_malformed_line_names_file_line_and_field(
    line: object, field: str | None, fragment: str
) -> None:
    error = parse(line, line_number=5)
    assert isinstance(error, BatchLineError)
    assert error.field == field
    assert error.line_number == 5
    assert str(error).startswith("batch.jsonl:5: ")
    if field is not None:
        assert f"field {field!r}" in str(error)
    assert fragment in str(error)
    record = error.output_record()
    assert "verdict" not in record
    assert record["line"] == 5
    assert record["field"] == field
    assert record["error"] == str(error)


def test_error_record_keeps_the_id_when_it_is_readable() -> None:
    error = parse({"id": "keep-me", "code": 1, "tests": [GOOD_TEST]})
    assert isinstance(error, BatchLineError)
    assert error.output_record()["id"] == "keep-me"


def test_read_batch_skips_blank_lines_and_keeps_line_numbers(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    good = json.dumps({"id": "a", "code": "print(1)", "tests": [GOOD_TEST]})
    path.write_text(f"{good}\n\n   \nnot json\n{good}\n", encoding="utf-8")
    items = list(read_batch(path))
    assert [type(item) for item in items] == [BatchLine, BatchLineError, BatchLine]
    assert [item.line_number for item in items] == [1, 4, 5]
    assert str(items[1]).startswith(f"{path}:4: ")
    assert count_nonblank_lines(path) == 3


def test_truncate_text_marks_what_it_cut() -> None:
    assert truncate_text("short", 10) == "short"
    assert truncate_text("x" * 25, 10) == "x" * 10 + "... [15 more characters]"


def test_result_record_truncates_long_texts_and_values() -> None:
    test = SandboxTestResult(
        verdict=Verdict.RUNTIME_ERROR,
        stdout="o" * 5000,
        stderr="e" * 5000,
        actual={"list": list(range(2000))},
        error=ErrorInfo(type="ValueError", message="m" * 5000, traceback="t" * 5000),
    )
    result = JudgeResult(id="big", verdict=Verdict.RUNTIME_ERROR, passed=0, total=1, tests=[test])
    record = result_record(result, line_number=3, max_chars=100)
    assert record["id"] == "big"
    assert record["line"] == 3
    assert record["verdict"] == "RUNTIME_ERROR"
    (dumped,) = record["tests"]
    assert dumped["stdout"].startswith("o" * 100 + "... [4900 more")
    assert dumped["stderr"].startswith("e" * 100 + "...")
    assert len(dumped["error"]["traceback"]) < 150
    assert len(dumped["error"]["message"]) < 150
    assert isinstance(dumped["actual"], str) and len(dumped["actual"]) < 150
    assert len(json.dumps(record)) < 2000
    # The result itself is left untouched.
    assert len(result.tests[0].stdout) == 5000


def test_writer_flushes_every_line(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    with path.open("w", encoding="utf-8") as stream:
        writer = JsonLinesWriter(stream)
        writer.write({"id": "a", "verdict": "OK"})
        assert path.read_text(encoding="utf-8") == '{"id": "a", "verdict": "OK"}\n'


def test_resume_state_is_keyed_by_line_and_keeps_only_trustworthy_verdicts(
    tmp_path: Path,
) -> None:
    path = tmp_path / "out.jsonl"
    assert read_resume_state(path).finished == {}
    lines = [
        {"id": "ok", "line": 1, "verdict": "OK"},
        {"id": "wa", "line": 2, "verdict": "WRONG_ANSWER"},
        {"id": "flaky", "line": 3, "verdict": "SANDBOX_ERROR"},
        {"id": "bad", "line": 4, "field": "code", "error": "batch.jsonl:4: ..."},
        {"line": 5, "verdict": "OK"},  # a row without an id
        {"id": "ok", "line": 6, "verdict": "OK"},  # the same id again, on another line
        {"id": "old", "verdict": "OK"},  # no line: judged again
    ]
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    state = read_resume_state(path)
    assert state.finished == {1: "ok", 2: "wa", 5: None, 6: "ok"}
    assert state.malformed == {4: "bad"}
    assert state.repaired is None


def test_a_torn_last_line_is_cut_and_a_whole_one_completed(tmp_path: Path) -> None:
    path = tmp_path / "out.jsonl"
    whole = json.dumps({"id": "a", "line": 1, "verdict": "OK"})
    path.write_text(whole + '\n{"id": "b", "line": 2, "verd', encoding="utf-8")
    note = repair_torn_tail(path)
    assert note is not None and "removed its last line" in note
    assert path.read_text(encoding="utf-8") == whole + "\n"
    assert repair_torn_tail(path) is None
    path.write_text(whole, encoding="utf-8")  # killed just before the newline
    note = repair_torn_tail(path)
    assert note is not None and "newline" in note
    assert path.read_text(encoding="utf-8") == whole + "\n"
    path.write_bytes(whole.encode() + b'\n{"id": "\xff\xfe')  # cut inside a character
    assert repair_torn_tail(path) is not None
    assert read_resume_state(path).finished == {1: "a"}


def test_batch_line_ids_reads_only_the_lines_asked(tmp_path: Path) -> None:
    path = tmp_path / "batch.jsonl"
    rows = ['{"id": "a", "code": ""}', "", '{"id": 7}', "not json", '{"code": ""}']
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert batch_line_ids(path, [1, 2, 3, 4, 5, 9]) == {1: "a", 3: "7", 4: None, 5: None}
    assert batch_line_ids(path, []) == {}


def test_parsed_lines_judge_as_written(sandbox: Sandbox) -> None:
    lines = [
        {"id": "sum", "code": SUM_PROGRAM, "tests": [{"input": "2 3\n", "output": ["6", "5"]}]},
        {
            "id": "solution",
            "code": (
                "class Solution:\n"
                "    def double(self, xs: List[int]) -> List[int]:\n"
                "        return [2 * x for x in xs]\n"
            ),
            "tests": [{"fn_name": "double", "args": [[1, 2]], "expected": [2, 4]}],
            "checker": "exact",
        },
        {
            "id": "tuple",
            "code": "def pair():\n    return (1, 2)\n",
            "tests": [{"fn_name": "pair", "expected_literal": "(1, 2)"}],
        },
        {
            "id": "float",
            "code": "print(2 / 3)",
            "tests": [{"input": "", "output": "0.6666667"}],
            "checker": "float",
        },
        {
            "id": "float-as-tokens",
            "code": "print(2 / 3)",
            "tests": [{"input": "", "output": "0.6666667"}],
        },
    ]
    requests = [parse_ok(line).request for line in lines]
    verdicts = {result.id: result.verdict for result in sandbox.judge_many(requests)}
    assert verdicts == {
        "sum": Verdict.OK,
        "solution": Verdict.OK,
        "tuple": Verdict.OK,
        "float": Verdict.OK,
        "float-as-tokens": Verdict.WRONG_ANSWER,
    }
