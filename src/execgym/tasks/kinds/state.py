"""A variable's state: the value and type of variable V right after line N on its K-th run.

Selection (default): up to five (line, K, variable): only variables the run changed, with a
literal value that is not truncated; not in comprehension frames (their variables are the
comprehension's own), not on lines that hold several statements. Distinct variables come
first; lines that also run inside a comprehension or lambda come last. When the entry
function has an assignment line that never runs, one pick asks about it, with the reference
:data:`~execgym.tasks.NOT_EXECUTED`. The ``execverify`` style selects by ExecVerify's own rule
(:func:`execverify_state_picks`).

Scoring: as an output value, and the answer's type name must equal the reference's. REval's
``value; type`` form is read too: the stated type must then also name the reference type
(compared without letter case or module prefix); under the ``python`` equality the stated
type is the one checked (``1.0; int`` is right for ``1; int``, as in ExecVerify). When the
line does not run on that occurrence the answer must say ``not executed`` (any letter case,
quotes, ``_`` or ``-`` between the words) or REval's ``Nil``; saying it when the line does
run scores 0. (A variable whose value is the string ``'not executed'`` must be answered
quoted, as a literal.)
"""

from __future__ import annotations

import random
import re

from pydantic import StrictStr

from execgym.tasks import _style_reval as reval
from execgym.tasks._extract import last_top_level
from execgym.tasks._kind import Combined, QuestionKind, RevalPrompt, Wording, register
from execgym.tasks._programs import Program
from execgym.tasks._prompt_parts import NIL, line_text, ordinal
from execgym.tasks._question import NOT_EXECUTED, Kind, Pick, Reference
from execgym.tasks._scoring import RIGHT, AnswerContext, Judgement, score_value, wrong
from execgym.tasks._select import Execution, Visit, spread_sample
from execgym.tasks._style_execverify import answer_line

MAX_STATE = 5


class StateReference(Reference):
    """``literal`` and ``type_name`` of the value, or ``literal == NOT_EXECUTED``."""

    literal: StrictStr
    type_name: StrictStr | None = None


def state_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """Up to five (line, K, variable): the variable's value right after that run.

    Only variables the run changed, with a literal value that is not truncated; not in
    comprehension frames (their variables are the comprehension's own), not on lines that
    hold several statements. Distinct variables come first; lines that also run inside a
    comprehension or lambda come last. When the entry function has an assignment line that
    never runs, one pick asks about it, with the reference ``NOT_EXECUTED``.
    """
    source = execution.source
    never = [
        line
        for line in source.body_lines(execution.program.entry)
        if line not in execution.runs and line not in source.crowded and source.assigned_names(line)
    ]
    missing: list[Pick] = []
    if never:
        line = rng.choice(never)
        missing.append(
            Pick(
                Kind.STATE,
                StateReference(literal=NOT_EXECUTED),
                line=line,
                occurrence=1,
                variable=source.assigned_names(line)[0],
                runs=0,
            )
        )
    clear: list[tuple[Visit, str]] = []
    shared: list[tuple[Visit, str]] = []
    for visit in execution.visits:
        if visit.in_comprehension or visit.line in source.crowded:
            continue
        for name, value in sorted(visit.changes.items()):
            if value.gradable:
                tier = shared if visit.line in execution.inline_lines else clear
                tier.append((visit, name))
    chosen = spread_sample(rng, [clear, shared], MAX_STATE - len(missing), key=lambda c: c[1])
    picks = [_state_pick(execution, visit, name) for visit, name in chosen]
    return sorted(picks + missing, key=lambda p: (p.line or 0, p.occurrence or 0, p.variable or ""))


def _state_pick(execution: Execution, visit: Visit, name: str) -> Pick:
    """The value of ``name`` right after ``visit``."""
    value = visit.changes[name]
    return Pick(
        Kind.STATE,
        StateReference(literal=str(value.literal), type_name=value.type),
        line=visit.line,
        occurrence=visit.occurrence,
        variable=name,
        runs=execution.runs[visit.line],
    )


def execverify_state_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """Up to five (line, K, variable) questions, by ExecVerify's rule: only runs that
    happened, each about a variable the run changed, drawn at random (distinct variables
    first), in execution order.

    Values must have a literal form that is not truncated. Never asked: variables of
    comprehension and lambda frames (ExecVerify's own code asks about lambda parameters),
    lines holding several statements.
    """
    source = execution.source
    candidates: list[tuple[Visit, str]] = []
    for visit in execution.visits:
        if visit.inline or visit.line in source.crowded:
            continue
        for name, value in sorted(visit.changes.items()):
            if value.gradable:
                candidates.append((visit, name))
    chosen = spread_sample(rng, [candidates], MAX_STATE, key=lambda c: c[1])
    return [
        _state_pick(execution, visit, name)
        for visit, name in sorted(chosen, key=lambda c: (c[0].index, c[1]))
    ]


def _reference(pick: Pick) -> StateReference:
    reference = pick.reference
    assert isinstance(reference, StateReference) and pick.line is not None
    return reference


def _typed(reference: StateReference) -> str:
    """``value; type``, or ``Nil`` when the line does not run (ExecVerify's and REval's)."""
    if reference.literal == NOT_EXECUTED:
        return NIL
    return f"{reference.literal}; {reference.type_name}"


# ---- execverify ------------------------------------------------------------------------------


def _execverify(pick: Pick, program: Program, position: int) -> Wording:
    reference = _reference(pick)
    line = pick.line
    times = pick.occurrence or 1
    return Wording(
        f"Is line {line}: {line_text(program, line or 0)} executed when {program.call} is "
        f"called? If so, what are the value and type of the variable '{pick.variable}' after "
        f"line {line} has been executed for the {times} time?",
        answer_line(position)
        + f"`value; type` (e.g. [1, 2]; list), or Nil if line {line} is not executed.",
        _typed(reference),
    )


# ---- execverify-strict -----------------------------------------------------------------------


def _strict(pick: Pick, program: Program, position: int) -> Wording:
    reference = _reference(pick)
    line = pick.line or 0
    code = line_text(program, line).strip()
    occurrence = ordinal(pick.occurrence or 1)
    return Wording(
        f"What is the value of variable `{pick.variable}` right after line {line} (`{code}`) "
        f"executes for the {occurrence} time?",
        f"Line {position} of the <answer> block: the value as a Python literal, or "
        f"`{NOT_EXECUTED}` if line {pick.line} has no {occurrence} execution.",
        reference.literal,  # NOT_EXECUTED is rendered as itself
    )


# ---- reval -----------------------------------------------------------------------------------

_REVAL_EXAMPLES = (
    reval.Example(
        "f('a1b2')",
        "Is Line 5 (            out += ch) executed when f('a1b2') is called? If so, what "
        "is the value and type of the variable out after Line 5 is executed for the 2nd "
        "time? If not, answer Nil.",
        "1. out starts as '' at Line 2.\n"
        "2. Line 5 is executed for ch = '1' (out becomes '1') and then for ch = '2'.\n"
        "3. After its 2nd execution out is '12', a str. The answer is '12'; str.",
        "'12'; str",
    ),
    reval.Example(
        "f('ab')",
        "Is Line 5 (            out += ch) executed when f('ab') is called? If so, what "
        "is the value and type of the variable out after Line 5 is executed? If not, "
        "answer Nil.",
        "1. Neither 'a' nor 'b' is a digit, so Line 5 is never executed.\n2. The answer is Nil.",
        NIL,
    ),
)
_REVAL_EXTRA = (
    "Make sure the value is a valid Python constant and the type is a valid Python class "
    "name. There may be multiple answers, but you should only output one. "
)


def _reval(pick: Pick, program: Program, cot: bool) -> RevalPrompt:
    reference = _reference(pick)
    line = pick.line or 0
    wording = Wording(
        f"Is Line {line} ({line_text(program, line)}) executed when {program.call} is called? "
        f"If so, what is the value and type of the variable {pick.variable} after Line {line} "
        f"is executed{reval.times(pick)}? If not, answer Nil.",
        "`value; type` (a Python literal, a semicolon, the type name, e.g. [1, 2]; list), "
        "or Nil if the line is not executed, inside [ANSWER] and [/ANSWER] tags.",
        _typed(reference),
    )
    instruction, shots, task = reval.line_question_prompt(
        'Answer the question in "value; type" format, ',
        _REVAL_EXTRA,
        _REVAL_EXAMPLES,
        program,
        wording.text,
        cot,
    )
    return RevalPrompt(wording, instruction, shots, task)


# ---- scoring ---------------------------------------------------------------------------------

_NOT_EXECUTED = re.compile(
    r"""^[\s'"`*(]*(?:not[\s_\-]*executed|nil)[\s'"`*.!)]*$""", re.IGNORECASE
)
_TYPE_NAME = re.compile(r"""[`'"]?(?:<class\s+['"])?([A-Za-z_][\w.]*)(?:['"]>)?[`'"]?\.?""")


def split_typed(text: str) -> tuple[str, str | None]:
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


def score_state(reference: StateReference, text: str, context: AnswerContext) -> Judgement:
    """The answer's value and type against the variable's (see the module docstring)."""
    if reference.literal == NOT_EXECUTED:
        if _says_not_executed(text):
            return RIGHT
        return wrong("the line does not run on that occurrence")
    if _says_not_executed(text):
        return wrong("answered 'not executed', but the line runs")
    value_text, stated_type = split_typed(text)
    return score_value(
        reference.literal,
        reference.type_name,
        value_text,
        context.equality,
        stated_type=stated_type,
        own_type_checked=stated_type is None,
    )


register(
    QuestionKind(
        name=Kind.STATE.value,
        summary="the value and type of variable V right after line N on its K-th execution",
        reference=StateReference,
        select=state_picks,
        style_select={"execverify": execverify_state_picks},
        score=score_state,
        order=3,
        execverify=Combined(_execverify),
        strict=Combined(
            _strict,
            rule=f"the value as a Python literal, or `{NOT_EXECUTED}` if the line is not "
            "executed that many times",
        ),
        reval=_reval,
        whitebox=True,
    )
)
