"""HumanEval+ and MBPP+ (evalplus/evalplus).

Native format, confirmed from evalplus/evalplus ``evalplus/data/humaneval.py``,
``evalplus/data/mbpp.py`` and ``evalplus/data/utils.py`` (``completeness_check``): JSON Lines
(released gzipped as ``HumanEvalPlus-<version>.jsonl.gz`` and ``MbppPlus-<version>.jsonl.gz``)
with ``task_id``, ``prompt``, ``entry_point``, ``canonical_solution``, ``contract``,
``base_input`` and ``plus_input`` (lists of argument lists) and ``atol``. The rows hold no
expected outputs: EvalPlus computes them by running the canonical solution on every input
(``evalplus/evaluate.py``, ``get_groundtruth``), and so does execgym, in the sandbox, on first
use (:func:`execgym.bench.resolve_expected_outputs`). HumanEval+'s ``prompt +
canonical_solution`` is the reference; MBPP+'s ``canonical_solution`` is a whole program, and
its inputs get back their tuples, sets and complex numbers per task
(:mod:`execgym.bench._mbpp_plus_inputs`).

A test whose arguments the prompt shows (a doctest ``>>>`` line or an ``assert`` line calling
the entry point with literal arguments) is a public test; the rest are hidden; "all" is
EvalPlus's base + plus set. Judged with the ``evalplus`` checker at the task's ``atol`` (a
checker named ``evalplus-atol=<atol>`` is registered for a non-zero one). Not reproduced:
EvalPlus's per-task special oracles (see the checker's docstring) and its time limit relative
to the reference's run time; tests get a fixed CPU limit.

The hub copies (``evalplus/humanevalplus``, ``evalplus/mbppplus``) instead carry a ``test``
program with the inputs and outputs inlined (confirmed from the hub cards: fields
``task_id, prompt, canonical_solution, entry_point, test`` and ``task_id, code, prompt,
source_file, test_imports, test_list, test``). Such rows are judged by running that program
after the candidate, as one test (HumanEval+: ``check(<entry_point>)``; MBPP+: the script
must finish); the program imports numpy, which the sandbox's interpreter then needs.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from execgym.bench._asserts import called_function
from execgym.bench._checkers import evalplus_checker_name
from execgym.bench._literals import args_source, is_json_plain
from execgym.bench._mbpp_plus_inputs import mbpp_plus_args
from execgym.bench._problem import Problem
from execgym.bench._registry import DatasetSpec, HubSource
from execgym.bench._rows import Row, read_rows
from execgym.bench._task_codegen import register_codegen_benchmark
from execgym.bench.benchmarks.humaneval import humaneval_problem
from execgym.sandbox import CallTest, Limits, StdioTest

EVALPLUS_LIMITS = Limits(time_s=4.0)

SCRIPT_DONE = "_execgym_script_done"
_SCRIPT_DONE_CODE = f"\n\ndef {SCRIPT_DONE}():\n    return True\n"


def humaneval_plus_problem(row: Row, *, base_only: bool = False) -> Problem:
    """One HumanEval+ row: native (``base_input``/``plus_input``) or hub (``test``) form."""
    if not row.has("base_input"):
        return humaneval_problem(row, source="humaneval+")
    prompt = row.text("prompt")
    entry_point = row.text("entry_point")
    base, plus = _inputs(row, base_only, lambda args: args)
    public, hidden = _split_shown(prompt, entry_point, [*base, *plus])
    return Problem(
        id=row.text("task_id"),
        source="humaneval+",
        starter_code=prompt,
        entry_point=entry_point,
        public_tests=public,
        hidden_tests=hidden,
        full_program_prefix=prompt,
        limits=EVALPLUS_LIMITS,
        checker=evalplus_checker_name(row.number("atol", default=0)),
        expected_from_reference=True,
        reference_solutions=[prompt + row.text("canonical_solution")],
        metadata={"base_tests": len(base), "plus_tests": len(plus)},
    )


def mbpp_plus_problem(row: Row, *, base_only: bool = False) -> Problem:
    """One MBPP+ row: native (``base_input``/``plus_input``) or hub (``test``) form."""
    task_id = str(row.get("task_id", row.index))
    if not row.has("base_input"):
        return _mbpp_plus_script_problem(row, task_id)
    entry_point = row.text("entry_point")
    base, plus = _inputs(row, base_only, lambda args: mbpp_plus_args(task_id, args))
    prompt = row.text("prompt")
    public, hidden = _split_shown(prompt, entry_point, [*base, *plus])
    return Problem(
        id=task_id,
        source="mbpp+",
        statement=prompt,
        entry_point=entry_point,
        public_tests=public,
        hidden_tests=hidden,
        limits=EVALPLUS_LIMITS,
        checker=evalplus_checker_name(row.number("atol", default=0)),
        expected_from_reference=True,
        reference_solutions=[row.text("canonical_solution")],
        metadata={"base_tests": len(base), "plus_tests": len(plus)},
    )


def humaneval_plus_from_rows(rows: Iterable[Row], *, base_only: bool = False) -> list[Problem]:
    return [humaneval_plus_problem(row, base_only=base_only) for row in rows]


def mbpp_plus_from_rows(rows: Iterable[Row], *, base_only: bool = False) -> list[Problem]:
    return [mbpp_plus_problem(row, base_only=base_only) for row in rows]


def humaneval_plus_from_path(path: Path, *, base_only: bool = False) -> list[Problem]:
    """``HumanEvalPlus-<version>.jsonl(.gz)``, or a directory of such files."""
    return humaneval_plus_from_rows(read_rows(path), base_only=base_only)


def mbpp_plus_from_path(path: Path, *, base_only: bool = False) -> list[Problem]:
    """``MbppPlus-<version>.jsonl(.gz)``, or a directory of such files."""
    return mbpp_plus_from_rows(read_rows(path), base_only=base_only)


def _inputs(
    row: Row, base_only: bool, convert: Callable[[list[Any]], list[Any]]
) -> tuple[list[list[Any]], list[list[Any]]]:
    groups = []
    for field in ("base_input", "plus_input"):
        value = row.json_field(field, default=[])
        if field == "plus_input" and base_only:
            value = []
        if not isinstance(value, list):
            raise row.error(field, "expected a list of argument lists")
        converted = []
        for number, args in enumerate(value):
            if not isinstance(args, list):
                raise row.error(f"{field}[{number}]", "expected a list of arguments")
            try:
                converted.append(convert(args))
            except (TypeError, ValueError, IndexError, KeyError, AttributeError) as exc:
                raise row.error(f"{field}[{number}]", f"unexpected input shape: {exc}") from None
        groups.append(converted)
    return groups[0], groups[1]


def _split_shown(
    prompt: str, entry_point: str, inputs: list[list[Any]]
) -> tuple[list[StdioTest | CallTest], list[StdioTest | CallTest]]:
    """Tests of ``inputs`` as (public, hidden): public when the prompt shows a call of the
    entry point with the same arguments (a doctest ``>>>`` line or an ``assert`` line)."""
    shown = _shown_arguments(prompt, entry_point)
    public: list[StdioTest | CallTest] = []
    hidden: list[StdioTest | CallTest] = []
    for args in inputs:
        (public if any(_same(args, s) for s in shown) else hidden).append(_call(entry_point, args))
    return public, hidden


def _shown_arguments(prompt: str, entry_point: str) -> list[list[Any]]:
    shown = []
    for line in prompt.splitlines():
        text = line.strip().removeprefix(">>>").strip()
        if not text.startswith(entry_point) and not text.startswith("assert"):
            continue
        try:
            tree = ast.parse(text)
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id == entry_point
                and not node.keywords
            ):
                try:
                    shown.append([ast.literal_eval(arg) for arg in node.args])
                except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
                    continue
    return shown


def _same(args: list[Any], shown: list[Any]) -> bool:
    return len(args) == len(shown) and all(
        type(a) is type(s) and a == s for a, s in zip(args, shown, strict=True)
    )


def _call(entry_point: str, args: list[Any]) -> CallTest:
    if is_json_plain(args):
        return CallTest(fn_name=entry_point, args=args)
    return CallTest(fn_name=entry_point, args_src=args_source(args))


def _mbpp_plus_script_problem(row: Row, task_id: str) -> Problem:
    code = row.text("code")
    tests = row.texts("test_list", default=[])
    entry_point = next((name for t in tests if (name := called_function(t))), None)
    imports = "\n".join(row.texts("test_imports", default=[]))
    return Problem(
        id=task_id,
        source="mbpp+",
        statement=row.text("prompt"),
        entry_point=entry_point,
        hidden_tests=[CallTest(fn_name=SCRIPT_DONE, expected=True)],
        test_code=(imports + "\n\n" + row.text("test")).strip("\n") + "\n" + _SCRIPT_DONE_CODE,
        limits=EVALPLUS_LIMITS,
        checker="evalplus",
        reference_solutions=[code],
    )


register_codegen_benchmark(
    DatasetSpec(
        name="humaneval+",
        description="EvalPlus HumanEval+: HumanEval with many more test inputs",
        from_path=humaneval_plus_from_path,
        from_rows=humaneval_plus_from_rows,
        hub=HubSource(dataset_id="evalplus/humanevalplus"),
    ),
    task_description="HumanEval+: HumanEval with EvalPlus's extra tests",
)

register_codegen_benchmark(
    DatasetSpec(
        name="mbpp+",
        description="EvalPlus MBPP+: sanitized MBPP tasks with many more test inputs",
        from_path=mbpp_plus_from_path,
        from_rows=mbpp_plus_from_rows,
        hub=HubSource(dataset_id="evalplus/mbppplus"),
    ),
    task_description="MBPP+: MBPP with EvalPlus's extra tests",
)
