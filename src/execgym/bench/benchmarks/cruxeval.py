"""CRUXEval output prediction (``cruxeval-o``) and input prediction (``cruxeval-i``).

Data: ``cruxeval.jsonl`` rows ``{"id", "code", "input", "output"}`` (``--data PATH``), else
the ``cruxeval-org/cruxeval`` test split from the Hugging Face hub.

Prompts: CRUXEval's own (``prompts.py`` of facebookresearch/cruxeval), built by
:func:`execgym.tasks.render_questions` in the ``cruxeval`` style, sent after CRUXEval's
system message with its stop word ``[/ANSWER]``.

Extraction: the text of the last ``[ANSWER] ... [/ANSWER]`` block (else after the last
``[ANSWER]``, else before a ``[/ANSWER]``, else the whole response); a wrapping code fence
is dropped; then, in the last ``assert`` statement (or the whole text when there is none),
the right-hand side of the first ``==`` outside brackets and strings for output prediction,
the left-hand side for input prediction. An answer that is already extracted (a literal, or
a call ``f(...)``) passes through unchanged, so CRUXEval's published generation files score
as they are.

Judging (``evaluation/utils_general.py`` ``evaluate_score``): an answer that restates the
call (input mode: it lacks ``f(``; output mode: it contains ``f(<input>)``) is not run; the
others run as the script ``{code}\\nassert {output} == {answer}`` in the sandbox (3 CPU
seconds, as CRUXEval's ``check_correctness(..., 3)``) and pass when it exits cleanly. Then
CRUXEval's skip rule (:func:`apply_skip_rule`): when another answer of the item passes, the
restating answers are left out of the item's sample count; when none passes, every answer
counts, as wrong.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from execgym.bench._eval_task import (
    EXPERT_SYSTEM_PROMPT,
    DatasetError,
    EvalItem,
    Judgement,
    check_python,
    id_field,
    load_items,
    register_eval_task,
    string_field,
)
from execgym.sandbox import Limits, Sandbox, Verdict
from execgym.tasks import (
    InputReference,
    Kind,
    OutputReference,
    Pick,
    Program,
    render_questions,
)

Mode = Literal["output", "input"]

HUB_DATASET = "cruxeval-org/cruxeval"
CHECK_LIMITS = Limits(time_s=3.0, wall_s=4.0)
"""CRUXEval runs each check with a 3-second timeout."""


@dataclass(frozen=True)
class CruxEvalTask:
    """``cruxeval-o`` or ``cruxeval-i``."""

    name: str
    mode: Mode
    description: str
    stop: tuple[str, ...] = ("[/ANSWER]",)

    def default_max_tokens(self, cot: bool) -> int:
        # CRUXEval's OpenAI runs: 100 tokens direct, 1000 with chain of thought.
        return 1000 if cot else 100

    def load(self, data: Path | None, *, cot: bool) -> list[EvalItem]:
        return load_items(data, HUB_DATASET, lambda row, where: self._item(row, where, cot))

    def _item(self, row: Mapping[str, Any], where: str, cot: bool) -> EvalItem:
        sample_id = id_field(row, "id", where)
        code = string_field(row, "code", where)
        check_python(code, where, "code")
        given = string_field(row, "input", where, allow_empty=True)
        check_python(f"f({given})", where, "input", mode="eval")
        output = string_field(row, "output", where)
        check_python(output, where, "output", mode="eval")
        program = Program(id=sample_id, code=code, input=given)
        if self.mode == "output":
            pick = Pick(Kind.OUTPUT, OutputReference(literal=output))
        else:
            pick = Pick(Kind.INPUT, InputReference(literal=given, target_output=output, entry="f"))
        (question,) = render_questions("cruxeval", [pick], program, cot)
        return EvalItem(
            id=sample_id,
            kind=self.mode,
            prompt=question.prompt,
            system=EXPERT_SYSTEM_PROMPT,
            group=sample_id,
            payload={"code": code, "input": given, "output": output},
        )

    def judge(self, item: EvalItem, responses: Sequence[str], sandbox: Sandbox) -> list[Judgement]:
        code, given, output = (item.payload[key] for key in ("code", "input", "output"))
        judgements = [judge_cruxeval(self.mode, code, given, output, r, sandbox) for r in responses]
        return apply_skip_rule(judgements, "cruxeval")

    def reference_response(self, item: EvalItem, sandbox: Sandbox) -> str:
        given, output = item.payload["input"], item.payload["output"]
        return f"[ANSWER]\nassert f({given}) == {output}\n[/ANSWER]"

    def task_metrics(self, records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        return {}


SKIPPED = "SKIPPED"
"""The verdict of an answer the benchmark does not run (it restates the call)."""

SkipRule = Literal["cruxeval", "livecodebench"]


def skipped(answer: str, reason: str) -> Judgement:
    """An answer the benchmark does not run; :func:`apply_skip_rule` decides how it counts."""
    return Judgement(False, answer, SKIPPED, reason, counted=False)


def apply_skip_rule(judgements: Sequence[Judgement], rule: SkipRule) -> list[Judgement]:
    """How a benchmark counts an item's skipped answers (:data:`SKIPPED`).

    Both benchmarks leave them out of the item's sample count, unless the item has nothing
    else to go on: CRUXEval (``evaluate_score``) when no other answer passes, LiveCodeBench
    (``compute_code_execution_metrics.evaluate_score``) when no other answer ran. Then every
    skipped answer counts, as wrong.
    """
    others = [j for j in judgements if j.verdict != SKIPPED]
    if rule == "cruxeval":
        keep_out, event = any(j.correct for j in others), "passed"
    else:
        keep_out, event = bool(others), "ran"
    settled: list[Judgement] = []
    for judgement in judgements:
        if judgement.verdict != SKIPPED:
            settled.append(judgement)
        elif keep_out:
            reason = f"{judgement.reason}; left out: another answer {event}"
            settled.append(skipped(judgement.extracted or "", reason))
        else:
            reason = f"{judgement.reason}; counted wrong: no other answer {event}"
            settled.append(Judgement(False, judgement.extracted, "WRONG_ANSWER", reason))
    return settled


def judge_cruxeval(
    mode: Mode, code: str, given: str, output: str, response: str, sandbox: Sandbox
) -> Judgement:
    """CRUXEval's ``evaluate_score`` for one response, before the item's skip rule (see
    the module docs): an answer that restates the call is :data:`SKIPPED`."""
    answer = cruxeval_answer(response, mode)
    if mode == "input" and "f(" not in answer:  # an empty answer too, as in CRUXEval
        return skipped(answer, "an input answer must call f(...)")
    if not answer:
        return Judgement(False, None, "NO_ANSWER", "no answer found in the response")
    if mode == "output" and f"f({given})" in answer:
        return skipped(answer, "the answer restates the call f(input)")
    return run_assertion(f"{code}\nassert {output} == {answer}", answer, sandbox, CHECK_LIMITS)


def run_assertion(script: str, answer: str, sandbox: Sandbox, limits: Limits) -> Judgement:
    """Run a checking script; a clean exit is a correct answer, a sandbox failure no verdict."""
    result = sandbox.run(script, "", limits)
    if result.verdict is Verdict.OK:
        return Judgement(True, answer, "OK")
    if result.verdict is Verdict.SANDBOX_ERROR:
        return Judgement(None, answer, "SANDBOX_ERROR", result.detail or "the sandbox failed")
    error = result.error
    if error is not None and error.type == "AssertionError":
        return Judgement(False, answer, "WRONG_ANSWER", "the assertion failed")
    if error is not None:
        reason = f"{error.type}: {error.message}".strip().rstrip(":")
    else:
        lines = result.stderr.strip().splitlines()
        reason = result.detail or (lines[-1] if lines else "")
    return Judgement(False, answer, str(result.verdict), reason[:500])


# --------------------------------------------------------------------------- extraction

_BLOCK = re.compile(r"\[ANSWER\](.*?)\[/ANSWER\]", re.DOTALL)
_FENCE = re.compile(r"^\s*(```|~~~)[^\n]*\n(.*?)\n?\s*\1\s*$", re.DOTALL)


def answer_block(response: str) -> str:
    """The text of the answer: the last ``[ANSWER]...[/ANSWER]`` block and its fallbacks."""
    blocks = _BLOCK.findall(response)
    if blocks:
        text = str(blocks[-1])
    elif "[ANSWER]" in response:
        text = response.rsplit("[ANSWER]", 1)[1]
    elif "[/ANSWER]" in response:
        text = response.split("[/ANSWER]", 1)[0]
    else:
        text = response
    fenced = _FENCE.match(text)
    if fenced:
        text = fenced.group(2)
    return text.strip()


def cruxeval_answer(response: str, mode: Mode) -> str:
    """The predicted output literal (``mode="output"``) or call ``f(...)`` (``"input"``)."""
    text = answer_block(response)
    statement = last_assert_statement(text)
    body = statement if statement is not None else text
    sides = split_equality(body)
    if sides is None:
        return body.strip()
    left, right = sides
    return (right if mode == "output" else left).strip()


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    """The tokens of ``text`` up to where tokenizing fails (prose, unclosed brackets)."""
    tokens: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(text).readline):
            tokens.append(token)
    except (tokenize.TokenError, IndentationError, SyntaxError):
        pass
    return tokens


def _offsets(text: str) -> list[int]:
    starts = [0]
    for line in text.splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts


_OPEN = frozenset("([{")
_CLOSE = frozenset(")]}")


def last_assert_statement(text: str) -> str | None:
    """The text after the last top-level ``assert`` keyword, to the end of its statement."""
    tokens = _tokens(text)
    starts = _offsets(text)
    depth = 0
    found: int | None = None
    end: int | None = None
    for token in tokens:
        kind, value = token.type, token.string
        if kind == tokenize.OP and value in _OPEN:
            depth += 1
        elif kind == tokenize.OP and value in _CLOSE:
            depth = max(0, depth - 1)
        elif kind == tokenize.NAME and value == "assert" and depth == 0:
            found = starts[token.end[0] - 1] + token.end[1]
            end = None
        elif (
            found is not None
            and end is None
            and depth == 0
            and (
                kind in (tokenize.NEWLINE, tokenize.ENDMARKER)
                or (kind == tokenize.OP and value == ";")
            )
        ):
            end = starts[token.start[0] - 1] + token.start[1]
    if found is None:
        return None
    return text[found:end].strip()


def split_equality(text: str) -> tuple[str, str] | None:
    """``(left, right)`` around the first ``==`` outside brackets and strings; an assertion
    message after a top-level ``,`` is dropped. ``None`` when there is no such ``==``."""
    tokens = _tokens(text)
    if not tokens:
        parts = text.split("==", 1)
        return (parts[0], parts[1]) if len(parts) == 2 else None
    starts = _offsets(text)
    depth = 0
    equals: tuple[int, int] | None = None
    for token in tokens:
        kind, value = token.type, token.string
        if kind != tokenize.OP:
            continue
        if value in _OPEN:
            depth += 1
        elif value in _CLOSE:
            depth = max(0, depth - 1)
        elif depth == 0 and value == "==" and equals is None:
            start = starts[token.start[0] - 1] + token.start[1]
            equals = (start, start + 2)
        elif depth == 0 and value == "," and equals is not None:
            cut = starts[token.start[0] - 1] + token.start[1]
            return text[: equals[0]], text[equals[1] : cut]
    if equals is None:
        return None
    return text[: equals[0]], text[equals[1] :]


register_eval_task(
    CruxEvalTask(
        "cruxeval-o",
        "output",
        "CRUXEval output prediction: complete assert f(input) == ?? (800 functions)",
    )
)
register_eval_task(
    CruxEvalTask(
        "cruxeval-i",
        "input",
        "CRUXEval input prediction: find an input with assert f(??) == output (800 functions)",
    )
)

__all__ = [
    "CruxEvalTask",
    "DatasetError",
    "apply_skip_rule",
    "cruxeval_answer",
    "judge_cruxeval",
]
