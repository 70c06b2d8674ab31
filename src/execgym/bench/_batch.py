"""Batch files of ``execgym judge``: read programs and tests from JSONL, write verdicts to JSONL
(:func:`~execgym.bench.judge_batch` judges one).

Input: one JSON object per line (blank lines are skipped)::

    {"id": "p1", "code": "print(input())", "tests": [{"input": "1\\n", "output": "1"}],
     "checker": "tokens", "time_limit": 4, "memory_mb": 1024}

``code`` and ``tests`` are required. A test is a standard-input test
``{"input": str, "output": str | [str, ...]}`` (any listed output is accepted) or a call test
``{"fn_name": str, "args": [...], "expected": value}``; a call test may give ``args_src``
(Python source of the argument list) instead of ``args`` and ``expected_literal`` (a Python
literal, for tuples, sets or non-string dict keys) instead of ``expected``. Optional keys:
``id`` (string or integer; written back as a string), ``checker`` (default ``"tokens"``),
``time_limit`` (CPU seconds per test, default 4), ``wall_limit`` (wall seconds per test,
default ``2 * time_limit + 1``), ``memory_mb`` (default 1024), ``isolate_tests`` (a fresh
process per test, default false) and ``preamble`` (prepend the usual imports, default true).
Any other key is an error, so a typo such as ``time_limt`` cannot pass silently.

Output: one JSON object per judged line, :class:`~execgym.sandbox.JudgeResult` in its JSON
form plus ``line`` (the input line number), with each test's ``stdout``, ``stderr`` and
traceback cut to a maximum number of characters (``actual`` too, as a string, when its JSON
form is longer). A malformed line is reported on standard error and written as
``{"id", "line", "field", "error"}``, without a ``verdict`` key. Records are written with
:func:`execgym._jsonl.json_text`, so any text a program produced reads back unchanged.

Resuming (:func:`read_resume_state`) matches earlier records to input lines by ``line``:
ids may repeat or be missing. A last record cut short by a killed run is repaired first
(:func:`repair_torn_tail`), and :func:`batch_line_ids` gives the ids a resumed run checks
the recorded ones against.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from execgym._jsonl import json_text
from execgym.sandbox import CallTest, JudgeRequest, JudgeResult, Limits, StdioTest, checker_names

MAX_OUTPUT_CHARS = 1000
"""Each test's stdout, stderr and traceback are cut to this many characters in a result
record (``execgym judge --max-output-chars``)."""
DEFAULT_CHECKER = "tokens"
DEFAULT_TIME_LIMIT_S = 4.0
DEFAULT_MEMORY_MB = 1024

LINE_KEYS = frozenset(
    {
        "id",
        "code",
        "tests",
        "checker",
        "time_limit",
        "wall_limit",
        "memory_mb",
        "isolate_tests",
        "preamble",
        "meta",  # free-form, for the caller's own bookkeeping; not read
    }
)
STDIO_TEST_KEYS = frozenset({"kind", "input", "output"})
CALL_TEST_KEYS = frozenset(
    {"kind", "fn_name", "args", "args_src", "expected", "expected_literal", "compare"}
)


class BatchLineError(ValueError):
    """A malformed input line: names the file, the line number and the offending field."""

    def __init__(
        self, path: str, line_number: int, field: str | None, message: str, line_id: str | None
    ) -> None:
        self.path = path
        self.line_number = line_number
        self.field = field
        self.message = message
        self.line_id = line_id
        where = f"field {field!r}: " if field else ""
        super().__init__(f"{path}:{line_number}: {where}{message}")

    def output_record(self) -> dict[str, Any]:
        """The output line that records the skipped input line (no ``verdict`` key)."""
        return {
            "id": self.line_id,
            "line": self.line_number,
            "field": self.field,
            "error": str(self),
        }


@dataclass(frozen=True)
class BatchLine:
    """One well-formed input line, ready to judge."""

    line_number: int
    request: JudgeRequest


class _FieldError(Exception):
    def __init__(self, field: str | None, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.message = message


def read_batch(path: Path) -> Iterator[BatchLine | BatchLineError]:
    """Parse ``path`` lazily, one item per non-blank line: the request or the line's error."""
    known_checkers = frozenset(checker_names())
    with path.open(encoding="utf-8", errors="surrogateescape") as lines:
        for line_number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            yield parse_batch_line(text, line_number, str(path), known_checkers)


def parse_batch_line(
    text: str, line_number: int, path: str, known_checkers: frozenset[str] | None = None
) -> BatchLine | BatchLineError:
    """Parse one input line; a malformed line yields a :class:`BatchLineError`, never raises."""
    try:
        record = json.loads(text)
    except json.JSONDecodeError as exc:
        message = f"not valid JSON: {exc.msg} at character {exc.pos + 1}"
        return BatchLineError(path, line_number, None, message, None)
    if not isinstance(record, dict):
        kind = type(record).__name__
        return BatchLineError(path, line_number, None, f"expected a JSON object, got {kind}", None)
    line_id: str | None = None
    try:
        line_id = _line_id(record)
        request = _request_from_record(record, line_id, known_checkers)
    except _FieldError as exc:
        return BatchLineError(path, line_number, exc.field, exc.message, line_id)
    return BatchLine(line_number, request)


def _line_id(record: dict[str, Any]) -> str | None:
    raw = record.get("id")
    if raw is None:
        return None
    if isinstance(raw, str):
        return raw
    if isinstance(raw, int) and not isinstance(raw, bool):
        return str(raw)
    raise _FieldError("id", f"must be a string or an integer, got {_json_type(raw)}")


def _request_from_record(
    record: dict[str, Any], line_id: str | None, known_checkers: frozenset[str] | None
) -> JudgeRequest:
    unknown = sorted(set(record) - LINE_KEYS)
    if unknown:
        allowed = ", ".join(sorted(LINE_KEYS))
        raise _FieldError(unknown[0], f"unknown key; allowed keys: {allowed}")
    if "code" not in record:
        raise _FieldError("code", "missing (the program's source, a string)")
    code = record["code"]
    if not isinstance(code, str):
        raise _FieldError("code", f"must be a string, got {_json_type(code)}")
    tests = _tests_from_record(record)
    checker = record.get("checker", DEFAULT_CHECKER)
    if not isinstance(checker, str):
        raise _FieldError("checker", f"must be a string, got {_json_type(checker)}")
    known = known_checkers if known_checkers is not None else frozenset(checker_names())
    if checker not in known:
        raise _FieldError(
            "checker", f"unknown checker {checker!r}; known checkers: {', '.join(sorted(known))}"
        )
    time_limit = _optional_positive_number(record, "time_limit") or DEFAULT_TIME_LIMIT_S
    wall_limit = _optional_positive_number(record, "wall_limit")
    memory_mb = _positive_integer(record, "memory_mb", DEFAULT_MEMORY_MB)
    isolate_tests = _boolean(record, "isolate_tests", False)
    preamble = _boolean(record, "preamble", True)
    return JudgeRequest(
        code=code,
        tests=tests,
        id=line_id,
        checker=checker,
        limits=Limits(time_s=time_limit, wall_s=wall_limit, memory_mb=memory_mb),
        isolate_tests=isolate_tests,
        preamble=preamble,
    )


def _tests_from_record(record: dict[str, Any]) -> list[StdioTest | CallTest]:
    if "tests" not in record:
        raise _FieldError("tests", "missing (a non-empty list of tests)")
    raw_tests = record["tests"]
    if not isinstance(raw_tests, list):
        raise _FieldError("tests", f"must be a list, got {_json_type(raw_tests)}")
    if not raw_tests:
        raise _FieldError("tests", "must hold at least one test")
    return [_test_from_record(raw, index) for index, raw in enumerate(raw_tests)]


def _test_from_record(raw: object, index: int) -> StdioTest | CallTest:
    field = f"tests[{index}]"
    if not isinstance(raw, dict):
        raise _FieldError(field, f"must be an object, got {_json_type(raw)}")
    kind = raw.get("kind")
    if kind == "call" or (kind is None and "fn_name" in raw):
        model: type[StdioTest] | type[CallTest] = CallTest
        allowed = CALL_TEST_KEYS
    elif kind == "stdio" or (kind is None and set(raw) <= STDIO_TEST_KEYS):
        model = StdioTest
        allowed = STDIO_TEST_KEYS
    else:
        raise _FieldError(
            field,
            "neither a standard-input test {input, output} nor a call test "
            "{fn_name, args, expected}",
        )
    unknown = sorted(set(raw) - allowed)
    if unknown:
        keys = ", ".join(sorted(allowed - {"kind", "compare"}))
        raise _FieldError(f"{field}.{unknown[0]}", f"unknown key for this kind of test: {keys}")
    try:
        test = model.model_validate(raw, strict=True)
    except ValidationError as exc:
        first = exc.errors()[0]
        location = ".".join(str(part) for part in first["loc"] if not str(part).startswith("_"))
        # Union members show up in the location ("output.str"); keep only the key name.
        key = location.split(".")[0] if location else ""
        raise _FieldError(f"{field}.{key}" if key else field, first["msg"]) from None
    if isinstance(test, CallTest) and test.expected_literal is not None:
        try:
            ast.literal_eval(test.expected_literal)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError) as exc:
            raise _FieldError(f"{field}.expected_literal", f"not a Python literal: {exc}") from None
    return test


def _optional_positive_number(record: dict[str, Any], key: str) -> float | None:
    value = record.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise _FieldError(key, f"must be a number, got {_json_type(value)}")
    if not value > 0:
        raise _FieldError(key, f"must be positive, got {value}")
    return float(value)


def _positive_integer(record: dict[str, Any], key: str, default: int) -> int:
    value = record.get(key)
    if value is None:
        return default
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int):
        raise _FieldError(key, f"must be an integer, got {_json_type(value)}")
    if value <= 0:
        raise _FieldError(key, f"must be positive, got {value}")
    return value


def _boolean(record: dict[str, Any], key: str, default: bool) -> bool:
    value = record.get(key, default)
    if not isinstance(value, bool):
        raise _FieldError(key, f"must be true or false, got {_json_type(value)}")
    return value


def _json_type(value: object) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# ---- output ----------------------------------------------------------------------------------


def truncate_text(text: str, max_chars: int) -> str:
    """``text`` cut to ``max_chars`` characters, with a marker saying how much was cut."""
    if len(text) <= max_chars:
        return text
    return f"{text[:max_chars]}... [{len(text) - max_chars} more characters]"


def result_record(
    result: JudgeResult, line_number: int | None = None, max_chars: int = MAX_OUTPUT_CHARS
) -> dict[str, Any]:
    """The output line of one judged program, with long per-test texts truncated."""
    record: dict[str, Any] = result.model_dump(mode="json")
    if line_number is not None:
        record["line"] = line_number
    for test in record["tests"]:
        test["stdout"] = truncate_text(test["stdout"], max_chars)
        test["stderr"] = truncate_text(test["stderr"], max_chars)
        if test.get("error"):
            test["error"]["traceback"] = truncate_text(test["error"]["traceback"], max_chars)
            test["error"]["message"] = truncate_text(test["error"]["message"], max_chars)
        if test.get("actual") is not None:
            encoded = json_text(test["actual"])
            if len(encoded) > max_chars:
                test["actual"] = truncate_text(encoded, max_chars)
    return record


@dataclass
class ResumeState:
    """What an earlier output file already holds, by input line number (``--resume``).

    Results are matched to input lines by their ``line`` field, never by ``id`` alone: ids
    may repeat or be missing. The id recorded with each line is kept to check that the
    output belongs to this batch file.
    """

    finished: dict[int, str | None] = field(default_factory=dict)
    """Lines judged with a trustworthy verdict (not ``SANDBOX_ERROR``), with their ids."""
    malformed: dict[int, str | None] = field(default_factory=dict)
    """Lines already recorded as malformed, with their ids."""
    repaired: str | None = None
    """What was done to a last line cut short by a killed run, if there was one."""

    def recorded_ids(self) -> dict[int, str | None]:
        return {**self.malformed, **self.finished}


def read_resume_state(path: Path) -> ResumeState:
    """Read ``path`` for ``--resume``, first repairing a last line cut short by a kill.

    Records without a ``line`` field, records that are not JSON objects and
    ``SANDBOX_ERROR`` results (worth retrying) leave their lines to be judged again.
    """
    state = ResumeState()
    if not path.exists():
        return state
    state.repaired = repair_torn_tail(path)
    with path.open(encoding="utf-8", errors="replace") as lines:
        for text in lines:
            try:
                record = json.loads(text)
            except json.JSONDecodeError:
                continue
            if not isinstance(record, dict):
                continue
            line, record_id = record.get("line"), record.get("id")
            if not isinstance(line, int) or isinstance(line, bool):
                continue
            record_id = record_id if isinstance(record_id, str) else None
            verdict = record.get("verdict")
            if isinstance(verdict, str):
                if verdict != "SANDBOX_ERROR":
                    state.finished[line] = record_id
            elif "error" in record:
                state.malformed[line] = record_id
    return state


def repair_torn_tail(path: Path) -> str | None:
    """Make ``path`` end with a newline after its last complete record.

    A killed run may leave its last line cut short: a last line that is a whole JSON object
    gets its newline; anything else is cut away (its program is judged again). Returns a
    sentence saying what was done, or ``None`` when the file was whole.
    """
    data = path.read_bytes()
    if not data or data.endswith(b"\n"):
        return None
    cut = data.rfind(b"\n") + 1
    tail = data[cut:]
    try:
        whole = isinstance(json.loads(tail.decode("utf-8")), dict)
    except (UnicodeDecodeError, json.JSONDecodeError):
        whole = False
    if whole:
        with path.open("ab") as stream:
            stream.write(b"\n")
        return f"{path}: completed its last line with a newline"
    with path.open("r+b") as stream:
        stream.truncate(cut)
    return f"{path}: removed its last line, cut short by an interrupted run ({len(tail)} bytes)"


def batch_line_ids(path: Path, lines: Iterable[int]) -> dict[int, str | None]:
    """The ``id`` of each of ``lines`` (1-based) of a batch file; ``None`` where a line has
    no id or is not a JSON object; blank lines and lines past the end are left out."""
    wanted = set(lines)
    found: dict[int, str | None] = {}
    if not wanted:
        return found
    last = max(wanted)
    with path.open(encoding="utf-8", errors="surrogateescape") as stream:
        for number, text in enumerate(stream, start=1):
            if number > last:
                break
            if number not in wanted or not text.strip():
                continue
            try:
                record = json.loads(text)
                found[number] = _line_id(record) if isinstance(record, dict) else None
            except (json.JSONDecodeError, _FieldError):
                found[number] = None
    return found


def count_nonblank_lines(path: Path) -> int:
    """How many non-blank lines ``path`` holds (the progress bar's total)."""
    with path.open("rb") as stream:
        return sum(1 for line in stream if line.strip())
