"""HumanEval (openai/human-eval).

Native format, confirmed from openai/human-eval ``data/HumanEval.jsonl.gz`` (and its copy in
this project's shared data): JSON Lines, optionally gzipped, one problem per row with
``task_id``, ``prompt`` (signature and docstring), ``canonical_solution`` (the body that
completes the prompt), ``test`` (defines ``check(candidate)``) and ``entry_point``. The hub copy
``openai/openai_humaneval`` has the same fields.

Judging, as human-eval does it: the program is prompt + completion + test, and the one hidden
test calls ``check(<entry_point>)``, which must return. A full-function answer is judged after
the prompt (``full_program_prefix``), so the prompt's imports and helper functions exist.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from execgym.bench._problem import Problem
from execgym.bench._registry import DatasetSpec, HubSource
from execgym.bench._rows import Row, find_file, read_rows
from execgym.bench._task_codegen import register_codegen_benchmark
from execgym.sandbox import CallTest, Limits

HUMAN_EVAL_LIMITS = Limits(time_s=3.0)
"""human-eval's timeout is 3 seconds per problem."""


def humaneval_problem(row: Row, *, source: str = "humaneval") -> Problem:
    """One HumanEval-format row (also HumanEval+ rows with a ``test`` program)."""
    prompt = row.text("prompt")
    entry_point = row.text("entry_point")
    return Problem(
        id=row.text("task_id"),
        source=source,
        starter_code=prompt,
        entry_point=entry_point,
        hidden_tests=[CallTest(fn_name="check", args_src=entry_point)],
        test_code=row.text("test"),
        full_program_prefix=prompt,
        limits=HUMAN_EVAL_LIMITS,
        checker="exact",
        reference_solutions=[prompt + row.text("canonical_solution")],
    )


def humaneval_from_rows(rows: Iterable[Row]) -> list[Problem]:
    return [humaneval_problem(row) for row in rows]


def humaneval_from_path(path: Path) -> list[Problem]:
    """``HumanEval.jsonl(.gz)``, or a directory holding one."""
    file = find_file(path, ("HumanEval.jsonl.gz", "HumanEval.jsonl"))
    return humaneval_from_rows(read_rows(file))


register_codegen_benchmark(
    DatasetSpec(
        name="humaneval",
        description="OpenAI HumanEval: 164 function-completion problems judged by check()",
        from_path=humaneval_from_path,
        from_rows=humaneval_from_rows,
        hub=HubSource(dataset_id="openai/openai_humaneval"),
    ),
    task_description="HumanEval: complete a function; its check() tests",
)
