"""Prompt styles: how picks become prompts, and what a full-reward answer looks like.

Four styles, each the format of a public benchmark or training recipe:

* ``execverify`` — ExecVerify's own prompts and answer formats
  (:mod:`execgym.tasks._execverify_prompt`): one combined prompt completes the ``assert``
  and asks up to five next-statement questions (answered with the statement's code, or
  ``-1``) and up to five variable questions (``value; type``, or ``Nil``), selected by
  ExecVerify's rules; input prediction is its own prompt, answered with a complete test
  case. Output, input, next and state only.
* ``execverify-strict`` — execgym's stricter ExecVerify variant: numbered code, the call,
  one output question, up to five next-line and up to five variable questions, answered
  in one ``<answer>`` block, one line per question (the output literal, line numbers or
  ``-1``, variable literals or ``not executed``); input (the argument text), coverage
  (``yes``/``no``) and path (comma-separated line numbers) questions get a prompt each,
  with a one-line ``<answer>`` block. Every kind.
* ``cruxeval`` — CRUXEval's output- and input-prediction prompts (direct, or chain of
  thought with ``cot=True``): a few-shot prompt of ``[PYTHON] ... [/PYTHON]`` blocks, the
  answer a full assertion inside ``[ANSWER] ... [/ANSWER]``. Output and input only.
* ``reval`` — REval's task prompts, one question per prompt: coverage (``YES``/``NO``),
  state (``value; type``, or ``Nil``), next line (REval calls this task "path": the code
  of the next line, or ``-1``) and output (the completed assertion), all inside
  ``[ANSWER] ... [/ANSWER]``; ``cot=True`` adds ``[THOUGHT]`` sections. The full path of
  line numbers is an execgym addition in the same format.

Code is shown with line numbers (``N<TAB>line``) wherever a question names a line.

Each :class:`Item` carries ``rendered``, its answer as written inside the style's answer
block (``YES``, ``[1, 2]; list``, ``assert f(1) == 2``, ``4``), and its
``answer_format``; :attr:`Question.reference_answer` is the complete answer, markers
included, and scores full reward.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from execgym.tasks._execverify_prompt import execverify_questions
from execgym.tasks._kinds import Pick
from execgym.tasks._programs import Program
from execgym.tasks._prompt_parts import (
    NIL,
    combined_groups,
    line_text,
    make_question,
    numbered_code,
    ordinal,
    output_literal,
    tagged,
)
from execgym.tasks._question import NOT_EXECUTED, Item, Kind, Question, Style

STYLES: tuple[Style, ...] = ("execverify", "execverify-strict", "cruxeval", "reval")
STYLE_KINDS: dict[Style, frozenset[Kind]] = {
    "execverify": frozenset({Kind.OUTPUT, Kind.INPUT, Kind.NEXT, Kind.STATE}),
    "execverify-strict": frozenset(Kind),
    "cruxeval": frozenset({Kind.OUTPUT, Kind.INPUT}),
    "reval": frozenset({Kind.OUTPUT, Kind.COVERAGE, Kind.STATE, Kind.NEXT, Kind.PATH}),
}


def check_style(style: str, kinds: Sequence[Kind] = ()) -> None:
    """Raise ValueError unless ``style`` exists and asks every kind in ``kinds``."""
    if style not in STYLE_KINDS:
        raise ValueError(f"unknown prompt style {style!r}; the styles are {', '.join(STYLES)}")
    allowed = STYLE_KINDS[style]
    for kind in kinds:
        if kind not in allowed:
            asks = ", ".join(k.value for k in Kind if k in allowed)
            raise ValueError(
                f"prompt style {style!r} has no {Kind(kind).value!r} questions (it asks: {asks})"
            )


def render_questions(
    style: Style, picks: Sequence[Pick], program: Program, cot: bool = False
) -> list[Question]:
    """The prompts of ``style`` that ask ``picks`` about ``program``'s call.

    One prompt per pick, except the two ExecVerify styles, which ask their output,
    next-line and variable picks together in one prompt (placed where the first of them
    was).
    """
    check_style(style, [pick.kind for pick in picks])
    if style == "cruxeval":
        return [_cruxeval(pick, program, cot) for pick in picks]
    if style == "reval":
        return [_reval(pick, program, cot) for pick in picks]
    if style == "execverify":
        return execverify_questions(picks, program)
    return [
        _strict_combined(group, program) if combined else _strict_single(group[0], program)
        for combined, group in combined_groups(picks)
    ]


# --------------------------------------------------------------------------- cruxeval

# CRUXEval's prompts (facebookresearch/cruxeval, prompts.py): make_direct_output_prompt,
# make_cot_output_prompt, make_direct_input_prompt and make_cot_input_prompt.
_CRUX_OUTPUT_INSTRUCTION = (
    "You are given a Python function and an assertion containing an input to the function. "
    "Complete the assertion with a literal (no unsimplified expressions, no function calls) "
    "containing the output when executing the provided code on the given input, even if the "
    "function is incorrect or incomplete. Do NOT output any extra information. "
)
_CRUX_OUTPUT_DIRECT_TAIL = (
    "Provide the full assertion with the correct output in [ANSWER] and [/ANSWER] tags, "
    "following the examples."
)
_CRUX_OUTPUT_COT_TAIL = (
    "Execute the program step by step before arriving at an answer, and provide the full "
    "assertion with the correct output in [ANSWER] and [/ANSWER] tags, following the examples."
)
_CRUX_OUTPUT_DIRECT_EXAMPLES = """[PYTHON]
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
_CRUX_OUTPUT_COT_EXAMPLE = """[PYTHON]
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
_CRUX_INPUT_DIRECT_INSTRUCTION = (
    "You will be given a function f and an output in the form f(??) == output. Find any input "
    "such that executing f on the input leads to the given output. There may be multiple "
    "answers, but you should only output one. In [ANSWER] and [/ANSWER] tags, complete the "
    "assertion with one such input that will produce the output when executing the function."
)
_CRUX_INPUT_COT_INSTRUCTION = (
    "You will be given a function f and an output in the form f(??) == output. Your task is "
    "to find any input such that executing f on the input leads to the given output. There "
    "may be multiple answers, but only output one. First, think step by step. You MUST "
    "surround the answer with [ANSWER] and [/ANSWER] tags. Express your answer as a passing "
    "assertion containing the input and the given output."
)
_CRUX_INPUT_DIRECT_EXAMPLES = """[PYTHON]
def f(my_list):
    count = 0
    for i in my_list:
        if len(i) % 2 == 0:
            count += 1
    return count
assert f(??) == 3
[/PYTHON]
[ANSWER]
assert f(["mq", "px", "zy"]) == 3
[/ANSWER]

[PYTHON]
def f(s1, s2):
    return s1 + s2
assert f(??) == "banana"
[/PYTHON]
[ANSWER]
assert f("ba", "nana") == "banana"
[/ANSWER]"""
_CRUX_INPUT_COT_EXAMPLE = (
    "[PYTHON]\ndef f(x):\n    return x + 1\nassert f(??) == 17\n[/PYTHON]\n[THOUGHT]\n"
    "To find an input such that executing f on the input leads to the given output, we can "
    "work backwards from the given assertion. We know that f(??) == 17. \n\n"
    "Since the function f(x) returns x + 1, for f(??) to be equal to 17, the value of ?? "
    "should be 16. \n[/THOUGHT]\n[ANSWER]\nassert f(16) == 17\n[/ANSWER]"
)


def _cruxeval(pick: Pick, program: Program, cot: bool) -> Question:
    output = output_literal(pick)
    if pick.kind is Kind.OUTPUT:
        tail = _CRUX_OUTPUT_COT_TAIL if cot else _CRUX_OUTPUT_DIRECT_TAIL
        instruction = _CRUX_OUTPUT_INSTRUCTION + tail
        examples = _CRUX_OUTPUT_COT_EXAMPLE if cot else _CRUX_OUTPUT_DIRECT_EXAMPLES
        asked = f"assert {program.call} == ??"
        rendered = f"assert {program.call} == {output}"
        text = f"Complete the assertion: {asked}"
        answer_format = (
            f"The full assertion with the output as a literal, `assert {program.call} == "
            "<output>`, inside [ANSWER] and [/ANSWER] tags."
        )
    else:
        instruction = _CRUX_INPUT_COT_INSTRUCTION if cot else _CRUX_INPUT_DIRECT_INSTRUCTION
        examples = _CRUX_INPUT_COT_EXAMPLE if cot else _CRUX_INPUT_DIRECT_EXAMPLES
        asked = f"assert {program.entry}(??) == {output}"
        rendered = f"assert {program.entry}({program.input}) == {output}"
        text = f"Find an input that makes this assertion pass: {asked}"
        answer_format = (
            f"A passing assertion `assert {program.entry}(<input>) == {output}` inside [ANSWER] "
            "and [/ANSWER] tags."
        )
    opening = "[THOUGHT]" if cot else "[ANSWER]"
    prompt = (
        f"{instruction}\n\n{examples}\n\n[PYTHON]\n{program.code.rstrip()}\n{asked}\n"
        f"[/PYTHON]\n{opening}\n"
    )
    item = pick.item(program.id, text, answer_format, rendered)
    answer = tagged(rendered, "[ANSWER]", "[/ANSWER]")
    tag = "cruxeval-cot" if cot else "cruxeval"
    return make_question("cruxeval", program, [item], pick.kind, prompt, answer, tag)


# --------------------------------------------------------------------------- reval

# REval's task prompts (prompts/direct_<task>.txt and cot_<task>.txt of REval; the same
# files ship in boazlavon/REval and in justForAnonymous/ExecVerify evaluation/REval).
_REVAL_GIVEN = "You are given a Python function and a question on the function. "
_REVAL_CONSIDER = (
    "considering executing the provided code on the given input, even if the function is "
    "incorrect or incomplete. "
)
_REVAL_COT = (
    "Think step by step. Your thoughts should be concise and contain no more than 10 steps. "
    "For loop logics, express your thoughts without detailing each iteration. "
)
_REVAL_TAGS = "Provide your answer in [ANSWER] and [/ANSWER] tags, following the examples."
_REVAL_ANSWER_WITH = {
    Kind.COVERAGE: "Answer the question with only YES or NO, ",
    Kind.STATE: 'Answer the question in "value; type" format, ',
    Kind.NEXT: "Answer the question with only one line of code, ",
    Kind.PATH: "Answer the question with only line numbers separated by commas, ",
}
_REVAL_STATE_EXTRA = (
    "Make sure the value is a valid Python constant and the type is a valid Python class "
    "name. There may be multiple answers, but you should only output one. "
)
_REVAL_OUTPUT_INSTRUCTION = (
    "You are given a Python function and test code containing inputs to the function. "
    "Complete the assertion in the test code by just replacing the question marks with your "
    "answers, "
    + _REVAL_CONSIDER
    + "Do NOT output any extra information. Do NOT modify any other parts of the test code. "
    "{cot}Provide your answer as the completed code snippet in [ANSWER] and [/ANSWER] tags, "
    "following the examples."
)

# The examples are execgym's own (one small function, asked every kind of question).
_EXAMPLE_CODE = """def f(s):
    out = ''
    for ch in s:
        if ch.isdigit():
            out += ch
    return out"""


@dataclass(frozen=True)
class _Example:
    call: str
    question: str
    thought: str
    answer: str


_REVAL_EXAMPLES: dict[Kind, tuple[_Example, ...]] = {
    Kind.COVERAGE: (
        _Example(
            "f('a1b2')",
            "Is Line 5 (            out += ch) executed when f('a1b2') is called?",
            "1. f is called with s = 'a1b2'.\n"
            "2. When ch is '1', the condition at Line 4 is True, so Line 5 is executed.\n"
            "3. Therefore, the answer is YES.",
            "YES",
        ),
        _Example(
            "f('ab')",
            "Is Line 5 (            out += ch) executed when f('ab') is called?",
            "1. f is called with s = 'ab'; neither character is a digit.\n"
            "2. The condition at Line 4 is False for every character, so Line 5 is never "
            "executed.\n"
            "3. Therefore, the answer is NO.",
            "NO",
        ),
    ),
    Kind.STATE: (
        _Example(
            "f('a1b2')",
            "Is Line 5 (            out += ch) executed when f('a1b2') is called? If so, what "
            "is the value and type of the variable out after Line 5 is executed for the 2nd "
            "time? If not, answer Nil.",
            "1. out starts as '' at Line 2.\n"
            "2. Line 5 is executed for ch = '1' (out becomes '1') and then for ch = '2'.\n"
            "3. After its 2nd execution out is '12', a str. The answer is '12'; str.",
            "'12'; str",
        ),
        _Example(
            "f('ab')",
            "Is Line 5 (            out += ch) executed when f('ab') is called? If so, what "
            "is the value and type of the variable out after Line 5 is executed? If not, "
            "answer Nil.",
            "1. Neither 'a' nor 'b' is a digit, so Line 5 is never executed.\n"
            "2. The answer is Nil.",
            NIL,
        ),
    ),
    Kind.NEXT: (
        _Example(
            "f('a1b2')",
            "If the line `            out += ch` (Line 5) is executed for the 1st time when "
            "f('a1b2') is called, answer with the next line of code to be executed. If not or "
            "program terminates after this line, answer with -1.",
            "1. Line 5 is executed for the 1st time when ch is '1'.\n"
            "2. It is the last line of the loop body, so the loop head at Line 3 runs next.\n"
            "3. The answer is for ch in s:",
            "for ch in s:",
        ),
        _Example(
            "f('ab')",
            "If the line `    return out` (Line 6) is executed when f('ab') is called, answer "
            "with the next line of code to be executed. If not or program terminates after "
            "this line, answer with -1.",
            "1. Line 6 returns from f, and the program terminates after it.\n2. The answer is -1.",
            "-1",
        ),
    ),
    Kind.PATH: (
        _Example(
            "f('a1')",
            "Which lines of f are executed, in order, when f('a1') is called? Count a line "
            "each time it is executed.",
            "1. Line 2 sets out to ''.\n"
            "2. For ch = 'a': Lines 3 and 4; 'a' is not a digit.\n"
            "3. For ch = '1': Lines 3, 4 and 5.\n"
            "4. Line 3 ends the loop, and Line 6 returns. The answer is 2, 3, 4, 3, 4, 5, 3, 6.",
            "2, 3, 4, 3, 4, 5, 3, 6",
        ),
    ),
}
_REVAL_OUTPUT_EXAMPLE_CODE = "def f(xs):\n    return sorted(xs)[-2:]"
_REVAL_OUTPUT_EXAMPLE = _Example(
    "assert f([3, 1, 2]) == ??",
    "",
    "1. sorted([3, 1, 2]) is [1, 2, 3].\n2. Its last two items are [2, 3].",
    "assert f([3, 1, 2]) == [2, 3]",
)


def _reval_block(code: str, call: str, question: str, tail: str) -> str:
    parts = [f"[PYTHON]\n{code}\n{call}\n[/PYTHON]"]
    if question:
        parts.append(f"[QUESTION]\n{question}\n[/QUESTION]")
    parts.append(tail)
    return "\n".join(parts)


def _reval_shot(code: str, example: _Example, cot: bool) -> str:
    tail = f"[ANSWER]\n{example.answer}\n[/ANSWER]"
    if cot:
        tail = f"[THOUGHT]\n{example.thought}\n[/THOUGHT]\n{tail}"
    return _reval_block(code, example.call, example.question, tail)


def _reval_item(pick: Pick, program: Program) -> tuple[str, str, str]:
    """(question text, answer format, rendered answer) of one REval-style item."""
    call = program.call
    reference = pick.reference
    if pick.kind is Kind.OUTPUT:
        return (
            f"assert {call} == ??",
            f"The completed assertion `assert {call} == <output>` inside [ANSWER] and "
            "[/ANSWER] tags, the output as a Python literal.",
            f"assert {call} == {output_literal(pick)}",
        )
    if pick.kind is Kind.PATH:
        assert reference.lines is not None
        return (
            f"Which lines of {program.entry} are executed, in order, when {call} is called? "
            "Count a line each time it is executed.",
            "The line numbers in execution order, separated by commas (e.g. 2, 3, 5), inside "
            "[ANSWER] and [/ANSWER] tags.",
            ", ".join(str(line) for line in reference.lines),
        )
    assert pick.line is not None
    line = pick.line
    code_line = line_text(program, line)
    times = f" for the {ordinal(pick.occurrence or 1)} time" if (pick.runs or 0) > 1 else ""
    if pick.kind is Kind.COVERAGE:
        return (
            f"Is Line {line} ({code_line}) executed when {call} is called?",
            "YES or NO inside [ANSWER] and [/ANSWER] tags.",
            "YES" if reference.executed else "NO",
        )
    if pick.kind is Kind.STATE:
        rendered = (
            NIL
            if reference.literal == NOT_EXECUTED
            else f"{reference.literal}; {reference.type_name}"
        )
        return (
            f"Is Line {line} ({code_line}) executed when {call} is called? If so, what is the "
            f"value and type of the variable {pick.variable} after Line {line} is "
            f"executed{times}? If not, answer Nil.",
            "`value; type` (a Python literal, a semicolon, the type name, e.g. [1, 2]; list), "
            "or Nil if the line is not executed, inside [ANSWER] and [/ANSWER] tags.",
            rendered,
        )
    return (
        f"If the line `{code_line}` (Line {line}) is executed{times} when {call} is called, "
        "answer with the next line of code to be executed. If not or program terminates "
        "after this line, answer with -1.",
        "The code of the next executed line, without its line number or indentation, or -1 "
        "if no line is executed after it, inside [ANSWER] and [/ANSWER] tags.",
        reference.source if reference.line not in (None, -1) and reference.source else "-1",
    )


def _reval(pick: Pick, program: Program, cot: bool) -> Question:
    text, answer_format, rendered = _reval_item(pick, program)
    tail = "[THOUGHT]\n" if cot else "[ANSWER]\n"
    if pick.kind is Kind.OUTPUT:
        instruction = _REVAL_OUTPUT_INSTRUCTION.format(cot=_REVAL_COT if cot else "")
        shots = [
            _reval_shot(_REVAL_OUTPUT_EXAMPLE_CODE + "\n", _REVAL_OUTPUT_EXAMPLE, cot),
        ]
        task = _reval_block(program.code.rstrip() + "\n", text, "", tail)
    else:
        instruction = (
            _REVAL_GIVEN
            + _REVAL_ANSWER_WITH[pick.kind]
            + _REVAL_CONSIDER
            + (_REVAL_STATE_EXTRA if pick.kind is Kind.STATE else "")
            + "Do NOT output any extra information. "
            + (_REVAL_COT if cot else "")
            + _REVAL_TAGS
        )
        example_code = numbered_code(_EXAMPLE_CODE)
        shots = [_reval_shot(example_code, shot, cot) for shot in _REVAL_EXAMPLES[pick.kind]]
        task = _reval_block(numbered_code(program.code), program.call, text, tail)
    prompt = "\n\n".join([instruction, *shots, task])
    item = pick.item(program.id, text, answer_format, rendered)
    answer = tagged(rendered, "[ANSWER]", "[/ANSWER]")
    tag = "reval-cot" if cot else "reval"
    return make_question("reval", program, [item], pick.kind, prompt, answer, tag)


# --------------------------------------------------------------------------- execverify-strict

_EV_INTRO = (
    "You are a programming expert. Analyze the Python code below and answer the "
    "{questions} {about}. Simulate the execution in your head; do not run any code."
)
_EV_BLOCK = (
    "Reason step by step first, as freely as you like. Then write exactly one "
    "<answer>...</answer> block"
)


def _ev_wording(pick: Pick, program: Program) -> tuple[str, str]:
    """(question text, rendered answer) of one ``execverify-strict`` item."""
    call = program.call
    reference = pick.reference
    if pick.kind is Kind.OUTPUT:
        return f"What does {call} return?", output_literal(pick)
    if pick.kind is Kind.INPUT:
        return (
            f"Find arguments ?? such that `assert {program.entry}(??) == {output_literal(pick)}` "
            "passes.",
            program.input,
        )
    if pick.kind is Kind.PATH:
        assert reference.lines is not None
        return (
            f"Which lines of {program.entry} are executed, in order, during {call}? Count a "
            f"line each time it is executed; lines run by other functions {program.entry} "
            "calls do not count.",
            ", ".join(str(line) for line in reference.lines),
        )
    assert pick.line is not None
    line = pick.line
    code = line_text(program, line).strip()
    if pick.kind is Kind.COVERAGE:
        return (
            f"Is line {line} (`{code}`) executed at all during {call}?",
            "yes" if reference.executed else "no",
        )
    occurrence = ordinal(pick.occurrence or 1)
    if pick.kind is Kind.NEXT:
        return (
            f"While executing {call}, which line is executed right after line {line} "
            f"(`{code}`) on its {occurrence} execution?",
            str(reference.line),
        )
    rendered = str(reference.literal)  # NOT_EXECUTED is rendered as itself
    return (
        f"What is the value of variable `{pick.variable}` right after line {line} (`{code}`) "
        f"executes for the {occurrence} time?",
        rendered,
    )


def _strict_combined(picks: Sequence[Pick], program: Program) -> Question:
    items: list[Item] = []
    for position, pick in enumerate(picks, start=1):
        text, rendered = _ev_wording(pick, program)
        where = f"Line {position} of the <answer> block: "
        if pick.kind is Kind.OUTPUT:
            answer_format = where + "the returned value as a Python literal."
        elif pick.kind is Kind.NEXT:
            answer_format = where + "a line number, or -1 if no line is executed after it."
        else:
            answer_format = (
                where
                + f"the value as a Python literal, or `{NOT_EXECUTED}` if line {pick.line} has no "
                f"{ordinal(pick.occurrence or 1)} execution."
            )
        items.append(pick.item(program.id, text, answer_format, rendered))
    count = len(items)
    questions = "\n".join(f"Question {n}: {item.text}" for n, item in enumerate(items, start=1))
    rules = []
    for kind, what in (
        (Kind.OUTPUT, "a Python literal of the returned value, e.g. [1, 2] or 'abc'"),
        (Kind.NEXT, "a line number, or -1 if no line is executed after that one"),
        (
            Kind.STATE,
            f"the value as a Python literal, or `{NOT_EXECUTED}` if the line is not executed that "
            "many times",
        ),
    ):
        numbers = [n for n, item in enumerate(items, start=1) if item.kind is kind]
        if numbers:
            label = "Question" if len(numbers) == 1 else "Questions"
            span = str(numbers[0]) if len(numbers) == 1 else f"{numbers[0]}-{numbers[-1]}"
            rules.append(f"- {label} {span}: {what};")
    plural = "questions" if count > 1 else "question"
    prompt = "\n\n".join(
        [
            _EV_INTRO.format(questions=plural, about="about one call of it"),
            f"Here is the code, with line numbers:\n{numbered_code(program.code)}",
            f"The call: {program.call}",
            f"{'Questions' if count > 1 else 'Question'} (answer in the order asked):\n"
            + questions,
            f"How to answer:\n{_EV_BLOCK} with {count} line{'s' if count > 1 else ''}, one "
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


def _strict_single(pick: Pick, program: Program) -> Question:
    text, rendered = _ev_wording(pick, program)
    if pick.kind is Kind.INPUT:
        shown = f"Here is the code:\n{program.code.rstrip()}"
        answer_format = (
            f"Inside <answer>...</answer>: the arguments as written between the parentheses of "
            f"{program.entry}(...), e.g. 'abc', 2."
        )
        call = ""
    else:
        shown = f"Here is the code, with line numbers:\n{numbered_code(program.code)}"
        call = f"The call: {program.call}"
        if pick.kind is Kind.COVERAGE:
            answer_format = "Inside <answer>...</answer>: yes or no."
        else:
            answer_format = (
                "Inside <answer>...</answer>: the line numbers in execution order, separated "
                "by commas, e.g. 2, 3, 5."
            )
    item = pick.item(program.id, text, answer_format, rendered)
    about = "about it" if pick.kind is Kind.INPUT else "about one call of it"
    parts = [_EV_INTRO.format(questions="question", about=about), shown]
    if call:
        parts.append(call)
    parts.append(f"Question: {text}")
    parts.append(
        f"How to answer:\n{_EV_BLOCK} holding only your answer, on one line. {answer_format}"
    )
    prompt = "\n\n".join(parts)
    reference = tagged(rendered, "<answer>", "</answer>")
    return make_question(
        "execverify-strict", program, [item], pick.kind, prompt, reference, "execverify-strict"
    )
