"""Scoring: is each item's answer right, and what that makes of the whole response.

Per kind (the answer text is what :mod:`execgym.tasks._extract` found for the item):

``output``
    The answer is read as a literal and compared with ``reference.literal`` by the value
    semantics of :mod:`._values` (type-aware, floats within a relative 1e-6, nan equals nan,
    sets and dict keys order-free, recursive); when the reference names a type, the answer's
    type name must equal it too. An answer that calls the entry function (``f(3)``, also
    ``f(3) == 5``) merely restates the call and scores 0 with that reason (CRUXEval's rule).
``state``
    As ``output``, and the answer's type name must equal ``reference.type_name``. REval's
    ``value; type`` form is read too: the stated type must then also name the reference type
    (compared without letter case or module prefix). When the line does not run on that
    occurrence the reference is :data:`NOT_EXECUTED`: the answer must then say
    ``not executed`` (any letter case, quotes, ``_`` or ``-`` between the words) or REval's
    ``Nil``; saying it when the line does run scores 0. (A variable whose value is the string
    ``'not executed'`` must be answered quoted, as a literal.)
``next``
    The source text of the next line (REval's form), compared with ``reference.source``
    ignoring all whitespace — so where that text is on several lines, any of them counts —
    or a line number: ``7``, ``line 7``, ``Line 7.``, ``7: x += 1`` (the number counts, not
    the text), ``Next line: 7``; ``-1`` (also ``none``) when nothing runs next.
``coverage``
    ``yes``/``no`` (also ``true``/``false``, ``executed``/``not executed``; case, quotes and
    trailing words like ``Yes.`` or ``No, because ...`` are tolerated) against
    ``reference.executed``.
``path``
    Line numbers separated by commas, spaces, ``->``, ``→`` or ``;``, optionally in brackets
    and with a ``lines:`` label; equal to ``reference.lines`` as a sequence. (A path reference
    with ``line`` instead of ``lines`` — REval's "which line runs next" path question — is
    scored as ``next``.)
``input``
    Run in the sandbox; see :mod:`._input`.

Equality (``equality``, one of :data:`~execgym.rewards.EQUALITIES`): ``strict`` (the
type-aware comparison above) or ``python`` (Python's ``==`` after literal parsing, as
ExecVerify's reward gets by running ``assert f(<input>) == <answer>``: ``1``, ``1.0`` and
``True`` equal, floats exact; see :mod:`._equality`). Under ``python`` an output answer's own
type is not checked; a ``state`` answer's type is the one it states (``1.0; int`` is right
for ``1; int``, as in ExecVerify) or, when it states none, its literal's own type; and a
``state`` value that is not a literal but states the type ``str`` is read as the string
itself (ExecVerify reads ``abc; str`` as ``'abc'``). The default is the question style's
(:func:`default_equality`): ``python`` for ``execverify``, whose reward it reproduces,
``strict`` for every other style — a type-aware check cannot be satisfied by a look-alike
value (``True`` for ``1``), which is what execgym's own styles promise.

Reading leniency shared by ``output`` and ``state``: when the whole answer text is not a
literal, its first line, and the text after a leading label (``x = 5``, ``Output: 5``,
``value of x: 5``) are tried in turn; the first that reads is scored. Quotes are never
removed from a value: ``a`` does not match the string ``'a'``, while ``'a'`` and ``"a"``
match each other.

A missing answer, or one that cannot be read, scores 0 with the reason and counts as a parse
failure (:attr:`ItemScore.parsed` is ``False``). Scoring a malformed question (an output item
without a reference literal, say) raises :class:`InvalidReference`: that is a dataset bug, not
a wrong answer. Only input prediction starts a process.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from execgym.rewards._data import ScoringData, ScoringItem
from execgym.rewards._equality import EQUALITIES, Equality, values_equal_as
from execgym.rewards._input import (
    ArgumentError,
    default_sandbox,
    normalize_arguments,
    run_input_prediction,
)
from execgym.rewards._values import (
    LiteralError,
    calls_function,
    parse_literal,
    reference_value,
    short_repr,
)
from execgym.sandbox import Sandbox
from execgym.tasks._extract import extract_item_answers, last_top_level
from execgym.tasks._question import NOT_EXECUTED, Item, Kind, Question

__all__ = [
    "WHITEBOX_KINDS",
    "InvalidReference",
    "ItemScore",
    "QuestionScore",
    "default_equality",
    "resolve_equality",
    "score_item",
    "score_question",
]

WHITEBOX_KINDS = frozenset({Kind.NEXT, Kind.STATE})
"""The items ExecVerify's reward counts beyond the output: next statement and variable state."""


class InvalidReference(ValueError):
    """An item whose reference cannot be scored against (a dataset bug)."""


@dataclass(frozen=True, slots=True)
class ItemScore:
    """The verdict on one item's answer."""

    correct: bool
    reason: str
    kind: Kind
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
    def whitebox_total(self) -> int:
        return sum(1 for item in self.items if item.kind in WHITEBOX_KINDS)

    @property
    def correct(self) -> int:
        return sum(1 for item in self.items if item.correct)

    def to_dict(self) -> dict[str, object]:
        return {
            "items": [
                {
                    "id": s.item_id,
                    "kind": s.kind.value,
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
    return _score(spec, answer_text, sandbox, code, entry, resolve_equality(equality, ""))


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
    scores: list[ItemScore] = []
    notes: list[str] = []
    for spec, answer in zip(data.items, extracted, strict=True):
        for note in answer.notes:
            if note not in notes:
                notes.append(note)
        if answer.text is None:
            scores.append(ItemScore(False, answer.reason, spec.kind, spec.id, parsed=False))
        else:
            scores.append(_score(spec, answer.text, sandbox, data.code, data.entry, used))
    return aggregate(scores, tuple(notes), data.style)


def aggregate(
    scores: Sequence[ItemScore], notes: tuple[str, ...] = (), style: str = ""
) -> QuestionScore:
    """The aggregates of a question's item scores."""
    outputs = [s.correct for s in scores if s.kind is Kind.OUTPUT]
    whitebox = [s.correct for s in scores if s.kind in WHITEBOX_KINDS]
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


# --------------------------------------------------------------------------------------------
# Per kind
# --------------------------------------------------------------------------------------------


def _score(
    spec: ScoringItem,
    text: str,
    sandbox: Sandbox | None,
    code: str | None,
    entry: str | None,
    equality: Equality,
) -> ItemScore:
    kind = spec.kind
    if kind is Kind.OUTPUT:
        return _score_value(spec, text, entry, equality)
    if kind is Kind.STATE:
        if spec.literal == NOT_EXECUTED:
            if _says_not_executed(text):
                return ItemScore(True, "correct", kind, spec.id)
            return ItemScore(False, "the line does not run on that occurrence", kind, spec.id)
        if _says_not_executed(text):
            return ItemScore(False, "answered 'not executed', but the line runs", kind, spec.id)
        value_text, stated_type = _split_typed(text)
        return _score_value(spec, value_text, None, equality, stated_type)
    if kind is Kind.NEXT:
        return _score_next(spec, text, code)
    if kind is Kind.COVERAGE:
        return _score_coverage(spec, text)
    if kind is Kind.PATH:
        return _score_path(spec, text, code)
    if kind is Kind.INPUT:
        return _score_input(spec, text, sandbox, code, entry)
    raise InvalidReference(f"item {spec.id!r}: unknown kind {kind!r}")


def _wrong(spec: ScoringItem, reason: str, parsed: bool = True) -> ItemScore:
    return ItemScore(False, reason, spec.kind, spec.id, parsed=parsed)


def _right(spec: ScoringItem) -> ItemScore:
    return ItemScore(True, "correct", spec.kind, spec.id)


# ---- output and state ------------------------------------------------------------------------

_LABEL = re.compile(r"^[^'\"\[\]{}:=\n]{1,60}?(?::|=(?!=))\s*")
_NOT_EXECUTED = re.compile(
    r"""^[\s'"`*(]*(?:not[\s_\-]*executed|nil)[\s'"`*.!)]*$""", re.IGNORECASE
)
_TYPE_NAME = re.compile(r"""[`'"]?(?:<class\s+['"])?([A-Za-z_][\w.]*)(?:['"]>)?[`'"]?\.?""")


def _split_typed(text: str) -> tuple[str, str | None]:
    """``value; type`` (REval's state answer) as its value text and stated type name."""
    at = last_top_level(text, ";")
    if at is None:
        return text, None
    match = _TYPE_NAME.fullmatch(text[at + 1 :].strip())
    if match is None:
        return text, None
    return text[:at], match.group(1)


def _says_not_executed(text: str) -> bool:
    return _NOT_EXECUTED.match(text) is not None


def _value_candidates(text: str) -> list[str]:
    candidates = [text]
    stripped = text.strip()
    if "\n" in stripped:
        candidates.append(stripped.split("\n", 1)[0])
    for candidate in list(candidates):
        match = _LABEL.match(candidate.strip())
        if match:
            candidates.append(candidate.strip()[match.end() :])
    return candidates


def _read_value(text: str) -> object:
    first_error: LiteralError | None = None
    for candidate in _value_candidates(text):
        try:
            return parse_literal(candidate)
        except LiteralError as exc:
            if first_error is None:
                first_error = exc
    assert first_error is not None
    raise first_error


def _score_value(
    spec: ScoringItem,
    text: str,
    entry: str | None,
    equality: Equality,
    stated_type: str | None = None,
) -> ItemScore:
    if spec.literal is None:
        raise InvalidReference(f"item {spec.id!r}: a {spec.kind.value} reference needs a literal")
    try:
        expected = reference_value(spec.literal)
    except LiteralError as exc:
        raise InvalidReference(f"item {spec.id!r}: {exc}") from None
    if entry and calls_function(text, entry):
        return _wrong(spec, f"the answer restates the call {entry}(...) instead of its value")
    try:
        value = _read_value(text)
    except LiteralError as exc:
        if equality == "python" and stated_type is not None and _is_str(stated_type):
            value = text.strip()  # ExecVerify reads an unquoted `abc; str` as 'abc'
        else:
            return _wrong(spec, f"could not read the answer: {exc}", parsed=False)
    actual_type = spec.type_name or type(expected).__name__
    checks_own_type = equality == "strict" or (spec.kind is Kind.STATE and stated_type is None)
    if checks_own_type and spec.type_name is not None and type(value).__name__ != spec.type_name:
        return _wrong(
            spec,
            f"expected type {spec.type_name}, got {type(value).__name__} {short_repr(value)}",
        )
    if stated_type is not None and _type_key(stated_type) != _type_key(actual_type):
        return _wrong(spec, f"stated type {stated_type}, expected {actual_type}")
    if values_equal_as(equality, value, expected):
        return _right(spec)
    return _wrong(spec, f"expected {short_repr(expected)}, got {short_repr(value)}")


def _type_key(name: str) -> str:
    """A type name compared without letter case or module prefix."""
    return name.rsplit(".", 1)[-1].lower()


def _is_str(name: str) -> bool:
    return _type_key(name) == "str"


# ---- next --------------------------------------------------------------------------------------

_LINE_NUMBER = re.compile(
    r"(?:line\s*(?:number\s*|no\.?\s*)?#?\s*)?([+-]?[0-9]{1,9})\b(?!\.\d)", re.I
)
_NO_LINE = re.compile(r"(?:none|no\s+(?:next\s+)?line|nothing)\W*", re.I)
_SPACE = re.compile(r"\s+")


def _score_next(spec: ScoringItem, text: str, code: str | None) -> ItemScore:
    if spec.line is None:
        raise InvalidReference(f"item {spec.id!r}: a next reference needs a line")
    raw = text.strip()
    answer = _unwrap_pairs(raw)
    if not answer:
        return _wrong(spec, "empty answer", parsed=False)
    squashed = _SPACE.sub("", answer)
    if spec.line != -1 and spec.source:
        source = _SPACE.sub("", spec.source)
        if source in (squashed, _SPACE.sub("", raw)):
            return _right(spec)  # the source text of the right line (REval's answer form)
    line = _line_number(answer)
    if line is None:
        if code is not None and squashed in _source_lines(code):
            return _wrong(spec, f"expected line {spec.line}, got {short_repr(answer, 60)}")
        label = _LABEL.match(answer)
        line = _line_number(answer[label.end() :].strip()) if label else None
        if line is None:
            return _wrong(spec, "not a line number and not a line of the program", parsed=False)
    if line == spec.line:
        return _right(spec)
    return _wrong(spec, f"expected line {spec.line}, got {line}")


def _unwrap_pairs(text: str) -> str:
    """Remove matching wrapping quotes, backticks or ``**`` (``'7'``, ```x = 1```)."""
    current = text
    while len(current) >= 2:
        for mark in ("**", "`", "'", '"'):
            wrapped = current.startswith(mark) and current.endswith(mark)
            if wrapped and len(current) >= 2 * len(mark):
                current = current[len(mark) : -len(mark)].strip()
                break
        else:
            break
    return current


def _line_number(answer: str) -> int | None:
    """The line number an answer gives (``-1`` for none), or ``None`` if it gives none."""
    match = _LINE_NUMBER.match(answer)
    if match:
        return int(match.group(1))
    if _NO_LINE.fullmatch(answer):
        return -1
    return None


@lru_cache(maxsize=1024)
def _source_lines(code: str) -> frozenset[str]:
    return frozenset(_SPACE.sub("", line) for line in code.split("\n"))


# ---- coverage ----------------------------------------------------------------------------------

# The keyword must end the answer or be followed by punctuation: "Yes, because ..." and
# "No." count, "no idea" does not.
_YES_NO = re.compile(
    r"""[\s'"`*(\[]*(yes|no|true|false|not\s+executed|executed)"""
    r"""(?=\s*$|\s*[.,;:!)\]'"`*])""",
    re.IGNORECASE,
)
_YES = frozenset({"yes", "true", "executed"})


def _score_coverage(spec: ScoringItem, text: str) -> ItemScore:
    if spec.executed is None:
        raise InvalidReference(f"item {spec.id!r}: a coverage reference needs 'executed'")
    match = _YES_NO.match(text)
    if match is None:
        label = _LABEL.match(text.strip())
        match = _YES_NO.match(text.strip()[label.end() :]) if label else None
    if match is None:
        return _wrong(spec, "the answer is not yes or no", parsed=False)
    said = match.group(1).lower() in _YES
    if said == spec.executed:
        return _right(spec)
    return _wrong(spec, f"expected {'yes' if spec.executed else 'no'}")


# ---- path --------------------------------------------------------------------------------------

_PATH_LABEL = re.compile(
    r"^(?:the\s+)?(?:execution\s+)?(?:path|lines?|sequence)\s*(?:is|are)?\s*[:=]?\s*", re.I
)
_PATH_SEPARATORS = re.compile(r"->|→|=>|⇒|[,;|\[\](){}]|\blines?\b", re.I)
_PATH_NUMBER = re.compile(r"[Ll]?([0-9]{1,9})")


def _score_path(spec: ScoringItem, text: str, code: str | None) -> ItemScore:
    if spec.lines is None:
        if spec.line is not None:  # REval's "path" question: the next line, one number
            return _score_next(spec, text, code)
        raise InvalidReference(f"item {spec.id!r}: a path reference needs lines")
    answer = _unwrap_pairs(text.strip())
    label = _PATH_LABEL.match(answer) or _LABEL.match(answer)
    if label:
        answer = answer[label.end() :]
    tokens = _PATH_SEPARATORS.sub(" ", answer).split()
    if not tokens:
        return _wrong(spec, "no line numbers in the answer", parsed=False)
    lines = []
    for token in tokens:
        match = _PATH_NUMBER.fullmatch(token)
        if match is None:
            return _wrong(spec, f"{short_repr(token, 30)} is not a line number", parsed=False)
        lines.append(int(match.group(1)))
    if tuple(lines) == spec.lines:
        return _right(spec)
    return _wrong(spec, f"expected {short_repr(list(spec.lines))}, got {short_repr(lines)}")


# ---- input -------------------------------------------------------------------------------------


def _score_input(
    spec: ScoringItem,
    text: str,
    sandbox: Sandbox | None,
    code: str | None,
    entry: str | None,
) -> ItemScore:
    name = spec.entry or entry
    if not name or spec.target_output is None:
        raise InvalidReference(
            f"item {spec.id!r}: an input reference needs entry and target_output"
        )
    if code is None:
        raise InvalidReference(f"item {spec.id!r}: input prediction needs the program's code")
    try:
        arguments = normalize_arguments(text, name, code)
    except ArgumentError as exc:
        return _wrong(spec, str(exc), parsed=False)
    correct, reason = run_input_prediction(
        code, name, arguments, spec.target_output, sandbox or default_sandbox()
    )
    return ItemScore(correct, reason, spec.kind, spec.id)
