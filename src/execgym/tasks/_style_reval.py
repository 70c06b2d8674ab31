"""The ``reval`` style: REval's task prompts, one question per prompt.

Coverage (``YES``/``NO``), state (``value; type``, or ``Nil``), next line (REval calls this
task "path": the code of the next line, or ``-1``) and output (the completed assertion), all
inside ``[ANSWER] ... [/ANSWER]``; ``cot=True`` adds ``[THOUGHT]`` sections. The full path
of line numbers is an execgym addition in the same format. REval's task prompts are
``prompts/direct_<task>.txt`` and ``cot_<task>.txt`` of REval (the same files ship in
boazlavon/REval and in justForAnonymous/ExecVerify ``evaluation/REval``); the pieces every
task shares are here, each kind's own in its module. The worked examples are execgym's own:
one small function (:data:`EXAMPLE_CODE`), asked every kind of question.
"""

from __future__ import annotations

from dataclasses import dataclass

from execgym.tasks._kind import KINDS
from execgym.tasks._programs import Program
from execgym.tasks._prompt_parts import make_question, numbered_code, ordinal, tagged
from execgym.tasks._question import Pick, Question

GIVEN = "You are given a Python function and a question on the function. "
CONSIDER = (
    "considering executing the provided code on the given input, even if the function is "
    "incorrect or incomplete. "
)
COT = (
    "Think step by step. Your thoughts should be concise and contain no more than 10 steps. "
    "For loop logics, express your thoughts without detailing each iteration. "
)
TAGS = "Provide your answer in [ANSWER] and [/ANSWER] tags, following the examples."

EXAMPLE_CODE = """def f(s):
    out = ''
    for ch in s:
        if ch.isdigit():
            out += ch
    return out"""


@dataclass(frozen=True)
class Example:
    """One worked example: the call, the question, the thought and the answer."""

    call: str
    question: str
    thought: str
    answer: str


def block(code: str, call: str, question: str, tail: str) -> str:
    parts = [f"[PYTHON]\n{code}\n{call}\n[/PYTHON]"]
    if question:
        parts.append(f"[QUESTION]\n{question}\n[/QUESTION]")
    parts.append(tail)
    return "\n".join(parts)


def shot(code: str, example: Example, cot: bool) -> str:
    tail = f"[ANSWER]\n{example.answer}\n[/ANSWER]"
    if cot:
        tail = f"[THOUGHT]\n{example.thought}\n[/THOUGHT]\n{tail}"
    return block(code, example.call, example.question, tail)


def times(pick: Pick) -> str:
    """`` for the Kth time`` when the asked line runs more than once, else nothing."""
    return f" for the {ordinal(pick.occurrence or 1)} time" if (pick.runs or 0) > 1 else ""


def opening(cot: bool) -> str:
    """Where the model's response starts."""
    return "[THOUGHT]\n" if cot else "[ANSWER]\n"


def line_question_prompt(
    answer_with: str,
    extra: str,
    examples: tuple[Example, ...],
    program: Program,
    text: str,
    cot: bool,
) -> tuple[str, tuple[str, ...], str]:
    """(instruction, shots, task) of a question about the numbered code and the call."""
    instruction = (
        GIVEN
        + answer_with
        + CONSIDER
        + extra
        + "Do NOT output any extra information. "
        + (COT if cot else "")
        + TAGS
    )
    example_code = numbered_code(EXAMPLE_CODE)
    shots = tuple(shot(example_code, example, cot) for example in examples)
    task = block(numbered_code(program.code), program.call, text, opening(cot))
    return instruction, shots, task


def reval_question(pick: Pick, program: Program, cot: bool) -> Question:
    """The ``reval`` prompt of one pick."""
    word = KINDS.get(pick.kind).reval
    assert word is not None, f"reval does not ask {pick.kind} questions"
    worded = word(pick, program, cot)
    prompt = "\n\n".join([worded.instruction, *worded.shots, worded.task])
    wording = worded.wording
    item = pick.item(program.id, wording.text, wording.answer_format, wording.rendered)
    answer = tagged(wording.rendered, "[ANSWER]", "[/ANSWER]")
    tag = "reval-cot" if cot else "reval"
    return make_question("reval", program, [item], pick.kind, prompt, answer, tag)
