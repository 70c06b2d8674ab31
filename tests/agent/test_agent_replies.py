"""Reading replies: one code block (ReCode's tags or a fence), or one ReAct action."""

from __future__ import annotations

import pytest

from execgym.agent import ReplyProblem, parse_action_reply, parse_code_reply


def test_execute_tags_and_think() -> None:
    reply = parse_code_reply(
        "<think>Plan it.</think>\n<execute>\n    x = 1\n    run('look')\n</execute>"
    )
    assert reply.thought == "Plan it."
    assert reply.code == "x = 1\nrun('look')\n"


def test_a_fenced_block_and_the_text_before_it_as_thought() -> None:
    reply = parse_code_reply("First I look.\n```python\nrun('look')\n```\nDone.")
    assert (reply.thought, reply.code) == ("First I look.", "run('look')\n")


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("I will just think.", "no code block"),
        ("<execute>run('look')", "never closes it"),
        ("```python\na = 1\n```\n```python\nb = 2\n```", "2 code blocks"),
        ("<execute>\n\n</execute>", "empty"),
    ],
)
def test_unusable_replies_say_what_is_wrong(text: str, problem: str) -> None:
    with pytest.raises(ReplyProblem, match=problem):
        parse_code_reply(text)


def test_react_action_and_thought() -> None:
    reply = parse_action_reply("Thought: the apple may be in the fridge.\nAction: go to fridge 1\n")
    assert (reply.thought, reply.action) == ("the apple may be in the fridge.", "go to fridge 1")
    assert parse_action_reply("I should look.\nAction:  look ").action == "look"
    with pytest.raises(ReplyProblem, match="no action"):
        parse_action_reply("Thought: hmm")
