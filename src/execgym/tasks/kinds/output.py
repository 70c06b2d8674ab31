"""Output prediction: what does ``f(<input>)`` return?

Selection: the returned value, when it has a literal form that is not truncated (else no
question). Scoring: the answer is read as a literal and compared with the reference by the
question's equality (:mod:`execgym.tasks._scoring`); under ``strict`` its type name must be
the reference's too. An answer that calls the entry function (``f(3)``, also ``f(3) == 5``)
merely restates the call and scores 0 with that reason (CRUXEval's rule). Written as an
assertion, the answer is the value right of ``==``.
"""

from __future__ import annotations

import random

from pydantic import StrictStr

from execgym.tasks import _style_reval as reval
from execgym.tasks._kind import (
    Combined,
    CruxevalPrompt,
    QuestionKind,
    RevalPrompt,
    Wording,
    register,
)
from execgym.tasks._programs import Program
from execgym.tasks._question import Kind, Pick, Reference
from execgym.tasks._scoring import AnswerContext, Judgement, score_value
from execgym.tasks._select import Execution
from execgym.tasks._style_execverify import answer_line


class OutputReference(Reference):
    """``literal``: a Python literal of the returned value; ``type_name``: its type."""

    literal: StrictStr
    type_name: StrictStr | None = None


def output_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """The returned value (none when it has no literal form or was truncated)."""
    output = execution.trace.output
    if output is None or not output.gradable or output.literal is None:
        return []
    return [Pick(Kind.OUTPUT, OutputReference(literal=output.literal, type_name=output.type))]


def _literal(pick: Pick) -> str:
    reference = pick.reference
    assert isinstance(reference, OutputReference)
    return reference.literal


# ---- execverify ------------------------------------------------------------------------------


def _execverify(pick: Pick, program: Program, position: int) -> Wording:
    return Wording(
        "Fill the assertion statement.",
        answer_line(position) + f"the completed assertion, `assert {program.call} == <value>`.",
        f"assert {program.call} == {_literal(pick)}",
    )


# ---- execverify-strict -----------------------------------------------------------------------


def _strict(pick: Pick, program: Program, position: int) -> Wording:
    return Wording(
        f"What does {program.call} return?",
        f"Line {position} of the <answer> block: the returned value as a Python literal.",
        _literal(pick),
    )


# ---- cruxeval --------------------------------------------------------------------------------

# CRUXEval's prompts (facebookresearch/cruxeval, prompts.py): make_direct_output_prompt and
# make_cot_output_prompt.
_CRUX_INSTRUCTION = (
    "You are given a Python function and an assertion containing an input to the function. "
    "Complete the assertion with a literal (no unsimplified expressions, no function calls) "
    "containing the output when executing the provided code on the given input, even if the "
    "function is incorrect or incomplete. Do NOT output any extra information. "
)
_CRUX_DIRECT_TAIL = (
    "Provide the full assertion with the correct output in [ANSWER] and [/ANSWER] tags, "
    "following the examples."
)
_CRUX_COT_TAIL = (
    "Execute the program step by step before arriving at an answer, and provide the full "
    "assertion with the correct output in [ANSWER] and [/ANSWER] tags, following the examples."
)
_CRUX_DIRECT_EXAMPLES = """[PYTHON]
def f(n):
    return n
assert f(17) == ??
[/PYTHON]
[ANSWER]
assert f(17) == 17
[/ANSWER]

[PYTHON]
def f(s):
    return s + "a"
assert f("x9j") == ??
[/PYTHON]
[ANSWER]
assert f("x9j") == "x9ja"
[/ANSWER]"""
_CRUX_COT_EXAMPLE = """[PYTHON]
def f(s):
    s = s + s
    return "b" + s + "a"
assert f("hi") == ??
[/PYTHON]
[THOUGHT]
Let's execute the code step by step:

1. The function f is defined, which takes a single argument s.
2. The function is called with the argument "hi", so within the function, s is initially "hi".
3. Inside the function, s is concatenated with itself, so s becomes "hihi".
4. The function then returns a new string that starts with "b", followed by the value of s \
(which is now "hihi"), and ends with "a".
5. The return value of the function is therefore "bhihia".
[/THOUGHT]
[ANSWER]
assert f("hi") == "bhihia"
[/ANSWER]"""


def _cruxeval(pick: Pick, program: Program, cot: bool) -> CruxevalPrompt:
    asked = f"assert {program.call} == ??"
    wording = Wording(
        f"Complete the assertion: {asked}",
        f"The full assertion with the output as a literal, `assert {program.call} == "
        "<output>`, inside [ANSWER] and [/ANSWER] tags.",
        f"assert {program.call} == {_literal(pick)}",
    )
    return CruxevalPrompt(
        wording,
        _CRUX_INSTRUCTION + (_CRUX_COT_TAIL if cot else _CRUX_DIRECT_TAIL),
        _CRUX_COT_EXAMPLE if cot else _CRUX_DIRECT_EXAMPLES,
        asked,
    )


# ---- reval -----------------------------------------------------------------------------------

_REVAL_INSTRUCTION = (
    "You are given a Python function and test code containing inputs to the function. "
    "Complete the assertion in the test code by just replacing the question marks with your "
    "answers, "
    + reval.CONSIDER
    + "Do NOT output any extra information. Do NOT modify any other parts of the test code. "
    "{cot}Provide your answer as the completed code snippet in [ANSWER] and [/ANSWER] tags, "
    "following the examples."
)
_REVAL_EXAMPLE_CODE = "def f(xs):\n    return sorted(xs)[-2:]"
_REVAL_EXAMPLE = reval.Example(
    "assert f([3, 1, 2]) == ??",
    "",
    "1. sorted([3, 1, 2]) is [1, 2, 3].\n2. Its last two items are [2, 3].",
    "assert f([3, 1, 2]) == [2, 3]",
)


def _reval(pick: Pick, program: Program, cot: bool) -> RevalPrompt:
    call = program.call
    text = f"assert {call} == ??"
    wording = Wording(
        text,
        f"The completed assertion `assert {call} == <output>` inside [ANSWER] and "
        "[/ANSWER] tags, the output as a Python literal.",
        f"assert {call} == {_literal(pick)}",
    )
    return RevalPrompt(
        wording,
        _REVAL_INSTRUCTION.format(cot=reval.COT if cot else ""),
        (reval.shot(_REVAL_EXAMPLE_CODE + "\n", _REVAL_EXAMPLE, cot),),
        reval.block(program.code.rstrip() + "\n", text, "", reval.opening(cot)),
    )


# ---- scoring ---------------------------------------------------------------------------------


def score_output(reference: OutputReference, text: str, context: AnswerContext) -> Judgement:
    """The answer's value against the returned value (see the module docstring)."""
    return score_value(
        reference.literal, reference.type_name, text, context.equality, entry=context.entry
    )


register(
    QuestionKind(
        name=Kind.OUTPUT.value,
        summary="what the call returns, as a literal",
        reference=OutputReference,
        select=output_picks,
        score=score_output,
        order=0,
        execverify=Combined(_execverify, below_code=lambda p: f"assert {p.call} == ????"),
        strict=Combined(
            _strict, rule="a Python literal of the returned value, e.g. [1, 2] or 'abc'"
        ),
        cruxeval=_cruxeval,
        reval=_reval,
        assertion_part="value",
    )
)
