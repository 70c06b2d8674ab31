"""Reading what can be exported into :class:`TrainingRow` s.

Inputs (``detect_format`` tells the JSONL ones apart by the keys of their first row):

``questions``
    ``execgym questions`` output: one :class:`~execgym.tasks.Question` a line. Data source
    ``execgym/execq``; ground truth :func:`~execgym.rewards.question_ground_truth` (the
    reward named by ``reward``, ``execverify`` by default); SFT target the question's
    reference answer.
``programs``
    ``execgym synth`` output (or any ``{"id", "code", "entry", "input"}`` rows): each call is
    traced in the sandbox (twice, under two hash seeds) and asked as ExecVerify's combined
    question (``as_questions="combined"``: output, next statement, variable state) or as
    output prediction (``"output"``), in ExecVerify's own style; then as ``questions``.
``chat``
    Rows ``{"messages": [...]}`` whose last message is the assistant's (ReCode's SFT export,
    any chat SFT file): SFT only.
``rows``
    Generic training rows (see :mod:`._rows`), or verl-shaped ones (the ground truth in
    ``reward_model.ground_truth``): FixAudit's role data (``execgym.repair``'s builders) and
    any other registered data source; each ground truth is checked by its source.
A code-generation benchmark (:func:`benchmark_rows`, ``--dataset NAME --data PATH``): data
source ``execgym/codegen``; prompt the code-generation eval task's; SFT target the first
reference solution in a code block.

Every row that cannot be exported comes back as a :class:`RowProblem` naming its file and
line (or dataset and problem), the field and the reason; nothing is dropped silently.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack
from pathlib import Path
from typing import Any, Literal

from pydantic import ValidationError

from execgym.bench import (
    DatasetFormatError,
    DatasetUnavailableError,
    Problem,
    load_dataset,
    problem_prompt,
    resolve_expected_outputs_many,
)
from execgym.rewards import DATA_SOURCES, EXECQ_SOURCE, get_reward, question_ground_truth
from execgym.sandbox import Sandbox, SandboxConfig
from execgym.tasks import BuildStats, Kind, ProgramFormatError, Question, iter_questions
from execgym.tasks import program_from_row as read_program_row
from execgym.trace import INSTRUMENTS
from execgym.train._codegen_source import CODEGEN_SOURCE, CodegenReward, codegen_ground_truth
from execgym.train._rows import ExportError, RowProblem, TrainingRow, chat_messages

__all__ = [
    "FORMATS",
    "InputFormat",
    "benchmark_rows",
    "detect_format",
    "read_rows",
]

InputFormat = Literal["questions", "programs", "chat", "rows"]
FORMATS: tuple[InputFormat, ...] = ("questions", "programs", "chat", "rows")
QuestionShape = Literal["combined", "output"]
Rows = tuple[list[TrainingRow], list[RowProblem]]


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8") as stream:
        for number, text in enumerate(stream, start=1):
            if text.strip():
                yield number, text


def detect_format(path: Path) -> InputFormat:
    """The format of a JSONL input, from the keys of its first row that reads."""
    for number, text in _lines(path):
        try:
            row = json.loads(text)
        except json.JSONDecodeError:
            continue
        if not isinstance(row, Mapping):
            continue
        if "data_source" in row:
            return "rows"
        if "items" in row and "prompt" in row and "style" in row:
            return "questions"
        if "messages" in row:
            return "chat"
        if "code" in row and "input" in row:
            return "programs"
        keys = ", ".join(sorted(map(str, row))) or "none"
        raise ExportError(
            f"{path}:{number}: cannot tell the input format from the keys ({keys}); "
            "expected questions (execgym questions), programs (execgym synth), chat rows "
            '({"messages"}) or training rows ({"data_source", "prompt", ...})'
        )
    raise ExportError(f"{path}: no JSON object in the file")


def _decoded(path: Path, number: int, text: str, problems: list[RowProblem]) -> Any:
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        problems.append(RowProblem(f"{path}:{number}", "<row>", f"not valid JSON: {exc.msg}"))
        return None
    if not isinstance(row, Mapping):
        problems.append(RowProblem(f"{path}:{number}", "<row>", "expected a JSON object"))
        return None
    return row


def read_rows(
    path: Path,
    fmt: InputFormat,
    *,
    split: str = "train",
    reward: str = "execverify",
    as_questions: QuestionShape = "combined",
    seed: int = 0,
    sandbox: Sandbox | None = None,
) -> Rows:
    """The training rows of a JSONL input and the rows that could not be read."""
    if fmt == "questions":
        get_reward(reward)
        return _question_rows(path, split, reward)
    if fmt == "programs":
        get_reward(reward)
        return _program_rows(path, split, reward, as_questions, seed, sandbox)
    if fmt == "chat":
        return _chat_rows(path, split)
    if fmt == "rows":
        return _generic_rows(path, split)
    raise ExportError(f"unknown input format {fmt!r}; known: {', '.join(FORMATS)}")


# ---- execution questions ---------------------------------------------------------------------


def question_row(question: Question, reward: str, split: str, where: str) -> TrainingRow:
    info: dict[str, Any] = {
        "id": question.id,
        "split": split,
        "program_id": question.program_id,
        "kind": str(question.kind),
        "style": question.style,
    }
    level = question.meta.get("level")
    if level is not None:
        info["level"] = str(level)
    return TrainingRow(
        id=question.id,
        data_source=EXECQ_SOURCE,
        prompt=[{"role": "user", "content": question.prompt}],
        ability="code-execution",
        ground_truth=question_ground_truth(question, reward),
        reference=question.reference_answer,
        extra_info=info,
        where=where,
    )


def _question_rows(path: Path, split: str, reward: str) -> Rows:
    rows: list[TrainingRow] = []
    problems: list[RowProblem] = []
    for number, text in _lines(path):
        row = _decoded(path, number, text, problems)
        if row is None:
            continue
        try:
            question = Question.model_validate(row)
        except ValidationError as exc:
            first = exc.errors()[0]
            field = ".".join(str(part) for part in first["loc"]) or "<row>"
            problems.append(RowProblem(f"{path}:{number}", field, first["msg"]))
            continue
        rows.append(question_row(question, reward, split, f"{path}:{number}"))
    return rows, problems


def _program_rows(
    path: Path,
    split: str,
    reward: str,
    shape: QuestionShape,
    seed: int,
    sandbox: Sandbox | None,
) -> Rows:
    problems: list[RowProblem] = []
    programs = []
    lines: dict[str, int] = {}
    levels: dict[str, str] = {}
    for number, text in _lines(path):
        row = _decoded(path, number, text, problems)
        if row is None:
            continue
        try:
            program = read_program_row(row, f"{path}:{number}")
        except ProgramFormatError as exc:
            problems.append(RowProblem(exc.where, exc.field, exc.problem))
            continue
        if program.id in lines:
            problems.append(
                RowProblem(f"{path}:{number}", "id", f"repeats the id of line {lines[program.id]}")
            )
            continue
        lines[program.id] = number
        if row.get("level") is not None:
            levels[program.id] = str(row["level"])
        programs.append(program)
    kinds = [Kind.OUTPUT] if shape == "output" else [Kind.OUTPUT, Kind.NEXT, Kind.STATE]
    stats = BuildStats()
    rows: list[TrainingRow] = []
    asked: set[str] = set()
    with ExitStack() as stack:
        # Tracing needs the tracer's instrument in the sandbox: the caller's sandbox is used
        # for its number of workers only.
        workers = sandbox.workers if sandbox is not None else None
        box = stack.enter_context(
            Sandbox(workers=workers, config=SandboxConfig(instruments=INSTRUMENTS))
        )
        second_config = SandboxConfig(hash_seed=box.config.hash_seed + 1, instruments=INSTRUMENTS)
        second = stack.enter_context(Sandbox(workers=box.workers, config=second_config))
        for question in iter_questions(
            box, programs, kinds, "execverify", seed, stats=stats, second_seed=second
        ):
            asked.add(question.program_id)
            if question.program_id in levels:
                question.meta["level"] = levels[question.program_id]
            where = f"{path}:{lines[question.program_id]}"
            rows.append(question_row(question, reward, split, where))
    skipped = set(stats.skipped_ids)
    for program in programs:
        if program.id in asked:
            continue
        where = f"{path}:{lines[program.id]}"
        if program.id in skipped:
            reason = "its call did not run to the end deterministically in the sandbox"
        else:
            reason = "its trace gave no question of the kinds asked"
        problems.append(RowProblem(where, "code", reason))
    return rows, problems


# ---- chat and generic rows -------------------------------------------------------------------


def _each_row(path: Path, read: Callable[[Mapping[str, Any], str, str], TrainingRow]) -> Rows:
    """``read(row, where, default_id)`` on every row; a ``ValueError`` ``"field: reason"``
    names the row's problem."""
    rows: list[TrainingRow] = []
    problems: list[RowProblem] = []
    for number, text in _lines(path):
        where = f"{path}:{number}"
        row = _decoded(path, number, text, problems)
        if row is None:
            continue
        try:
            rows.append(read(row, where, f"{path.stem}-{number}"))
        except ValueError as exc:
            field, _, reason = str(exc).partition(": ")
            problems.append(RowProblem(where, field, reason))
    return rows, problems


def _chat_rows(path: Path, split: str) -> Rows:
    def read(row: Mapping[str, Any], where: str, default_id: str) -> TrainingRow:
        messages = chat_messages(row.get("messages"), where, "messages")
        if messages[-1]["role"] != "assistant" or len(messages) < 2:
            raise ValueError("messages: the last message must be the assistant's reply")
        row_id = str(row.get("id", default_id))
        return TrainingRow(
            id=row_id,
            data_source="",
            prompt=messages[:-1],
            ability=str(row.get("ability", "chat")),
            reference=messages[-1]["content"],
            extra_info={"id": row_id, "split": split},
            where=where,
        )

    return _each_row(path, read)


def _generic_rows(path: Path, split: str) -> Rows:
    return _each_row(
        path, lambda row, where, default_id: _generic_row(row, where, split, default_id)
    )


def _generic_row(row: Mapping[str, Any], where: str, split: str, default_id: str) -> TrainingRow:
    source = row.get("data_source")
    if not isinstance(source, str) or not source:
        raise ValueError("data_source: expected the name of a data source")
    if source not in DATA_SOURCES:
        raise ValueError(
            f"data_source: no reward registered for {source!r}; known: {', '.join(DATA_SOURCES)}"
        )
    prompt = chat_messages(row.get("prompt"), where, "prompt")
    truth = row.get("ground_truth")
    model = row.get("reward_model")
    if truth is None and isinstance(model, Mapping):  # verl's shape (FixAudit's RL rows)
        truth = model.get("ground_truth")
    if truth is not None:
        if not isinstance(truth, str):
            truth = json.dumps(truth, ensure_ascii=False, separators=(",", ":"))
        check = DATA_SOURCES.get(source).check
        try:
            if check is not None:
                check(truth)
        except ValueError as exc:
            raise ValueError(f"ground_truth: {exc}") from None
    response = row.get("response")
    if response is not None and not isinstance(response, str):
        raise ValueError("response: expected text")
    extra = row.get("extra_info", {})
    if not isinstance(extra, Mapping):
        raise ValueError("extra_info: expected an object")
    row_id = str(row.get("id", extra.get("id", default_id)))
    return TrainingRow(
        id=row_id,
        data_source=source,
        prompt=prompt,
        ability=str(row.get("ability", source.rsplit("/", 1)[-1])),
        ground_truth=truth,
        reference=response,
        extra_info={**extra, "id": row_id, "split": extra.get("split", split)},
        where=where,
    )


# ---- code-generation benchmarks --------------------------------------------------------------


def benchmark_rows(
    dataset: str,
    data: Path | None,
    *,
    split: str = "train",
    reward: CodegenReward = "all_pass",
    difficulty: str | None = None,
    limit: int | None = None,
    sandbox: Sandbox | None = None,
) -> Rows:
    """The rows of a code-generation benchmark, one per problem."""
    try:
        problems_read = load_dataset(dataset, data, difficulty=difficulty, limit=limit)
    except (DatasetFormatError, DatasetUnavailableError, KeyError) as exc:
        raise ExportError(str(exc).strip("\"'")) from None
    if any(p.expected_from_reference for p in problems_read):
        with ExitStack() as stack:
            box = sandbox or stack.enter_context(Sandbox())
            problems_read = resolve_expected_outputs_many(box, problems_read)
    rows: list[TrainingRow] = []
    problems: list[RowProblem] = []
    where_data = str(data) if data is not None else dataset
    for problem in problems_read:
        where = f"{where_data} (problem {problem.id})"
        try:
            truth = codegen_ground_truth(problem, reward)
        except ValueError as exc:
            problems.append(RowProblem(where, "tests", str(exc)))
            continue
        rows.append(_problem_row(problem, dataset, split, truth, where))
    return rows, problems


def _problem_row(problem: Problem, dataset: str, split: str, truth: str, where: str) -> TrainingRow:
    info: dict[str, Any] = {"id": problem.id, "split": split, "dataset": dataset}
    if problem.difficulty is not None:
        info["difficulty"] = problem.difficulty
    reference = None
    if problem.reference_solutions:
        reference = f"```python\n{problem.reference_solutions[0]}\n```"
    return TrainingRow(
        id=f"{dataset}/{problem.id}",
        data_source=CODEGEN_SOURCE,
        prompt=[{"role": "user", "content": problem_prompt(problem)}],
        ability="code",
        ground_truth=truth,
        reference=reference,
        extra_info=info,
        where=where,
    )
