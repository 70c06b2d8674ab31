"""MBPP (google-research ``mbpp/mbpp.jsonl``).

Native format, confirmed from the hub card of ``google-research-datasets/mbpp`` and the
consumers of google-research's ``mbpp/mbpp.jsonl``: JSON Lines with ``task_id`` (int),
``text`` (the task), ``code`` (reference solution), ``test_list`` (three ``assert``
statements), ``test_setup_code`` (usually empty) and ``challenge_test_list``. The sanitized
release (``sanitized-mbpp.json``, a JSON array) names the task ``prompt`` and adds
``test_imports``; both are read.

The MBPP paper shows the task and its three tests to the model, and judges with the same
tests, so ``test_list`` are the public tests and ``challenge_test_list`` the hidden ones; the
official test set is "all". Each assert becomes a call test (see
:mod:`execgym.bench._asserts`), compared with the ``evalplus`` checker: plain Python ``==``
as MBPP's own ``assert`` does; it additionally forgives a float error up to 1e-6 where the
expected value is a float (MBPP compares floats exactly).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from pathlib import Path

from execgym.bench._asserts import (
    HOLDS_HELPER,
    HOLDS_HELPER_CODE,
    call_test_from_assert,
    called_function,
)
from execgym.bench._problem import Problem
from execgym.bench._registry import DatasetSpec, HubSource
from execgym.bench._rows import Row, find_file, read_rows
from execgym.bench._task_codegen import register_codegen_benchmark
from execgym.sandbox import CallTest, Limits

MBPP_LIMITS = Limits(time_s=3.0)


def mbpp_problem(row: Row, *, source: str = "mbpp") -> Problem:
    """One MBPP row (original or sanitized)."""
    statement = row.text("text") if row.has("text") else row.text("prompt")
    public = _tests(row, "test_list")
    hidden = _tests(row, "challenge_test_list", required=False)
    setup = "\n".join(
        [*row.texts("test_imports", default=[]), row.text("test_setup_code", default="")]
    ).strip()
    needs_helper = any(t.fn_name == HOLDS_HELPER for t in [*public, *hidden])
    test_code = setup + (HOLDS_HELPER_CODE if needs_helper else "")
    code = row.text("code")
    return Problem(
        id=str(row.get("task_id", row.index)),
        source=source,
        statement=statement,
        entry_point=_entry_point(row, code),
        public_tests=list(public),
        hidden_tests=list(hidden),
        test_code=test_code.strip("\n") + "\n" if test_code.strip() else "",
        limits=MBPP_LIMITS,
        checker="evalplus",
        reference_solutions=[code],
    )


def mbpp_from_rows(rows: Iterable[Row]) -> list[Problem]:
    return [mbpp_problem(row) for row in rows]


def mbpp_from_path(path: Path) -> list[Problem]:
    """``mbpp.jsonl`` or ``sanitized-mbpp.json``, or a directory holding one."""
    file = find_file(path, ("mbpp.jsonl", "sanitized-mbpp.json"))
    return mbpp_from_rows(read_rows(file))


def _tests(row: Row, field: str, *, required: bool = True) -> list[CallTest]:
    asserts = row.texts(field) if required else row.texts(field, default=[])
    tests = []
    for number, statement in enumerate(asserts):
        try:
            tests.append(call_test_from_assert(statement))
        except ValueError as exc:
            raise row.error(f"{field}[{number}]", str(exc)) from None
    return tests


def _entry_point(row: Row, code: str) -> str | None:
    for statement in row.texts("test_list", default=[]):
        name = called_function(statement)
        if name is not None:
            return name
    try:
        tree = ast.parse(code)
    except SyntaxError:
        return None
    names = [node.name for node in tree.body if isinstance(node, ast.FunctionDef)]
    return names[-1] if names else None


register_codegen_benchmark(
    DatasetSpec(
        name="mbpp",
        description="MBPP: crowd-sourced Python tasks, each with three assert tests",
        from_path=mbpp_from_path,
        from_rows=mbpp_from_rows,
        hub=HubSource(dataset_id="google-research-datasets/mbpp", config="full"),
    ),
    task_description="MBPP: a function from a description and its asserts",
)
