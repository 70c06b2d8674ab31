"""Input prediction: give arguments for which ``f`` returns the traced output.

Selection: the program's own input is the reference; not asked of a call without arguments
(there is nothing to find), nor where the program's own input is not a list of literals (a
lambda, an expression): an answer must pass :func:`~execgym.tasks.read_arguments`' allowlist,
so such a question could not be answered.

Scoring (written down so trainers know what they reward):

* The answer is only the arguments, as CRUXEval asks: ``1, [2, 3]`` or ``x=1``. The forms
  ``f(1, [2, 3])`` and ``assert f(1, [2, 3]) == ...`` are unwrapped to their arguments.
* The argument list is read, not run, by a strict allowlist (``read_arguments``): every
  argument, positional or keyword, is a literal — numbers, strings, bytes,
  ``None``/``True``/``False``, tuples, lists, sets and dicts of literals, a sign before a
  number, and the constructors ``set``, ``frozenset``, ``tuple``, ``list``, ``dict`` and
  ``float`` of literals. No name, attribute, subscript, operator, comprehension, lambda or
  other call: anything else scores 0 with the reason. So an answer is a value and nothing
  more; it cannot reach the program (rebind the function, patch a builtin) whatever it
  spells.
* The values go to the sandbox as plain data and the program runs there — never in this
  process — with the entry function called on them (``preamble=False``: the question's code
  is the whole program, CPU limit :data:`INPUT_LIMITS`). The returned value, sent back as
  plain data, is compared here with ``reference.target_output`` by the type-aware value
  semantics (:func:`~execgym.tasks.values_match`). Raising, timing out or exceeding a limit
  scores 0 with the verdict as the reason.
* A failure of the sandbox itself (verdict ``SANDBOX_ERROR``: a fork-server that died or
  would not start) is not the answer's fault. It is retried ``retries`` times, then
  :class:`~execgym.tasks.SandboxUnavailable` is raised: never scored as a wrong answer. The
  trainer entry points turn it into "no reward" (TRL: ``None``) or re-raise it.

Input prediction is the only kind whose scoring starts a process; without a sandbox given,
the process-wide :func:`~execgym.tasks.default_sandbox` runs it.
"""

from __future__ import annotations

import ast
import random

from pydantic import StrictStr

from execgym.sandbox import CallTest, Limits, Sandbox, Verdict, decode_value, encode_value
from execgym.tasks._default_sandbox import SandboxUnavailable, default_sandbox
from execgym.tasks._extract import split_assertion
from execgym.tasks._kind import CruxevalPrompt, QuestionKind, StrictPrompt, Wording, register
from execgym.tasks._literals import (
    MAX_LITERAL_CHARS,
    Arguments,
    LiteralError,
    parse_expression,
    read_arguments,
)
from execgym.tasks._programs import Program
from execgym.tasks._prompt_parts import make_question, tagged
from execgym.tasks._question import Kind, Pick, Question, Reference
from execgym.tasks._scoring import AnswerContext, InvalidReference, Judgement, wrong
from execgym.tasks._select import Execution
from execgym.tasks._style_execverify import functions
from execgym.tasks._values import reference_value, short_repr, values_match

INPUT_LIMITS = Limits(time_s=2.0)


class InputReference(Reference):
    """``literal``: the program's own argument text; ``target_output``: the literal the
    predicted input must reproduce; ``entry``: the function called."""

    literal: StrictStr
    target_output: StrictStr
    entry: StrictStr | None = None


def input_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """An input for the traced output; the reference is the program's own input."""
    output = execution.trace.output
    program = execution.program
    if output is None or not output.gradable or output.literal is None:
        return []
    if not program.input.strip():
        return []
    try:
        read_arguments(program.input)
    except LiteralError:
        return []
    reference = InputReference(
        literal=program.input, target_output=output.literal, entry=program.entry
    )
    return [Pick(Kind.INPUT, reference)]


def _output(pick: Pick) -> str:
    reference = pick.reference
    assert isinstance(reference, InputReference)
    return reference.target_output


# ---- execverify: ExecVerify's input prompt (``get_oi_prompt``) ---------------------------------

_EXECVERIFY_PROMPT = (
    "\nFill in the missing assertion. Try to find out the ???? in the following code. \n"
    "Here is the provided code: \n"
    "```\n{functions}\n\nassert {entry}(????) == {output}\n\n```\n\n"
    "Output the complete test case in the following format:\n"
    "```python\n"
    "<test case content, including the function content and the assertion statement>\n"
    "```\n\n"
    "Format your response strictly as follows:\n"
    "<reasoning>\nyour step-by-step reasoning here\n</reasoning>\n"
    "<answer>\nYou answer to the question\n</answer>\n"
)


def _execverify(pick: Pick, program: Program) -> Question:
    output = _output(pick)
    prompt = _EXECVERIFY_PROMPT.format(
        functions=functions(program), entry=program.entry, output=output
    )
    rendered = (
        f"```python\n{program.code.rstrip()}\n\nassert {program.entry}({program.input}) == "
        f"{output}\n```"
    )
    item = pick.item(
        program.id,
        f"Find the ???? in `assert {program.entry}(????) == {output}`.",
        "Inside <answer>...</answer>: a ```python block with the complete test case, the "
        f"function and `assert {program.entry}(<input>) == {output}`.",
        rendered,
    )
    reference = tagged(rendered, "<answer>", "</answer>")
    return make_question("execverify", program, [item], pick.kind, prompt, reference, "execverify")


# ---- execverify-strict -----------------------------------------------------------------------


def _strict(pick: Pick, program: Program) -> StrictPrompt:
    wording = Wording(
        f"Find arguments ?? such that `assert {program.entry}(??) == {_output(pick)}` passes.",
        f"Inside <answer>...</answer>: the arguments as written between the parentheses of "
        f"{program.entry}(...), e.g. 'abc', 2.",
        program.input,
    )
    return StrictPrompt(wording, shows_call=False)


# ---- cruxeval --------------------------------------------------------------------------------

# CRUXEval's prompts (facebookresearch/cruxeval, prompts.py): make_direct_input_prompt and
# make_cot_input_prompt.
_CRUX_DIRECT_INSTRUCTION = (
    "You will be given a function f and an output in the form f(??) == output. Find any input "
    "such that executing f on the input leads to the given output. There may be multiple "
    "answers, but you should only output one. In [ANSWER] and [/ANSWER] tags, complete the "
    "assertion with one such input that will produce the output when executing the function."
)
_CRUX_COT_INSTRUCTION = (
    "You will be given a function f and an output in the form f(??) == output. Your task is "
    "to find any input such that executing f on the input leads to the given output. There "
    "may be multiple answers, but only output one. First, think step by step. You MUST "
    "surround the answer with [ANSWER] and [/ANSWER] tags. Express your answer as a passing "
    "assertion containing the input and the given output."
)
_CRUX_DIRECT_EXAMPLES = """[PYTHON]
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
_CRUX_COT_EXAMPLE = (
    "[PYTHON]\ndef f(x):\n    return x + 1\nassert f(??) == 17\n[/PYTHON]\n[THOUGHT]\n"
    "To find an input such that executing f on the input leads to the given output, we can "
    "work backwards from the given assertion. We know that f(??) == 17. \n\n"
    "Since the function f(x) returns x + 1, for f(??) to be equal to 17, the value of ?? "
    "should be 16. \n[/THOUGHT]\n[ANSWER]\nassert f(16) == 17\n[/ANSWER]"
)


def _cruxeval(pick: Pick, program: Program, cot: bool) -> CruxevalPrompt:
    output = _output(pick)
    asked = f"assert {program.entry}(??) == {output}"
    wording = Wording(
        f"Find an input that makes this assertion pass: {asked}",
        f"A passing assertion `assert {program.entry}(<input>) == {output}` inside [ANSWER] "
        "and [/ANSWER] tags.",
        f"assert {program.entry}({program.input}) == {output}",
    )
    return CruxevalPrompt(
        wording,
        _CRUX_COT_INSTRUCTION if cot else _CRUX_DIRECT_INSTRUCTION,
        _CRUX_COT_EXAMPLE if cot else _CRUX_DIRECT_EXAMPLES,
        asked,
    )


# ---- reading and running the answer ----------------------------------------------------------


class ArgumentError(ValueError):
    """An input answer that is not a literal argument list; the message says why."""


def normalize_arguments(answer: str, entry: str, code: str = "") -> Arguments:
    """The argument values of an input answer, read by the strict allowlist (see above).

    ``code`` (the program) is not consulted: no name of any kind may appear in an answer.
    Raises :class:`ArgumentError` with the reason the answer scores 0.
    """
    text = answer.strip()
    if len(text) > MAX_LITERAL_CHARS:
        raise ArgumentError(f"the answer is longer than {MAX_LITERAL_CHARS} characters")
    if text.startswith("assert"):
        split = split_assertion(text, entry)
        if split is None or split[0] is None:
            raise ArgumentError("the assert calls no function")
        text = split[0].strip()
    elif _is_entry_call(text, entry):
        text = text[text.index("(") + 1 : text.rindex(")")].strip()
    try:
        return read_arguments(text)
    except LiteralError as exc:
        raise ArgumentError(str(exc)) from None


def _is_entry_call(text: str, entry: str) -> bool:
    """Whether the whole text is one call ``entry(...)``."""
    if not text.startswith(entry) or not text.endswith(")"):
        return False
    try:
        body = parse_expression(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return False
    return isinstance(body, ast.Call) and isinstance(body.func, ast.Name) and body.func.id == entry


def _argument_text(arguments: Arguments) -> str:
    parts = [short_repr(value, 60) for value in arguments.args]
    parts += [f"{name}={short_repr(value, 60)}" for name, value in arguments.kwargs.items()]
    return ", ".join(parts)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def run_input_prediction(
    code: str,
    entry: str,
    arguments: Arguments,
    target_output: str,
    sandbox: Sandbox,
    *,
    retries: int = 1,
) -> tuple[bool, str]:
    """Run ``entry(arguments)`` of ``code`` in the sandbox; compare with ``target_output``.

    Returns ``(correct, reason)``. Raises :class:`SandboxUnavailable` after ``retries`` more
    tries on ``SANDBOX_ERROR``.
    """
    expected = reference_value(target_output)
    test = CallTest(
        fn_name=entry,
        args=[encode_value(value) for value in arguments.args],
        kwargs={name: encode_value(value) for name, value in arguments.kwargs.items()},
        encoded_args=True,
    )
    detail = ""
    for _ in range(retries + 1):
        try:
            (result,) = sandbox.execute(code, [test], INPUT_LIMITS, preamble=False)
        except Exception as exc:  # the sandbox itself broke: not the answer's fault
            detail = f"{type(exc).__name__}: {exc}"
            continue
        if result.verdict is not Verdict.SANDBOX_ERROR:
            break
        detail = result.detail
    else:
        raise SandboxUnavailable(f"the sandbox failed on input prediction: {detail}")
    call = f"{entry}({_clip(_argument_text(arguments), 60)})"
    if result.verdict is Verdict.OK:
        try:
            actual = decode_value(result.actual)
        except (ValueError, KeyError, TypeError) as exc:
            return False, f"{call} returned a value that could not be read: {exc}"
        if values_match(actual, expected):
            return True, "correct"
        return False, f"{call} returned {short_repr(actual)}, not {short_repr(expected)}"
    if result.verdict is Verdict.RUNTIME_ERROR and result.error is not None:
        message = _clip(result.error.message, 80)
        return False, f"{call} raised {result.error.type}: {message}"
    what = result.detail or (result.error.message if result.error else "")
    suffix = f" ({_clip(what, 80)})" if what else ""
    return False, f"{call} failed: {result.verdict.value}{suffix}"


def score_input(reference: InputReference, text: str, context: AnswerContext) -> Judgement:
    """Run the answer's arguments in the sandbox (see the module docstring)."""
    name = reference.entry or context.entry
    if not name:
        raise InvalidReference("an input reference needs entry")
    if context.code is None:
        raise InvalidReference("input prediction needs the program's code")
    try:
        arguments = normalize_arguments(text, name, context.code)
    except ArgumentError as exc:
        return wrong(str(exc), parsed=False)
    correct, reason = run_input_prediction(
        context.code, name, arguments, reference.target_output, context.sandbox or default_sandbox()
    )
    return Judgement(correct, reason)


register(
    QuestionKind(
        name=Kind.INPUT.value,
        summary="arguments for which the call returns the traced output; checked by running it",
        reference=InputReference,
        select=input_picks,
        score=score_input,
        order=1,
        execverify=_execverify,
        strict=_strict,
        cruxeval=_cruxeval,
        runs_code=True,
        assertion_part="arguments",
    )
)
