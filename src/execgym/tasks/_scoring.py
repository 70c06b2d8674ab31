"""What every kind's scorer shares: the verdict on one answer, what it is judged with, and
the reading of values.

A kind's ``score(reference, text, context)`` gets the item's reference, the answer text
extraction found for the item, and an :class:`AnswerContext` (the program, its entry
function, the equality values are compared by, the sandbox input prediction runs in); it
returns a :class:`Judgement`. A missing answer never reaches a scorer; one that cannot be
read is wrong and not ``parsed``. A reference that cannot be scored against raises
:class:`InvalidReference`: that is a dataset bug, not a wrong answer.

Reading leniency shared by the value kinds (output and state): when the whole answer text is
not a literal, its first line, and the text after a leading label (``x = 5``, ``Output: 5``,
``value of x: 5``) are tried in turn; the first that reads is scored. Quotes are never
removed from a value: ``a`` does not match the string ``'a'``, while ``'a'`` and ``"a"``
match each other. Equality (``equality``): ``strict`` or ``python`` (see :mod:`._equality`);
under ``python`` an output answer's own type is not checked, and a ``state`` value that is
not a literal but states the type ``str`` is read as the string itself (ExecVerify reads
``abc; str`` as ``'abc'``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from execgym.sandbox import Sandbox
from execgym.tasks._equality import Equality, values_equal_as
from execgym.tasks._literals import LiteralError, parse_literal
from execgym.tasks._values import calls_function, reference_value, short_repr


class InvalidReference(ValueError):
    """An item whose reference cannot be scored against (a dataset bug)."""


@dataclass(frozen=True, slots=True)
class Judgement:
    """Whether one answer is right, and why (``parsed``: whether it could be read)."""

    correct: bool
    reason: str
    parsed: bool = True


RIGHT = Judgement(True, "correct")


def wrong(reason: str, parsed: bool = True) -> Judgement:
    return Judgement(False, reason, parsed)


@dataclass(frozen=True, slots=True)
class AnswerContext:
    """What scoring an item may need beside its reference."""

    code: str | None = None
    """The program: input prediction runs it; next-line answers are checked against it."""
    entry: str | None = None
    """The entry function: an output answer that calls it restates the call."""
    equality: Equality = "strict"
    sandbox: Sandbox | None = None
    """Where input prediction runs (``None``: the process-wide default sandbox)."""


LABEL = re.compile(r"^[^'\"\[\]{}:=\n]{1,60}?(?::|=(?!=))\s*")
"""A leading label (``x = ``, ``Output: ``) before an answer."""


def unwrap_pairs(text: str) -> str:
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


def _value_candidates(text: str) -> list[str]:
    candidates = [text]
    stripped = text.strip()
    if "\n" in stripped:
        candidates.append(stripped.split("\n", 1)[0])
    for candidate in list(candidates):
        match = LABEL.match(candidate.strip())
        if match:
            candidates.append(candidate.strip()[match.end() :])
    return candidates


def read_value(text: str) -> object:
    """The first of the answer's readings (see the module docstring) that is a literal."""
    first_error: LiteralError | None = None
    for candidate in _value_candidates(text):
        try:
            return parse_literal(candidate)
        except LiteralError as exc:
            if first_error is None:
                first_error = exc
    assert first_error is not None
    raise first_error


def score_value(
    literal: str,
    type_name: str | None,
    text: str,
    equality: Equality,
    *,
    entry: str | None = None,
    stated_type: str | None = None,
    own_type_checked: bool = False,
) -> Judgement:
    """A value answer against the reference ``literal`` (of type ``type_name``).

    ``entry``: an answer that calls it restates the call and is wrong. ``stated_type``: the
    type the answer names (``value; type``), which must name the reference's.
    ``own_type_checked``: the answer's own type is checked under ``python`` too.
    """
    try:
        expected = reference_value(literal)
    except LiteralError as exc:
        raise InvalidReference(str(exc)) from None
    if entry and calls_function(text, entry):
        return wrong(f"the answer restates the call {entry}(...) instead of its value")
    try:
        value = read_value(text)
    except LiteralError as exc:
        if equality == "python" and stated_type is not None and _is_str(stated_type):
            value = text.strip()  # ExecVerify reads an unquoted `abc; str` as 'abc'
        else:
            return wrong(f"could not read the answer: {exc}", parsed=False)
    actual_type = type_name or type(expected).__name__
    checks_own_type = equality == "strict" or own_type_checked
    if checks_own_type and type_name is not None and type(value).__name__ != type_name:
        return wrong(f"expected type {type_name}, got {type(value).__name__} {short_repr(value)}")
    if stated_type is not None and _type_key(stated_type) != _type_key(actual_type):
        return wrong(f"stated type {stated_type}, expected {actual_type}")
    if values_equal_as(equality, value, expected):
        return RIGHT
    return wrong(f"expected {short_repr(expected)}, got {short_repr(value)}")


def _type_key(name: str) -> str:
    """A type name compared without letter case or module prefix."""
    return name.rsplit(".", 1)[-1].lower()


def _is_str(name: str) -> bool:
    return _type_key(name) == "str"
