"""Code-generation benchmarks as eval tasks: HumanEval(+), MBPP(+), APPS, CodeContests,
xCodeEval and LiveCodeBench code generation.

Each item is one :class:`~execgym.bench.Problem`; the prompt is what the problem lets a
model see (statement, starter code, public tests — never a hidden test) and asks for one
Python code block. A response is judged by extracting its code and running it on every test
of the benchmark's official set with the benchmark's own checker and limits; a response
without usable code is a compile error on every test. Besides pass@k the task reports
strict accuracy, AvgPassRatio (APPS's test-case average: per problem the mean fraction of
tests passed, a compile error counting 0; CURE's micro average on the side) and both by
difficulty.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from execgym.bench._eval_task import DatasetError, EvalItem, Judgement, register_eval_task
from execgym.bench._judge import judge_responses
from execgym.bench._problem import Problem
from execgym.bench._registry import DatasetSpec, load_dataset
from execgym.bench._registry import register as register_dataset
from execgym.bench._rows import DatasetFormatError, DatasetUnavailableError
from execgym.bench.metrics import (
    SampleScore,
    avg_pass_ratio,
    by_difficulty,
    micro_pass_ratio,
    strict_accuracy,
)
from execgym.sandbox import Sandbox, Verdict

_FUNCTION_INSTRUCTION = (
    "Complete the following Python function. Reply with the whole function (and any imports "
    "it needs) in one ```python code block."
)
_PROGRAM_INSTRUCTION = (
    "Solve the following programming problem in Python 3. Reply with one ```python code "
    "block holding a complete program that reads standard input and writes standard output."
)
_STARTER_INSTRUCTION = (
    "Solve the following programming problem in Python 3, completing the starter code. Reply "
    "with one ```python code block holding the complete solution."
)


def problem_prompt(problem: Problem) -> str:
    """The model's prompt: an instruction, then what the problem shows (no hidden test)."""
    if problem.entry_point and not problem.starter_code and problem.source.startswith("humaneval"):
        instruction = _FUNCTION_INSTRUCTION
    elif problem.starter_code:
        instruction = _STARTER_INSTRUCTION
    else:
        instruction = _PROGRAM_INSTRUCTION if not problem.entry_point else _FUNCTION_INSTRUCTION
    return f"{instruction}\n\n{problem.prompt_text()}"


@dataclasses.dataclass(frozen=True)
class CodegenTask:
    """One code-generation benchmark (a registered dataset) as an eval task."""

    name: str
    dataset: str
    description: str
    difficulty: str | None = None
    stop: tuple[str, ...] = ()

    def with_difficulty(self, difficulty: str) -> CodegenTask:
        """The same task on the problems of one difficulty level only."""
        return dataclasses.replace(self, difficulty=difficulty)

    def default_max_tokens(self, cot: bool) -> int:
        return 4096 if cot else 2048

    def load(self, data: Path | None, *, cot: bool) -> list[EvalItem]:
        try:
            problems = load_dataset(self.dataset, data, difficulty=self.difficulty)
        except (DatasetFormatError, DatasetUnavailableError) as exc:
            where = str(data or self.dataset)
            raise DatasetError(where, "<dataset>", str(exc), message=str(exc)) from None
        return [
            EvalItem(
                id=problem.id,
                kind=problem.difficulty or self.name,
                prompt=problem_prompt(problem),
                group=problem.id,
                payload={"problem": problem},
            )
            for problem in problems
        ]

    def judge(self, item: EvalItem, responses: Sequence[str], sandbox: Sandbox) -> list[Judgement]:
        problem: Problem = item.payload["problem"]
        judged = judge_responses(sandbox, [(problem, response) for response in responses])
        judgements = []
        for found, result in judged:
            unjudged = result.verdict is Verdict.SANDBOX_ERROR
            judgements.append(
                Judgement(
                    correct=None if unjudged else result.verdict is Verdict.OK,
                    extracted=found.code,
                    verdict=result.verdict.value,
                    reason=found.reason if found.code is None else result.detail,
                    detail={
                        "passed": result.passed,
                        "total": result.total,
                        "compiled": result.verdict is not Verdict.COMPILE_ERROR,
                        "difficulty": problem.difficulty,
                        "extraction": found.method,
                    },
                )
            )
        return judgements

    def reference_response(self, item: EvalItem, sandbox: Sandbox) -> str:
        problem: Problem = item.payload["problem"]
        if not problem.reference_solutions:
            raise ValueError(f"problem {problem.id!r} has no reference solution")
        return f"```python\n{problem.reference_solutions[0]}\n```"

    def task_metrics(self, records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        scores = [
            SampleScore(
                problem_id=str(record["id"]),
                passed=int(sample["detail"]["passed"]),
                total=int(sample["detail"]["total"]),
                compiled=bool(sample["detail"]["compiled"]),
                difficulty=sample["detail"].get("difficulty"),
            )
            for record in records
            for sample in record.get("samples", [])
            if sample.get("correct") is not None and "detail" in sample
        ]
        if not scores:
            return {}
        metrics = {
            "strict_accuracy": strict_accuracy(scores),
            "avg_pass_ratio": avg_pass_ratio(scores),
            "micro_pass_ratio": micro_pass_ratio(scores),
        }
        levels = {score.difficulty for score in scores if score.difficulty}
        if len(levels) > 1:
            for level, value in by_difficulty(scores, avg_pass_ratio).items():
                metrics[f"avg_pass_ratio[{level}]"] = value
        return metrics


def register_codegen_benchmark(spec: DatasetSpec, *, task_description: str) -> DatasetSpec:
    """Register a code-generation benchmark: its dataset ``spec`` and, under the same name,
    its eval task (:class:`CodegenTask`, described by ``task_description``)."""
    register_dataset(spec)
    register_eval_task(CodegenTask(spec.name, spec.name, task_description))
    return spec
