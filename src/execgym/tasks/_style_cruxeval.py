"""The ``cruxeval`` style: CRUXEval's output- and input-prediction prompts.

Direct, or chain of thought with ``cot=True``: the kind's instruction, its few-shot prompt of
``[PYTHON] ... [/PYTHON]`` blocks, then the program and the asked assertion; the answer is a
full assertion inside ``[ANSWER] ... [/ANSWER]``. The wording of each kind (CRUXEval's
``make_direct_output_prompt``, ``make_cot_output_prompt``, ``make_direct_input_prompt`` and
``make_cot_input_prompt``) is in the kind's module.
"""

from __future__ import annotations

from execgym.tasks._kind import KINDS
from execgym.tasks._programs import Program
from execgym.tasks._prompt_parts import make_question, tagged
from execgym.tasks._question import Pick, Question


def cruxeval_question(pick: Pick, program: Program, cot: bool) -> Question:
    """The ``cruxeval`` prompt of one pick."""
    word = KINDS.get(pick.kind).cruxeval
    assert word is not None, f"cruxeval does not ask {pick.kind} questions"
    worded = word(pick, program, cot)
    opening = "[THOUGHT]" if cot else "[ANSWER]"
    prompt = (
        f"{worded.instruction}\n\n{worded.examples}\n\n[PYTHON]\n{program.code.rstrip()}\n"
        f"{worded.asked}\n[/PYTHON]\n{opening}\n"
    )
    wording = worded.wording
    item = pick.item(program.id, wording.text, wording.answer_format, wording.rendered)
    answer = tagged(wording.rendered, "[ANSWER]", "[/ANSWER]")
    tag = "cruxeval-cot" if cot else "cruxeval"
    return make_question("cruxeval", program, [item], pick.kind, prompt, answer, tag)
