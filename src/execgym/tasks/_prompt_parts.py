"""Pieces every prompt style uses: numbered code, ordinals, a line's text, and the Question."""

from __future__ import annotations

from collections.abc import Sequence

from execgym.tasks._kind import KINDS, Combined, question_kinds
from execgym.tasks._programs import Program
from execgym.tasks._question import Item, Pick, Question, Style

NIL = "Nil"
"""How REval's and ExecVerify's state answers say that the line does not run (their own
word); ``execverify-strict`` asks for :data:`~execgym.tasks.NOT_EXECUTED` instead."""


def numbered_code(code: str) -> str:
    """Every line of ``code`` prefixed by its number and a tab (a blank line: the number)."""
    return "\n".join(
        f"{number}\t{text}" if text.strip() else str(number)
        for number, text in enumerate(code.splitlines(), start=1)
    )


_SUFFIXES = {1: "st", 2: "nd", 3: "rd"}


def ordinal(number: int) -> str:
    """``1st``, ``2nd``, ``3rd``, ``11th``, ``22nd``."""
    if 10 <= number % 100 <= 20:
        return f"{number}th"
    return f"{number}{_SUFFIXES.get(number % 10, 'th')}"


def line_text(program: Program, line: int) -> str:
    """Line ``line`` of the program as written (trailing whitespace removed)."""
    lines = program.code.splitlines()
    return lines[line - 1].rstrip() if 1 <= line <= len(lines) else ""


def tagged(rendered: str, opening: str, closing: str) -> str:
    return f"{opening}\n{rendered}\n{closing}"


def make_question(
    style: Style,
    program: Program,
    items: list[Item],
    kind: str,
    prompt: str,
    reference_answer: str,
    tag: str,
) -> Question:
    """A prompt about ``program``; its id is ``<program>/<tag>/<combined or item suffix>``."""
    suffix = "combined" if kind == "combined" else items[0].id[len(program.id) + 1 :]
    return Question(
        id=f"{program.id}/{tag}/{suffix}",
        program_id=program.id,
        style=style,
        kind=kind,
        prompt=prompt,
        code=program.code,
        entry=program.entry,
        input=program.input,
        items=items,
        reference_answer=reference_answer,
    )


def combined_groups(picks: Sequence[Pick], style: str) -> list[tuple[bool, list[Pick]]]:
    """The prompts of an ExecVerify style, in order: ``(True, picks)`` for the one combined
    prompt (the picks of the kinds the style asks together, in kind order, placed where the
    first of them was) and ``(False, [pick])`` for each pick of another kind."""
    together = [
        kind for kind in question_kinds() if isinstance(kind_wording(kind, style), Combined)
    ]
    combined = [pick for kind in together for pick in picks if pick.kind == kind]
    groups: list[tuple[bool, list[Pick]]] = []
    for pick in picks:
        if pick.kind not in together:
            groups.append((False, [pick]))
        elif pick is combined[0]:
            groups.append((True, combined))
    return groups


def kind_wording(kind: str, style: str) -> object:
    """The wording ``style`` has from ``kind`` (``None`` where the style does not ask it)."""
    return KINDS.get(kind).wording(style)
