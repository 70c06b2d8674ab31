"""REval (``reval``): coverage, state, path and output prediction, and incremental consistency.

Data (``--data DIR``, required): REval's ``DREval_data.jsonl`` and ``DREval_tasks.jsonl``.

* ``DREval_data.jsonl``: ``{"task_id": "DREval/<idx>", "entry_point", "code", "inputs",
  "outputs", "test"}``. In the function (HumanEval) half ``inputs`` are argument tuples as
  source (``"([1, 2], 3,)"``) and ``test`` is null; an optional ``innvocations`` list
  (MBPP-derived forks) gives each input's call as written. In the ClassEval half ``code``
  is a class named ``entry_point``, ``test`` its unittest module, and ``inputs`` the
  bodies of its test classes' first test methods (:mod:`._task_reval_classeval`).
* ``DREval_tasks.jsonl``: ``{"task_id", "idx", "tasks": [{"input_idx", "task": [{"lineno",
  "var"}, ...], "output_pred": "assert f(...) == ??"}]}``.

Items: for every input and every ``{"lineno", "var"}`` of its ``task`` list, a coverage
(is line L executed?), a state (value and type of ``var`` after L) and a path (the next
line after L) question; and one output question per input (complete ``output_pred``).
Prompts are REval's templates (:mod:`._task_reval_prompts`). Functions: the invocation is
``f"{entry}{input[:-2]})"`` (or the row's ``innvocations``), path prompts number the code's
lines, output prompts show ``"\\n" + output_pred``. Classes: the class code unnumbered, the
test class's set-up as comments and the test body, asked about "the above test code";
output prompts add REval's "# Test code starts here." line before ``output_pred``.

Judging follows REval's ``evaluation.py`` on ground truth traced in the sandbox (see
:mod:`._task_reval_truth`); the output answer (padded with the test code's first lines when
shorter, failed outright when it asserts a constant or drops assertions) runs after the code
in the sandbox (for a class: as a method of the test class, after its ``setUp``).
``task_metrics`` holds REval's incremental consistency score: for every input and atomic
task, with (coverage, state, path, output) correct in that order, 1 for all four, 1/2 for
the first three, 1/4 for the first two, 1/8 for coverage alone, 0 otherwise, averaged (per
sample index, then over the indices); and coverage precision, recall and F1.

Sampling: REval's temperature, 0.8, and five samples (its five repeated runs). REval sends
open models the raw prompt (``/v1/completions``, no chat template, no system message) and
its GPT models a chat with the system message; ``execgym eval reval --raw-completions`` does
the former, the default the latter.
"""

from __future__ import annotations

import ast
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from execgym.bench._eval_task import (
    EXPERT_SYSTEM_PROMPT,
    DataRequired,
    DatasetError,
    EvalItem,
    Judgement,
    SamplingDefaults,
    check_python,
    iter_jsonl_rows,
    register_eval_task,
    string_field,
)
from execgym.bench._task_reval_classeval import (
    ABBREVIATION,
    OUTPUT_PRELUDE,
    UnittestClass,
    class_output_script,
    unittest_classes,
)
from execgym.bench._task_reval_prompts import reval_prompt
from execgym.bench._task_reval_truth import (
    GroundTruth,
    GroundTruthCache,
    TracedCall,
    TraceFailed,
    complete_output,
    coverage_answer,
    output_answer,
    output_penalty,
    path_answer,
    path_lines,
    state_answer,
    state_matches,
)
from execgym.bench.benchmarks.cruxeval import run_assertion
from execgym.sandbox import Limits, Sandbox

DATA_FILE = "DREval_data.jsonl"
TASKS_FILE = "DREval_tasks.jsonl"
OUTPUT_LIMITS = Limits(time_s=10.0, wall_s=30.0)
KINDS = ("coverage", "state", "path", "output")
REVAL_SAMPLING = SamplingDefaults(n=5, temperature=0.8)
"""REval samples at temperature 0.8 (``evaluation.py``'s default) and repeats each run five
times (``batch_run.py``): five samples per prompt here."""
IC_WEIGHTS = {(True, True, True, True): 1.0, (True, True, True, False): 0.5}
IC_WEIGHTS[(True, True, False, False)] = 0.25
IC_WEIGHTS[(True, False, False, False)] = 0.125


@dataclass(frozen=True)
class _Program:
    task_id: str
    entry: str
    code: str
    inputs: list[str]
    invocations: list[str] | None
    test: str | None = None
    """The unittest module of a ClassEval class (``None`` for a function)."""
    test_classes: tuple[UnittestClass, ...] = ()


@dataclass(frozen=True)
class RevalTask:
    """``reval``."""

    name: str = "reval"
    description: str = (
        "REval: coverage, state, path and output prediction with the incremental "
        "consistency score (--data DIR with DREval_data.jsonl and DREval_tasks.jsonl)"
    )
    stop: tuple[str, ...] = ("[/ANSWER]",)
    sampling_defaults: SamplingDefaults = REVAL_SAMPLING
    truths: GroundTruthCache = field(default_factory=GroundTruthCache, compare=False)

    def default_max_tokens(self, cot: bool) -> int:
        return 1024 if cot else 256  # REval's inference.py

    # ------------------------------------------------------------------------ loading

    def load(self, data: Path | None, *, cot: bool) -> list[EvalItem]:
        if data is None:
            raise DataRequired(self.name, f"a directory holding {DATA_FILE} and {TASKS_FILE}")
        if not data.is_dir():
            raise DatasetError(str(data), "<data>", f"not a directory with {DATA_FILE}")
        programs = _read_programs(data / DATA_FILE)
        items: list[EvalItem] = []
        for where, row in iter_jsonl_rows(data / TASKS_FILE):
            items.extend(self._items(row, where, programs, cot))
        return items

    def _items(
        self,
        row: Mapping[str, Any],
        where: str,
        programs: Mapping[str, _Program],
        cot: bool,
    ) -> list[EvalItem]:
        task_id = row.get("task_id")
        if task_id is None and isinstance(row.get("idx"), int):
            task_id = f"DREval/{row['idx']}"
        if not isinstance(task_id, str):
            raise DatasetError(where, "task_id", "missing (and no integer 'idx')")
        if task_id not in programs:
            raise DatasetError(where, "task_id", f"{task_id!r} is not in {DATA_FILE}")
        program = programs[task_id]
        pairs = row.get("tasks")
        if not isinstance(pairs, list):
            raise DatasetError(where, "tasks", "expected a list")
        items: list[EvalItem] = []
        codelines = program.code.split("\n")
        numbered = "".join(f"{i + 1}\t{line}\n" for i, line in enumerate(codelines))
        for p, pair in enumerate(pairs):
            items.extend(
                self._pair_items(pair, f"tasks[{p}]", where, program, codelines, numbered, cot)
            )
        return items

    def _pair_items(
        self,
        pair: Any,
        at: str,
        where: str,
        program: _Program,
        codelines: list[str],
        numbered: str,
        cot: bool,
    ) -> list[EvalItem]:
        if not isinstance(pair, dict):
            raise DatasetError(where, at, "expected an object")
        index = pair.get("input_idx")
        if not isinstance(index, int) or isinstance(index, bool):
            raise DatasetError(where, f"{at}.input_idx", "expected an integer")
        if not 0 <= index < len(program.inputs):
            raise DatasetError(
                where, f"{at}.input_idx", f"{index} is not an input of {program.task_id}"
            )
        output_pred = string_field(pair, "output_pred", where) if "output_pred" in pair else None
        if output_pred is None:
            raise DatasetError(where, f"{at}.output_pred", "is missing")
        atomic = pair.get("task")
        if not isinstance(atomic, list):
            raise DatasetError(where, f"{at}.task", "expected a list")
        queries: list[tuple[int, str]] = []
        for t, entry in enumerate(atomic):
            spot = f"{at}.task[{t}]"
            if not isinstance(entry, dict):
                raise DatasetError(where, spot, "expected an object")
            lineno, var = entry.get("lineno"), entry.get("var")
            if not isinstance(lineno, int) or not 1 <= lineno <= len(codelines):
                raise DatasetError(where, f"{spot}.lineno", f"{lineno!r} is not a line of the code")
            if not isinstance(var, str):
                raise DatasetError(where, f"{spot}.var", "expected a string")
            check_python(var, where, f"{spot}.var", mode="eval")
            queries.append((lineno, var))
        if program.test is not None and index >= len(program.test_classes):
            raise DatasetError(
                where,
                f"{at}.input_idx",
                f"{index}, but the test module of {program.task_id} has "
                f"{len(program.test_classes)} test classes for {program.entry}",
            )
        prefix = f"{program.task_id}/{index}"
        base = {
            "code": program.code,
            "entry": program.entry,
            "args": program.inputs[index] if program.test is None else "()",
            "test": program.test,
            "index": index,
            "queries": queries,
            "cot": cot,
            "output_pred": output_pred,
            "given": program.inputs[index],
        }
        shown = _shown_fields(program, index, numbered, output_pred)
        items: list[EvalItem] = []
        for t, (lineno, var) in enumerate(queries):
            fields = {"line": lineno, "codeline": codelines[lineno - 1], "var": var}
            for kind in ("coverage", "state", "path"):
                items.append(
                    EvalItem(
                        id=f"{prefix}/{kind}/{t}",
                        kind=kind,
                        prompt=reval_prompt(kind, cot, **shown[kind], **fields),
                        system=EXPERT_SYSTEM_PROMPT,
                        group=program.task_id,
                        payload={**base, "lineno": lineno, "var": var},
                    )
                )
        items.append(
            EvalItem(
                id=f"{prefix}/output",
                kind="output",
                prompt=reval_prompt("output", cot, **shown["output"]),
                system=EXPERT_SYSTEM_PROMPT,
                group=program.task_id,
                payload=base,
            )
        )
        return items

    # ------------------------------------------------------------------------ judging

    def _truth(self, item: EvalItem, sandbox: Sandbox) -> GroundTruth:
        payload = item.payload
        call = TracedCall(
            payload["code"], payload["entry"], payload["args"], payload["test"], payload["index"]
        )
        return self.truths.get(sandbox, call, payload["queries"])

    def judge(self, item: EvalItem, responses: Sequence[str], sandbox: Sandbox) -> list[Judgement]:
        cot = bool(item.payload.get("cot", False))
        if item.kind == "output":
            return [self._judge_output(item, response, cot, sandbox) for response in responses]
        try:
            truth = self._truth(item, sandbox)
        except TraceFailed as exc:
            return [Judgement(None, None, "SANDBOX_ERROR", str(exc)) for _ in responses]
        if not truth.ok:
            reason = f"the traced call failed: {truth.status}"[:500]
            return [Judgement(None, None, "TRACE_FAILED", reason) for _ in responses]
        line, var = item.payload["lineno"], item.payload["var"]
        judge = {"coverage": _judge_coverage, "state": _judge_state, "path": _judge_path}
        return [judge[item.kind](truth, line, var, item, response, cot) for response in responses]

    def _judge_output(
        self, item: EvalItem, response: str, cot: bool, sandbox: Sandbox
    ) -> Judgement:
        given = item.payload["output_pred"]
        answer = output_answer(response, cot)
        completed = complete_output(answer, given)
        penalty = output_penalty(completed, given)
        if answer == "ERROR":
            return Judgement(False, None, "NO_ANSWER", "chain of thought not finished")
        if penalty:
            return Judgement(False, completed, "WRONG_ANSWER", penalty)
        payload = item.payload
        if payload["test"] is None:
            script = f"{payload['code']}\n{completed}"
        else:
            script = class_output_script(
                payload["code"], payload["entry"], payload["test"], payload["index"], completed
            )
        return run_assertion(script, completed, sandbox, OUTPUT_LIMITS)

    def reference_response(self, item: EvalItem, sandbox: Sandbox) -> str:
        truth = self._truth(item, sandbox)
        payload = item.payload
        if item.kind == "output" and payload["test"] is not None:
            answer = ast.unparse(ast.parse(payload["given"]))  # the test's own expressions
        elif item.kind == "output":
            assert truth.result is not None and truth.result.literal is not None
            answer = payload["output_pred"].replace("??", truth.result.literal)
        elif item.kind == "coverage":
            answer = "YES" if truth.covered[payload["lineno"]] else "NO"
        elif item.kind == "path":
            following = truth.next_lines[payload["lineno"]][0]
            codelines = payload["code"].split("\n")
            answer = "-1" if following == -1 else codelines[following - 1].strip()
        else:
            values = truth.values[(payload["lineno"], payload["var"])]
            if values is None or isinstance(values, str):
                answer = "Nil"
            else:  # a value without a literal has no answer REval could read
                first = next((value for value in values if value.literal), values[0])
                answer = f"{first.literal or first.repr}; {first.type}"
        thought = "[THOUGHT]\nStep by step.\n[/THOUGHT]\n" if payload.get("cot") else ""
        return f"{thought}[ANSWER]\n{answer}\n[/ANSWER]"

    # ------------------------------------------------------------------------ metrics

    def task_metrics(self, records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        metrics = _coverage_metrics(records)
        score = incremental_consistency(records)
        if score is not None:
            metrics["IC score"] = score
        return metrics


def _judge_coverage(
    truth: GroundTruth, line: int, var: str, item: EvalItem, response: str, cot: bool
) -> Judgement:
    predicted, why = coverage_answer(response, cot)
    expected = truth.covered[line]
    correct = predicted == expected
    reason = why or ("" if correct else f"line {line} is {'' if expected else 'not '}executed")
    return Judgement(
        correct,
        "YES" if predicted else "NO",
        "OK" if correct else "WRONG_ANSWER",
        reason,
        detail={"predicted": predicted, "expected": expected},
    )


def _judge_state(
    truth: GroundTruth, line: int, var: str, item: EvalItem, response: str, cot: bool
) -> Judgement:
    answer = state_answer(response, cot)
    correct, why = state_matches(answer, truth.values[(line, var)])
    if answer.error:
        extracted = None
    elif answer.nil:
        extracted = "Nil"
    else:
        extracted = f"{answer.value!r}; {answer.type_name}"
    verdict = "OK" if correct else ("NO_ANSWER" if answer.error else "WRONG_ANSWER")
    return Judgement(correct, extracted, verdict, why)


def _judge_path(
    truth: GroundTruth, line: int, var: str, item: EvalItem, response: str, cot: bool
) -> Judgement:
    answer = path_answer(response, cot)
    lines = path_lines(answer, item.payload["code"])
    expected = list(truth.next_lines[line])
    correct = any(found in expected for found in lines)
    reason = "" if correct else f"the next line is {expected}, the answer names {lines}"
    return Judgement(
        correct,
        None if answer == -2 else str(answer),
        "OK" if correct else ("NO_ANSWER" if answer == -2 else "WRONG_ANSWER"),
        reason,
        detail={"predicted_lines": lines, "expected": expected},
    )


def _coverage_metrics(records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
    tp = fp = fn = 0
    for record in records:
        if record.get("kind") != "coverage":
            continue
        for sample in record.get("samples", []):
            detail = sample.get("detail") or {}
            if sample.get("correct") is None or "predicted" not in detail:
                continue
            predicted, expected = bool(detail["predicted"]), bool(detail["expected"])
            tp += predicted and expected
            fp += predicted and not expected
            fn += expected and not predicted
    metrics: dict[str, float] = {}
    if tp + fp:
        metrics["coverage precision"] = tp / (tp + fp)
    if tp + fn:
        metrics["coverage recall"] = tp / (tp + fn)
    if tp + fp and tp + fn:
        precision, recall = tp / (tp + fp), tp / (tp + fn)
        metrics["coverage F1"] = (
            2 * precision * recall / (precision + recall) if precision + recall else 0.0
        )
    return metrics


def incremental_consistency(records: Sequence[Mapping[str, Any]]) -> float | None:
    """REval's IC score over item records (see the module docs); ``None`` with nothing to score."""
    outcomes: dict[tuple[str, str], list[bool | None]] = {}
    for record in records:
        item_id = str(record["id"])
        kind = str(record.get("kind"))
        if kind == "output":
            key = (item_id.removesuffix("/output"), "output")
        else:
            prefix, _, t = item_id.rsplit("/", 2)
            key = (f"{prefix}/{t}", kind)
        outcomes[key] = [sample.get("correct") for sample in record.get("samples", [])]
    atoms = {name for name, kind in outcomes if kind != "output"}
    per_sample: dict[int, list[float]] = {}
    for atom in sorted(atoms):
        prefix = atom.rsplit("/", 1)[0]
        series = [outcomes.get((atom, kind)) for kind in KINDS[:3]]
        series.append(outcomes.get((prefix, "output")))
        if any(entry is None for entry in series):
            continue
        depth = min(len(entry) for entry in series if entry is not None)
        for j in range(depth):
            flags = [entry[j] for entry in series if entry is not None]
            if any(flag is None for flag in flags):
                continue
            pattern = tuple(bool(flag) for flag in flags)
            per_sample.setdefault(j, []).append(IC_WEIGHTS.get(pattern, 0.0))  # type: ignore[arg-type]
    if not per_sample:
        return None
    means = [sum(scores) / len(scores) for scores in per_sample.values() if scores]
    return sum(means) / len(means)


def _shown_fields(
    program: _Program, index: int, numbered: str, output_pred: str
) -> dict[str, dict[str, str]]:
    """The template fields of each kind of question about input ``index`` (REval's
    ``_humaneval_task_impl`` / ``_classeval_task_impl``), but the line and variable."""
    if program.test is None:
        invocation = (
            program.invocations[index]
            if program.invocations is not None
            else f"{program.entry}{program.inputs[index][:-2]})"
        )
        plain = {"code": program.code, "invocation": invocation, "invocation_abbr": invocation}
        return {
            "coverage": plain,
            "state": plain,
            "path": {**plain, "code": numbered},
            "output": {"code": program.code, "invocation": "\n" + output_pred},
        }
    test_class = program.test_classes[index]
    body = program.inputs[index].rstrip()
    plain = {
        "code": program.code,
        "invocation": test_class.setup_comment(hashed_first_line=False) + "\n" + body,
        "invocation_abbr": ABBREVIATION,
    }
    hashed = test_class.setup_comment(hashed_first_line=True)
    return {
        "coverage": plain,
        "state": plain,
        "path": {**plain, "invocation": hashed + "\n" + body},
        "output": {"code": program.code, "invocation": hashed + OUTPUT_PRELUDE + output_pred},
    }


def _read_programs(path: Path) -> dict[str, _Program]:
    programs: dict[str, _Program] = {}
    for where, row in iter_jsonl_rows(path):
        task_id = string_field(row, "task_id", where)
        if task_id in programs:
            raise DatasetError(where, "task_id", f"{task_id!r} repeats")
        entry = string_field(row, "entry_point", where)
        if not entry.isidentifier():
            raise DatasetError(where, "entry_point", f"{entry!r} is not a function name")
        code = string_field(row, "code", where)
        check_python(code, where, "code")
        inputs = row.get("inputs")
        if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
            raise DatasetError(where, "inputs", "expected a list of argument tuples as strings")
        test = row.get("test")
        if test is not None:
            programs[task_id] = _class_program(task_id, entry, code, inputs, test, where)
            continue
        for i, args in enumerate(inputs):
            check_python(args, where, f"inputs[{i}]", mode="eval")
        invocations = row.get("innvocations")
        if invocations is not None and (
            not isinstance(invocations, list)
            or len(invocations) != len(inputs)
            or not all(isinstance(i, str) for i in invocations)
        ):
            raise DatasetError(where, "innvocations", "expected one call string per input")
        programs[task_id] = _Program(task_id, entry, code, inputs, invocations)
    return programs


def _class_program(
    task_id: str, entry: str, code: str, inputs: list[str], test: object, where: str
) -> _Program:
    """A ClassEval row: a class, its unittest module, one test body per test class."""
    if not isinstance(test, str):
        raise DatasetError(where, "test", "expected the unittest module as a string")
    check_python(test, where, "test")
    for i, body in enumerate(inputs):
        check_python(body, where, f"inputs[{i}]")
    classes = tuple(unittest_classes(test, entry))
    if not classes:
        raise DatasetError(where, "test", f"no unittest.TestCase class named {entry}Test...")
    return _Program(task_id, entry, code, inputs, None, test, classes)


register_eval_task(RevalTask())

__all__ = ["RevalTask", "incremental_consistency"]
