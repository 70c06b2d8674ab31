"""The ``execverify-strict`` style: execgym's stricter ExecVerify variant.

Numbered code, the call, one output question, up to five next-line and up to five variable
questions, answered in one ``<answer>`` block, one line per question (the output literal,
line numbers or ``-1``, variable literals or ``not executed``); every other kind (input: the
argument text; coverage: ``yes``/``no``; path: comma-separated line numbers) gets a prompt of
its own, with a one-line ``<answer>`` block. Each kind's questions and answer formats are in
its module.
"""

from __future__ import annotations

from collections.abc import Sequence

from execgym.tasks._kind import KINDS, Combined
from execgym.tasks._programs import Program
from execgym.tasks._prompt_parts import combined_groups, make_question, numbered_code, tagged
from execgym.tasks._question import Item, Pick, Question

INTRO = (
    "You are a programming expert. Analyze the Python code below and answer the "
    "{questions} {about}. Simulate the execution in your head; do not run any code."
)
BLOCK = (
    "Reason step by step first, as freely as you like. Then write exactly one "
    "<answer>...</answer> block"
)


def strict_questions(picks: Sequence[Pick], program: Program) -> list[Question]:
    """The ``execverify-strict`` prompts of ``picks``: the combined one and one per other."""
    return [
        _combined(group, program) if combined else _single(group[0], program)
        for combined, group in combined_groups(picks, "execverify-strict")
    ]


def _combined(picks: Sequence[Pick], program: Program) -> Question:
    items: list[Item] = []
    rules_by_kind: dict[str, str] = {}
    for position, pick in enumerate(picks, start=1):
        word = KINDS.get(pick.kind).strict
        assert isinstance(word, Combined)
        wording = word.word(pick, program, position)
        items.append(pick.item(program.id, wording.text, wording.answer_format, wording.rendered))
        rules_by_kind[pick.kind] = word.rule
    count = len(items)
    questions = "\n".join(f"Question {n}: {item.text}" for n, item in enumerate(items, start=1))
    rules = []
    for kind, what in rules_by_kind.items():
        numbers = [n for n, item in enumerate(items, start=1) if item.kind == kind]
        label = "Question" if len(numbers) == 1 else "Questions"
        span = str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
        rules.append(f"- {label} {span}: {what};")
    plural = "questions" if count > 1 else "question"
    prompt = "\n\n".join(
        [
            INTRO.format(questions=plural, about="about one call of it"),
            f"Here is the code, with line numbers:\n{numbered_code(program.code)}",
            f"The call: {program.call}",
            f"{'Questions' if count > 1 else 'Question'} (answer in the order asked):\n"
            + questions,
            f"How to answer:\n{BLOCK} with {count} line{'s' if count > 1 else ''}, one "
            "answer per question, in the order asked:\n"
            + "\n".join(rules)
            + "\nWrite nothing else inside the block: no labels, question numbers, code or "
            "code fences.",
            "For example, the answer block for three questions could read:\n"
            "<answer>\n[3, 1]\n4\n'ab'\n</answer>",
        ]
    )
    reference = "<answer>\n" + "\n".join(item.rendered for item in items) + "\n</answer>"
    return make_question(
        "execverify-strict", program, items, "combined", prompt, reference, "execverify-strict"
    )


def _single(pick: Pick, program: Program) -> Question:
    word = KINDS.get(pick.kind).strict
    assert word is not None and not isinstance(word, Combined)
    worded = word(pick, program)
    wording = worded.wording
    if worded.shows_call:
        shown = f"Here is the code, with line numbers:\n{numbered_code(program.code)}"
        call = f"The call: {program.call}"
        about = "about one call of it"
    else:
        shown = f"Here is the code:\n{program.code.rstrip()}"
        call = ""
        about = "about it"
    item = pick.item(program.id, wording.text, wording.answer_format, wording.rendered)
    parts = [INTRO.format(questions="question", about=about), shown]
    if call:
        parts.append(call)
    parts.append(f"Question: {wording.text}")
    parts.append(
        f"How to answer:\n{BLOCK} holding only your answer, on one line. {wording.answer_format}"
    )
    prompt = "\n\n".join(parts)
    reference = tagged(wording.rendered, "<answer>", "</answer>")
    return make_question(
        "execverify-strict", program, [item], pick.kind, prompt, reference, "execverify-strict"
    )
