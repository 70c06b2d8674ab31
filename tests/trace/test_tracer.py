"""The tracer, run in the sandbox child: steps, variable changes, caps and determinism."""

from __future__ import annotations

import ast
import json
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from execgym.sandbox import Sandbox, SandboxConfig
from execgym.trace import (
    INSTRUMENTS,
    CallItem,
    TraceOptions,
    TraceStatus,
    check_determinism,
    compare_traces,
    split_call,
    trace_call,
    trace_many,
    trace_script,
)

BRANCHY = """\
def helper(x):
    return x * 2

def f(items, limit):
    total = 0
    seen = set()
    for item in items:
        if item > limit:
            total += helper(item)
        else:
            seen.add(item)
    return total, sorted(seen)
"""


def test_steps_lines_frames_and_changes(sandbox: Sandbox) -> None:
    trace = trace_call(sandbox, BRANCHY, "f", "[1, 5], 2")
    assert trace.status is TraceStatus.OK
    assert trace.python == sys.version.split()[0]
    assert trace.output is not None and trace.output.literal == "(10, [1])"
    events = [(s.event, s.line, s.func, s.depth) for s in trace.steps]
    assert events[0] == ("call", 4, "f", 0)
    lines_of_f = [s.line for s in trace.steps if s.event == "line" and s.func == "f"]
    assert lines_of_f == [5, 6, 7, 8, 11, 7, 8, 9, 7, 12]
    helper_steps = [s for s in trace.steps if s.func == "helper"]
    assert [s.event for s in helper_steps] == ["call", "line", "return"]
    assert {s.depth for s in helper_steps} == {1}
    assert helper_steps[-1].value is not None and helper_steps[-1].value.literal == "10"
    first_call = trace.steps[0]
    assert {k: v.literal for k, v in first_call.changes.items()} == {
        "items": "[1, 5]",
        "limit": "2",
    }
    # The statement on line 5 binds total; line 6 binds seen, an empty set.
    line5 = next(s for s in trace.steps if s.line == 5)
    assert {k: (v.type, v.literal) for k, v in line5.changes.items()} == {"total": ("int", "0")}
    line6 = next(s for s in trace.steps if s.line == 6)
    assert line6.changes["seen"].type == "set"
    assert ast.literal_eval(line6.changes["seen"].literal or "") == set()
    # Mutation in place is a change too: seen.add(1) on line 11.
    line11 = next(s for s in trace.steps if s.line == 11)
    assert line11.changes["seen"].literal == "{1}"


def test_types_are_exact_and_literals_only_when_they_round_trip(sandbox: Sandbox) -> None:
    code = (
        "import collections\n"
        "class Box:\n"
        "    def __repr__(self):\n"
        "        return 'Box()'\n"
        "def f():\n"
        "    a = True\n"
        "    b = 1.5\n"
        "    c = frozenset({1})\n"
        "    d = collections.deque([1])\n"
        "    e = Box()\n"
        "    g = float('nan')\n"
        "    return (a, b)\n"
    )
    trace = trace_call(sandbox, code, "f", "")
    changes = {k: v for s in trace.steps for k, v in s.changes.items()}
    assert (changes["a"].type, changes["a"].literal) == ("bool", "True")
    assert (changes["b"].type, changes["b"].literal) == ("float", "1.5")
    assert (changes["c"].type, changes["c"].literal) == ("frozenset", None)
    assert (changes["d"].type, changes["d"].repr, changes["d"].literal) == (
        "collections.deque",
        "deque([1])",
        None,
    )
    assert (changes["e"].type, changes["e"].repr, changes["e"].literal) == ("Box", "Box()", None)
    assert changes["g"].literal is None and changes["g"].repr == "nan"


def test_large_values_are_truncated_not_cut(sandbox: Sandbox) -> None:
    code = "def f(n):\n    xs = list(range(n))\n    return len(xs)"
    options = TraceOptions(max_value_nodes=100)
    trace = trace_call(sandbox, code, "f", "1000", options)
    xs = next(s.changes["xs"] for s in trace.steps if "xs" in s.changes)
    assert xs.truncated and xs.repr is None and xs.literal is None and not xs.gradable
    small = trace_call(sandbox, code, "f", "10", options)
    xs_small = next(s.changes["xs"] for s in small.steps if "xs" in s.changes)
    assert xs_small.literal == repr(list(range(10)))


def test_step_and_time_caps_end_the_run_clearly(sandbox: Sandbox) -> None:
    loop = "def f():\n    i = 0\n    while True:\n        i += 1\n"
    capped = trace_call(sandbox, loop, "f", "", TraceOptions(max_steps=50))
    assert capped.status is TraceStatus.STEP_LIMIT
    assert len(capped.steps) == 50
    from execgym.sandbox import Limits

    timed = trace_call(
        sandbox, loop, "f", "", TraceOptions(max_steps=10**9, limits=Limits(time_s=0.3))
    )
    assert timed.status is TraceStatus.TIME_LIMIT


def test_exceptions_keep_the_trace(sandbox: Sandbox) -> None:
    trace = trace_call(sandbox, "def f(x):\n    y = x + 1\n    return y // 0", "f", "1")
    assert trace.status is TraceStatus.EXCEPTION
    assert trace.error is not None and trace.error.type == "ZeroDivisionError"
    assert [s.event for s in trace.steps] == ["call", "line", "line", "exception", "return"]
    assert trace.steps[1].changes["y"].literal == "2"


def test_script_tracing(sandbox: Sandbox) -> None:
    trace = trace_script(sandbox, "n = int(input())\nm = n * 2\nprint(m)\n", "21\n")
    assert trace.status is TraceStatus.OK
    assert trace.stdout == "42\n"
    assert [s.line for s in trace.line_steps()] == [1, 2, 3]
    assert trace.steps[1].changes["n"].literal == "21"


def test_split_call() -> None:
    assert split_call("f(1, 2)") == ("f", "1, 2")
    assert split_call(" g([1, (2, 3)], k='x') ") == ("g", "[1, (2, 3)], k='x'")
    assert split_call("f()") == ("f", "")
    with pytest.raises(ValueError, match="must call a function by name"):
        split_call("obj.method(1)")
    with pytest.raises(ValueError, match="not a Python expression"):
        split_call("f(1")


@pytest.fixture(scope="module")
def second_seed_sandbox() -> Iterator[Sandbox]:
    with Sandbox(workers=1, config=SandboxConfig(hash_seed=1, instruments=INSTRUMENTS)) as sb:
        yield sb


def test_determinism_check_flags_set_order(sandbox: Sandbox, second_seed_sandbox: Sandbox) -> None:
    stable = check_determinism(sandbox, second_seed_sandbox, BRANCHY, "f", "[1, 5], 2")
    assert stable.deterministic
    # The iteration order of a set of strings depends on the hash seed.
    code = "def f(words):\n    return list(set(words))"
    unstable = check_determinism(
        sandbox, second_seed_sandbox, code, "f", "['apple', 'pear', 'fig', 'kiwi', 'plum']"
    )
    assert not unstable.deterministic
    assert "output" in unstable.difference


def test_compare_traces_reports_the_first_differing_step(sandbox: Sandbox) -> None:
    a = trace_call(sandbox, BRANCHY, "f", "[1, 5], 2")
    b = trace_call(sandbox, BRANCHY, "f", "[1, 5], 0")
    report = compare_traces(a, b)
    assert not report.deterministic


def test_all_cruxeval_outputs_are_reproduced(sandbox: Sandbox, shared_data: Path) -> None:
    rows = [json.loads(line) for line in (shared_data / "cruxeval.jsonl").open()]
    assert len(rows) == 800
    traces = list(trace_many(sandbox, [CallItem(r["code"], "f", r["input"]) for r in rows]))
    mismatched = []
    for row, trace in zip(rows, traces, strict=True):
        output = trace.output
        ok = (
            trace.status is TraceStatus.OK
            and output is not None
            and output.repr == row["output"]
            and output.literal is not None
            and ast.literal_eval(output.literal) == ast.literal_eval(row["output"])
        )
        if not ok:
            mismatched.append((row["id"], trace.status, output))
    assert mismatched == []
