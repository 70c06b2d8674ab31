"""Score a file of existing generations against a question file (``execgym score execq``).

Questions are ``execgym questions`` output (one :class:`Question` per JSONL line).
Generations are keyed by question id, either as one JSON object mapping each id to a list
of responses (CRUXEval's published format) or to one response, or as JSONL lines
``{"id", "response"}`` / ``{"id", "responses": [...]}`` (``"generations"`` also accepted).

Every response is scored item by item; the run directory gets ``items.jsonl`` (one line per
response, written as scored) and ``summary.json`` (accuracy per kind, mean of every named
reward). A response the sandbox could not judge is counted apart, never as wrong.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from execgym._jsonl import json_text
from execgym.rewards._data import ScoringData
from execgym.rewards._rewards import get_reward, reward_names, score_batch
from execgym.rewards._score import QuestionScore
from execgym.sandbox import Sandbox
from execgym.tasks import Question, SandboxUnavailable, extract_answers

BATCH = 256


class InputFileError(ValueError):
    """A question or generation file that cannot be read; names the file, line and field."""


def read_questions(path: Path) -> dict[str, Question]:
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


@dataclass
class ScoreSummary:
    """What a scoring run found."""

    questions: int = 0
    responses: int = 0
    without_generations: list[str] = field(default_factory=list)
    unknown_ids: list[str] = field(default_factory=list)
    sandbox_failures: int = 0
    items_by_kind: Counter[str] = field(default_factory=Counter)
    correct_by_kind: Counter[str] = field(default_factory=Counter)
    reward_sums: dict[str, dict[str, float]] = field(default_factory=dict)
    """Per question kind (``combined``, ``coverage``, ...): the sum of each reward."""
    scored_by_question_kind: Counter[str] = field(default_factory=Counter)

    def accuracy_by_kind(self) -> dict[str, float]:
        return {
            kind: self.correct_by_kind[kind] / total
            for kind, total in sorted(self.items_by_kind.items())
            if total
        }

    def mean_rewards(self) -> dict[str, dict[str, float]]:
        """Per question kind, the mean of every named reward over its judged responses."""
        return {
            kind: {name: sums[name] / self.scored_by_question_kind[kind] for name in sums}
            for kind, sums in sorted(self.reward_sums.items())
        }

    def as_json(self) -> dict[str, Any]:
        return {
            "questions": self.questions,
            "responses": self.responses,
            "sandbox_failures": self.sandbox_failures,
            "accuracy_by_kind": self.accuracy_by_kind(),
            "items_by_kind": dict(sorted(self.items_by_kind.items())),
            "mean_rewards": self.mean_rewards(),
            "questions_without_generations": self.without_generations,
            "generations_for_unknown_questions": self.unknown_ids,
        }

    def markdown(self) -> str:
        rows = ["| kind | items | accuracy |", "| --- | ---: | ---: |"]
        for kind, accuracy in self.accuracy_by_kind().items():
            rows.append(f"| {kind} | {self.items_by_kind[kind]} | {accuracy:.3f} |")
        names = reward_names()
        rows += ["", "| question kind | responses | " + " | ".join(names) + " |"]
        rows += ["| --- | ---: |" + " ---: |" * len(names)]
        for kind, means in self.mean_rewards().items():
            cells = " | ".join(f"{means[name]:.4f}" for name in names)
            rows.append(f"| {kind} | {self.scored_by_question_kind[kind]} | {cells} |")
        return "\n".join(rows)


def score_generation_file(
    questions: dict[str, Question],
    generations: dict[str, list[str]],
    out_dir: Path,
    sandbox: Sandbox | None,
    advance: Callable[[], None] = lambda: None,
    *,
    equality: str | None = None,
) -> ScoreSummary:
    """Score every response; write ``items.jsonl`` as it goes and ``summary.json`` at the end.

    ``equality`` (``python`` or ``strict``) compares values; ``None``: each question's style
    default."""
    summary = ScoreSummary(questions=len(questions))
    summary.without_generations = sorted(set(questions) - set(generations))
    summary.unknown_ids = sorted(set(generations) - set(questions))
    work = [
        (question, index, response)
        for qid, question in questions.items()
        for index, response in enumerate(generations.get(qid, []))
    ]
    out_dir.mkdir(parents=True, exist_ok=True)
    with (out_dir / "items.jsonl").open("w", encoding="utf-8") as out:
        for start in range(0, len(work), BATCH):
            chunk = work[start : start + BATCH]
            pairs = [(ScoringData.from_question(q), response) for q, _, response in chunk]
            for (question, index, response), score in zip(
                chunk, score_batch(pairs, sandbox=sandbox, equality=equality), strict=True
            ):
                out.write(json_text(_record(question, index, response, score, summary)) + "\n")
                advance()
            out.flush()
    (out_dir / "summary.json").write_text(
        json_text(summary.as_json(), indent=2) + "\n", encoding="utf-8"
    )
    return summary


def _record(
    question: Question,
    index: int,
    response: str,
    score: QuestionScore | SandboxUnavailable,
    summary: ScoreSummary,
) -> dict[str, Any]:
    summary.responses += 1
    record: dict[str, Any] = {
        "question_id": question.id,
        "sample": index,
        "style": question.style,
        "kind": str(question.kind),
        "response": response,
        "extracted": [answer.text for answer in extract_answers(question, response)],
    }
    if isinstance(score, SandboxUnavailable):
        summary.sandbox_failures += 1
        record["sandbox_error"] = str(score)
        return record
    for item in score.items:
        summary.items_by_kind[str(item.kind)] += 1
        summary.correct_by_kind[str(item.kind)] += int(item.correct)
    rewards = {name: get_reward(name)(score) for name in reward_names()}
    kind = str(question.kind)
    summary.scored_by_question_kind[kind] += 1
    sums = summary.reward_sums.setdefault(kind, dict.fromkeys(rewards, 0.0))
    for name, value in rewards.items():
        sums[name] += value
    record["items"] = [
        {"id": s.item_id, "kind": str(s.kind), "correct": s.correct, "reason": s.reason}
        for s in score.items
    ]
    record["rewards"] = rewards
    return record
