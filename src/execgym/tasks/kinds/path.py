"""The execution path: the lines the traced call's own frame runs, in order.

Selection: the entry frame's statement visits, when there are at most 40 of them. Scoring:
line numbers separated by commas, spaces, ``->``, ``→`` or ``;``, optionally in brackets and
with a ``lines:`` label, equal to the reference's ``lines`` as a sequence. A path reference
with ``line`` (and ``source``) instead of ``lines`` — REval's "path" task, which asks for the
line that runs next — is scored as a next-statement answer.
"""

from __future__ import annotations

import random
import re

from pydantic import StrictInt, StrictStr

from execgym.tasks import _style_reval as reval
from execgym.tasks._kind import QuestionKind, RevalPrompt, StrictPrompt, Wording, register
from execgym.tasks._programs import Program
from execgym.tasks._question import Kind, Pick, Reference
from execgym.tasks._scoring import (
    LABEL,
    RIGHT,
    AnswerContext,
    InvalidReference,
    Judgement,
    unwrap_pairs,
    wrong,
)
from execgym.tasks._select import Execution
from execgym.tasks._values import short_repr
from execgym.tasks.kinds.next_statement import NextReference, score_next

MAX_PATH_LENGTH = 40


class PathReference(Reference):
    """``lines``: the line numbers in order; or, for REval's "path" task, ``line`` and
    ``source`` of the next line."""

    lines: list[StrictInt] | None = None
    line: StrictInt | None = None
    source: StrictStr | None = None


def path_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """The lines the traced call's own frame runs, in order (only up to 40 of them)."""
    lines = execution.entry_path()
    if not lines or len(lines) > MAX_PATH_LENGTH:
        return []
    return [Pick(Kind.PATH, PathReference(lines=lines))]


def _lines(pick: Pick) -> str:
    reference = pick.reference
    assert isinstance(reference, PathReference) and reference.lines is not None
    return ", ".join(str(line) for line in reference.lines)


def _strict(pick: Pick, program: Program) -> StrictPrompt:
    entry = program.entry
    wording = Wording(
        f"Which lines of {entry} are executed, in order, during {program.call}? Count a "
        f"line each time it is executed; lines run by other functions {entry} calls do not "
        "count.",
        "Inside <answer>...</answer>: the line numbers in execution order, separated by commas, "
        "e.g. 2, 3, 5.",
        _lines(pick),
    )
    return StrictPrompt(wording)


_REVAL_EXAMPLES = (
    reval.Example(
        "f('a1')",
        "Which lines of f are executed, in order, when f('a1') is called? Count a line "
        "each time it is executed.",
        "1. Line 2 sets out to ''.\n"
        "2. For ch = 'a': Lines 3 and 4; 'a' is not a digit.\n"
        "3. For ch = '1': Lines 3, 4 and 5.\n"
        "4. Line 3 ends the loop, and Line 6 returns. The answer is 2, 3, 4, 3, 4, 5, 3, 6.",
        "2, 3, 4, 3, 4, 5, 3, 6",
    ),
)


def _reval(pick: Pick, program: Program, cot: bool) -> RevalPrompt:
    wording = Wording(
        f"Which lines of {program.entry} are executed, in order, when {program.call} is "
        "called? Count a line each time it is executed.",
        "The line numbers in execution order, separated by commas (e.g. 2, 3, 5), inside "
        "[ANSWER] and [/ANSWER] tags.",
        _lines(pick),
    )
    instruction, shots, task = reval.line_question_prompt(
        "Answer the question with only line numbers separated by commas, ",
        "",
        _REVAL_EXAMPLES,
        program,
        wording.text,
        cot,
    )
    return RevalPrompt(wording, instruction, shots, task)


_PATH_LABEL = re.compile(
    r"^(?:the\s+)?(?:execution\s+)?(?:path|lines?|sequence)\s*(?:is|are)?\s*[:=]?\s*", re.I
)
_PATH_SEPARATORS = re.compile(r"->|→|=>|⇒|[,;|\[\](){}]|\blines?\b", re.I)
_PATH_NUMBER = re.compile(r"[Ll]?([0-9]{1,9})")


def score_path(reference: PathReference, text: str, context: AnswerContext) -> Judgement:
    """The answer's line numbers against the path (see the module docstring)."""
    if reference.lines is None:
        if reference.line is not None:  # REval's "path" question: the next line, one number
            return score_next(
                NextReference(line=reference.line, source=reference.source), text, context
            )
        raise InvalidReference("a path reference needs lines")
    answer = unwrap_pairs(text.strip())
    label = _PATH_LABEL.match(answer) or LABEL.match(answer)
    if label:
        answer = answer[label.end() :]
    tokens = _PATH_SEPARATORS.sub(" ", answer).split()
    if not tokens:
        return wrong("no line numbers in the answer", parsed=False)
    lines = []
    for token in tokens:
        match = _PATH_NUMBER.fullmatch(token)
        if match is None:
            return wrong(f"{short_repr(token, 30)} is not a line number", parsed=False)
        lines.append(int(match.group(1)))
    if lines == reference.lines:
        return RIGHT
    return wrong(f"expected {short_repr(reference.lines)}, got {short_repr(lines)}")


register(
    QuestionKind(
        name=Kind.PATH.value,
        summary="the lines the call's own frame runs, in order",
        reference=PathReference,
        select=path_picks,
        score=score_path,
        order=5,
        strict=_strict,
        reval=_reval,
    )
)
