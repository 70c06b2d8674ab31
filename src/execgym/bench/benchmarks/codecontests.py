"""CodeContests (google-deepmind/code_contests, the AlphaCode dataset).

Format, confirmed from google-deepmind/code_contests ``contest_problem.proto`` and the hub
card of ``deepmind/code_contests``: rows with ``name``, ``description``, ``public_tests``,
``private_tests`` and ``generated_tests`` (each ``{"input": [...], "output": [...]}``; a list
of ``{"input", "output"}`` objects is read too), ``source`` and ``difficulty`` (proto enum
numbers), ``solutions`` and ``incorrect_solutions`` (``{"language": [...], "solution":
[...]}``, language enum ``UNKNOWN_LANGUAGE=0, PYTHON=1`` (Python 2), ``CPP=2, PYTHON3=3,
JAVA=4``), ``cf_contest_id``, ``cf_index``, ``cf_points``, ``cf_rating``, ``cf_tags``,
``time_limit`` (``{"seconds", "nanos"}``), ``memory_limit_bytes``, ``input_file`` and
``output_file``. Read from JSON Lines (optionally gzipped), e.g. the hub's rows exported with
``to_json``.

Public tests are those in the statement (the proto: "acceptable inputs to a model"); hidden
tests are the private ones and, unless ``include_generated=False``, the generated ones. Only
PYTHON3 solutions are kept as reference and incorrect solutions. Limits come from the
problem (``time_scale`` multiplies the time limit: the limits were set for C++).
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from execgym.bench._problem import Problem
from execgym.bench._registry import DatasetSpec, HubSource
from execgym.bench._rows import Row, read_rows
from execgym.bench._task_codegen import register_codegen_benchmark
from execgym.sandbox import Limits, StdioTest

PYTHON3 = 3
"""``ContestProblem.Solution.Language.PYTHON3`` in ``contest_problem.proto``."""

SOURCES = {
    0: "UNKNOWN_SOURCE",
    1: "CODECHEF",
    2: "CODEFORCES",
    3: "HACKEREARTH",
    4: "CODEJAM",
    6: "ATCODER",
    7: "AIZU",
}
"""``ContestProblem.Source`` numbers (5 is reserved)."""

DIFFICULTIES = {
    0: "UNKNOWN_DIFFICULTY",
    1: "EASY",
    2: "MEDIUM",
    3: "HARD",
    4: "HARDER",
    5: "HARDEST",
    6: "EXTERNAL",
    **{7 + i: letter for i, letter in enumerate("ABCDEFGHIJK")},
    **{19 + i: letter for i, letter in enumerate("LMNOPQRSTUV")},
}
"""``ContestProblem.Difficulty`` numbers: letters A..K are 7..17, L..V are 19..29."""

DEFAULT_TIME_S = 2.0
DEFAULT_MEMORY_MB = 256


def codecontests_problem(
    row: Row, *, include_generated: bool = True, time_scale: float = 1.0
) -> Problem:
    """One CodeContests row."""
    public = _tests(row, "public_tests")
    hidden = _tests(row, "private_tests")
    if include_generated:
        hidden += _tests(row, "generated_tests")
    difficulty = row.get("difficulty")
    source = row.get("source")
    return Problem(
        id=row.text("name"),
        source="codecontests",
        statement=row.text("description"),
        public_tests=list(public),
        hidden_tests=list(hidden),
        limits=_limits(row, time_scale),
        checker="codecontests",
        reference_solutions=_python3(row, "solutions"),
        incorrect_solutions=_python3(row, "incorrect_solutions"),
        difficulty=DIFFICULTIES.get(difficulty, str(difficulty))
        if isinstance(difficulty, int)
        else difficulty,
        metadata={
            "source": SOURCES.get(source, source) if isinstance(source, int) else source,
            "cf_rating": row.get("cf_rating"),
            "cf_tags": row.get("cf_tags", []),
            "cf_contest_id": row.get("cf_contest_id"),
            "cf_index": row.get("cf_index"),
            "input_file": row.get("input_file") or None,
            "output_file": row.get("output_file") or None,
        },
    )


def codecontests_from_rows(
    rows: Iterable[Row], *, include_generated: bool = True, time_scale: float = 1.0
) -> list[Problem]:
    return [
        codecontests_problem(row, include_generated=include_generated, time_scale=time_scale)
        for row in rows
    ]


def codecontests_from_path(
    path: Path, *, include_generated: bool = True, time_scale: float = 1.0
) -> list[Problem]:
    """A JSONL file of CodeContests rows, or a directory of such files."""
    return codecontests_from_rows(
        read_rows(path), include_generated=include_generated, time_scale=time_scale
    )


def _tests(row: Row, field: str) -> list[StdioTest]:
    value = row.get(field, {"input": [], "output": []})
    pairs: list[tuple[Any, Any]]
    if isinstance(value, dict):
        inputs, outputs = value.get("input") or [], value.get("output") or []
        if not isinstance(inputs, list) or not isinstance(outputs, list):
            raise row.error(field, "input and output must be lists")
        if len(inputs) != len(outputs):
            raise row.error(field, f"{len(inputs)} inputs but {len(outputs)} outputs")
        pairs = list(zip(inputs, outputs, strict=True))
    elif isinstance(value, list) and all(isinstance(item, dict) for item in value):
        pairs = [(item.get("input"), item.get("output")) for item in value]
    else:
        raise row.error(field, "expected {input: [...], output: [...]}")
    tests = []
    for number, (stdin, stdout) in enumerate(pairs):
        if not isinstance(stdin, str) or not isinstance(stdout, str):
            raise row.error(f"{field}[{number}]", "input and output must be strings")
        tests.append(StdioTest(input=stdin, output=stdout))
    return tests


def _python3(row: Row, field: str) -> list[str]:
    value = row.get(field, {})
    if isinstance(value, dict):
        languages, programs = value.get("language") or [], value.get("solution") or []
        pairs = list(zip(languages, programs, strict=False))
    elif isinstance(value, list):
        pairs = [(item.get("language"), item.get("solution")) for item in value]
    else:
        raise row.error(field, "expected {language: [...], solution: [...]}")
    return [code for language, code in pairs if language == PYTHON3 and isinstance(code, str)]


def _limits(row: Row, time_scale: float) -> Limits:
    time_s = DEFAULT_TIME_S
    limit = row.get("time_limit")
    if isinstance(limit, dict) and (limit.get("seconds") or limit.get("nanos")):
        time_s = float(limit.get("seconds") or 0) + float(limit.get("nanos") or 0) / 1e9
    memory = row.get("memory_limit_bytes")
    memory_mb = int(memory) // (1 << 20) if isinstance(memory, int) and memory > 0 else 0
    return Limits(time_s=time_s * time_scale, memory_mb=memory_mb or DEFAULT_MEMORY_MB)


register_codegen_benchmark(
    DatasetSpec(
        name="codecontests",
        description="DeepMind CodeContests: competitive programming, stdin/stdout",
        from_path=codecontests_from_path,
        from_rows=codecontests_from_rows,
        hub=HubSource(dataset_id="deepmind/code_contests"),
    ),
    task_description="CodeContests: public, private and generated tests",
)
