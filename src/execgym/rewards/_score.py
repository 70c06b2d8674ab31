"""Scoring a response: every item's answer extracted and judged, and the aggregates.

Each item is judged by its kind's scorer (:attr:`~execgym.tasks.QuestionKind.score`; the
rules of each kind are written down in its module of :mod:`execgym.tasks.kinds`: output,
input, next statement, state, coverage, path). The answer text is what
:func:`~execgym.tasks.extract_answers` found for the item.

Equality (``equality``, one of :data:`~execgym.rewards.EQUALITIES`): ``strict`` (type-aware)
or ``python`` (Python's ``==`` after literal parsing, as ExecVerify's reward gets by running
``assert f(<input>) == <answer>``; see :mod:`execgym.tasks._equality`). The default is the
question style's (:func:`default_equality`): ``python`` for ``execverify``, whose reward it
reproduces, ``strict`` for every other style — a type-aware check cannot be satisfied by a
look-alike value (``True`` for ``1``), which is what execgym's own styles promise.

A missing answer, or one that cannot be read, scores 0 with the reason and counts as a parse
failure (:attr:`ItemScore.parsed` is ``False``). Scoring an item whose reference cannot be
scored against raises :class:`InvalidReference` naming the item: that is a dataset bug, not
a wrong answer. Only input prediction starts a process.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from execgym.rewards._data import ScoringData, ScoringItem
from execgym.sandbox import Sandbox
from execgym.tasks import (
    EQUALITIES,
    KINDS,
    AnswerContext,
    Equality,
    InvalidReference,
    Item,
    Kind,
    Question,
    extract_item_answers,
    whitebox_kinds,
)

__all__ = [
    "InvalidReference",
    "ItemScore",
    "QuestionScore",
    "default_equality",
    "resolve_equality",
    "score_item",
    "score_question",
]


@dataclass(frozen=True, slots=True)
class ItemScore:
    """The verdict on one item's answer."""

    correct: bool
    reason: str
    kind: str
    item_id: str = ""
    parsed: bool = True
    """``False`` when there was no answer or it could not be read (a parse failure)."""


@dataclass(frozen=True, slots=True)
class QuestionScore:
    """The verdicts on every item of one response, and the aggregates rewards are made of."""

    items: list[ItemScore]
    output_correct: bool | None
    """Whether every output item is right; ``None`` when the question has none."""
    whitebox_fraction: float | None
    """The fraction of next/state items right; ``None`` when the question has none."""
    accuracy: float
    """The fraction of all items right (0.0 for a question without items)."""
    parse_failures: int
    notes: tuple[str, ...] = ()
    """What extraction tolerated (several answer blocks, extra lines, fallbacks)."""
    style: str = ""
    """The style of the question scored (rewards may depend on it); empty when unknown."""

    @property
    def correct(self) -> int:
        return sum(1 for item in self.items if item.correct)

    def to_dict(self) -> dict[str, object]:
        return {
            "items": [
                {
                    "id": s.item_id,
                    "kind": str(s.kind),
                    "correct": s.correct,
                    "parsed": s.parsed,
                    "reason": s.reason,
                }
                for s in self.items
            ],
            "output_correct": self.output_correct,
            "whitebox_fraction": self.whitebox_fraction,
            "accuracy": self.accuracy,
            "parse_failures": self.parse_failures,
            "notes": list(self.notes),
        }


def default_equality(style: str) -> Equality:
    """The equality a style is scored with unless told otherwise: ``python`` (ExecVerify's
    ``==``) for ``execverify``, ``strict`` for every other style."""
    return "python" if style == "execverify" else "strict"


def resolve_equality(equality: str | None, style: str) -> Equality:
    """``equality`` checked, or the style's default when it is ``None``."""
    if equality is None:
        return default_equality(style)
    for known in EQUALITIES:
        if equality == known:
            return known
    raise ValueError(f"unknown equality {equality!r}; known: {', '.join(EQUALITIES)}")


def score_item(
    item: Item | ScoringItem,
    answer_text: str | None,
    *,
    sandbox: Sandbox | None = None,
    code: str | None = None,
    entry: str | None = None,
    equality: Equality = "strict",
) -> ItemScore:
    """Score one item's extracted answer text (``None``: no answer).

    ``code`` is the program: needed for input items (which run it in ``sandbox``, by default
    the process-wide one) and used by next items to reject ambiguous source-text answers.
    ``entry`` names the entry function, so an output answer that calls it is rejected as
    restating the call. ``equality`` compares output and state values (an item alone has no
    style, so the default is ``strict``). Raises :class:`~execgym.rewards.SandboxUnavailable`
    when the sandbox fails on an input item.
    """
    spec = item if isinstance(item, ScoringItem) else ScoringItem.from_item(item)
    if answer_text is None:
        return ItemScore(False, "no answer", spec.kind, spec.id, parsed=False)
    context = AnswerContext(code, entry, resolve_equality(equality, ""), sandbox)
    return _score(spec, answer_text, context)


def score_question(
    question: Question | ScoringData,
    response: str,
    *,
    sandbox: Sandbox | None = None,
    equality: str | None = None,
) -> QuestionScore:
    """Extract every item's answer from ``response`` and score it.

    ``equality`` (``python`` or ``strict``) overrides the one the ground truth names, which
    overrides the style's default (:func:`default_equality`); an unknown name is a
    ValueError.
    """
    data = question if isinstance(question, ScoringData) else ScoringData.from_question(question)
    used = resolve_equality(equality or data.equality, data.style)
    extracted = extract_item_answers(
        data.style, [item.kind for item in data.items], data.entry, response
    )
    context = AnswerContext(data.code, data.entry, used, sandbox)
    scores: list[ItemScore] = []
    notes: list[str] = []
    for spec, answer in zip(data.items, extracted, strict=True):
        for note in answer.notes:
            if note not in notes:
                notes.append(note)
        if answer.text is None:
            scores.append(ItemScore(False, answer.reason, spec.kind, spec.id, parsed=False))
        else:
            scores.append(_score(spec, answer.text, context))
    return aggregate(scores, tuple(notes), data.style)


def aggregate(
    scores: Sequence[ItemScore], notes: tuple[str, ...] = (), style: str = ""
) -> QuestionScore:
    """The aggregates of a question's item scores."""
    whitebox_names = whitebox_kinds()
    outputs = [s.correct for s in scores if s.kind == Kind.OUTPUT]
    whitebox = [s.correct for s in scores if s.kind in whitebox_names]
    right = sum(1 for s in scores if s.correct)
    return QuestionScore(
        items=list(scores),
        output_correct=all(outputs) if outputs else None,
        whitebox_fraction=sum(whitebox) / len(whitebox) if whitebox else None,
        accuracy=right / len(scores) if scores else 0.0,
        parse_failures=sum(1 for s in scores if not s.parsed),
        notes=notes,
        style=style,
    )


def _score(spec: ScoringItem, text: str, context: AnswerContext) -> ItemScore:
    """The item's kind judges the answer."""
    try:
        judged = KINDS.get(spec.kind).score(spec.reference, text, context)
    except InvalidReference as exc:
        raise InvalidReference(f"item {spec.id!r}: {exc}") from None
    return ItemScore(judged.correct, judged.reason, spec.kind, spec.id, parsed=judged.parsed)
