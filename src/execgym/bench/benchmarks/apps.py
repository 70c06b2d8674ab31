"""APPS (hendrycks/apps), in both of its forms.

Raw layout, confirmed from hendrycks/apps ``eval/test_one_solution.py`` and the CodeRL copy in
this project's shared data: one directory per problem (``NNNN/``) holding ``question.txt``,
``solutions.json`` (a list of reference programs), ``input_output.json`` (``inputs``,
``outputs`` and, for call-based problems, ``fn_name``), ``metadata.json`` (``difficulty``:
introductory, interview or competition; ``url``) and, when the problem has one,
``starter_code.py``. JSONL/hub form, confirmed from ``codeparrot/apps`` (which
hendrycks/apps ``eval/generate_gpt_codes.py`` loads): rows with ``problem_id``,
``question``, ``solutions`` and ``input_output`` (both JSON-encoded strings), ``difficulty``,
``url`` and ``starter_code``.

Tests follow APPS: with ``fn_name`` each input is an argument list and each output the
call's result wrapped in a list (the ``apps`` checker unwraps it); otherwise inputs and
outputs are standard input and output, a list of lines joined with ``"\\n"``. Call-based
programs get the sandbox's import preamble, as APPS prepends its own imports.

Examples: a standard-input test whose input and output both appear in the question (as whole
lines, ignoring blank lines and surrounding spaces) is one of the question's examples, so it is
a public test; the others are hidden. The official test set is "all". Problems without tests
are skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from execgym.bench._problem import Problem
from execgym.bench._registry import DatasetSpec, HubSource
from execgym.bench._rows import DatasetFormatError, Row, read_rows
from execgym.bench._task_codegen import register_codegen_benchmark
from execgym.sandbox import CallTest, Limits, StdioTest

APPS_LIMITS = Limits(time_s=4.0)
"""APPS's judge gives each test a 4-second timeout."""

APPS_DIFFICULTIES = ("introductory", "interview", "competition")


def apps_problem(
    *,
    problem_id: str,
    question: str,
    io: Any,
    solutions: Any,
    difficulty: str | None,
    starter_code: str,
    url: str | None,
    row: Row,
) -> Problem | None:
    """One APPS problem from its decoded parts; ``None`` when it has no tests."""
    if io is None or io == {}:
        return None
    if not isinstance(io, dict):
        raise row.error("input_output", "expected a JSON object with inputs and outputs")
    inputs, outputs = io.get("inputs"), io.get("outputs")
    if not isinstance(inputs, list) or not isinstance(outputs, list):
        raise row.error("input_output", "inputs and outputs must be lists")
    if len(inputs) != len(outputs):
        raise row.error("input_output", f"{len(inputs)} inputs but {len(outputs)} outputs")
    if not inputs:
        return None
    fn_name = io.get("fn_name")
    public: list[StdioTest | CallTest] = []
    hidden: list[StdioTest | CallTest] = []
    if fn_name:
        for number, args in enumerate(inputs):
            if not isinstance(args, list):
                raise row.error(f"input_output.inputs[{number}]", "expected an argument list")
            hidden.append(CallTest(fn_name=str(fn_name), args=args, expected=outputs[number]))
    else:
        shown = _lines_of(question)
        for stdin, stdout in zip(inputs, outputs, strict=True):
            test = StdioTest(input=_text(stdin), output=_text(stdout))
            is_example = _appears(test.input, shown) and _appears(_text(stdout), shown)
            (public if is_example else hidden).append(test)
    if not isinstance(solutions, list) or not all(isinstance(s, str) for s in solutions):
        raise row.error("solutions", "expected a list of programs")
    return Problem(
        id=problem_id,
        source="apps",
        statement=question,
        starter_code=starter_code,
        entry_point=str(fn_name) if fn_name else None,
        public_tests=public,
        hidden_tests=hidden,
        limits=APPS_LIMITS,
        checker="apps",
        preamble=bool(fn_name),
        reference_solutions=list(solutions),
        difficulty=difficulty,
        metadata={"url": url, "io": "call" if fn_name else "stdin"},
    )


def apps_from_rows(rows: Iterable[Row]) -> list[Problem]:
    """APPS rows of the JSONL/hub form (``solutions`` and ``input_output`` JSON strings)."""
    problems = []
    for row in rows:
        problem = apps_problem(
            problem_id=str(row.get("problem_id", row.index)),
            question=row.text("question"),
            io=row.json_field("input_output", default=None),
            solutions=row.json_field("solutions", default=[]),
            difficulty=row.get("difficulty"),
            starter_code=row.text("starter_code", default=""),
            url=row.get("url"),
            row=row,
        )
        if problem is not None:
            problems.append(problem)
    return problems


def apps_from_path(path: Path) -> list[Problem]:
    """A raw APPS directory (``NNNN/question.txt`` ...; or one problem's directory), or a
    JSONL file (or directory of them) of the hub form."""
    if path.is_dir() and (path / "question.txt").is_file():
        directories = [path]
    elif path.is_dir() and any((p / "question.txt").is_file() for p in path.iterdir()):
        directories = sorted(p for p in path.iterdir() if (p / "question.txt").is_file())
    else:
        return apps_from_rows(read_rows(path))
    problems = []
    for directory in directories:
        problem = _raw_problem(directory)
        if problem is not None:
            problems.append(problem)
    return problems


def _raw_problem(directory: Path) -> Problem | None:
    row = Row({}, where=str(directory), index=None)
    metadata = _json_file(directory / "metadata.json", default={})
    starter = directory / "starter_code.py"
    return apps_problem(
        problem_id=directory.name,
        question=_read_text(directory / "question.txt"),
        io=_json_file(directory / "input_output.json", default=None),
        solutions=_json_file(directory / "solutions.json", default=[]),
        difficulty=metadata.get("difficulty") if isinstance(metadata, dict) else None,
        starter_code=_read_text(starter) if starter.is_file() else "",
        url=metadata.get("url") if isinstance(metadata, dict) else None,
        row=row,
    )


def _json_file(file: Path, *, default: Any) -> Any:
    if not file.is_file():
        return default
    try:
        return json.loads(_read_text(file))
    except (json.JSONDecodeError, RecursionError) as exc:
        raise DatasetFormatError(f"not valid JSON: {exc}", where=str(file)) from None


def _read_text(file: Path) -> str:
    try:
        return file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DatasetFormatError(f"cannot be read: {exc}", where=str(file)) from None


def _text(value: Any) -> str:
    # APPS stores some standard inputs and outputs as lists of lines.
    if isinstance(value, list):
        return "\n".join(str(line) for line in value)
    return str(value)


def _lines_of(text: str) -> str:
    """Text as its non-blank lines, each stripped, framed by newlines (for whole-line search)."""
    return "\n" + "\n".join(line.strip() for line in text.splitlines() if line.strip()) + "\n"


def _appears(text: str, shown: str) -> bool:
    lines = _lines_of(text)
    return lines != "\n\n" and lines in shown


register_codegen_benchmark(
    DatasetSpec(
        name="apps",
        description="APPS: 10k problems (introductory, interview, competition), stdin or call",
        from_path=apps_from_path,
        from_rows=apps_from_rows,
        hub=HubSource(dataset_id="codeparrot/apps"),
    ),
    task_description="APPS: competitive problems, stdin or call-based, APPS's judge",
)
