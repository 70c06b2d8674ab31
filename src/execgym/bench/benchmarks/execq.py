"""Questions written by ``execgym questions`` (``execq``), in any of its prompt styles.

Data: the questions JSONL (``--data PATH``, required). Each question is one prompt, sent
as it is (no system message). Responses are scored by :func:`execgym.rewards.score_question`
item by item: a sample is correct when every item of its question is; accuracy is reported
per item kind, and the mean of every named reward under ``task_metrics``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from execgym.bench._eval_task import (
    DataRequired,
    DatasetError,
    EvalItem,
    Judgement,
    PartVerdict,
    register_eval_task,
)
from execgym.bench._generations import InputFileError, read_questions
from execgym.rewards import SandboxUnavailable, get_reward, reward_names, score_question
from execgym.sandbox import Sandbox
from execgym.tasks import Question, extract_answers


@dataclass(frozen=True)
class ExecQuestionsTask:
    """``execq``: any question file produced by ``execgym questions``."""

    name: str = "execq"
    description: str = "execution questions written by `execgym questions` (any style and kind)"
    stop: tuple[str, ...] = ()

    def default_max_tokens(self, cot: bool) -> int:
        return 4096 if cot else 1024

    def load(self, data: Path | None, *, cot: bool) -> list[EvalItem]:
        if data is None:
            raise DataRequired(self.name, "a questions JSONL file")
        if not data.is_file():
            raise DatasetError(str(data), "<file>", "not found")
        try:
            questions = read_questions(data)
        except InputFileError as exc:
            raise DatasetError(str(data), "<row>", str(exc), message=str(exc)) from None
        return [
            EvalItem(
                id=question.id,
                kind=str(question.kind),
                prompt=question.prompt,
                group=question.program_id,
                payload={"question": question},
            )
            for question in questions.values()
        ]

    def _question(self, item: EvalItem) -> Question:
        question = item.payload["question"]
        if not isinstance(question, Question):
            question = Question.model_validate(question)
        return question

    def judge(self, item: EvalItem, responses: Sequence[str], sandbox: Sandbox) -> list[Judgement]:
        question = self._question(item)
        judgements = []
        for response in responses:
            extracted = [answer.text for answer in extract_answers(question, response)]
            shown = extracted[0] if len(extracted) == 1 else "\n".join(str(e) for e in extracted)
            try:
                score = score_question(question, response, sandbox=sandbox)
            except SandboxUnavailable as exc:
                judgements.append(Judgement(None, shown, "SANDBOX_ERROR", str(exc)))
                continue
            parts = tuple(PartVerdict(str(s.kind), s.correct, s.reason) for s in score.items)
            correct = all(part.correct for part in parts)
            reasons = "; ".join(f"{s.item_id}: {s.reason}" for s in score.items if not s.correct)
            rewards = {name: get_reward(name)(score) for name in reward_names()}
            judgements.append(
                Judgement(
                    correct,
                    shown,
                    "OK" if correct else "WRONG_ANSWER",
                    reasons,
                    parts=parts,
                    detail={"rewards": rewards},
                )
            )
        return judgements

    def reference_response(self, item: EvalItem, sandbox: Sandbox) -> str:
        return self._question(item).reference_answer

    def task_metrics(self, records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        sums: dict[str, float] = {}
        count = 0
        for record in records:
            for sample in record.get("samples", []):
                rewards = (sample.get("detail") or {}).get("rewards")
                if not isinstance(rewards, dict):
                    continue
                count += 1
                for name, value in rewards.items():
                    sums[name] = sums.get(name, 0.0) + float(value)
        return {f"mean reward: {name}": total / count for name, total in sums.items()}


register_eval_task(ExecQuestionsTask())
