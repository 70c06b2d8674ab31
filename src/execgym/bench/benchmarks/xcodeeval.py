"""xCodeEval program synthesis (ntunlp/xCodeEval).

Format, confirmed from ntunlp/xCodeEval ``program_synthesis.md`` and ``README.md`` (data tree)
and from consumers of ``unittest_db.json``: problem descriptions are JSON Lines
(``problem_descriptions.jsonl``, and the rows of ``prog_syn_val.jsonl`` /
``prog_syn_test.jsonl``) with ``src_uid``, ``description``, ``input_spec``, ``output_spec``,
``notes``, ``sample_inputs``, ``sample_outputs``, ``time_limit`` (``"2 seconds"``),
``memory_limit`` (``"256 megabytes"``), ``input_from``, ``output_to``, ``tags`` and
``difficulty`` (a Codeforces rating); ``unittest_db.json`` maps each ``src_uid`` to a list of
``{"input": str, "output": [accepted outputs]}``.

The statement is the description with its input, output and note sections; the samples are
the public tests, the unit tests the hidden ones (minus those identical to a sample, so that
"all" is the unit-test set); a hidden test accepts any of its outputs (the ``xcodeeval``
checker, as ExecEval). ``\\r\\n`` in unit-test inputs and outputs becomes ``\\n``. Problems
without unit tests are skipped. Not on the hub in a form this loader reads (the hub copy
needs a loading script): pass a local path.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from execgym.bench._problem import Problem
from execgym.bench._registry import DatasetSpec
from execgym.bench._rows import DatasetFormatError, Row, read_rows
from execgym.bench._task_codegen import register_codegen_benchmark
from execgym.sandbox import CallTest, Limits, StdioTest

DESCRIPTION_FILES = ("problem_descriptions.jsonl", "prog_syn_test.jsonl", "prog_syn_val.jsonl")
UNITTEST_FILE = "unittest_db.json"


def xcodeeval_problem(row: Row, unit_tests: Any) -> Problem | None:
    """One problem description row and its unit tests; ``None`` without unit tests."""
    src_uid = row.text("src_uid")
    if not unit_tests:
        return None
    samples = list(
        zip(row.texts("sample_inputs", []), row.texts("sample_outputs", []), strict=False)
    )
    public = [StdioTest(input=_unix(i), output=[_unix(o)]) for i, o in samples]
    shown = {_key(test) for test in public}
    hidden: list[StdioTest | CallTest] = []
    if not isinstance(unit_tests, list):
        raise row.error("unittest_db", f"tests of {src_uid} must be a list")
    for number, item in enumerate(unit_tests):
        test = _unit_test(row, src_uid, number, item)
        if _key(test) not in shown:
            hidden.append(test)
    difficulty = row.get("difficulty")
    return Problem(
        id=src_uid,
        source="xcodeeval",
        statement=_statement(row),
        public_tests=list(public),
        hidden_tests=hidden,
        limits=Limits(
            time_s=_amount(row, "time_limit", 2.0), memory_mb=int(_amount(row, "memory_limit", 256))
        ),
        checker="xcodeeval",
        difficulty=str(difficulty) if difficulty is not None else None,
        metadata={
            "tags": row.get("tags", []),
            "input_from": row.get("input_from"),
            "output_to": row.get("output_to"),
        },
    )


def xcodeeval_from_path(path: Path, *, unittest_db: str | Path | None = None) -> list[Problem]:
    """A directory with ``problem_descriptions.jsonl`` (or ``prog_syn_*.jsonl``) and
    ``unittest_db.json``; or a descriptions JSONL file, with ``unittest_db`` next to it
    unless given."""
    if path.is_dir():
        descriptions = next((path / n for n in DESCRIPTION_FILES if (path / n).is_file()), None)
        if descriptions is None:
            raise DatasetFormatError(
                f"no {' or '.join(DESCRIPTION_FILES)} in this directory", where=str(path)
            )
        database = Path(unittest_db) if unittest_db else path / UNITTEST_FILE
    else:
        descriptions = path
        database = Path(unittest_db) if unittest_db else path.parent / UNITTEST_FILE
    tests = _unit_test_db(database)
    problems = []
    for row in read_rows(descriptions):
        problem = xcodeeval_problem(row, tests.get(row.text("src_uid")))
        if problem is not None:
            problems.append(problem)
    return problems


def _unit_test_db(file: Path) -> Mapping[str, Any]:
    if not file.is_file():
        raise DatasetFormatError("unit-test database not found", where=str(file))
    try:
        data = json.loads(file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise DatasetFormatError(f"not valid JSON: {exc}", where=str(file)) from None
    if not isinstance(data, dict):
        raise DatasetFormatError("expected an object mapping src_uid to tests", where=str(file))
    return data


def _unit_test(row: Row, src_uid: str, number: int, item: Any) -> StdioTest:
    field = f"unittest_db[{src_uid}][{number}]"
    if not isinstance(item, dict) or not isinstance(item.get("input"), str):
        raise row.error(field, "expected {input: str, output: [str, ...]}")
    outputs = item.get("output")
    if isinstance(outputs, str):
        outputs = [outputs]
    if not isinstance(outputs, list) or not outputs or not all(isinstance(o, str) for o in outputs):
        raise row.error(field, "output must be a non-empty list of accepted outputs")
    return StdioTest(input=_unix(item["input"]), output=[_unix(o) for o in outputs])


def _statement(row: Row) -> str:
    sections = [row.text("description").strip()]
    for title, field in (("Input", "input_spec"), ("Output", "output_spec")):
        text = row.text(field, default="").strip()
        if text:
            sections.append(f"{title}\n{text}")
    notes = row.text("notes", default="").strip()
    if notes:
        sections.append(notes if notes.startswith("Note") else f"Note\n{notes}")
    return "\n\n".join(sections)


def _amount(row: Row, field: str, default: float) -> float:
    value = row.get(field)
    if value is None:
        return default
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    match = re.match(r"\s*([0-9]+(?:\.[0-9]+)?)", str(value))
    if match is None:
        raise row.error(field, f"cannot read an amount from {value!r}")
    return float(match.group(1))


def _key(test: StdioTest) -> tuple[str, tuple[str, ...]]:
    outputs = [test.output] if isinstance(test.output, str) else test.output or []
    return test.input.strip(), tuple(output.strip() for output in outputs)


def _unix(text: str) -> str:
    return text.replace("\r\n", "\n")


register_codegen_benchmark(
    DatasetSpec(
        name="xcodeeval",
        description="xCodeEval program synthesis: Codeforces problems with ExecEval unit tests",
        from_path=xcodeeval_from_path,
    ),
    task_description="xCodeEval program synthesis: several accepted outputs",
)
