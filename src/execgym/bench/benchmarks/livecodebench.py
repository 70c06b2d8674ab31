"""LiveCodeBench code generation (``livecodebench/code_generation_lite``).

Format, confirmed from LiveCodeBench/LiveCodeBench ``lcb_runner/benchmarks/code_generation.py``
(``CodeGenerationProblem``, ``Test``): rows with ``question_title``, ``question_content``,
``platform`` (leetcode, codeforces, atcoder), ``question_id``, ``contest_id``,
``contest_date``, ``starter_code``, ``difficulty`` (easy, medium, hard),
``public_test_cases`` and ``private_test_cases`` (JSON text of a list of ``{"input",
"output", "testtype": "stdin" | "functional"}``; ``code_generation_lite`` compresses the
private ones, see :mod:`execgym.bench._lcb_tests`) and ``metadata`` (JSON text;
``func_name`` for functional problems). Read from JSON Lines files (the hub repository's
``test*.jsonl``), a directory of them, or the hub.

A functional test's input is one JSON value per line, the arguments of ``func_name`` (a
method of ``class Solution``); its output is the JSON of the returned value. The official test
set ("all") is public + private, as LiveCodeBench's ``get_evaluation_sample`` builds it.
Judged with the ``lcb`` checker and the sandbox's import preamble (LiveCodeBench prepends its
own imports); each test gets LiveCodeBench's default 6-second timeout.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from execgym.bench._lcb_tests import decode_test_cases
from execgym.bench._problem import Problem
from execgym.bench._registry import DatasetSpec, HubSource
from execgym.bench._rows import Row, read_rows
from execgym.bench._task_codegen import register_codegen_benchmark
from execgym.sandbox import CallTest, Limits, StdioTest

LCB_LIMITS = Limits(time_s=6.0)


def livecodebench_problem(row: Row) -> Problem:
    """One ``code_generation_lite`` row."""
    metadata = row.json_field("metadata", default={})
    if not isinstance(metadata, dict):
        raise row.error("metadata", "expected a JSON object")
    func_name = metadata.get("func_name")
    public = _tests(row, "public_test_cases", func_name)
    hidden = _tests(row, "private_test_cases", func_name)
    return Problem(
        id=str(row.get("question_id", row.index)),
        source="lcb-codegen",
        statement=row.text("question_content"),
        starter_code=row.text("starter_code", default=""),
        entry_point=func_name if isinstance(func_name, str) else None,
        public_tests=public,
        hidden_tests=hidden,
        limits=LCB_LIMITS,
        checker="lcb",
        preamble=True,
        difficulty=row.get("difficulty"),
        metadata={
            "title": row.get("question_title"),
            "platform": row.get("platform"),
            "contest_id": row.get("contest_id"),
            "contest_date": row.get("contest_date"),
        },
    )


def livecodebench_from_rows(
    rows: Iterable[Row], *, since: str | None = None, until: str | None = None
) -> list[Problem]:
    """Rows as problems; ``since``/``until`` (ISO dates, inclusive) filter on
    ``contest_date``."""
    problems = []
    for row in rows:
        date = str(row.get("contest_date", ""))[:10]
        if (since and date < since) or (until and date > until):
            continue
        problems.append(livecodebench_problem(row))
    return problems


def livecodebench_from_path(
    path: Path, *, since: str | None = None, until: str | None = None
) -> list[Problem]:
    """A JSONL file of ``code_generation_lite`` rows, or a directory of such files."""
    return livecodebench_from_rows(read_rows(path), since=since, until=until)


def _tests(row: Row, field: str, func_name: Any) -> list[StdioTest | CallTest]:
    raw = row.get(field, "[]")
    if isinstance(raw, str):
        try:
            cases = decode_test_cases(raw)
        except ValueError as exc:
            raise row.error(field, str(exc)) from None
    else:
        cases = raw
    if not isinstance(cases, list):
        raise row.error(field, "expected a list of test cases")
    tests: list[StdioTest | CallTest] = []
    for number, case in enumerate(cases):
        where = f"{field}[{number}]"
        if not isinstance(case, dict):
            raise row.error(where, "expected {input, output, testtype}")
        stdin, stdout, kind = case.get("input"), case.get("output"), case.get("testtype")
        if not isinstance(stdin, str) or not isinstance(stdout, str):
            raise row.error(where, "input and output must be strings")
        if kind == "stdin":
            tests.append(StdioTest(input=stdin, output=stdout))
        elif kind == "functional":
            if not isinstance(func_name, str):
                raise row.error(where, "a functional test needs metadata.func_name")
            try:
                args = [json.loads(line) for line in stdin.split("\n") if line.strip()]
                expected = json.loads(stdout)
            except json.JSONDecodeError as exc:
                raise row.error(where, f"functional input/output is not JSON: {exc}") from None
            tests.append(CallTest(fn_name=func_name, args=args, expected=expected))
        else:
            raise row.error(f"{where}.testtype", f"unknown test type {kind!r}")
    return tests


register_codegen_benchmark(
    DatasetSpec(
        name="lcb-codegen",
        description="LiveCodeBench code generation (lite): recent contest problems",
        from_path=livecodebench_from_path,
        from_rows=livecodebench_from_rows,
        hub=HubSource(dataset_id="livecodebench/code_generation_lite"),
    ),
    task_description="LiveCodeBench code generation: public and private tests",
)
