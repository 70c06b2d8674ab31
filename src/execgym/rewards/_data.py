"""What scoring needs of a question, and its JSON form (a trainer's ``ground_truth``).

:class:`ScoringData` is a light, frozen copy of a :class:`~execgym.tasks.Question` without
its prompt and rendered answers: the style, the entry function, the program (input prediction
runs it), the reward name, and per item its id, kind and reference. It is built without
pydantic validation, so scoring a trainer's batch stays fast.

JSON form (:meth:`ScoringData.to_json`, what :func:`question_ground_truth` returns)::

    {"execgym": 1, "id": "...", "style": "execverify", "entry": "f", "code": "def f(x): ...",
     "reward": "execverify",
     "items": [{"id": "...", "kind": "output", "reference": {"literal": "3", "type_name": "int"}},
               {"id": "...", "kind": "next", "line": 2, "occurrence": 1,
                "reference": {"line": 3, "source": "y = x + 1"}}, ...]}

``reference`` holds only the fields set on the item's reference (its kind's reference model,
:class:`~execgym.tasks.Reference`), in the order question files write them.
An optional ``"equality": "python"`` or ``"strict"`` fixes how values are compared (absent:
the style's default, see :func:`~execgym.rewards.default_equality`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from pydantic import ValidationError

from execgym._jsonl import json_text
from execgym.registry import UnknownName
from execgym.tasks import (
    EQUALITIES,
    KINDS,
    STYLES,
    Item,
    Question,
    Reference,
    kind_name,
    question_kinds,
    reference_of,
)

__all__ = ["FORMAT_VERSION", "GroundTruthError", "ScoringData", "ScoringItem"]

FORMAT_VERSION = 1


class GroundTruthError(ValueError):
    """A ground truth that is not execgym scoring data; the message names the field."""


@dataclass(frozen=True, slots=True)
class ScoringItem:
    """One item as scoring needs it: its kind, its reference (the kind's reference model),
    and where it asks about (``asked_line``, ``occurrence``, ``variable``)."""

    id: str
    kind: str
    reference: Reference
    asked_line: int | None = None
    occurrence: int | None = None
    variable: str | None = None

    @classmethod
    def from_item(cls, item: Item) -> ScoringItem:
        return cls(
            id=item.id,
            kind=item.kind,
            reference=item.reference,
            asked_line=item.line,
            occurrence=item.occurrence,
            variable=item.variable,
        )

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "kind": str(self.kind)}
        if self.asked_line is not None:
            data["line"] = self.asked_line
        if self.occurrence is not None:
            data["occurrence"] = self.occurrence
        if self.variable is not None:
            data["variable"] = self.variable
        data["reference"] = self.reference.ground_truth()
        return data


@dataclass(frozen=True, slots=True)
class ScoringData:
    """A question as scoring needs it; see the module docstring for its JSON form."""

    id: str
    style: str
    entry: str
    code: str
    items: tuple[ScoringItem, ...]
    reward: str = "execverify"
    equality: str | None = None
    """``python`` or ``strict``; ``None``: the style's default."""

    @classmethod
    def from_question(
        cls, question: Question, reward: str = "execverify", equality: str | None = None
    ) -> ScoringData:
        return cls(
            id=question.id,
            style=question.style,
            entry=question.entry,
            code=question.code,
            items=tuple(ScoringItem.from_item(item) for item in question.items),
            reward=reward,
            equality=equality,
        )

    @property
    def needs_sandbox(self) -> bool:
        """Whether scoring runs code (an input-prediction item)."""
        return any(KINDS.get(item.kind).runs_code for item in self.items)

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "execgym": FORMAT_VERSION,
            "id": self.id,
            "style": self.style,
            "entry": self.entry,
            "code": self.code,
            "reward": self.reward,
        }
        if self.equality is not None:
            data["equality"] = self.equality
        data["items"] = [item.to_dict() for item in self.items]
        return data

    def to_json(self) -> str:
        return json_text(self.to_dict(), compact=True)

    @classmethod
    def from_json(cls, ground_truth: str | bytes | Mapping[str, Any]) -> ScoringData:
        """Read a ground truth: the JSON text, or the object it decodes to.

        Lists that came back from parquet as arrays (anything with ``tolist()``) are accepted.
        Raises :class:`GroundTruthError` naming the offending field.
        """
        if isinstance(ground_truth, (str, bytes)):
            text = ground_truth.decode() if isinstance(ground_truth, bytes) else ground_truth
            return _from_text(text)
        if isinstance(ground_truth, Mapping):
            return _from_mapping(ground_truth)
        raise GroundTruthError(
            f"ground_truth: expected JSON text or a mapping, got {type(ground_truth).__name__}"
        )


@lru_cache(maxsize=4096)
def _from_text(text: str) -> ScoringData:
    # Trainers score several rollouts of one prompt: the same text is read again and again.
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise GroundTruthError(f"ground_truth: not JSON ({exc})") from None
    if not isinstance(data, Mapping):
        raise GroundTruthError(f"ground_truth: expected a JSON object, got {type(data).__name__}")
    return _from_mapping(data)


def _plain(value: Any) -> Any:
    tolist = getattr(value, "tolist", None)
    return tolist() if callable(tolist) else value


def _field(data: Mapping[str, Any], name: str, kind: type, where: str, default: Any = ...) -> Any:
    if name not in data or data[name] is None:
        if default is ...:
            raise GroundTruthError(f"{where}.{name}: missing")
        return default
    value = _plain(data[name])
    if kind is int and (type(value) is bool or not isinstance(value, int)):
        raise GroundTruthError(f"{where}.{name}: expected an integer, got {value!r:.60}")
    if not isinstance(value, kind):
        raise GroundTruthError(f"{where}.{name}: expected {kind.__name__}, got {value!r:.60}")
    return value


def _from_mapping(data: Mapping[str, Any]) -> ScoringData:
    where = "ground_truth"
    version = data.get("execgym")
    if version != FORMAT_VERSION:
        raise GroundTruthError(
            f"{where}.execgym: expected format version {FORMAT_VERSION}, got {version!r:.40}"
            " (is this an execgym ground truth?)"
        )
    style = _field(data, "style", str, where)
    if style not in STYLES:
        raise GroundTruthError(f"{where}.style: unknown style {style!r}; known: {STYLES}")
    equality = _field(data, "equality", str, where, None)
    if equality is not None and equality not in EQUALITIES:
        raise GroundTruthError(
            f"{where}.equality: unknown equality {equality!r}; known: {EQUALITIES}"
        )
    raw_items = _field(data, "items", list, where)
    items = []
    for index, raw in enumerate(raw_items):
        items.append(_item(raw, f"{where}.items[{index}]"))
    return ScoringData(
        id=str(data.get("id", "")),
        style=style,
        entry=_field(data, "entry", str, where),
        code=_field(data, "code", str, where, ""),
        items=tuple(items),
        reward=_field(data, "reward", str, where, "execverify"),
        equality=equality,
    )


def _item(raw: Any, where: str) -> ScoringItem:
    if not isinstance(raw, Mapping):
        raise GroundTruthError(f"{where}: expected an object, got {type(raw).__name__}")
    kind_text = _field(raw, "kind", str, where)
    if kind_text not in KINDS:
        known = ", ".join(question_kinds())
        raise GroundTruthError(f"{where}.kind: unknown kind {kind_text!r}; known: {known}")
    ref = _field(raw, "reference", Mapping, where)
    try:
        reference = reference_of(kind_text, {name: _plain(value) for name, value in ref.items()})
    except ValidationError as exc:
        error = exc.errors()[0]
        at = ".".join(str(part) for part in error["loc"])
        raise GroundTruthError(f"{where}.reference.{at}: {error['msg']}") from None
    except UnknownName as exc:  # a kind unregistered meanwhile
        raise GroundTruthError(f"{where}.kind: {exc}") from None
    return ScoringItem(
        id=str(raw.get("id", "")),
        kind=kind_name(kind_text),
        reference=reference,
        asked_line=_field(raw, "line", int, where, None),
        occurrence=_field(raw, "occurrence", int, where, None),
        variable=_field(raw, "variable", str, where, None),
    )
