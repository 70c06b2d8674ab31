"""The files ``execgym score`` reads: generations keyed by item id, and question files.

Generations: CRUXEval's published format (one JSON object mapping each id to a list of
generations, or to one), JSONL lines ``{"id", "response"}`` / ``{"id", "responses": [...]}``
(``"generations"`` also accepted), LiveCodeBench's output (a JSON list of objects with
``id`` or ``question_id`` and ``pred_list``, extracted answers, or else ``output_list``, raw
responses), or LiveCodeBench's custom output file: a JSON list of lists of extracted
answers, the i-th list for the i-th item (the benchmark's order).

Questions: ``execgym questions`` output, one :class:`~execgym.tasks.Question` per line.

A file that cannot be read raises :class:`InputFileError`, naming the file, line and field.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from execgym.bench._eval_task import EvalItem
from execgym.tasks import Question


class InputFileError(ValueError):
    """A question or generation file that cannot be read; names the file, line and field."""


def read_questions(path: Path) -> dict[str, Question]:
    """The questions of an ``execgym questions`` file by id (ids must not repeat)."""
    questions: dict[str, Question] = {}
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                question = Question.model_validate_json(text)
            except ValidationError as exc:
                error = exc.errors()[0]
                where = ".".join(str(part) for part in error["loc"]) or "<row>"
                raise InputFileError(f"{path}:{number}: field {where!r}: {error['msg']}") from None
            if question.id in questions:
                raise InputFileError(f"{path}:{number}: field 'id': {question.id!r} repeats")
            questions[question.id] = question
    return questions


def read_generations(path: Path) -> dict[str, list[str]]:
    """Responses by id: one JSON object (id → responses) or JSONL lines."""
    text = path.read_text(encoding="utf-8")
    stripped = text.lstrip()
    if stripped.startswith("{"):
        try:
            whole = json.loads(text)
        except json.JSONDecodeError:
            whole = None  # not one object: JSONL, whose lines are objects too
        if isinstance(whole, dict) and not _looks_like_line(whole):
            return {
                str(key): _responses(value, f"{path}: key {key!r}") for key, value in whole.items()
            }
    generations: dict[str, list[str]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{where}: not valid JSON: {exc.msg}") from None
        if not isinstance(row, dict) or "id" not in row:
            raise InputFileError(f"{where}: field 'id': missing")
        value = next((row[k] for k in ("responses", "generations", "response") if k in row), None)
        if value is None:
            raise InputFileError(f"{where}: field 'response': missing")
        generations.setdefault(str(row["id"]), []).extend(_responses(value, where))
    return generations


def _looks_like_line(row: dict[str, Any]) -> bool:
    return "id" in row and any(k in row for k in ("response", "responses", "generations"))


def _responses(value: object, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, list) and all(isinstance(item, str) for item in value):
        return list(value)
    raise InputFileError(f"{where}: expected a response string or a list of them")


def read_generation_file(
    path: Path, items: Sequence[EvalItem] = ()
) -> tuple[dict[str, list[str]], set[str]]:
    """Generations by item id, and the ids whose generations are already-extracted answers.

    Formats: CRUXEval's published format (one JSON object mapping each id to a list of
    generations, or to one), JSONL lines ``{"id", "response"}`` / ``{"id", "responses":
    [...]}``, LiveCodeBench's output (a JSON list of objects with ``id`` or ``question_id``
    and ``pred_list``, extracted answers, or else ``output_list``, raw responses), or
    LiveCodeBench's custom output file: a JSON list of lists of extracted answers, the i-th
    list for the i-th of ``items`` (the benchmark's order).
    """
    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}: not valid JSON: {exc.msg}") from None
        if isinstance(rows, list) and rows and isinstance(rows[0], list):
            return _answer_lists(rows, path, items)
        return _generation_rows(rows, path)
    return read_generations(path), set()


def _answer_lists(
    rows: list[object], path: Path, items: Sequence[EvalItem]
) -> tuple[dict[str, list[str]], set[str]]:
    if len(rows) != len(items):
        raise InputFileError(
            f"{path}: a list of lists answers the items by position; it has {len(rows)} "
            f"lists for {len(items)} items"
        )
    answers: list[list[str]] = []
    for index, row in enumerate(rows):
        if not isinstance(row, list) or not all(isinstance(v, str) for v in row):
            raise InputFileError(f"{path}: element {index}: expected a list of strings")
        answers.append([str(value) for value in row])
    found = {item.id: answer for item, answer in zip(items, answers, strict=True)}
    return found, set(found)


def _generation_rows(rows: object, path: Path) -> tuple[dict[str, list[str]], set[str]]:
    if not isinstance(rows, list):
        raise InputFileError(f"{path}: expected a JSON list")
    found: dict[str, list[str]] = {}
    extracted: set[str] = set()
    for index, row in enumerate(rows):
        where = f"{path}: element {index}"
        if not isinstance(row, dict):
            raise InputFileError(f"{where}: expected a JSON object")
        key = row.get("id", row.get("question_id"))
        if key is None:
            raise InputFileError(f"{where}: field 'id': missing")
        field = "pred_list" if "pred_list" in row else "output_list"
        values = row.get(field)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputFileError(f"{where}: field {field!r}: expected a list of strings")
        found.setdefault(str(key), []).extend(values)
        if field == "pred_list":
            extracted.add(str(key))
    return found, extracted
