"""Finding the code in a model's response. Never raises: when nothing usable is found, the
result says why.

:func:`extract_code` tries, in order:

1. Fenced code blocks (a line opening with three or more backticks and an info string of
   ``python``, ``py``, ``python3``, ``py3`` or none; closed by a line of at least as many
   backticks). Blocks tagged with another language are skipped. The LAST block wins, except
   that with an ``entry_point`` the last block that defines it wins over later ones that do
   not (a usage example after the solution). A final block left unclosed (a truncated
   response) is used only when no closed block qualifies.
2. With an ``entry_point`` and no usable fence: the unfenced definition ``def <entry_point>``
   at the start of a line, with its indented body, plus the unindented ``import`` lines
   anywhere in the text, if that parses.
3. The whole text, if it parses as Python and contains something other than bare names and
   constants (so prose like ``Sure`` is not code).
4. With ``starter_code``: the whole text as a completion of it (a body-only answer, e.g.
   HumanEval), if ``starter_code + text`` parses.

Before that the text is normalised: ``\\r\\n`` and ``\\r`` become ``\\n``, and when there is
text after a closing ``</think>``, only that text is searched (a reasoning model's answer
follows its reasoning).
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass
from typing import Literal

from execgym.bench._program import defines

ExtractionMethod = Literal["fenced", "unclosed_fence", "function", "whole", "completion", "none"]

_PYTHON_TAGS = frozenset({"", "python", "py", "python3", "py3"})
_FENCE = re.compile(r"^ {0,3}(`{3,})\s*([^`\s]*)[^`]*$")


@dataclass(frozen=True)
class ExtractedCode:
    """The code found in a response (``None`` if none), how it was found, and notes."""

    code: str | None
    method: ExtractionMethod
    reason: str = ""

    @property
    def found(self) -> bool:
        return self.code is not None


@dataclass(frozen=True)
class _Block:
    tag: str
    body: str
    closed: bool


def extract_code(
    response: str, *, entry_point: str | None = None, starter_code: str = ""
) -> ExtractedCode:
    """The code in ``response``; see the module docstring for the rules."""
    if not isinstance(response, str) or not response.strip():
        return ExtractedCode(None, "none", "empty response")
    text = response.replace("\r\n", "\n").replace("\r", "\n")
    notes: list[str] = []
    if "</think>" in text:
        after = text.rsplit("</think>", 1)[1]
        if after.strip():
            text = after
            notes.append("searched only the text after </think>")

    found = _from_fences(text, entry_point)
    if found is not None:
        return _noted(found, notes)
    if entry_point:
        definition = _unfenced_definition(text, entry_point)
        if definition is not None:
            return _noted(
                ExtractedCode(definition, "function", f"unfenced definition of {entry_point}"),
                notes,
            )
    stripped = text.strip("\n")
    if _looks_like_code(stripped):
        return _noted(ExtractedCode(stripped + "\n", "whole", "the whole text parses"), notes)
    if starter_code and _parses(starter_code + text):
        return _noted(
            ExtractedCode(text, "completion", "the text completes the starter code"), notes
        )
    reason = "no fenced Python block"
    if entry_point:
        reason += f", no definition of {entry_point}"
    reason += ", and the text is not a Python program"
    if starter_code:
        reason += " nor a completion of the starter code"
    return _noted(ExtractedCode(None, "none", reason), notes)


def _from_fences(text: str, entry_point: str | None) -> ExtractedCode | None:
    blocks = [b for b in _fenced_blocks(text) if b.tag in _PYTHON_TAGS and b.body.strip()]
    closed = [b for b in blocks if b.closed]
    if closed:
        chosen = closed[-1]
        reason = f"last of {len(closed)} fenced blocks" if len(closed) > 1 else "fenced block"
        if entry_point and not defines(chosen.body, entry_point):
            defining = [b for b in closed if defines(b.body, entry_point)]
            if defining:
                chosen = defining[-1]
                reason = f"last fenced block that defines {entry_point}"
        return ExtractedCode(chosen.body, "fenced", reason)
    if blocks:
        return ExtractedCode(blocks[-1].body, "unclosed_fence", "unclosed final fenced block")
    return None


def _fenced_blocks(text: str) -> list[_Block]:
    blocks: list[_Block] = []
    lines = text.split("\n")
    index = 0
    while index < len(lines):
        opening = _FENCE.match(lines[index])
        if opening is None:
            index += 1
            continue
        ticks, tag = opening.group(1), opening.group(2).lower()
        body: list[str] = []
        index += 1
        closed = False
        while index < len(lines):
            line = lines[index]
            stripped = line.strip()
            if stripped.startswith(ticks) and not stripped.strip("`"):
                closed = True
                index += 1
                break
            body.append(line)
            index += 1
        blocks.append(_Block(tag, "\n".join(body).strip("\n") + "\n", closed))
    return blocks


def _unfenced_definition(text: str, entry_point: str) -> str | None:
    lines = text.split("\n")
    start = next(
        (
            i
            for i, line in enumerate(lines)
            if re.match(rf"(async\s+)?def\s+{re.escape(entry_point)}\s*\(", line)
        ),
        None,
    )
    if start is None:
        return None
    while start > 0 and lines[start - 1].startswith("@"):
        start -= 1
    end = start + 1
    while end < len(lines) and (not lines[end].strip() or lines[end][:1] in (" ", "\t")):
        end += 1
    imports = [
        line for line in lines[:start] + lines[end:] if re.match(r"(import|from)\s+\w", line)
    ]
    code = "\n".join([*imports, *lines[start:end]]).strip("\n") + "\n"
    return code if _parses(code) else None


def _looks_like_code(text: str) -> bool:
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return any(
        not (isinstance(node, ast.Expr) and isinstance(node.value, (ast.Constant, ast.Name)))
        for node in tree.body
    )


def _parses(code: str) -> bool:
    try:
        ast.parse(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True


def _noted(found: ExtractedCode, notes: list[str]) -> ExtractedCode:
    if not notes:
        return found
    reason = "; ".join([found.reason, *notes]) if found.reason else "; ".join(notes)
    return ExtractedCode(found.code, found.method, reason)
