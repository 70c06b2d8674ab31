"""Answer extraction from chat-model responses: every tolerated form, and never an exception."""
# mypy: disable-error-code="attr-defined,arg-type"

from __future__ import annotations

import random
import string

import pytest

from execgym.tasks import Item, Kind, Question
from execgym.tasks._extract import (
    ExtractedAnswer,
    extract_answers,
    extract_item_answers,
    split_assertion,
    top_level_call_arguments,
)

COMBINED = [Kind.OUTPUT, Kind.NEXT, Kind.NEXT, Kind.STATE]


def texts(answers: list[ExtractedAnswer]) -> list[str | None]:
    return [a.text for a in answers]


def combined(response: str) -> list[ExtractedAnswer]:
    return extract_item_answers("execverify", COMBINED, "f", response)


# ---- execverify ------------------------------------------------------------------------------


def test_combined_block_one_answer_per_line() -> None:
    response = "I trace it.\n<answer>\n[1, 2]\n3\n-1\n'a'\n</answer>\nDone."
    assert texts(combined(response)) == ["[1, 2]", "3", "-1", "'a'"]


def test_combined_tolerates_windows_newlines_blank_lines_and_case() -> None:
    response = "<ANSWER>\r\n\r\n[1, 2]\r\n\r\n3\r\n-1\r\n  'a'  \r\n</Answer>"
    assert texts(combined(response)) == ["[1, 2]", "3", "-1", "'a'"]


def test_combined_strips_a_fence_numbering_and_answer_prefixes() -> None:
    fenced = "<answer>\n```python\n[1, 2]\n3\n-1\n'a'\n```\n</answer>"
    assert texts(combined(fenced)) == ["[1, 2]", "3", "-1", "'a'"]
    numbered = "<answer>\n1. [1, 2]\n2. line 3\n3) -1\n4. `'a'`\n</answer>"
    assert texts(combined(numbered)) == ["[1, 2]", "line 3", "-1", "'a'"]
    bullets = "<answer>\n- [1, 2]\n- 3\n- -1\n- 'a'\n</answer>"
    assert texts(combined(bullets)) == ["[1, 2]", "3", "-1", "'a'"]


def test_numbering_is_removed_only_when_every_line_is_numbered_in_order() -> None:
    # "7: x" is a next-statement answer, not numbering; nothing must be stripped.
    response = "<answer>\n[1]\n7: x += 1\n-1\n2\n</answer>"
    assert texts(combined(response)) == ["[1]", "7: x += 1", "-1", "2"]


def test_a_multi_line_literal_counts_as_one_answer() -> None:
    response = "<answer>\n{\n  'a': [1,\n        2],\n  'b': 3,\n}\n4\n-1\n'x'\n</answer>"
    answers = texts(combined(response))
    assert answers[0] == "{\n'a': [1,\n2],\n'b': 3,\n}"
    assert answers[1:] == ["4", "-1", "'x'"]


def test_an_unbalanced_line_does_not_swallow_the_rest() -> None:
    response = "<answer>\n[1, 2\n3\n-1\n'a'\n</answer>"
    assert texts(combined(response)) == ["[1, 2", "3", "-1", "'a'"]


def test_two_answer_blocks_the_last_wins_and_is_noted() -> None:
    response = (
        "<answer>\n0\n0\n0\n0\n</answer> wait, let me redo.\n<answer>\n[1]\n2\n3\n4\n</answer>"
    )
    answers = combined(response)
    assert texts(answers) == ["[1]", "2", "3", "4"]
    assert any("2 <answer> blocks; used the last" in note for note in answers[0].notes)


def test_fewer_lines_than_items_leaves_the_rest_missing_with_a_reason() -> None:
    answers = combined("<answer>\n[1]\n2\n</answer>")
    assert texts(answers) == ["[1]", "2", None, None]
    assert "2 answer line(s) for 4 items" in answers[2].reason


def test_extra_lines_are_ignored_with_a_note() -> None:
    answers = combined("<answer>\n[1]\n2\n3\n4\n5\n6\n</answer>")
    assert texts(answers) == ["[1]", "2", "3", "4"]
    assert "2 extra answer line(s) ignored" in answers[0].notes


def test_no_block_falls_back_to_the_last_fence_else_nothing() -> None:
    answers = combined("Here:\n```\n[1]\n2\n3\n4\n```\n")
    assert texts(answers) == ["[1]", "2", "3", "4"]
    assert "no <answer> block" in answers[0].notes[0]
    missing = combined("The output is [1] and the next line is 2.")
    assert texts(missing) == [None] * 4
    assert "no <answer>" in missing[0].reason


def test_an_unclosed_block_is_used_with_a_note() -> None:
    answers = combined("<answer>\n[1]\n2\n3\n4")
    assert texts(answers) == ["[1]", "2", "3", "4"]
    assert "the <answer> block is not closed" in answers[0].notes


def test_the_answer_after_the_reasoning_wins_over_one_inside_it() -> None:
    response = (
        "<think>maybe <answer>\n0\n0\n0\n0\n</answer></think>\n<answer>\n[1]\n2\n3\n4\n</answer>"
    )
    assert texts(combined(response)) == ["[1]", "2", "3", "4"]
    # An answer only inside the reasoning is still found.
    inside = "<think><answer>\n[1]\n2\n3\n4\n</answer></think>"
    assert texts(combined(inside)) == ["[1]", "2", "3", "4"]


def test_chat_special_tokens_are_dropped() -> None:
    response = "<answer>\n[1]\n2\n3\n4\n</answer><|im_end|>"
    assert texts(combined(response)) == ["[1]", "2", "3", "4"]
    reval = extract_item_answers("reval", [Kind.STATE], "f", "Answer: 5<|im_end|></s>")
    assert texts(reval) == ["5"]


def test_single_item_execverify_takes_the_whole_block() -> None:
    answers = extract_item_answers("execverify", [Kind.PATH], "f", "<answer>[1, 2, 3]</answer>")
    assert texts(answers) == ["[1, 2, 3]"]
    fallback = extract_item_answers("execverify", [Kind.COVERAGE], "f", "Answer: Yes.")
    assert texts(fallback) == ["Yes."]
    assert "no <answer> block" in fallback[0].notes


def test_empty_block_is_an_empty_answer() -> None:
    (answer,) = extract_item_answers("execverify", [Kind.COVERAGE], "f", "<answer> \n </answer>")
    assert answer.text is None and answer.reason == "empty answer"


# ---- cruxeval --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "response",
    [
        "[ANSWER]\nassert f('ab') == 'ba'\n[/ANSWER]",
        "[ANSWER]assert f('ab') == 'ba'[/ANSWER]",
        "[ANSWER]  assert   f( 'ab' )  ==   'ba'  [/ANSWER]",
        "Let me think.\n[ANSWER]\n```python\nassert f('ab') == 'ba'\n```\n[/ANSWER]\nHope it helps",
        "```python\nassert f('ab') == 'ba'\n```",
        "The answer:\nassert f('ab') == 'ba'",
        "assert f('ab') == 'ba'  # reversed",
        "assert f('ab') == 'ba', 'it reverses'",
        "assert f('ab') == 'ba';",
        "assert f('ab') == 'ba'; print('done')",
        "[ANSWER]\r\nassert f('ab') == 'ba'\r\n[/ANSWER]",
        "[answer]\nassert f('ab') == 'ba'\n[/answer]",
    ],
)
def test_cruxeval_output_and_input_from_the_assert(response: str) -> None:
    (output,) = extract_item_answers("cruxeval", [Kind.OUTPUT], "f", response)
    (argument,) = extract_item_answers("cruxeval", [Kind.INPUT], "f", response)
    assert output.text == "'ba'"
    assert argument.text is not None and argument.text.strip() == "'ab'"


def test_cruxeval_bare_literal_and_bare_call() -> None:
    (output,) = extract_item_answers("cruxeval", [Kind.OUTPUT], "f", "[ANSWER]'ba'[/ANSWER]")
    assert output.text == "'ba'"
    (output,) = extract_item_answers("cruxeval", [Kind.OUTPUT], "f", "The output is\n\n[1, 2]")
    assert output.text == "[1, 2]"
    (argument,) = extract_item_answers("cruxeval", [Kind.INPUT], "f", "[ANSWER]f('x', 2)[/ANSWER]")
    assert argument.text == "'x', 2"
    (argument,) = extract_item_answers("cruxeval", [Kind.INPUT], "f", "[ANSWER]'x', 2[/ANSWER]")
    assert argument.text == "'x', 2"


def test_cruxeval_assert_with_tricky_strings_and_brackets() -> None:
    response = "[ANSWER]\nassert f((1, ')'), [2, '==']) == 'a == b, c'\n[/ANSWER]"
    (output,) = extract_item_answers("cruxeval", [Kind.OUTPUT], "f", response)
    (argument,) = extract_item_answers("cruxeval", [Kind.INPUT], "f", response)
    assert output.text == "'a == b, c'"
    assert argument.text == "(1, ')'), [2, '==']"


def test_cruxeval_empty_arguments_and_renamed_function() -> None:
    (argument,) = extract_item_answers("cruxeval", [Kind.INPUT], "f", "assert f() == 3")
    assert argument.text == ""
    (argument,) = extract_item_answers("cruxeval", [Kind.INPUT], "f", "assert g(4) == 3")
    assert argument.text == "4"


def test_cruxeval_last_assert_wins_and_missing_value_has_a_reason() -> None:
    response = "[ANSWER]\nassert f(1) == 1\nassert f(2) == 4\n[/ANSWER]"
    (output,) = extract_item_answers("cruxeval", [Kind.OUTPUT], "f", response)
    assert output.text == "4"
    (missing,) = extract_item_answers("cruxeval", [Kind.OUTPUT], "f", "assert f(2)")
    assert missing.text is None and "no '=='" in missing.reason


def test_split_assertion_and_call_arguments() -> None:
    assert split_assertion("no assert here", "f") is None
    assert split_assertion("assert f(1, [2]) == {3: 4}\nmore", "f") == ("1, [2]", "{3: 4}")
    assert top_level_call_arguments("x = 'f(1)' + f(2)", "f") == "2"
    assert top_level_call_arguments("f(1", "f") is None
    assert top_level_call_arguments("ff(1)", "f") is None


# ---- reval -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("response", "expected"),
    [
        ("Answer: 5", "5"),
        ("First I thought Answer: 4. Actually...\nAnswer: 5", "5"),
        ("**Answer:** 5", "5"),
        ("Final answer:\n5\nThat is all.", "5"),
        ("<answer>5</answer>", "5"),
        ("It is\n```\n5\n```", "5"),
        ("Answer:\n```python\n[1,\n 2]\n```", "[1,\n 2]"),
        ("Answer: `'abc'`", "'abc'"),
        ('Answer: "abc"', '"abc"'),
        ("I think it is\n\n5\n\n", "5"),
    ],
)
def test_reval_answers(response: str, expected: str) -> None:
    (answer,) = extract_item_answers("reval", [Kind.STATE], "f", response)
    assert answer.text == expected


def test_reval_answer_tags_and_assertions() -> None:
    response = "[THOUGHT]\nx grows\n[/THOUGHT]\n[ANSWER]\n[1, 2]; list\n[/ANSWER]"
    (answer,) = extract_item_answers("reval", [Kind.STATE], "f", response)
    assert answer.text == "[1, 2]; list"
    asserted = "[ANSWER]\nassert f([1], 2) == {'a': 1}\n[/ANSWER]"
    (output,) = extract_item_answers("reval", [Kind.OUTPUT], "f", asserted)
    assert output.text == "{'a': 1}"
    both = "<answer>1</answer> then [ANSWER]2[/ANSWER]"
    (later,) = extract_item_answers("reval", [Kind.STATE], "f", both)
    assert later.text == "2"
    (bare,) = extract_item_answers("reval", [Kind.OUTPUT], "f", "[ANSWER]assert f(1)[/ANSWER]")
    assert bare.text is None and "no '=='" in bare.reason


def test_execverify_answers_written_as_assertions() -> None:
    (output,) = extract_item_answers(
        "execverify", [Kind.OUTPUT], "f", "<answer>assert f(2) == [6, 2]</answer>"
    )
    assert output.text == "[6, 2]"
    (argument,) = extract_item_answers(
        "execverify", [Kind.INPUT], "f", "<answer>assert f('ab', 2) == 4</answer>"
    )
    assert argument.text == "'ab', 2"


def test_reval_fallback_to_last_line_is_noted() -> None:
    (answer,) = extract_item_answers("reval", [Kind.COVERAGE], "f", "thinking...\nyes")
    assert answer.text == "yes"
    assert "no answer marker; used the last line" in answer.notes


# ---- the Question entry point and robustness -------------------------------------------------


def test_extract_answers_reads_the_question() -> None:
    items = [
        Item(
            id=f"i{k}",
            kind=kind,
            text="",
            answer_format="",
            reference={"line": 1} if kind is Kind.NEXT else {"literal": "1"},
            rendered="1",
        )
        for k, kind in enumerate(COMBINED)
    ]
    question = Question(
        id="q",
        program_id="p",
        style="execverify",
        kind="combined",
        prompt="",
        code="def f(): pass",
        entry="f",
        input="",
        items=items,
        reference_answer="<answer>\n1\n1\n1\n1\n</answer>",
    )
    assert texts(extract_answers(question, question.reference_answer)) == ["1"] * 4


@pytest.mark.parametrize("response", ["", "   \n\n", None, 42, b"<answer>1</answer>"])
def test_empty_or_non_text_responses(response: object) -> None:
    for style in ("execverify", "cruxeval", "reval"):
        answers = extract_item_answers(style, COMBINED[:1], "f", response)
        assert len(answers) == 1 and answers[0].text is None and answers[0].reason


def test_unknown_style_and_no_items() -> None:
    (answer,) = extract_item_answers("nonsense", [Kind.OUTPUT], "f", "1")
    assert answer.text is None and "unknown answer style" in answer.reason
    for style in ("execverify", "cruxeval", "reval"):
        assert extract_item_answers(style, [], "f", "<answer>1</answer>") == []


_PIECES = [
    "<answer>",
    "</answer>",
    "<ANSWER >",
    "[ANSWER]",
    "[/ANSWER]",
    "assert ",
    "f(",
    "f",
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    "==",
    ",",
    "'",
    '"',
    "\\",
    "#",
    "```",
    "```python\n",
    "~~~",
    "\n",
    "\r\n",
    "\r",
    " ",
    "\t",
    "Answer:",
    "**",
    "`",
    "1",
    "-1",
    "3.5",
    "nan",
    "line 7",
    "yes",
    "</think>",
    "<think>",
    "<|im_end|>",
    "</s>",
    "\x00",
    "é",
    "İ",
    "\uff5c",
    "\u2192",
    "1. ",
    "- ",
]


def _random_response(rng: random.Random) -> str:
    if rng.random() < 0.2:
        return "".join(rng.choice(string.printable) for _ in range(rng.randint(0, 300)))
    return "".join(rng.choice(_PIECES) for _ in range(rng.randint(0, 80)))


def test_fuzz_never_raises_and_keeps_the_shape() -> None:
    rng = random.Random(20240611)
    kinds_by_style = {
        "execverify": [COMBINED, [Kind.INPUT], [Kind.COVERAGE], [Kind.PATH]],
        "cruxeval": [[Kind.OUTPUT], [Kind.INPUT]],
        "reval": [[Kind.COVERAGE], [Kind.STATE], [Kind.PATH], [Kind.OUTPUT]],
    }
    for _ in range(3000):
        response = _random_response(rng)
        for style, kinds_list in kinds_by_style.items():
            for kinds in kinds_list:
                answers = extract_item_answers(style, kinds, "f", response)
                assert len(answers) == len(kinds)
                for answer in answers:
                    assert (answer.text is None) == bool(answer.reason), (response, answer)


def test_pathological_responses_finish() -> None:
    # Many unclosed openers: every search here must stay linear.
    hostile = [
        "<answer>" * 20_000,
        "[ANSWER]" * 20_000 + "assert f(" * 20_000,
        "f(" * 50_000,
        "[\n" * 20_000,
        "'" + "\\" * 50_000,
        "Answer:" * 30_000,
        "```\n" * 30_001,
        "x" * 1_000_000,
    ]
    for response in hostile:
        for style, kinds in (
            ("execverify", COMBINED),
            ("cruxeval", [Kind.INPUT]),
            ("cruxeval", [Kind.OUTPUT]),
            ("reval", [Kind.STATE]),
        ):
            answers = extract_item_answers(style, kinds, "f", response)
            assert len(answers) == len(kinds)


def test_the_one_fence_and_answer_block_readers() -> None:
    from execgym.tasks import fenced_blocks, last_answer_block

    text = "a\n```python\nx = 1\n```\nb\n~~~\ny\n~~~\n```\nunclosed"
    assert fenced_blocks(text) == ["x = 1", "y"]
    assert last_answer_block("[answer] 1 [/ANSWER] [ANSWER]2[/ANSWER]") == "2"
    assert last_answer_block("<answer>\n3\n</answer>", "<answer>") == "\n3\n"
    assert last_answer_block("[ANSWER] unclosed") is None
