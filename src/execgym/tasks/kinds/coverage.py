"""Coverage: is line N of the entry function executed at all?

Selection: up to four lines of the entry function's body, a seeded mix: up to two lines that
never run, the rest lines that do. Scoring: ``yes``/``no`` (also ``true``/``false``,
``executed``/``not executed``; case, quotes and trailing words like ``Yes.`` or
``No, because ...`` are tolerated) against the reference's ``executed``.
"""

from __future__ import annotations

import random
import re

from pydantic import StrictBool

from execgym.tasks import _style_reval as reval
from execgym.tasks._kind import QuestionKind, RevalPrompt, StrictPrompt, Wording, register
from execgym.tasks._programs import Program
from execgym.tasks._prompt_parts import line_text
from execgym.tasks._question import Kind, Pick, Reference
from execgym.tasks._scoring import LABEL, RIGHT, AnswerContext, Judgement, wrong
from execgym.tasks._select import Execution

MAX_COVERAGE = 4
MAX_COVERAGE_NOT_EXECUTED = 2


class CoverageReference(Reference):
    """``executed``: whether the line runs at all."""

    executed: StrictBool


def coverage_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """Up to four lines of the entry function's body (see the module docstring)."""
    lines = execution.source.body_lines(execution.program.entry)
    ran = [line for line in lines if line in execution.runs]
    never = [line for line in lines if line not in execution.runs]
    chosen_never = rng.sample(never, min(len(never), MAX_COVERAGE_NOT_EXECUTED))
    chosen_ran = rng.sample(ran, min(len(ran), MAX_COVERAGE - len(chosen_never)))
    return [
        Pick(
            Kind.COVERAGE,
            CoverageReference(executed=line in execution.runs),
            line=line,
            runs=execution.runs[line],
        )
        for line in sorted(chosen_never + chosen_ran)
    ]


def _executed(pick: Pick) -> bool:
    reference = pick.reference
    assert isinstance(reference, CoverageReference) and pick.line is not None
    return reference.executed


def _strict(pick: Pick, program: Program) -> StrictPrompt:
    line = pick.line or 0
    code = line_text(program, line).strip()
    wording = Wording(
        f"Is line {line} (`{code}`) executed at all during {program.call}?",
        "Inside <answer>...</answer>: yes or no.",
        "yes" if _executed(pick) else "no",
    )
    return StrictPrompt(wording)


_REVAL_EXAMPLES = (
    reval.Example(
        "f('a1b2')",
        "Is Line 5 (            out += ch) executed when f('a1b2') is called?",
        "1. f is called with s = 'a1b2'.\n"
        "2. When ch is '1', the condition at Line 4 is True, so Line 5 is executed.\n"
        "3. Therefore, the answer is YES.",
        "YES",
    ),
    reval.Example(
        "f('ab')",
        "Is Line 5 (            out += ch) executed when f('ab') is called?",
        "1. f is called with s = 'ab'; neither character is a digit.\n"
        "2. The condition at Line 4 is False for every character, so Line 5 is never "
        "executed.\n"
        "3. Therefore, the answer is NO.",
        "NO",
    ),
)


def _reval(pick: Pick, program: Program, cot: bool) -> RevalPrompt:
    line = pick.line or 0
    wording = Wording(
        f"Is Line {line} ({line_text(program, line)}) executed when {program.call} is called?",
        "YES or NO inside [ANSWER] and [/ANSWER] tags.",
        "YES" if _executed(pick) else "NO",
    )
    instruction, shots, task = reval.line_question_prompt(
        "Answer the question with only YES or NO, ",
        "",
        _REVAL_EXAMPLES,
        program,
        wording.text,
        cot,
    )
    return RevalPrompt(wording, instruction, shots, task)


# The keyword must end the answer or be followed by punctuation: "Yes, because ..." and
# "No." count, "no idea" does not.
_YES_NO = re.compile(
    r"""[\s'"`*(\[]*(yes|no|true|false|not\s+executed|executed)"""
    r"""(?=\s*$|\s*[.,;:!)\]'"`*])""",
    re.IGNORECASE,
)
_YES = frozenset({"yes", "true", "executed"})


def score_coverage(reference: CoverageReference, text: str, context: AnswerContext) -> Judgement:
    """Yes or no against whether the line runs (see the module docstring)."""
    match = _YES_NO.match(text)
    if match is None:
        label = LABEL.match(text.strip())
        match = _YES_NO.match(text.strip()[label.end() :]) if label else None
    if match is None:
        return wrong("the answer is not yes or no", parsed=False)
    said = match.group(1).lower() in _YES
    if said == reference.executed:
        return RIGHT
    return wrong(f"expected {'yes' if reference.executed else 'no'}")


register(
    QuestionKind(
        name=Kind.COVERAGE.value,
        summary="whether line N of the entry function runs at all",
        reference=CoverageReference,
        select=coverage_picks,
        score=score_coverage,
        order=4,
        strict=_strict,
        reval=_reval,
    )
)
