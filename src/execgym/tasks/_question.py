"""Questions about an execution: what a model is asked, and the reference it is scored against.

A :class:`Question` is one prompt. It holds one or more :class:`Item` s, each a single
verifiable question with its own stable id, reference answer and expected answer format
(the combined prompts of the two ExecVerify styles hold one output item plus up to five
next-statement and five variable items; the other prompts hold one item each).

Each item's reference is the reference model of its kind (a :class:`Reference` subclass
defined in the kind's module, :mod:`execgym.tasks.kinds`), chosen by the item's ``kind``
through the question-kind registry, so a kind registered later (a plugin) is read like a
built-in one.

Every record here has one JSON form (``model_dump(mode="json")``) and is what
``execgym questions`` writes, one :class:`Question` per line. A reference is written with
every field of the first six kinds' references, ``null`` where its kind has none, then its
own other fields: the form the files have always had, so they are read and written
unchanged.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    SerializeAsAny,
    ValidationError,
    model_serializer,
    model_validator,
)

from execgym.tasks._kind import KINDS


class Kind(StrEnum):
    """The names of the built-in question kinds (:func:`~execgym.tasks.question_kinds` lists
    every registered one)."""

    OUTPUT = "output"  # complete ``assert f(<input>) == ??``
    INPUT = "input"  # give an input for which f returns the output; checked by running it
    NEXT = "next"  # which line runs right after line N on its K-th execution (-1: none)
    STATE = "state"  # value and type of variable V right after line N on its K-th execution
    COVERAGE = "coverage"  # is line N executed at all
    PATH = "path"  # the sequence of line numbers the call executes


Style = Literal["execverify", "execverify-strict", "cruxeval", "reval"]
"""Prompt styles: ExecVerify's own format, execgym's stricter ExecVerify variant, CRUXEval's and
REval's (see :mod:`execgym.tasks._prompts`)."""

NOT_EXECUTED = "not executed"
"""The reference of a state question about a line that never runs on that occurrence."""

WRITTEN_FIELDS = (
    "literal",
    "type_name",
    "line",
    "source",
    "executed",
    "lines",
    "target_output",
    "entry",
)
"""The fields every reference is written with, in this order (``null`` when its kind has
none): the union of the built-in kinds' reference fields, as question files hold them."""


def kind_name(value: str) -> str:
    """``value`` checked against the registry: a built-in kind as its :class:`Kind` member,
    another registered one as itself; an unknown name raises ``UnknownName``."""
    if value in Kind.__members__.values():
        return Kind(value)
    KINDS.get(value)
    return value


KindName = Annotated[str, AfterValidator(kind_name)]
"""A registered question kind's name."""


class Reference(BaseModel):
    """The reference answer of one item, in canonical form: the base of every kind's own
    reference model (``OutputReference``, ``NextReference``, ...)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _without_other_kinds_fields(cls, data: Any) -> Any:
        # Written references hold every kind's fields, null where the kind has none.
        if isinstance(data, Mapping):
            return {k: v for k, v in data.items() if k in cls.model_fields or v is not None}
        return data

    @model_serializer(mode="plain")
    def _as_written(self) -> dict[str, Any]:
        written = {name: getattr(self, name, None) for name in WRITTEN_FIELDS}
        for name in type(self).model_fields:
            if name not in written:
                written[name] = getattr(self, name)
        return written

    def ground_truth(self) -> dict[str, Any]:
        """The fields that are set, in written order, as JSON values (a ground truth's
        ``reference``)."""
        return {k: v for k, v in self.model_dump(mode="json").items() if v is not None}


def reference_of(kind: str, reference: object) -> Reference:
    """``reference`` as the reference model of ``kind`` (read from its mapping, or checked)."""
    model: type[Reference] = KINDS.get(kind).reference
    if isinstance(reference, model):
        return reference
    if isinstance(reference, Reference):
        raise ValueError(
            f"a {kind} item needs a {model.__name__}, not a {type(reference).__name__}"
        )
    return model.model_validate(reference)


class Item(BaseModel):
    """One verifiable question inside a prompt."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: KindName
    text: str
    """The question as the prompt states it."""
    answer_format: str
    """How the answer must be written, as told to the model."""
    reference: SerializeAsAny[Reference]
    """The reference model of ``kind``."""
    rendered: str
    """The reference answer written the way a model should write it in this style."""
    line: int | None = None
    occurrence: int | None = None
    """K, 1-based: the K-th execution of ``line``."""
    variable: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _reference_of_kind(cls, data: Any) -> Any:
        if isinstance(data, Mapping):
            kind, reference = data.get("kind"), data.get("reference")
            if isinstance(kind, str) and kind in KINDS and reference is not None:
                try:
                    return {**data, "reference": reference_of(kind, reference)}
                except ValidationError as exc:
                    problems = "; ".join(
                        f"{'.'.join(map(str, error['loc'])) or '<reference>'}: {error['msg']}"
                        for error in exc.errors()
                    )
                    raise ValueError(f"the reference of a {kind} item: {problems}") from None
        return data


def _question_kind(value: str) -> str:
    return value if value == "combined" else kind_name(value)


class Question(BaseModel):
    """One prompt about one program, with its items and everything needed to score them."""

    id: str
    program_id: str
    style: Style
    kind: Annotated[str, AfterValidator(_question_kind)]
    """The kind of its one item, or ``"combined"``."""
    prompt: str
    code: str
    entry: str
    input: str
    items: list[Item]
    reference_answer: str
    """A complete model answer that scores full reward (the items' rendered answers)."""
    meta: dict[str, Any] = Field(default_factory=dict)


@dataclass(frozen=True)
class Pick:
    """One chosen question and its reference, not yet worded for a style."""

    kind: str
    reference: Reference
    line: int | None = None
    occurrence: int | None = None
    """K, 1-based: the K-th run of ``line``."""
    variable: str | None = None
    runs: int | None = None
    """How many times ``line`` ran in the whole call (0: never)."""

    def __post_init__(self) -> None:
        reference_of(self.kind, self.reference)

    def item_id(self, program_id: str) -> str:
        """``<program>/<kind>[/L<line>][/K<occurrence>][/<variable>]``."""
        parts = [program_id, str(self.kind)]
        if self.line is not None:
            parts.append(f"L{self.line}")
        if self.occurrence is not None:
            parts.append(f"K{self.occurrence}")
        if self.variable is not None:
            parts.append(self.variable)
        return "/".join(parts)

    def item(self, program_id: str, text: str, answer_format: str, rendered: str) -> Item:
        """This pick worded as one prompt item."""
        return Item(
            id=self.item_id(program_id),
            kind=self.kind,
            text=text,
            answer_format=answer_format,
            reference=self.reference,
            rendered=rendered,
            line=self.line,
            occurrence=self.occurrence,
            variable=self.variable,
        )
