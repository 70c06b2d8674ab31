"""A question kind as one unit, and the registry of kinds.

A :class:`QuestionKind` holds everything about one kind of question: its reference model,
how it is selected from a traced call (and a style's own selection rules), how each prompt
style words it, what shape its answer has, and how an answer is scored. Each kind is one
module of :mod:`execgym.tasks.kinds` that ends with one :func:`register` call; the
question builder, the prompt styles, answer extraction and the scorers look kinds up in
:data:`KINDS` (entry-point group ``execgym.question_kinds``), so a new kind is one module.

Selection: ``select(execution, rng)`` returns :class:`~execgym.tasks.Pick` s, the questions
chosen with their references, before a style words them. A pick's id is derived from the
program id, the kind, the line, the occurrence and the variable, never from the random
draw, so the same question has the same id whatever else was drawn. Every kind asks only
what the trace answers exactly (values with a literal form that is not truncated).

Wording: one field per prompt style (see :mod:`execgym.tasks._prompts`); ``None`` where the
style does not ask the kind. The two ExecVerify styles ask some kinds together in one
combined prompt (:class:`Combined`) and the others in a prompt of their own.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Generic, Literal, TypeVar

from execgym.registry import Registry

if TYPE_CHECKING:
    from execgym.tasks._programs import Program
    from execgym.tasks._question import Pick, Question, Reference
    from execgym.tasks._scoring import AnswerContext, Judgement
    from execgym.tasks._select import Execution

R = TypeVar("R", bound="Reference")

KindGenerator = Callable[["Execution", random.Random], list["Pick"]]
"""Picks for one kind: ``generator(execution, rng)``; the same rng state gives the same picks."""


@dataclass(frozen=True)
class Wording:
    """One item as a style words it."""

    text: str
    """The question as the prompt states it."""
    answer_format: str
    """How the answer must be written, as told to the model."""
    rendered: str
    """The reference answer as written inside the style's answer block."""


@dataclass(frozen=True)
class Combined:
    """The kind is asked inside the style's combined prompt (with the output, next and
    state items): ``word(pick, program, position)``, ``position`` counting from 1."""

    word: Callable[[Pick, Program, int], Wording]
    rule: str = ""
    """``execverify-strict``'s line for this kind under "How to answer"."""
    below_code: Callable[[Program], str] | None = None
    """``execverify``: what the combined prompt shows under the code when the kind is asked
    (the output item's ``assert f(<input>) == ????``)."""


@dataclass(frozen=True)
class StrictPrompt:
    """``execverify-strict``: the kind's own prompt."""

    wording: Wording
    shows_call: bool = True
    """Whether the prompt shows numbered code and the call (else the plain code)."""


@dataclass(frozen=True)
class CruxevalPrompt:
    """``cruxeval``: the kind's instruction, few-shot examples and asked assertion."""

    wording: Wording
    instruction: str
    examples: str
    asked: str


@dataclass(frozen=True)
class RevalPrompt:
    """``reval``: the kind's instruction, worked examples and task block."""

    wording: Wording
    instruction: str
    shots: tuple[str, ...]
    task: str


@dataclass(frozen=True)
class QuestionKind(Generic[R]):
    """One kind of question, whole: see the module docstring."""

    name: str
    summary: str
    """One line, for the README's table of kinds."""
    reference: type[R]
    select: KindGenerator
    score: Callable[[R, str, AnswerContext], Judgement]
    """Whether the answer text (as extracted) is right, with the reason."""
    order: int
    """Where the kind comes among the kinds a build asks (prompts follow this order)."""
    style_select: Mapping[str, KindGenerator] = field(default_factory=dict)
    """A style's own selection rules, by style name (``execverify``'s, after ExecVerify)."""
    execverify: Combined | Callable[[Pick, Program], Question] | None = None
    strict: Combined | Callable[[Pick, Program], StrictPrompt] | None = None
    cruxeval: Callable[[Pick, Program, bool], CruxevalPrompt] | None = None
    reval: Callable[[Pick, Program, bool], RevalPrompt] | None = None
    whitebox: bool = False
    """Counted in ExecVerify's white-box fraction (next statement, variable state)."""
    runs_code: bool = False
    """Scoring runs the program in the sandbox (input prediction)."""
    assertion_part: Literal["value", "arguments"] | None = None
    """Which part of an answer written as ``assert f(<arguments>) == <value>`` is this
    kind's answer (output: the value; input: the arguments)."""
    one_line_answer: bool = False
    """In a combined answer block the answer is always one line, even when it opens a
    bracket (a next-statement answer may be code such as ``total = sum(``)."""

    def wording(self, style: str) -> object:
        """This kind's wording for ``style`` (``None`` where the style does not ask it)."""
        return {
            "execverify": self.execverify,
            "execverify-strict": self.strict,
            "cruxeval": self.cruxeval,
            "reval": self.reval,
        }.get(style)

    def select_for(self, style: str | None) -> KindGenerator:
        """The selection ``style`` uses: its own rules if it has them, else the default."""
        if style is not None and style in self.style_select:
            return self.style_select[style]
        return self.select


KINDS: Registry[QuestionKind[Any]] = Registry("question kind", builtins=("execgym.tasks.kinds",))
"""Every question kind by name; the built-in ones (every module of :mod:`execgym.tasks.kinds`)
load on the first lookup."""


def register(kind: QuestionKind[Any]) -> QuestionKind[Any]:
    """Add ``kind`` to :data:`KINDS` under its name (once)."""
    return KINDS.register(kind.name, kind, summary=kind.summary)


def question_kinds() -> tuple[str, ...]:
    """The names of the registered kinds, in their order (the built-ins as
    :class:`~execgym.tasks.Kind` members)."""
    from execgym.tasks._question import kind_name

    ordered = sorted(KINDS.entries(), key=lambda entry: (entry.value.order, entry.name))
    return tuple(kind_name(entry.name) for entry in ordered)


def ordered_kinds(kinds: Iterable[str]) -> list[str]:
    """The distinct kinds of ``kinds`` in the registry's order (an unknown name raises
    ``UnknownName``)."""
    wanted = {str(kind) for kind in kinds}
    for name in wanted:
        KINDS.get(name)
    return [kind for kind in question_kinds() if kind in wanted]


def generator_for(kind: str, style: str | None = None) -> KindGenerator:
    """The selection ``style`` uses for ``kind``: its own if it has one, else the default."""
    return KINDS.get(kind).select_for(style)


def whitebox_kinds() -> frozenset[str]:
    """The kinds counted in ExecVerify's white-box fraction."""
    return frozenset(entry.name for entry in KINDS.entries() if entry.value.whitebox)
