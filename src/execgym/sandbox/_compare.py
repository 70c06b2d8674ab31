"""Comparison in the judging process: expected outputs never leave it."""

from __future__ import annotations

import ast

from execgym.sandbox._checkers import Checker
from execgym.sandbox._models import CallTest, StdioTest, TestResult, Verdict
from execgym.sandbox._values import decode_value, value_repr


def expected_value(test: CallTest) -> object:
    """The expected return value: the Python literal if given, else the JSON value."""
    if test.expected_literal is not None:
        return ast.literal_eval(test.expected_literal)
    return test.expected


def apply_checker(test: StdioTest | CallTest, result: TestResult, checker: Checker) -> TestResult:
    """Set ``OK`` or ``WRONG_ANSWER`` on a test that ran to completion."""
    if result.verdict is not Verdict.OK:
        return result
    if isinstance(test, StdioTest):
        if test.output is None:
            return result
        alternatives = [test.output] if isinstance(test.output, str) else test.output
        if not any(checker.compare_stdout(result.stdout, item) for item in alternatives):
            result.verdict = Verdict.WRONG_ANSWER
            result.detail = "output differs from the expected output"
        return result
    if not test.compare:
        return result
    try:
        actual = decode_value(result.actual)
    except (ValueError, KeyError, TypeError) as exc:
        result.verdict = Verdict.WRONG_ANSWER
        result.detail = f"return value could not be decoded: {exc}"
        return result
    if not checker.compare_value(actual, expected_value(test)):
        result.verdict = Verdict.WRONG_ANSWER
        result.detail = f"returned {value_repr(result.actual, 200)}"
    return result


def overall_verdict(results: list[TestResult]) -> Verdict:
    """The verdict of the first test that did not pass, or ``OK`` if all passed.

    A ``SANDBOX_ERROR`` anywhere wins: the run cannot be trusted and should be retried.
    """
    if any(result.verdict is Verdict.SANDBOX_ERROR for result in results):
        return Verdict.SANDBOX_ERROR
    for result in results:
        if result.verdict is not Verdict.OK:
            return result.verdict
    return Verdict.OK
