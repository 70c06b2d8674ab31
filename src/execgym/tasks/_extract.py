"""Answer extraction: find the answer text of every item of a question in a model's response.

:func:`extract_answers` returns one :class:`ExtractedAnswer` per item, in the order of
``question.items``. It only locates text; what the text means (a literal, a line number,
yes/no, ...) is decided by the scorers in :mod:`execgym.rewards`. It never raises, whatever
the response is.

Every style first prepares the response: Windows and old-Mac newlines become ``\\n``;
chat special tokens (``<|im_end|>``, DeepSeek's full-width ones, a trailing ``</s>``) are
dropped; when the response has a ``</think>`` with text after it, only that text is searched
(the answer of a reasoning model follows its reasoning).

Then, by style:

``execverify`` and ``execverify-strict``
    The last complete ``<answer>...</answer>`` block (tags matched case-insensitively; when
    there are several the last wins and a note says so; with no complete block, the text after
    an unclosed final ``<answer>`` is used, with a note). In a combined prompt (several items)
    the block holds one answer per line in item order: blank lines are skipped, a wrapping
    code fence is removed, a consistent ``1.``/``1)`` numbering or ``-``/``*`` bullet on every
    line is removed, and the answer of an output or variable item that opens a bracket
    continues until the bracket closes (a pretty-printed dict counts as one answer); a
    next-statement answer is always one line (it may be code that opens a bracket, such as
    ``total = sum(``). Items past the last line get ``None`` with a reason, so every line
    that is there still counts; extra lines are ignored with a note. A combined response with
    no ``<answer>`` block falls back to the last fenced code block (noted), else every item is
    ``None``. A single-item prompt without a block falls back to the ``reval`` rules (noted).

``cruxeval``
    The last complete ``[ANSWER]...[/ANSWER]`` block (else the text after an unclosed
    ``[ANSWER]``, else the whole response), then the last ``assert`` in it: for an output item
    the right-hand side of its top-level ``==`` (cut at a top-level ``,`` that starts an
    assertion message, a comment, or the end of the statement); for an input item the argument
    text inside the call of the entry function (or of any call, when the model renamed it) on
    the left-hand side. With no ``assert``: an output answer is the last fenced block or the
    last line; an input answer is the argument text of the last call of the entry function,
    else the text itself.

``reval``
    The last complete ``[ANSWER]...[/ANSWER]`` or ``<answer>...</answer>`` block (the later
    one when there are both); else whichever comes later of the text after the last
    ``Answer:`` (its first line, or the fenced block right after it) and the last fenced code
    block; else the last non-empty line (noted).

In every style, an output or input answer written as an assertion (``assert f(1) == 2``:
REval's and ExecVerify's output form, or a model answering in CRUXEval's form) gives the
value right of ``==`` (output) or the arguments of the call (input); when the answer is a
whole test case (ExecVerify's input answer: the function, then the assertion), its last
``assert`` statement counts.

Every answer text is finally unwrapped: surrounding whitespace, a code fence, single
backticks, ``**bold**`` markers and an ``Answer:`` prefix are removed. Quotes are kept: they
are part of a Python literal. An answer that is empty after this is ``None`` ("empty answer").
"""

from __future__ import annotations

import bisect
import re
import sys
from collections.abc import Sequence
from dataclasses import dataclass

from execgym.registry import UnknownName
from execgym.tasks._kind import KINDS
from execgym.tasks._question import Question

__all__ = [
    "MAX_RESPONSE_CHARS",
    "ExtractedAnswer",
    "extract_answers",
    "extract_item_answers",
    "fenced_blocks",
    "last_answer_block",
    "last_top_level",
    "split_assertion",
    "top_level_call_arguments",
]

MAX_RESPONSE_CHARS = 400_000
"""Only the last this many characters of a longer response are searched (noted)."""


@dataclass(frozen=True, slots=True)
class ExtractedAnswer:
    """The answer text found for one item.

    ``text`` is ``None`` when no answer was found, and ``reason`` then says why. ``notes``
    record anything tolerated on the way (several answer blocks, extra lines, a fallback).
    """

    text: str | None
    reason: str = ""
    notes: tuple[str, ...] = ()


def extract_answers(question: Question, response: str) -> list[ExtractedAnswer]:
    """One extracted answer per item of ``question``, in order; never raises."""
    kinds = [item.kind for item in question.items]
    return extract_item_answers(question.style, kinds, question.entry, response)


def extract_item_answers(
    style: str, kind_names: Sequence[str], entry: str, response: object
) -> list[ExtractedAnswer]:
    """:func:`extract_answers` on the parts of a question it needs; never raises."""
    kinds = [_shape(kind) for kind in kind_names]
    if not kinds:
        return []
    if not isinstance(response, str):
        return _all_missing(len(kinds), f"the response is not text but {type(response).__name__}")
    try:
        text, notes = _prepare(response)
        if style in ("execverify", "execverify-strict"):
            answers = _execverify(text, kinds)
        elif style == "cruxeval":
            answers = _cruxeval(text, kinds, entry)
        elif style == "reval":
            answers = [_single(text) for _ in kinds]
        else:
            return _all_missing(len(kinds), f"unknown answer style {style!r}")
    except (RecursionError, MemoryError, ValueError, TypeError, IndexError) as exc:
        return _all_missing(len(kinds), f"answer extraction failed: {type(exc).__name__}")
    answers = [_from_assertion(a, kind, entry) for a, kind in zip(answers, kinds, strict=True)]
    if notes:
        answers = [ExtractedAnswer(a.text, a.reason, (*notes, *a.notes)) for a in answers]
    return answers


_ASSERT_STATEMENT = re.compile(r"^[ \t]*assert\b", re.MULTILINE)


def _from_assertion(answer: ExtractedAnswer, kind: _Shape, entry: str) -> ExtractedAnswer:
    """An output or input answer written as ``assert f(...) == value`` (REval's and
    ExecVerify's output form, or a model answering in CRUXEval's form), alone or at the end of
    a test case: the value, or the arguments."""
    text = answer.text
    if text is None or kind.assertion_part is None:
        return answer
    if not text.startswith("assert") and _ASSERT_STATEMENT.search(text) is None:
        return answer
    split = split_assertion(text, entry)
    if split is None:
        return answer
    arguments, value = split
    wants_value = kind.assertion_part == "value"
    part = value if wants_value else arguments
    if part is None:
        what = "no '==' and no value" if wants_value else "no call"
        return ExtractedAnswer(None, f"the assert has {what}", answer.notes)
    if wants_value and not part:
        return ExtractedAnswer(None, "empty answer", answer.notes)
    return ExtractedAnswer(part.strip(), "", answer.notes)


# --------------------------------------------------------------------------------------------
# Preparation
# --------------------------------------------------------------------------------------------

_SPECIAL_TOKEN = re.compile(r"<\|[A-Za-z0-9_.:\-]{1,64}\|>|<\uff5c[^\uff5c\n]{1,64}\uff5c>")
_TRAILING_EOS = re.compile(r"(?:</s>\s*)+\Z")
_THINK_END = re.compile(r"</\s*think\s*>", re.IGNORECASE)


def _prepare(response: str) -> tuple[str, tuple[str, ...]]:
    notes: tuple[str, ...] = ()
    if len(response) > MAX_RESPONSE_CHARS:
        response = response[-MAX_RESPONSE_CHARS:]
        notes = (f"the response is longer than {MAX_RESPONSE_CHARS} characters; searched its end",)
    text = response.replace("\r\n", "\n").replace("\r", "\n")
    if "<|" in text or "<\uff5c" in text:
        text = _SPECIAL_TOKEN.sub("", text)
    if text.rstrip().endswith("</s>"):
        text = _TRAILING_EOS.sub("", text)
    last_end = None
    for match in _THINK_END.finditer(text):
        last_end = match
    if last_end is not None and text[last_end.end() :].strip():
        text = text[last_end.end() :]
    return text, notes


@dataclass(frozen=True, slots=True)
class _Shape:
    """What extraction needs of an item's kind (see :class:`~execgym.tasks.QuestionKind`)."""

    assertion_part: str | None = None
    one_line: bool = False


_UNKNOWN_KIND = _Shape()


def _shape(kind: str) -> _Shape:
    try:
        found = KINDS.get(kind)
    except UnknownName:
        return _UNKNOWN_KIND
    return _Shape(found.assertion_part, found.one_line_answer)


def _all_missing(n: int, reason: str) -> list[ExtractedAnswer]:
    return [ExtractedAnswer(None, reason) for _ in range(n)]


def _found(text: str | None, reason: str, notes: Sequence[str] = ()) -> ExtractedAnswer:
    if text is None:
        return ExtractedAnswer(None, reason, tuple(notes))
    cleaned = _unwrap(text)
    if not cleaned:
        return ExtractedAnswer(None, "empty answer", tuple(notes))
    return ExtractedAnswer(cleaned, "", tuple(notes))


# --------------------------------------------------------------------------------------------
# Blocks, fences and unwrapping
# --------------------------------------------------------------------------------------------

_ANSWER_TAG = re.compile(r"<\s*(/?)\s*answer\s*>", re.IGNORECASE)
_CRUX_TAG = re.compile(r"\[\s*(/?)\s*answer\s*\]", re.IGNORECASE)
_FENCE_LINE = re.compile(r"^[ \t]*(?:```|~~~)[^\n]*$", re.MULTILINE)
_ANSWER_PREFIX = re.compile(
    r"^(?:\*\*)?(?:the\s+)?(?:final\s+)?answer(?:\*\*)?\s*(?:is\s*)?[:\uff1a](?:\*\*)?\s*",
    re.IGNORECASE,
)
_ANSWER_MARK = re.compile(r"answer[\s*_]*[:\uff1a]", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class _Block:
    content: str
    count: int  # complete blocks seen
    closed: bool
    end: int  # where the block ends in the searched text


def _last_block(text: str, tag: re.Pattern[str]) -> _Block | None:
    """The last complete block between an opening and a closing tag (linear time).

    A later opening tag replaces an earlier unclosed one. With no complete block, the text
    after an unclosed final opening tag is returned with ``closed=False``.
    """
    opened = -1
    last: tuple[int, int, int] | None = None
    count = 0
    for match in tag.finditer(text):
        if match.group(1):
            if opened >= 0:
                last = (opened, match.start(), match.end())
                count += 1
                opened = -1
        else:
            opened = match.end()
    if last is not None:
        return _Block(text[last[0] : last[1]], count, True, last[2])
    if opened >= 0:
        return _Block(text[opened:], 0, False, len(text))
    return None


def last_answer_block(text: str, tag: str = "[ANSWER]") -> str | None:
    """The content of the last complete answer block of ``text``: ``[ANSWER]...[/ANSWER]``
    (``tag="[ANSWER]"``) or ``<answer>...</answer>`` (``tag="<answer>"``), tags matched
    without regard to letter case; ``None`` when there is none."""
    block = _last_block(text, _ANSWER_TAG if tag == "<answer>" else _CRUX_TAG)
    return block.content if block is not None and block.closed else None


def fenced_blocks(text: str) -> list[str]:
    """The contents of the complete fenced code blocks of ``text`` (fences of three backticks
    or tildes on their own lines, any language tag), in order."""
    blocks: list[str] = []
    opening: re.Match[str] | None = None
    for match in _FENCE_LINE.finditer(text):
        if opening is None:
            opening = match
        else:
            blocks.append(text[opening.end() : match.start()].strip("\n"))
            opening = None
    return blocks


def _block_notes(block: _Block, name: str) -> list[str]:
    notes = []
    if block.count > 1:
        notes.append(f"{block.count} {name} blocks; used the last")
    if not block.closed:
        notes.append(f"the {name} block is not closed")
    return notes


def _last_fence(text: str) -> tuple[str, int] | None:
    """The content of the last complete fenced code block and where it ends."""
    opening: re.Match[str] | None = None
    last: tuple[int, int, int] | None = None
    for match in _FENCE_LINE.finditer(text):
        if opening is None:
            opening = match
        else:
            last = (opening.end(), match.start(), match.end())
            opening = None
    if last is None:
        return None
    return text[last[0] : last[1]].strip("\n"), last[2]


def _strip_fence(text: str) -> str:
    stripped = text.strip()
    for mark in ("```", "~~~"):
        if stripped.startswith(mark):
            newline = stripped.find("\n")
            if newline < 0:  # one line: ```[1, 2]```
                inner = stripped[3:]
                return inner[:-3] if inner.endswith(mark) else inner
            body = stripped[newline + 1 :]
            body = body.rstrip()
            if body.endswith(mark):
                body = body[:-3]
            return body.strip()
    return stripped


def _unwrap(text: str) -> str:
    """Remove what surrounds an answer but is not part of it (never quotes)."""
    current = text.strip()
    for _ in range(6):
        previous = current
        if current.startswith(("```", "~~~")):
            current = _strip_fence(current)
        elif len(current) >= 2 and current[0] == "`" and current[-1] == "`":
            if "`" not in current[1:-1]:
                current = current[1:-1].strip()
        elif len(current) > 4 and current.startswith("**") and current.endswith("**"):
            current = current[2:-2].strip()
        else:
            match = _ANSWER_PREFIX.match(current)
            if match:
                current = current[match.end() :].strip()
        if current == previous:
            break
    return current


# --------------------------------------------------------------------------------------------
# A small scanner for brackets and string literals
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r"""[rRbBuUfF]{0,2}(?:'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")"""  # a string literal
    r"""|(?P<quote>['"])"""  # a quote that does not close on its line
    r"""|(?P<open>[(\[{])|(?P<close>[)\]}])|(?P<eq>==)|(?P<comma>,)|(?P<hash>\#)|(?P<nl>\n)"""
    r"""|(?P<semi>;)"""
)


def _balance(line: str) -> int | None:
    """Net bracket depth of one line; ``None`` if a quote does not close on it."""
    depth = 0
    for token in _TOKEN.finditer(line):
        group = token.lastgroup
        if group == "quote":
            return None
        if group == "hash":
            break
        if group == "open":
            depth += 1
        elif group == "close":
            depth -= 1
    return depth


def _bracket_pairs(text: str) -> tuple[list[tuple[int, int]], dict[int, int]]:
    """One linear pass: the spans of string literals, and each opening bracket's closer."""
    strings: list[tuple[int, int]] = []
    closer: dict[int, int] = {}
    stack: list[int] = []
    for token in _TOKEN.finditer(text):
        group = token.lastgroup
        if group is None:
            strings.append((token.start(), token.end()))
        elif group == "open":
            stack.append(token.start())
        elif group == "close" and stack:
            closer[stack.pop()] = token.start()
    return strings, closer


def _in_spans(spans: list[tuple[int, int]], index: int) -> bool:
    at = bisect.bisect_right(spans, (index, sys.maxsize)) - 1
    return at >= 0 and spans[at][0] <= index < spans[at][1]


def top_level_call_arguments(text: str, entry: str | None) -> str | None:
    """The argument text of the last call of ``entry`` in ``text`` (of any call if ``None``).

    ``None`` when there is no such call outside string literals, or its parenthesis never
    closes. Linear in the length of ``text``.
    """
    pattern = _call_pattern(entry)
    if pattern.search(text) is None:
        return None
    strings, closer = _bracket_pairs(text)
    result: str | None = None
    for match in pattern.finditer(text):
        if _in_spans(strings, match.start()):
            continue
        close = closer.get(match.end() - 1)
        if close is not None:
            result = text[match.end() : close]
    return result


_CALL_PATTERNS: dict[str | None, re.Pattern[str]] = {}


def _call_pattern(entry: str | None) -> re.Pattern[str]:
    pattern = _CALL_PATTERNS.get(entry)
    if pattern is None:
        name = re.escape(entry) if entry else r"[A-Za-z_]\w*"
        pattern = re.compile(rf"(?<![\w.]){name}\s*\(")
        if len(_CALL_PATTERNS) < 1024:
            _CALL_PATTERNS[entry] = pattern
    return pattern


_ASSERT = re.compile(r"(?<![\w.])assert\b")


def last_top_level(text: str, char: str = ";") -> int | None:
    """Index of the last ``;`` or ``,`` outside brackets and string literals, if any."""
    group = {";": "semi", ",": "comma"}[char]
    depth = 0
    found: int | None = None
    for token in _TOKEN.finditer(text):
        kind = token.lastgroup
        if kind == "open":
            depth += 1
        elif kind == "close":
            depth = max(0, depth - 1)
        elif kind == group and depth == 0:
            found = token.start()
    return found


_MAX_ASSERT_TRIES = 20


def split_assertion(text: str, entry: str | None) -> tuple[str | None, str | None] | None:
    """Split the last ``assert <call> == <value>`` in ``text``.

    Returns ``(arguments, value)``: the argument text of the call of ``entry`` on the left
    (of any call when ``entry`` is absent there; ``None`` if there is no call) and the text
    right of the top-level ``==`` (``None`` if there is none). An ``assert`` followed by
    neither a call nor ``==`` (the word in prose) does not count; ``None`` when no ``assert``
    counts.
    """
    matches = list(_ASSERT.finditer(text))
    for match in reversed(matches[-_MAX_ASSERT_TRIES:]):
        split = _split_statement(text[match.end() :], entry)
        if split is not None:
            return split
    return None


def _split_statement(body: str, entry: str | None) -> tuple[str | None, str | None] | None:
    depth = 0
    equals: int | None = None
    end = len(body)
    for token in _TOKEN.finditer(body):
        group = token.lastgroup
        if group == "open":
            depth += 1
        elif group == "close":
            depth = max(0, depth - 1)
        elif depth == 0:
            if group == "eq" and equals is None:
                equals = token.start()
            elif group in ("hash", "nl", "semi"):
                end = token.start()
                break
            elif group == "comma" and equals is not None:
                end = token.start()  # assert <test>, <message>
                break
    left = body[:equals] if equals is not None else body[:end]
    arguments = top_level_call_arguments(left, entry)
    if arguments is None:
        arguments = top_level_call_arguments(left, None)
    if equals is None:
        return None if arguments is None else (arguments, None)
    return arguments, body[equals + 2 : end].strip().rstrip(";").strip()


# --------------------------------------------------------------------------------------------
# Lines of a combined answer
# --------------------------------------------------------------------------------------------

_NUMBERING = re.compile(r"^(\d+)\s*[.)]\s+")
_BULLET = re.compile(r"^[-*•]\s+")


def _answer_lines(content: str, kinds: Sequence[_Shape]) -> list[str]:
    """The answers of a combined block, one per item in order (fewer when lines are missing,
    more when there are extra ones); see the module docstring."""
    lines = [line.strip() for line in _strip_fence(content).split("\n")]
    lines = [line for line in lines if line]
    if len(lines) >= 2:
        numbers = [_NUMBERING.match(line) for line in lines]
        if all(m is not None and int(m.group(1)) == i + 1 for i, m in enumerate(numbers)):
            lines = [line[m.end() :] for line, m in zip(lines, numbers, strict=True) if m]
        elif all(_BULLET.match(line) for line in lines):
            lines = [_BULLET.sub("", line, count=1) for line in lines]
    balances = [_balance(line) for line in lines]
    answers: list[str] = []
    position = 0
    for kind in kinds:
        if position >= len(lines):
            return answers
        if kind.one_line:
            answers.append(lines[position])
            position += 1
        else:
            answer, position = _logical_line(lines, balances, position)
            answers.append(answer)
    while position < len(lines):
        answer, position = _logical_line(lines, balances, position)
        answers.append(answer)
    return answers


_MAX_JOINED_LINES = 200


def _join_open_brackets(lines: list[str]) -> list[str]:
    """Join a line that opens a bracket with the lines up to where it closes.

    A bracket left open for more than :data:`_MAX_JOINED_LINES` lines, or across a line with
    a quote that does not close, joins nothing.
    """
    balances = [_balance(line) for line in lines]
    joined: list[str] = []
    i = 0
    while i < len(lines):
        answer, i = _logical_line(lines, balances, i)
        joined.append(answer)
    return joined


def _logical_line(lines: list[str], balances: list[int | None], start: int) -> tuple[str, int]:
    """The line at ``start``, joined with the following ones when it opens a bracket that
    they close (``balances``: each line's :func:`_balance`), and the index after it."""
    depth = balances[start]
    if depth is not None and depth > 0:
        parts = [lines[start]]
        k = start + 1
        stop = min(len(lines), start + _MAX_JOINED_LINES)
        while k < stop and depth > 0:
            step = balances[k]
            if step is None:
                break
            parts.append(lines[k])
            depth += step
            k += 1
        if depth == 0:
            return "\n".join(parts), k
    return lines[start], start + 1


def _first_logical_line(text: str) -> str | None:
    lines = _join_open_brackets([line.strip() for line in text.split("\n") if line.strip()])
    return lines[0] if lines else None


def _last_logical_line(text: str) -> str | None:
    lines = _join_open_brackets([line.strip() for line in text.split("\n") if line.strip()])
    return lines[-1] if lines else None


# --------------------------------------------------------------------------------------------
# Styles
# --------------------------------------------------------------------------------------------


def _execverify(text: str, kinds: list[_Shape]) -> list[ExtractedAnswer]:
    block = _last_block(text, _ANSWER_TAG)
    if len(kinds) <= 1:
        if block is None:
            answer = _single(text)
            note = "no <answer> block"
            return [ExtractedAnswer(answer.text, answer.reason, (note, *answer.notes))]
        return [_found(block.content, "", _block_notes(block, "<answer>"))]
    if block is None:
        fence = _last_fence(text)
        if fence is None:
            return _all_missing(len(kinds), "no <answer>...</answer> block in the response")
        content = fence[0]
        notes = ["no <answer> block; used the last fenced code block"]
    else:
        content = block.content
        notes = _block_notes(block, "<answer>")
    lines = _answer_lines(content, kinds)
    n = len(kinds)
    if len(lines) > n:
        notes.append(f"{len(lines) - n} extra answer line(s) ignored")
    answers = []
    for index in range(n):
        if index < len(lines):
            answers.append(_found(lines[index], "", notes))
        else:
            reason = (
                f"the answer block has {len(lines)} answer line(s) for {n} items; "
                f"none for item {index + 1}"
            )
            answers.append(ExtractedAnswer(None, reason, tuple(notes)))
    return answers


def _cruxeval(text: str, kinds: list[_Shape], entry: str) -> list[ExtractedAnswer]:
    block = _last_block(text, _CRUX_TAG)
    notes: list[str] = []
    if block is None:
        content = text
        notes.append("no [ANSWER] block")
    else:
        content = block.content
        notes.extend(_block_notes(block, "[ANSWER]"))
    content = _strip_fence(content) if block is not None else content
    split = split_assertion(content, entry)
    answers = []
    for kind in kinds:
        if kind.assertion_part == "arguments":
            if split is not None:
                arguments = split[0]
                if arguments is None:
                    answers.append(
                        ExtractedAnswer(None, "the assert calls no function", tuple(notes))
                    )
                    continue
                answers.append(_input_answer(arguments, notes))
                continue
            arguments = top_level_call_arguments(content, entry)
            if arguments is not None:
                answers.append(_input_answer(arguments, notes))
                continue
            answers.append(_found(_bare(content), "no answer in the response", notes))
        elif kind.assertion_part == "value":
            if split is not None:
                if split[1] is None:
                    reason = "the assert has no '==' and no value"
                    answers.append(ExtractedAnswer(None, reason, tuple(notes)))
                    continue
                answers.append(_found(split[1], "", notes))
                continue
            answers.append(_found(_bare(content), "no answer in the response", notes))
        else:
            answers.append(_single(text))
    return answers


def _input_answer(arguments: str, notes: list[str]) -> ExtractedAnswer:
    # An empty argument list is a real answer (a function of no parameters).
    stripped = arguments.strip()
    return ExtractedAnswer(stripped, "", tuple(notes))


def _bare(content: str) -> str | None:
    fence = _last_fence(content)
    if fence is not None:
        return fence[0]
    return _last_logical_line(content)


def _single(text: str) -> ExtractedAnswer:
    tagged = _last_block(text, _ANSWER_TAG)
    bracketed = _last_block(text, _CRUX_TAG)
    if tagged is not None and (bracketed is None or tagged.end >= bracketed.end):
        return _found(tagged.content, "", _block_notes(tagged, "<answer>"))
    if bracketed is not None:
        return _found(bracketed.content, "", _block_notes(bracketed, "[ANSWER]"))
    mark_at = -1
    mark_text: str | None = None
    for match in _ANSWER_MARK.finditer(text):
        mark_at = match.end()
    if mark_at >= 0:
        rest = text[mark_at:].lstrip(" \t*")
        if rest.lstrip().startswith(("```", "~~~")):
            fence = _last_fence(rest.lstrip())
            mark_text = fence[0] if fence is not None else _strip_fence(rest)
        else:
            mark_text = _first_logical_line(rest)
    fence = _last_fence(text)
    if fence is not None and (mark_text is None or fence[1] > mark_at):
        return _found(fence[0], "", ("used the last fenced code block",))
    if mark_text is not None:
        return _found(mark_text, "", ())
    last = _last_logical_line(text)
    if last is None:
        return ExtractedAnswer(None, "empty response")
    return _found(last, "", ("no answer marker; used the last line",))
