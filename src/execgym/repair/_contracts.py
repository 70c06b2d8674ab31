"""The output contracts of the roles, and their parsers.

A reply that breaks its contract gives a :class:`ContractBreach` with the reason; the
caller records it (it counts against the budget like any call) and never skips it silently.

Programs (the Coder, the Fixer, the self-debugger): the last closed fenced block tagged
``python`` (or untagged) in the reply, found by :func:`execgym.bench.extract_code` (with an
entry point, the last block that defines it); the block must parse as Python. An unclosed
final block (a reply cut short), a reply without a fenced block, or a block that does not
parse is a breach.

Tests (the Auditor, the Tester): any reasoning, then one ``<test>...</test>`` element per
test. A standard-input problem's test is ``<test><input>STDIN</input><output>STDOUT</output>
</test>``; a call-based problem's is ``<test><call>f(ARGS)</call><output>LITERAL</output>
</test>``, where ``f`` is the problem's entry point, every argument is a literal (read by the
strict allowlist of :func:`execgym.tasks.read_arguments`: no name, operator or call but the
literal constructors) and the output is a Python literal; the call is kept in a canonical
form (each argument's ``repr``), so that equal calls are recognised. One newline right after
an opening tag and before a closing one is layout, not content. A test that breaks these
rules is left out with a note saying why; a reply with no usable test is a breach. At most
``limit`` tests are kept (the first ones); the rest are noted.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass, field

from execgym.bench import Problem, extract_code
from execgym.repair._tests import LoopTest, TestOrigin, input_key, problem_io
from execgym.sandbox import CallTest, StdioTest, encode_value
from execgym.tasks import LiteralError, parse_expression, parse_literal, read_arguments

MAX_TEST_CHARS = 100_000
"""The longest input or output a proposed test may hold."""

_TEST = re.compile(r"<test>(.*?)</test>", re.DOTALL)
_FIELD = {name: re.compile(rf"<{name}>(.*?)</{name}>", re.DOTALL) for name in ("input", "output")}
_CALL = re.compile(r"<call>(.*?)</call>", re.DOTALL)


@dataclass(frozen=True)
class ContractBreach:
    """A reply that does not keep its role's output contract, and why."""

    reason: str


@dataclass(frozen=True)
class ProposedTests:
    """The usable tests of a reply (ids not yet given) and notes on what was left out."""

    tests: list[LoopTest]
    notes: list[str] = field(default_factory=list)


def parse_program(reply: str, problem: Problem) -> str | ContractBreach:
    """The program in a Coder, Fixer or debugger reply, or the breach (module docstring)."""
    found = extract_code(reply, entry_point=problem.entry_point, starter_code=problem.starter_code)
    if found.method == "unclosed_fence":
        return ContractBreach("the last ```python block is not closed (was the reply cut short?)")
    if found.method != "fenced" or found.code is None:
        return ContractBreach("no fenced ```python block in the reply")
    try:
        ast.parse(found.code)
    except SyntaxError as exc:
        return ContractBreach(f"the program is not valid Python: {exc.msg} (line {exc.lineno})")
    except (ValueError, RecursionError, MemoryError) as exc:
        return ContractBreach(f"the program is not valid Python: {type(exc).__name__}")
    return found.code


def parse_tests(
    reply: str, problem: Problem, origin: TestOrigin, limit: int
) -> ProposedTests | ContractBreach:
    """The tests of an Auditor or Tester reply, or the breach (module docstring)."""
    blocks = _TEST.findall(reply)
    if not blocks:
        return ContractBreach("no <test>...</test> element in the reply")
    tests: list[LoopTest] = []
    notes: list[str] = []
    seen: set[str] = set()
    for number, block in enumerate(blocks, start=1):
        made = _one_test(block, problem, origin)
        if isinstance(made, ContractBreach):
            notes.append(f"test {number} left out: {made.reason}")
            continue
        if made.key in seen:
            notes.append(f"test {number} left out: it repeats the input of an earlier test")
            continue
        if len(tests) == limit:
            notes.append(f"test {number} left out: only the first {limit} tests are used")
            continue
        seen.add(made.key)
        tests.append(made)
    if not tests:
        return ContractBreach("no usable test: " + "; ".join(notes))
    return ProposedTests(tests, notes)


def parse_expected_output(reply: str, problem: Problem, shown_input: str) -> str | ContractBreach:
    """The expected output a vote gives for ``shown_input``: the output of the reply's test
    whose input is that one (the first such test)."""
    parsed = parse_tests(reply, problem, "auditor", limit=1_000)
    if isinstance(parsed, ContractBreach):
        return parsed
    wanted = input_key(problem_io(problem), shown_input)
    for test in parsed.tests:
        if test.key == wanted:
            return test.shown_output
    return ContractBreach("no test for the input asked about")


def _one_test(block: str, problem: Problem, origin: TestOrigin) -> LoopTest | ContractBreach:
    outputs = _FIELD["output"].findall(block)
    if len(outputs) != 1:
        return ContractBreach(f"needs exactly one <output>, found {len(outputs)}")
    output = _layout(outputs[0])
    if len(output) > MAX_TEST_CHARS:
        return ContractBreach(f"the output is longer than {MAX_TEST_CHARS} characters")
    if problem_io(problem) == "stdin":
        return _stdin_test(block, output, origin)
    return _call_test(block, output, problem, origin)


def _stdin_test(block: str, output: str, origin: TestOrigin) -> LoopTest | ContractBreach:
    inputs = _FIELD["input"].findall(block)
    if _CALL.search(block):
        return ContractBreach("a <call> test, but the problem reads standard input")
    if len(inputs) != 1:
        return ContractBreach(f"needs exactly one <input>, found {len(inputs)}")
    stdin = _layout(inputs[0])
    if len(stdin) > MAX_TEST_CHARS:
        return ContractBreach(f"the input is longer than {MAX_TEST_CHARS} characters")
    if not stdin.strip():
        return ContractBreach("the input is empty")
    stdin = stdin if stdin.endswith("\n") else stdin + "\n"
    return LoopTest("", origin, "stdin", stdin, output, StdioTest(input=stdin, output=output))


def _call_test(
    block: str, output: str, problem: Problem, origin: TestOrigin
) -> LoopTest | ContractBreach:
    entry = problem.entry_point or ""
    calls = _CALL.findall(block)
    if _FIELD["input"].search(block):
        return ContractBreach(f"an <input> test, but the problem calls {entry}(...)")
    if len(calls) != 1:
        return ContractBreach(f"needs exactly one <call>, found {len(calls)}")
    text = " ".join(_layout(calls[0]).split("\n")).strip()
    if len(text) > MAX_TEST_CHARS:
        return ContractBreach(f"the call is longer than {MAX_TEST_CHARS} characters")
    try:
        node = parse_expression(text).body
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError):
        return ContractBreach(f"the call {text[:80]!r} does not parse")
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)):
        return ContractBreach(f"the call must be {entry}(...)")
    if node.func.id != entry:
        return ContractBreach(f"calls {node.func.id}, not the entry point {entry}")
    try:
        arguments = read_arguments(text[text.index("(") + 1 : text.rindex(")")])
        expected = parse_literal(output)
    except LiteralError as exc:
        return ContractBreach(f"not a literal: {exc}")
    expected_source = repr(expected)
    try:
        ast.literal_eval(expected_source)
    except (ValueError, SyntaxError, RecursionError, MemoryError, TypeError):
        return ContractBreach(f"the output {output[:80]!r} has no literal form")
    case = CallTest(
        fn_name=entry,
        args=[encode_value(value) for value in arguments.args],
        kwargs={name: encode_value(value) for name, value in arguments.kwargs.items()},
        encoded_args=True,
        expected_literal=expected_source,
    )
    parts = [repr(value) for value in arguments.args]
    parts += [f"{name}={value!r}" for name, value in arguments.kwargs.items()]
    return LoopTest("", origin, "call", f"{entry}({', '.join(parts)})", output, case)


def _layout(text: str) -> str:
    """``text`` without the one newline after an opening tag and before a closing one."""
    if text.startswith("\n"):
        text = text[1:]
    if text.endswith("\n"):
        text = text[:-1]
    return text
