"""Score a file of existing generations against a question file (``execgym score execq``).

Questions are ``execgym questions`` output; generations are keyed by question id (the
formats of :mod:`execgym.bench._generations`). Every response is scored item by item; the
run log (:mod:`execgym.bench._run_log`) gets one :class:`ResponseRecord` per response in
``items.jsonl``, written as scored, and ``summary.json`` (accuracy per kind, mean of every
named reward). A response the sandbox could not judge is counted apart, never as wrong.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from execgym.bench._run_log import ResponseRecord, RunDirectory
from execgym.rewards import (
    QuestionScore,
    SandboxUnavailable,
    ScoringData,
    get_reward,
    reward_names,
    score_batch,
)
from execgym.sandbox import Sandbox
from execgym.tasks import Question, extract_answers

BATCH = 256


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
    log = RunDirectory(out_dir, ResponseRecord)
    with log.open_records(append=False) as writer:
        for start in range(0, len(work), BATCH):
            chunk = work[start : start + BATCH]
            pairs = [(ScoringData.from_question(q), response) for q, _, response in chunk]
            for (question, index, response), score in zip(
                chunk, score_batch(pairs, sandbox=sandbox, equality=equality), strict=True
            ):
                writer.write(_record(question, index, response, score, summary))
                advance()
    log.write_summary(summary.as_json())
    return summary


def _record(
    question: Question,
    index: int,
    response: str,
    score: QuestionScore | SandboxUnavailable,
    summary: ScoreSummary,
) -> ResponseRecord:
    summary.responses += 1
    fields: dict[str, Any] = {
        "question_id": question.id,
        "sample": index,
        "style": question.style,
        "kind": str(question.kind),
        "response": response,
        "extracted": [answer.text for answer in extract_answers(question, response)],
    }
    if isinstance(score, SandboxUnavailable):
        summary.sandbox_failures += 1
        fields["sandbox_error"] = str(score)
        return ResponseRecord.model_validate(fields)
    for item in score.items:
        summary.items_by_kind[str(item.kind)] += 1
        summary.correct_by_kind[str(item.kind)] += int(item.correct)
    rewards = {name: get_reward(name)(score) for name in reward_names()}
    kind = str(question.kind)
    summary.scored_by_question_kind[kind] += 1
    sums = summary.reward_sums.setdefault(kind, dict.fromkeys(rewards, 0.0))
    for name, value in rewards.items():
        sums[name] += value
    fields["items"] = [
        {"id": s.item_id, "kind": str(s.kind), "correct": s.correct, "reason": s.reason}
        for s in score.items
    ]
    fields["rewards"] = rewards
    return ResponseRecord.model_validate(fields)
