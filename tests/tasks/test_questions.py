"""Question generation: program rows, every registered kind, hand-computed answers, determinism."""
# mypy: disable-error-code="attr-defined,arg-type"

from __future__ import annotations

import ast
import json
import random
from collections import Counter
from pathlib import Path

import pytest

from execgym.sandbox import Sandbox
from execgym.tasks import (
    KINDS,
    NOT_EXECUTED,
    STYLE_KINDS,
    STYLES,
    Execution,
    Kind,
    Pick,
    Program,
    ProgramFormatError,
    build_questions,
    generator_for,
    iter_questions,
    kind_rng,
    question_kinds,
    questions_for_file,
    read_programs,
    register_kind,
)
from execgym.trace import Trace, TraceStatus, trace_many

CRUX_PROGRAMS = 40

# Hand-built programs; the line numbers in the expectations below were worked out by hand.
HELPER = """def g(x):
    return x * 2

def f(n):
    total = 0
    for i in range(n):
        if i % 2:
            total += g(i)
    return total
"""
# f(3) runs: 5 6 7 6 7 8 [g: 2] 6 7 6 9
HELPER_NEXT = {
    (5, 1): 6,
    (6, 1): 7,
    (7, 1): 6,
    (6, 2): 7,
    (7, 2): 8,
    (8, 1): 2,  # into g
    (2, 1): 6,  # back from g: the caller's next line
    (6, 3): 7,
    (7, 3): 6,
    (6, 4): 9,
    (9, 1): -1,
}
HELPER_STATE = {
    (5, 1, "total"): "0",
    (6, 1, "i"): "0",
    (6, 2, "i"): "1",
    (8, 1, "total"): "2",
    (6, 3, "i"): "2",
}
HELPER_PATH = [5, 6, 7, 6, 7, 8, 6, 7, 6, 9]

BRANCHES = """def f(s):
    count = 0
    while count < 2:
        count += 1
    if s:
        label = 'yes'
    else:
        label = 'no'
        extra = s * 2
    return label
"""
# f('') runs: 2 3 4 3 4 3 5 8 9 10; line 6 never runs
BRANCHES_NEXT = {
    (2, 1): 3,
    (3, 1): 4,
    (4, 1): 3,
    (3, 2): 4,
    (4, 2): 3,
    (3, 3): 5,
    (5, 1): 8,
    (8, 1): 9,
    (9, 1): 10,
    (10, 1): -1,
}
BRANCHES_STATE = {
    (2, 1, "count"): "0",
    (4, 1, "count"): "1",
    (4, 2, "count"): "2",
    (8, 1, "label"): "'no'",
    (9, 1, "extra"): "''",
}
BRANCHES_PATH = [2, 3, 4, 3, 4, 3, 5, 8, 9, 10]

MULTILINE = """def f(xs):
    ys = [
        x * 2
        for x in xs
    ]
    total = sum(
        ys)
    return total
"""
# f([1, 2]) runs statement 2 in f, then once in its list comprehension, then 6 and 8.
MULTILINE_NEXT = {(2, 1): 2, (2, 2): 6, (6, 1): 8, (8, 1): -1}
MULTILINE_STATE = {(2, 1, "ys"): "[2, 4]", (6, 1, "total"): "6"}

HAND = {
    "helper": Program("helper", HELPER, "3"),
    "branches": Program("branches", BRANCHES, "''"),
    "multiline": Program("multiline", MULTILINE, "[1, 2]"),
    "raises": Program("raises", "def f(x):\n    return 1 // x\n", "0"),
    "opaque": Program("opaque", "def f():\n    y = object()\n    return y\n", ""),
}


@pytest.fixture(scope="module")
def traced(sandbox: Sandbox, shared_data: Path) -> dict[str, tuple[Program, Trace]]:
    crux = read_programs(shared_data / "cruxeval.jsonl")[:CRUX_PROGRAMS]
    programs = [*crux, *HAND.values()]
    traces = trace_many(sandbox, [program.call_item() for program in programs])
    return {program.id: (program, trace) for program, trace in zip(programs, traces, strict=True)}


@pytest.fixture(scope="module")
def crux(traced: dict[str, tuple[Program, Trace]]) -> list[tuple[Program, Trace]]:
    pairs = [traced[f"sample_{n}"] for n in range(CRUX_PROGRAMS)]
    assert all(trace.status is TraceStatus.OK for _, trace in pairs)
    return pairs


def picks(kind: Kind, program: Program, trace: Trace, seed: int = 0) -> list[Pick]:
    return generator_for(kind)(Execution(program, trace), kind_rng(seed, program.id, kind))


# ----------------------------------------------------------------------------- independent truth


def raw_lines(trace: Trace) -> list[tuple[int, str, int]]:
    """(line, function, frame) of every line event, straight from the trace."""
    return [(s.line, s.func, s.frame) for s in trace.steps if s.event == "line"]


def is_simple(program: Program, trace: Trace) -> bool:
    """Every line event is a statement's first line, and no comprehension or lambda ran."""
    tree = ast.parse(program.code)
    starts = Counter(node.lineno for node in ast.walk(tree) if isinstance(node, ast.stmt))
    return all(starts[line] == 1 and not func.startswith("<") for line, func, _ in raw_lines(trace))


def kth_event(trace: Trace, line: int, k: int) -> int:
    """Index among line events of the k-th event of ``line``."""
    seen = 0
    for index, (event_line, _, _) in enumerate(raw_lines(trace)):
        if event_line == line:
            seen += 1
            if seen == k:
                return index
    raise AssertionError(f"line {line} has no {k}-th event")


def line_event_steps(trace: Trace) -> list[int]:
    return [s.i for s in trace.steps if s.event == "line"]


# ----------------------------------------------------------------------------- registry


def test_every_kind_has_a_generator() -> None:
    assert question_kinds() == tuple(Kind)
    with pytest.raises(ValueError, match="already registered"):
        register_kind(KINDS.get(Kind.OUTPUT))


@pytest.mark.parametrize("kind", list(Kind))
def test_registry_walk_ids_stable_and_references_consistent(
    kind: Kind, crux: list[tuple[Program, Trace]]
) -> None:
    simple_checked = 0
    for program, trace in crux:
        first = picks(kind, program, trace)
        again = picks(kind, program, trace)
        assert first == again
        ids = [pick.item_id(program.id) for pick in first]
        assert len(ids) == len(set(ids)), ids
        assert all(item_id.startswith(f"{program.id}/{kind.value}") for item_id in ids)
        simple = is_simple(program, trace)
        simple_checked += simple
        events = raw_lines(trace)
        executed = {line for line, _, _ in events}
        for pick in first:
            ref = pick.reference
            assert pick.kind is kind
            if kind is Kind.OUTPUT:
                assert trace.output is not None
                assert ref.literal == trace.output.literal
                assert ref.type_name == trace.output.type
                assert ref.literal is not None
                assert type(ast.literal_eval(ref.literal)).__name__ == ref.type_name
            elif kind is Kind.INPUT:
                assert trace.output is not None
                assert (ref.literal, ref.target_output, ref.entry) == (
                    program.input,
                    trace.output.literal,
                    program.entry,
                )
            elif kind is Kind.NEXT:
                assert pick.line is not None and pick.occurrence is not None
                assert len(first) <= 5
                if simple:
                    index = kth_event(trace, pick.line, pick.occurrence)
                    expected = events[index + 1][0] if index + 1 < len(events) else -1
                    assert ref.line == expected, (program.id, pick)
                assert ref.line is not None
                source = program.code.splitlines()[ref.line - 1].strip() if ref.line != -1 else ""
                assert ref.source == source
            elif kind is Kind.STATE:
                assert len(first) <= 5
                assert pick.variable is not None and pick.line is not None
                if ref.literal == NOT_EXECUTED:
                    assert pick.line not in executed
                    continue
                assert ref.literal is not None
                assert type(ast.literal_eval(ref.literal)).__name__ == ref.type_name
                if simple:
                    assert pick.occurrence is not None
                    index = kth_event(trace, pick.line, pick.occurrence)
                    step = trace.steps[line_event_steps(trace)[index]]
                    assert step.changes[pick.variable].literal == ref.literal
            elif kind is Kind.COVERAGE:
                assert pick.line is not None
                assert ref.executed is (pick.line in executed), (program.id, pick.line)
            else:
                assert ref.lines is not None and 0 < len(ref.lines) <= 40
                if simple:
                    entry = trace.steps[0].frame
                    assert ref.lines == [line for line, _, frame in events if frame == entry]
    if kind in (Kind.NEXT, Kind.STATE, Kind.PATH):
        assert simple_checked >= 30


def test_crux_kinds_are_asked_about_most_programs(crux: list[tuple[Program, Trace]]) -> None:
    for kind in Kind:
        asked = sum(bool(picks(kind, program, trace)) for program, trace in crux)
        assert asked >= CRUX_PROGRAMS * 0.75, (kind, asked)


# ----------------------------------------------------------------------------- hand-built cases


def test_helper_call_next_state_coverage_path(traced: dict[str, tuple[Program, Trace]]) -> None:
    program, trace = traced["helper"]
    for seed in range(5):
        nexts = picks(Kind.NEXT, program, trace, seed)
        # ten of the eleven runs are preferred (branching or non-sequential), spread over lines
        assert sorted({p.line for p in nexts if p.line is not None}) == [2, 6, 7, 8, 9]
        for pick in nexts:
            assert pick.line is not None and pick.occurrence is not None
            assert pick.reference.line == HELPER_NEXT[(pick.line, pick.occurrence)]
        states = picks(Kind.STATE, program, trace, seed)
        got = {(p.line, p.occurrence, p.variable): p.reference.literal for p in states}
        assert got == HELPER_STATE
        assert {p.reference.type_name for p in states} == {"int"}
    coverage = picks(Kind.COVERAGE, program, trace)
    assert len(coverage) == 4
    assert all(p.reference.executed for p in coverage)
    assert {p.line for p in coverage} <= {5, 6, 7, 8, 9}
    (path,) = picks(Kind.PATH, program, trace)
    assert path.reference.lines == HELPER_PATH
    (output,) = picks(Kind.OUTPUT, program, trace)
    assert (output.reference.literal, output.reference.type_name) == ("2", "int")


def test_branches_not_executed_line(traced: dict[str, tuple[Program, Trace]]) -> None:
    program, trace = traced["branches"]
    for seed in range(5):
        for pick in picks(Kind.NEXT, program, trace, seed):
            assert pick.line is not None and pick.occurrence is not None
            assert pick.reference.line == BRANCHES_NEXT[(pick.line, pick.occurrence)]
        states = picks(Kind.STATE, program, trace, seed)
        assert len(states) == 5
        missing = [p for p in states if p.reference.literal == NOT_EXECUTED]
        assert [(p.line, p.occurrence, p.variable, p.runs) for p in missing] == [(6, 1, "label", 0)]
        for pick in states:
            if pick not in missing:
                assert pick.line is not None and pick.occurrence is not None
                assert pick.variable is not None
                key = (pick.line, pick.occurrence, pick.variable)
                assert pick.reference.literal == BRANCHES_STATE[key]
        coverage = picks(Kind.COVERAGE, program, trace, seed)
        assert {(p.line, p.reference.executed) for p in coverage} >= {(6, False)}
        assert all(p.reference.executed for p in coverage if p.line != 6)
    (path,) = picks(Kind.PATH, program, trace)
    assert path.reference.lines == BRANCHES_PATH
    assert picks(Kind.OUTPUT, program, trace)[0].reference.literal == "'no'"


def test_multiline_statement_and_comprehension(traced: dict[str, tuple[Program, Trace]]) -> None:
    program, trace = traced["multiline"]
    execution = Execution(program, trace)
    assert [(v.line, v.func) for v in execution.visits] == [
        (2, "f"),
        (2, "<listcomp>"),
        (6, "f"),
        (8, "f"),
    ]
    nexts = picks(Kind.NEXT, program, trace)
    assert {(p.line, p.occurrence): p.reference.line for p in nexts} == MULTILINE_NEXT
    # the run that only leads into the comprehension is asked last
    assert nexts[0].line == 2 and nexts[0].occurrence == 1
    states = picks(Kind.STATE, program, trace)
    got = {(p.line, p.occurrence, p.variable): p.reference.literal for p in states}
    assert got == MULTILINE_STATE  # never the comprehension's own `x`
    (path,) = picks(Kind.PATH, program, trace)
    assert path.reference.lines == [2, 6, 8]
    coverage = picks(Kind.COVERAGE, program, trace)
    assert {(p.line, p.reference.executed) for p in coverage} == {(2, True), (6, True), (8, True)}


def test_outputs_without_a_literal_are_not_asked(traced: dict[str, tuple[Program, Trace]]) -> None:
    program, trace = traced["opaque"]
    assert picks(Kind.OUTPUT, program, trace) == []
    assert picks(Kind.INPUT, program, trace) == []
    assert picks(Kind.STATE, program, trace) == []  # `y` has no literal either
    assert picks(Kind.PATH, program, trace)[0].reference.lines == [2, 3]


def test_a_trace_that_did_not_end_ok_is_refused(traced: dict[str, tuple[Program, Trace]]) -> None:
    program, trace = traced["raises"]
    assert trace.status is TraceStatus.EXCEPTION
    with pytest.raises(ValueError, match=r"raises.*exception"):
        build_questions(program, trace, [Kind.OUTPUT], "execverify")
    _, helper_trace = traced["helper"]
    other = Program("other", "def f(x):\n    return x\n", "3")
    with pytest.raises(ValueError, match="different code"):
        build_questions(other, helper_trace, [Kind.OUTPUT], "execverify")


# ----------------------------------------------------------------------------- building


def test_question_ids_unique_and_builds_deterministic(crux: list[tuple[Program, Trace]]) -> None:
    differs = 0
    for style in STYLES:
        kinds = [kind for kind in Kind if kind in STYLE_KINDS[style]]
        seen: set[str] = set()
        for program, trace in crux:
            first = build_questions(program, trace, kinds, style, seed=7)
            again = build_questions(program, trace, kinds, style, seed=7)
            assert [q.model_dump(mode="json") for q in first] == [
                q.model_dump(mode="json") for q in again
            ]
            for question in first:
                assert question.id not in seen
                seen.add(question.id)
                assert question.meta["seed"] == 7
                item_ids = [item.id for item in question.items]
                assert len(item_ids) == len(set(item_ids))
            other = build_questions(program, trace, kinds, style, seed=8)
            differs += [q.id for q in first] != [q.id for q in other]
    assert differs >= 10


def test_seed_is_hashed_not_added() -> None:
    draws = {kind_rng(seed, "p", Kind.NEXT).random() for seed in range(50)}
    assert len(draws) == 50
    assert kind_rng(1, "p", Kind.NEXT).random() != kind_rng(0, "p", Kind.NEXT).random()
    # a kind's picks do not depend on which other kinds are asked
    assert kind_rng(3, "p", Kind.NEXT).random() == kind_rng(3, "p", Kind.NEXT).random()
    assert kind_rng(3, "p", Kind.NEXT).random() != kind_rng(3, "p", Kind.STATE).random()


def test_kinds_asked_together_pick_the_same_items(crux: list[tuple[Program, Trace]]) -> None:
    program, trace = crux[5]
    alone = build_questions(program, trace, [Kind.STATE], "reval", seed=2)
    together = build_questions(program, trace, [Kind.COVERAGE, Kind.STATE], "reval", seed=2)
    assert [q.id for q in alone] == [q.id for q in together if q.kind == Kind.STATE]


def test_questions_for_file_skips_failed_traces(sandbox: Sandbox, tmp_path: Path) -> None:
    rows = [
        {"id": "ok", "code": BRANCHES, "input": "'x'", "output": "'yes'"},
        {"id": "boom", "code": "def f(x):\n    return 1 // x", "input": "0"},
        {"id": 3, "code": "def g(a):\n    return a + 1", "entry": "g", "input": "1"},
    ]
    path = tmp_path / "programs.jsonl"
    path.write_text("\n".join(json.dumps(row) for row in rows) + "\n\n")
    questions, stats = questions_for_file(sandbox, path, ["output", "next"], "execverify", seed=1)
    assert stats.programs == 3
    assert stats.skipped == Counter({"exception": 1})
    assert stats.skipped_ids == ["boom"]
    assert [q.program_id for q in questions] == ["ok", "3"]
    assert stats.questions == 2 and stats.items == sum(len(q.items) for q in questions)
    assert questions[1].entry == "g"
    assert questions[1].items[0].reference.literal == "2"
    again = list(iter_questions(sandbox, read_programs(path), ["output", "next"], "execverify", 1))
    assert [q.model_dump() for q in again] == [q.model_dump() for q in questions]


# ----------------------------------------------------------------------------- program rows


def test_read_cruxeval_rows(shared_data: Path) -> None:
    programs = read_programs(shared_data / "cruxeval.jsonl")
    assert len(programs) == 800
    assert programs[0] == Program(
        id="sample_0",
        code=programs[0].code,
        input="[1, 1, 3, 1, 3, 1]",
        entry="f",
    )
    assert programs[0].call == "f([1, 1, 3, 1, 3, 1])"


@pytest.mark.parametrize(
    ("line", "field", "message"),
    [
        ('{"id": "a", "input": "1"}', "code", "missing"),
        ('{"id": "a", "code": "def f(:", "input": "1"}', "code", "not valid Python"),
        ('{"id": "a", "code": "def f(x): pass", "input": ")"}', "input", "argument list"),
        ('{"id": "a", "code": "def f(x): pass", "input": 1}', "input", "expected a string"),
        ('{"id": "a", "code": "def f(x): pass", "input": "1", "entry": "1f"}', "entry", "name"),
        ('{"id": [1], "code": "def f(x): pass", "input": "1"}', "id", "string or integer"),
        ('{"id": "a", "code": "def f(x): pass"', "<row>", "not valid JSON"),
        ("[1, 2]", "<row>", "JSON object"),
        ('{"id": "p", "code": "def f(x): pass", "input": "1"}', "id", "repeats"),
    ],
)
def test_malformed_rows_name_file_line_and_field(
    tmp_path: Path, line: str, field: str, message: str
) -> None:
    path = tmp_path / "bad.jsonl"
    first = '{"id": "p", "code": "def f(x):\\n    return x", "input": "1", "extra": 1}'
    path.write_text(f"{first}\n\n{line}\n")
    with pytest.raises(ProgramFormatError) as caught:
        read_programs(path)
    assert caught.value.field == field
    assert caught.value.where == f"{path}:3"
    assert str(caught.value).startswith(f"{path}:3: field {field!r}")
    assert message in str(caught.value)


def test_seeded_selection_varies(crux: list[tuple[Program, Trace]]) -> None:
    rng = random.Random(0)
    program, trace = crux[5]
    lines = {
        tuple((p.line, p.occurrence) for p in picks(Kind.NEXT, program, trace, rng.randrange(1000)))
        for _ in range(10)
    }
    assert len(lines) > 1
