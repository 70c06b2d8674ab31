"""The ``execverify`` style: ExecVerify's own prompts and answer formats.

The wording follows ExecVerify's data pipeline (``data/extract_trace_dataset.py`` of its
public repository: ``get_io_mixed_prompt`` and ``get_oi_prompt``):

* one **combined** prompt: an introduction, a worked example marked as format reference
  only, the code with line numbers (a blank line shows no number) followed by
  ``assert f(<input>) == ????``, then ``Question1: Fill the assertion statement.``, the
  next-statement questions, the variable questions, the guidelines of both kinds, the format
  rules, and the ``<reasoning>``/``<answer>`` layout. The answer block holds one answer
  per line: the completed assertion; for a next-statement question the source code of the
  next line (``-1`` when nothing runs after it, or when the line is never reached); for a
  variable question ``value; type`` (``Nil`` when the line is not executed);
* one **input** prompt per input question (in the input kind's module):
  ``assert f(????) == <output>`` under the code, answered inside ``<answer>`` with a
  complete test case in a ````` ```python ````` block (the function and the assertion).

Occurrences are written as ExecVerify writes them (``for the 2 time``), and its
next-statement and variable questions end ``?.`` (its numbering adds a full stop after every
question that does not end with one): that is what its models were trained on. The stray
``"`` that opens ExecVerify's input prompt (an artefact of its string quoting) is left out.
Each kind's questions and answer formats are in its module.
"""

from __future__ import annotations

from collections.abc import Sequence

from execgym.tasks._kind import KINDS, Combined
from execgym.tasks._programs import Program
from execgym.tasks._prompt_parts import combined_groups, make_question, tagged
from execgym.tasks._question import Item, Pick, Question

_INTRO = (
    "You are a programming expert.\n"
    "Your task is to analyze the Python code and answer the questions. "
    "Mentally simulate the execution; do not actually run any code.\n\n"
    "IMPORTANT \u2014 READ THIS:\n"
    'The "Example" section below is for FORMAT REFERENCE ONLY.\n'
    "Do NOT execute the example code and do NOT produce answers for it in your response.\n"
)
_EXAMPLE = (
    "Example (DO NOT EXECUTE OR ANSWER):\n"
    "Here is the code content:\n"
    "1    def f(a, b):\n"
    "2        ans = a + b\n"
    "3        if ans > 0:\n"
    "4            ans = int(a)\n"
    "5        else:\n"
    "6            ans = b\n"
    "7        return ans\n"
    "     \n"
    "8    assert(f(1.1, 2)) == ????\n\n"
    "Here are the questions:\n"
    "Question1: Fill the assertion statement.\n"
    "Question2: Is Line 4 (        ans = int(a)) executed when f(1.1, 2) is called? If so, "
    "what is the value and type of the variable ans after Line 4 is executed?\n"
    "Question3: Tracing the call f(1.1, 2), what line is executed immediately after "
    "ans = int(a)?\n\n"
    "The correct output:\n"
    "<answer>\n"
    "assert(f(1.1, 2)) == 1\n"
    "1; int\n"
    "return ans\n"
    "</answer>\n\n"
    "\u2014 End of Example (DO NOT ANSWER THE EXAMPLE) \u2014\n"
)
_TASK = "Your task (this is the ONLY part you should answer):\n"
_CODE = "Here is the code content:\n"
_QUESTIONS = (
    "\nHere are the questions (answer in the exact order listed; "
    "if numbers repeat, follow the order of appearance):"
)
_NEXT_GUIDELINES = (
    'Guidelines for "next statement" questions:\n'
    "- Determine the next line executed after the given statement.\n"
    "- If the given statement is never reached, answer -1.\n"
    "- If the program terminates immediately after the given statement, answer -1.\n"
    "- CRITICAL: Your answer MUST be the exact, verbatim source code of the next line \u2014 "
    "copied character-for-character, including indentation and punctuation.\n"
    "- Do NOT include line numbers, quotes, backticks, comments, or any extra words.\n"
    "- If multiple paths are possible, output any one valid next line."
)
_STATE_GUIDELINES = (
    'Guidelines for "type & value" questions:\n'
    "- If the given statement is not executed, answer Nil.\n"
    "- Otherwise, provide the variable's value and its type.\n"
    "- If multiple states are possible, output any one valid type and value.\n"
    "- STRICT FORMAT: value; type\n"
    "  - Exactly one semicolon and one space.\n"
    "  - Type must be one of: int, float, bool, complex, str, list, tuple, dict, set, etc.\n"
    "  - Do NOT add labels, explanations, trailing text, quotes, or backticks.\n"
    "  - Examples: 1; int    {'a', 'd'}; set    [1, 2]; list"
)
_RULES = (
    "ABSOLUTE FORMAT RULES (MUST FOLLOW):\n"
    "- For assert-statement answers: output the complete assertion statement.\n"
    '- For "next statement" answers: output ONLY the code statement string. '
    "Do not output line numbers!\n"
    '- For "type & value" answers: output EXACTLY value; type (single semicolon + single '
    "space). No extra text.\n\n"
    "Output all answers one per line and in the listed order. No bullets, numbering, or "
    "additional commentary."
)
_LAYOUT = (
    "Format your response strictly as follows:\n"
    "<reasoning>\n"
    "your step-by-step reasoning here\n"
    "</reasoning>\n"
    "<answer>\n"
    "Answer for question1\n"
    "Answer for question2\n"
    "...\n"
    "Answer for questionN.\n"
    "</answer>"
)


def execverify_questions(picks: Sequence[Pick], program: Program) -> list[Question]:
    """ExecVerify's prompts for ``picks``: the combined one and one per other pick."""
    questions = []
    for combined, group in combined_groups(picks, "execverify"):
        if combined:
            questions.append(_combined(group, program))
        else:
            word = KINDS.get(group[0].kind).execverify
            assert word is not None and not isinstance(word, Combined)
            questions.append(word(group[0], program))
    return questions


def numbered_lines(code: str) -> str:
    """ExecVerify's numbering: ``N<TAB>line`` for a line with text, nothing for a blank one."""
    return "\n".join(
        f"{number}\t{text}" if text.strip() else ""
        for number, text in enumerate(code.split("\n"), start=1)
    )


def functions(program: Program) -> str:
    """ExecVerify's ``func_str``: the function definitions, each followed by a blank line."""
    return program.code.rstrip() + "\n\n"


def answer_line(position: int) -> str:
    """How an item's answer format starts in the combined prompt."""
    return f"Line {position} of the <answer> block: "


def _combined(picks: Sequence[Pick], program: Program) -> Question:
    shown = functions(program)
    items: list[Item] = []
    questions: list[str] = []
    below: dict[str, str] = {}
    for position, pick in enumerate(picks, start=1):
        word = KINDS.get(pick.kind).execverify
        assert isinstance(word, Combined)
        if word.below_code is not None:
            below.setdefault(pick.kind, word.below_code(program))
        wording = word.word(pick, program, position)
        items.append(pick.item(program.id, wording.text, wording.answer_format, wording.rendered))
        stop = "" if wording.text.endswith(".") else "."
        questions.append(f"Question{position}: {wording.text}{stop}")
    for text in below.values():
        shown += f"\n\n{text}\n"
    prompt = "\n\n".join(
        [
            _INTRO,
            _EXAMPLE,
            _TASK,
            _CODE,
            numbered_lines(shown),
            _QUESTIONS,
            *questions,
            _NEXT_GUIDELINES,
            _STATE_GUIDELINES,
            _RULES,
            _LAYOUT,
        ]
    )
    reference = tagged("\n".join(item.rendered for item in items), "<answer>", "</answer>")
    return make_question("execverify", program, items, "combined", prompt, reference, "execverify")
