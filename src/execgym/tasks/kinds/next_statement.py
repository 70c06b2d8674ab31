"""The next statement: which line runs right after line N on its K-th execution (-1: none).

Selection (default): up to five runs of a line. The successor is the next visit in the whole
call: a call into another function of the program leads to its first line, and a ``return``
to the caller's next line. Preferred: runs of branching lines and runs whose successor is not
simply the following line (ExecVerify's rule), then other runs; runs inside comprehensions and
lambdas, and runs followed by the same line, come last. Lines holding several statements are
not asked. The ``execverify`` style selects by ExecVerify's own rule
(:func:`execverify_next_picks`).

Scoring: the source text of the next line (REval's form), compared with the reference's
``source`` ignoring all whitespace — so where that text is on several lines, any of them
counts — or a line number: ``7``, ``line 7``, ``Line 7.``, ``7: x += 1`` (the number counts,
not the text), ``Next line: 7``; ``-1`` (also ``none``) when nothing runs next. In a combined
answer block the answer is always one line.
"""

from __future__ import annotations

import random
import re
from functools import lru_cache

from pydantic import StrictInt, StrictStr

from execgym.tasks import _style_reval as reval
from execgym.tasks._kind import Combined, QuestionKind, RevalPrompt, Wording, register
from execgym.tasks._programs import Program
from execgym.tasks._prompt_parts import line_text, ordinal
from execgym.tasks._question import Kind, Pick, Reference
from execgym.tasks._scoring import (
    LABEL,
    RIGHT,
    AnswerContext,
    Judgement,
    unwrap_pairs,
    wrong,
)
from execgym.tasks._select import Execution, Visit, spread_sample
from execgym.tasks._style_execverify import answer_line
from execgym.tasks._values import short_repr

MAX_NEXT = 5


class NextReference(Reference):
    """``line``: the line that runs next (``-1`` when none does); ``source``: that line's
    text, stripped (empty for ``-1``)."""

    line: StrictInt
    source: StrictStr | None = None


def next_pick(execution: Execution, visit: Visit) -> Pick:
    """Which line runs right after ``visit`` (-1: none)."""
    after = execution.successor(visit)
    source = execution.source.source(after).strip() if after != -1 else ""
    return Pick(
        Kind.NEXT,
        NextReference(line=after, source=source),
        line=visit.line,
        occurrence=visit.occurrence,
        runs=execution.runs[visit.line],
    )


def next_statement_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """Up to five runs of a line: which line runs next (see the module docstring)."""
    branching = execution.branching_lines()
    preferred: list[Visit] = []
    plain: list[Visit] = []
    last: list[Visit] = []
    for visit in execution.visits:
        if visit.line in execution.source.crowded:
            continue
        after = execution.successor(visit)
        if visit.inline or after == visit.line:
            last.append(visit)
        elif visit.line in branching or after != visit.line + 1:
            preferred.append(visit)
        else:
            plain.append(visit)
    chosen = spread_sample(rng, [preferred, plain, last], MAX_NEXT, key=lambda v: v.line)
    return [next_pick(execution, visit) for visit in sorted(chosen, key=lambda v: v.index)]


def execverify_next_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """Up to five next-statement questions, by ExecVerify's rule.

    Candidates: runs of a branching line (an ``if``, ``elif``, ``for`` or ``while`` header,
    or a line whose successor differs between its runs), runs that lead into a branching
    line, and runs whose successor is not the statement written next (a jump back to a loop
    head, past an ``else``, into a called function, back to the caller, or -1 at the end);
    and statement lines of the program's functions that never run, answered -1 (the
    prompt's rule: "if the given statement is never reached, answer -1"). Drawn at random,
    distinct lines before a second run of one. ExecVerify finds branching lines by looking
    for ``if``/``for``/``while`` anywhere in the text (``diff = a - b`` counts); here the
    syntax tree says.

    Where ExecVerify's own code counts events, this counts statement runs: a ``return`` line
    runs once (ExecVerify also counts its ``return`` event as a second run), a call into a
    helper does not count as a run of the ``def`` line, and runs inside comprehensions and
    lambdas, runs followed by the same line, and lines holding several statements are not
    asked.
    """
    source = execution.source
    branching = execution.branching_lines() | source.branching
    ranked: list[tuple[int, Pick]] = []
    for visit in execution.visits:
        if visit.inline or visit.line in source.crowded:
            continue
        after = execution.successor(visit)
        if after == visit.line:
            continue
        leads_to_branch = after in source.branching
        if visit.line in branching or leads_to_branch or after != source.following(visit.line):
            ranked.append((visit.index, next_pick(execution, visit)))
    after_all = len(execution.visits)
    for line in source.function_lines():
        if line not in execution.runs and line not in source.crowded:
            never = Pick(
                Kind.NEXT, NextReference(line=-1, source=""), line=line, occurrence=1, runs=0
            )
            ranked.append((after_all + line, never))
    chosen = spread_sample(rng, [ranked], MAX_NEXT, key=lambda entry: entry[1].line)
    return [pick for _, pick in sorted(chosen, key=lambda entry: entry[0])]


def _rendered_source(reference: NextReference) -> str:
    return reference.source if reference.line != -1 and reference.source else "-1"


def _reference(pick: Pick) -> NextReference:
    reference = pick.reference
    assert isinstance(reference, NextReference) and pick.line is not None
    return reference


# ---- execverify ------------------------------------------------------------------------------


def _execverify(pick: Pick, program: Program, position: int) -> Wording:
    reference = _reference(pick)
    line = pick.line
    return Wording(
        f"While executing {program.call}, which line of code is executed immediately after "
        f"line {line}: {line_text(program, line or 0)} has been executed for the "
        f"{pick.occurrence or 1} time?",
        answer_line(position) + "the source code of the next executed line (no line number), "
        f"or -1 if nothing runs after it or line {line} is never reached.",
        _rendered_source(reference),
    )


# ---- execverify-strict -----------------------------------------------------------------------


def _strict(pick: Pick, program: Program, position: int) -> Wording:
    reference = _reference(pick)
    line = pick.line or 0
    code = line_text(program, line).strip()
    return Wording(
        f"While executing {program.call}, which line is executed right after line {line} "
        f"(`{code}`) on its {ordinal(pick.occurrence or 1)} execution?",
        f"Line {position} of the <answer> block: a line number, or -1 if no line is executed "
        "after it.",
        str(reference.line),
    )


# ---- reval: REval's "path" task (the next line) ----------------------------------------------

_REVAL_EXAMPLES = (
    reval.Example(
        "f('a1b2')",
        "If the line `            out += ch` (Line 5) is executed for the 1st time when "
        "f('a1b2') is called, answer with the next line of code to be executed. If not or "
        "program terminates after this line, answer with -1.",
        "1. Line 5 is executed for the 1st time when ch is '1'.\n"
        "2. It is the last line of the loop body, so the loop head at Line 3 runs next.\n"
        "3. The answer is for ch in s:",
        "for ch in s:",
    ),
    reval.Example(
        "f('ab')",
        "If the line `    return out` (Line 6) is executed when f('ab') is called, answer "
        "with the next line of code to be executed. If not or program terminates after "
        "this line, answer with -1.",
        "1. Line 6 returns from f, and the program terminates after it.\n2. The answer is -1.",
        "-1",
    ),
)


def _reval(pick: Pick, program: Program, cot: bool) -> RevalPrompt:
    reference = _reference(pick)
    line = pick.line or 0
    wording = Wording(
        f"If the line `{line_text(program, line)}` (Line {line}) is executed"
        f"{reval.times(pick)} when {program.call} is called, answer with the next line of code "
        "to be executed. If not or program terminates after this line, answer with -1.",
        "The code of the next executed line, without its line number or indentation, or -1 "
        "if no line is executed after it, inside [ANSWER] and [/ANSWER] tags.",
        _rendered_source(reference),
    )
    instruction, shots, task = reval.line_question_prompt(
        "Answer the question with only one line of code, ",
        "",
        _REVAL_EXAMPLES,
        program,
        wording.text,
        cot,
    )
    return RevalPrompt(wording, instruction, shots, task)


# ---- scoring ---------------------------------------------------------------------------------

_LINE_NUMBER = re.compile(
    r"(?:line\s*(?:number\s*|no\.?\s*)?#?\s*)?([+-]?[0-9]{1,9})\b(?!\.\d)", re.I
)
_NO_LINE = re.compile(r"(?:none|no\s+(?:next\s+)?line|nothing)\W*", re.I)
_SPACE = re.compile(r"\s+")


def score_next(reference: NextReference, text: str, context: AnswerContext) -> Judgement:
    """The answer's line against the next line (see the module docstring)."""
    raw = text.strip()
    answer = unwrap_pairs(raw)
    if not answer:
        return wrong("empty answer", parsed=False)
    squashed = _SPACE.sub("", answer)
    if reference.line != -1 and reference.source:
        source = _SPACE.sub("", reference.source)
        if source in (squashed, _SPACE.sub("", raw)):
            return RIGHT  # the source text of the right line (REval's answer form)
    line = _line_number(answer)
    if line is None:
        if context.code is not None and squashed in _source_lines(context.code):
            return wrong(f"expected line {reference.line}, got {short_repr(answer, 60)}")
        label = LABEL.match(answer)
        line = _line_number(answer[label.end() :].strip()) if label else None
        if line is None:
            return wrong("not a line number and not a line of the program", parsed=False)
    if line == reference.line:
        return RIGHT
    return wrong(f"expected line {reference.line}, got {line}")


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


register(
    QuestionKind(
        name=Kind.NEXT.value,
        summary="which line runs right after line N on its K-th execution (-1: none)",
        reference=NextReference,
        select=next_statement_picks,
        style_select={"execverify": execverify_next_picks},
        score=score_next,
        order=2,
        execverify=Combined(_execverify),
        strict=Combined(_strict, rule="a line number, or -1 if no line is executed after that one"),
        reval=_reval,
        whitebox=True,
        one_line_answer=True,
    )
)
