"""Code extraction from model responses: fences, fallbacks, and reasons when nothing is found."""

from __future__ import annotations

import pytest

from execgym.bench import extract_code


def test_a_python_fence() -> None:
    found = extract_code("Here:\n```python\nprint(1)\n```\nDone.")
    assert (found.code, found.method) == ("print(1)\n", "fenced")


@pytest.mark.parametrize("tag", ["python", "py", "Python3", ""])
def test_fence_tags(tag: str) -> None:
    assert extract_code(f"```{tag}\nx = 1\n```").code == "x = 1\n"


def test_several_blocks_the_last_wins() -> None:
    response = "```python\nx = 1\n```\ntext\n```py\nx = 2\n```\n"
    found = extract_code(response)
    assert found.code == "x = 2\n"
    assert "last of 2" in found.reason


def test_blocks_in_other_languages_are_skipped() -> None:
    response = "```python\nx = 1\n```\nRun it with:\n```bash\npython x.py\n```\n"
    assert extract_code(response).code == "x = 1\n"


def test_the_block_defining_the_entry_point_beats_a_later_usage_example() -> None:
    response = "```python\ndef f(x):\n    return x + 1\n```\nUsage:\n```python\nprint(f(2))\n```\n"
    assert extract_code(response, entry_point="f").code == "def f(x):\n    return x + 1\n"
    assert extract_code(response).code == "print(f(2))\n"


def test_longer_fences_and_an_unclosed_final_block() -> None:
    assert extract_code("````python\ns = '```'\n````").code == "s = '```'\n"
    found = extract_code("Sure.\n```python\ndef f():\n    return 1\n")
    assert (found.code, found.method) == ("def f():\n    return 1\n", "unclosed_fence")


def test_an_unfenced_function_definition() -> None:
    response = (
        "I would write\n\nimport math\ndef area(r):\n    return math.pi * r * r\n\nThat's it."
    )
    found = extract_code(response, entry_point="area")
    assert found.method == "function"
    assert found.code == "import math\ndef area(r):\n    return math.pi * r * r\n"


def test_the_whole_text_when_it_is_python() -> None:
    found = extract_code("n = int(input())\nprint(n * 2)\n")
    assert (found.code, found.method) == ("n = int(input())\nprint(n * 2)\n", "whole")


def test_a_body_only_completion() -> None:
    found = extract_code("    return a + b\n", starter_code="def add(a, b):\n")
    assert (found.code, found.method) == ("    return a + b\n", "completion")


def test_reasoning_before_think_end_is_ignored() -> None:
    response = "<think>\n```python\nwrong = 1\n```\n</think>\n```python\nright = 1\n```"
    found = extract_code(response)
    assert found.code == "right = 1\n"
    assert "</think>" in found.reason


@pytest.mark.parametrize(
    "response", ["", "   ", "I cannot solve this problem.", "Sure", "The answer is 42."]
)
def test_no_code_gives_a_reason_not_an_exception(response: str) -> None:
    found = extract_code(response, entry_point="f", starter_code="def f():\n")
    assert found.code is None and found.method == "none" and not found.found
    assert found.reason


def test_windows_newlines() -> None:
    assert extract_code("```python\r\nx = 1\r\n```\r\n").code == "x = 1\n"
