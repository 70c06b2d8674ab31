"""How public tests are written into a prompt."""

from __future__ import annotations

import json
from collections.abc import Sequence

from execgym.bench._asserts import HOLDS_HELPER
from execgym.bench._literals import args_source, python_source
from execgym.sandbox import CallTest, StdioTest


def format_test(test: StdioTest | CallTest) -> str:
    """One test as a model would read it.

    A standard-input test is an ``Input:``/``Output:`` pair (the first accepted output when
    there are several); a call test is an ``assert`` statement (``assert f(1, 2) == 3``, or
    ``assert <condition>`` for an assert-style test), or just the call when it has no
    expected value.
    """
    if isinstance(test, StdioTest):
        output = test.output[0] if isinstance(test.output, list) and test.output else test.output
        text = f"Input:\n{test.input.rstrip()}"
        if isinstance(output, str):
            text += f"\nOutput:\n{output.rstrip()}"
        return text
    if test.fn_name == HOLDS_HELPER and test.args_src is not None:
        return f"assert {test.args_src.strip()}"
    arguments = test.args_src.strip() if test.args_src is not None else _args_text(test.args)
    call = f"{test.fn_name}({arguments})"
    if not test.compare:
        return call
    if test.expected_literal is not None:
        expected = test.expected_literal
    else:
        try:
            expected = python_source(test.expected)
        except TypeError:
            expected = json.dumps(test.expected)
    return f"assert {call} == {expected}"


def format_public_tests(tests: Sequence[StdioTest | CallTest]) -> str:
    """The public tests as a prompt section: examples of input and output, or asserts."""
    stdio = [format_test(t) for t in tests if isinstance(t, StdioTest)]
    calls = [format_test(t) for t in tests if isinstance(t, CallTest)]
    sections = []
    if stdio:
        numbered = [f"Example {i}:\n{text}" for i, text in enumerate(stdio, 1)]
        sections.append("Examples:\n\n" + "\n\n".join(numbered))
    if calls:
        sections.append("Your code should pass these tests:\n\n" + "\n".join(calls))
    return "\n\n".join(sections)


def _args_text(args: list[object]) -> str:
    try:
        return args_source(args)
    except TypeError:
        return ", ".join(json.dumps(arg) for arg in args)
