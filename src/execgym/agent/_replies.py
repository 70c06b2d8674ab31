"""Reading a model's reply: its reasoning and its one code block, or its one action.

A code reply holds the code in ``<execute>...</execute>`` (ReCode's tags) or in a fenced
Markdown block (```` ```python ````, ```` ```py ```` or a bare fence); reasoning in
``<think>...</think>``, or else the text before the code. More than one code block, or
none, is a problem the model is told about (:class:`ReplyProblem`), never a reply silently
skipped. An action reply (ReAct) holds a line ``Action: ...``; its thought is the text of
a ``Thought:`` line or whatever precedes the action.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_EXECUTE = re.compile(r"<execute>(.*?)</execute>", re.DOTALL)
_FENCE = re.compile(r"```[ \t]*(?:python|py|python3)?[ \t]*\n(.*?)```", re.DOTALL | re.IGNORECASE)
_THINK = re.compile(r"<think>(.*?)</think>", re.DOTALL)
_ACTION = re.compile(r"^[ \t>*]*action[ \t]*:[ \t]*(.+?)[ \t]*$", re.IGNORECASE | re.MULTILINE)
_THOUGHT = re.compile(r"^[ \t>*]*thought[ \t]*:[ \t]*(.+?)[ \t]*$", re.IGNORECASE | re.MULTILINE)


class ReplyProblem(ValueError):
    """A reply that cannot be used; the message tells the model what to change."""


@dataclass(frozen=True)
class CodeReply:
    thought: str
    code: str


@dataclass(frozen=True)
class ActionReply:
    thought: str
    action: str


def parse_code_reply(text: str) -> CodeReply:
    """The reasoning and the one code block of ``text``."""
    blocks = _EXECUTE.findall(text)
    marker = "<execute>"
    if not blocks:
        blocks = _FENCE.findall(text)
        marker = "```"
    if not blocks:
        if "<execute>" in text:
            raise ReplyProblem("the reply opens <execute> but never closes it with </execute>")
        raise ReplyProblem("the reply has no code block; put the code in <execute> and </execute>")
    if len(blocks) > 1:
        raise ReplyProblem(
            f"the reply has {len(blocks)} code blocks; put all the code in one block"
        )
    code = _dedent_block(blocks[0])
    if not code.strip():
        raise ReplyProblem("the code block is empty")
    thought_match = _THINK.search(text)
    thought = thought_match.group(1) if thought_match else text[: text.find(marker)]
    return CodeReply(thought.strip(), code)


def parse_action_reply(text: str) -> ActionReply:
    """The thought and the one action of a ReAct reply."""
    actions = _ACTION.findall(text)
    if not actions:
        raise ReplyProblem("the reply has no action; end it with a line 'Action: <one action>'")
    action = actions[-1].strip()
    thoughts = _THOUGHT.findall(text)
    if thoughts:
        thought = " ".join(t.strip() for t in thoughts)
    else:
        thought = text[: _ACTION.search(text).start()].strip()  # type: ignore[union-attr]
    return ActionReply(thought, action)


def _dedent_block(code: str) -> str:
    lines = code.strip("\n").splitlines()
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    cut = min(indents, default=0)
    return "\n".join(line[cut:] for line in lines) + "\n"
