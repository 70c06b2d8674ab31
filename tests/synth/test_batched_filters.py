"""Batched validation: one child per batch and run gives every candidate the outcome of its
own unbatched run, a misbehaving candidate fails alone, and the traces are the recorder's."""

from __future__ import annotations

import ast
import json
import random
from pathlib import Path
from typing import Any

import pytest

from execgym.sandbox import CallTest, Sandbox, Verdict
from execgym.synth import (
    Candidate,
    ConstraintSpec,
    DatasetBuilder,
    GenerationFailure,
    GrammarGenerator,
    ProgramFilter,
    Rejection,
    SynthConfig,
    ValidatedProgram,
    builtin_levels,
    item_seed,
)
from execgym.synth._batch_instrument import (
    EVENT_CODES,
    STUB_CODE,
    STUB_ENTRY,
    keep_by_coverage,
    output_problem,
)
from execgym.synth._filters import BATCH_INSTRUMENT
from execgym.trace import INSTRUMENT, compare_traces, trace_from_result

SPEC = ConstraintSpec(name="any", max_output_chars=40)
RAISES = ConstraintSpec(name="raises", max_output_chars=40, allow_exceptions=True)
CAPS = {"max_steps": 5000, "max_value_nodes": 300, "max_repr_chars": 1000}

GOOD = "def f(n):\n    if n > 2:\n        return n * 2\n    return -n\n"
LOOPS = "def f(n):\n    exec('while True:\\n    n += 1')\n"
"""Never ends, in code the recorder does not trace: only the time limit stops it."""

EDGE_CASES = {
    "good": (GOOD, ("5", "1", "7")),
    "step_limit": ("def f(n):\n    while True:\n        n += 1\n", ("0",)),
    "exception": ("def f(n):\n    return 1 // n\n", ("0", "1")),
    "not_literal": ("def f(n):\n    return object()\n", ("0",)),
    "too_large": ("def f(n):\n    return 'x' * 100\n", ("0",)),
    "set_order": (
        "def f(n):\n    total = 0\n    for word in {'apple', 'kiwi', 'fig', 'tea'}:\n"
        "        total += len(word)\n    return total\n",
        ("0",),
    ),
    "assert_failed": (
        "def f(n):\n    return list({'apple', 'kiwi', 'fig', 'tea', 'sun'})\n",
        ("0",),
    ),
    "syntax": ("def f(n):\n    return n +\n", ("0",)),
    "loops": (LOOPS, ("0",)),
    "prints": ("def f(n):\n    print('hello', n)\n    return n\n", ("3",)),
    "load_raises": ("x = 1 // 0\n\ndef f(n):\n    return n\n", ("3",)),
    "load_exits": ("raise SystemExit(2)\n\ndef f(n):\n    return n\n", ("3",)),
    "exits": ("def f(n):\n    raise SystemExit(n)\n", ("3",)),
    "kills_child": ("import os\n\ndef f(n):\n    os._exit(n)\n", ("3",)),
    "memory": ("def f(n):\n    return len('x' * (n << 30))\n", ("4",)),
    "stateful": (
        "seen = []\n\ndef f(n):\n    seen.append(n)\n    return len(seen) * n\n",
        ("2", "3", "4"),
    ),
    "solution_class": (
        "class Solution:\n    def f(self, n):\n        return [n, n]\n",
        ("1",),
    ),
    "patches_builtins": (
        "import builtins\nbuiltins.len = lambda value: 0\n\ndef f(word):\n    return len(word)\n",
        ("'abc'",),
    ),
    "bad_argument": ("def f(n):\n    return n\n", ("undefined_name",)),
    "helpers": (
        "def g(word):\n    return h(word) + 1\n\ndef h(word):\n    return len(word)\n\n"
        "def f(words):\n    return [g(w) for w in words]\n",
        ("['ab', 'c']", "[]", "['x']"),
    ),
}


def _candidate(code: str, inputs: tuple[str, ...]) -> Candidate:
    return Candidate(code, inputs, "len", "test")


def _generated(per_level: int, seed: int = 321) -> dict[str, list[Candidate]]:
    generator = GrammarGenerator()
    out: dict[str, list[Candidate]] = {}
    for name, spec in builtin_levels().items():
        out[name] = []
        for attempt in range(per_level):
            candidate = generator.candidate(spec, item_seed(seed, name, attempt))
            if not isinstance(candidate, GenerationFailure):
                out[name].append(candidate)
    return out


ALONE = {
    "prints",
    "load_raises",
    "load_exits",
    "exits",
    "kills_child",
    "memory",
    "loops",
    "bad_argument",
}
"""Edge cases a batch hands to the unbatched run: their test does not end normally (time,
memory, exit, a dead child, an exception outside the call), or they print."""


def _counting_unbatched(
    program_filter: ProgramFilter, monkeypatch: pytest.MonkeyPatch
) -> list[Candidate]:
    alone: list[Candidate] = []
    unbatched = program_filter.validate_unbatched

    def counted(candidate: Candidate, spec: ConstraintSpec) -> ValidatedProgram | Rejection:
        alone.append(candidate)
        return unbatched(candidate, spec)

    monkeypatch.setattr(program_filter, "validate_unbatched", counted)
    return alone


@pytest.mark.parametrize("spec", [SPEC, RAISES], ids=["strict", "allow_exceptions"])
def test_a_batch_of_edge_cases_gets_the_unbatched_outcomes(
    program_filter: ProgramFilter, spec: ConstraintSpec, monkeypatch: pytest.MonkeyPatch
) -> None:
    names = list(EDGE_CASES)
    candidates = [_candidate(*EDGE_CASES[name]) for name in names]
    with monkeypatch.context() as patch:
        alone = _counting_unbatched(program_filter, patch)
        batched = program_filter.validate_many(candidates, spec)
    assert {names[candidates.index(c)] for c in alone} == ALONE
    for name, candidate, outcome in zip(names, candidates, batched, strict=True):
        assert outcome == program_filter.validate_unbatched(candidate, spec), name
    by_name = dict(zip(names, batched, strict=True))
    assert isinstance(by_name["good"], ValidatedProgram)
    assert by_name["good"].inputs == ("5", "1") and by_name["good"].outputs == ("10", "-1")
    assert isinstance(by_name["helpers"], ValidatedProgram)
    assert by_name["helpers"].metrics["call_depth"] == 4
    expected = {
        "step_limit": "step_limit",
        "not_literal": "not_literal",
        "too_large": "output_too_large",
        "set_order": "nondeterministic",
        "assert_failed": "assert_failed",
        "syntax": "syntax",
        "loops": "timeout",
        "kills_child": "sandbox_error",
        "exits": "sandbox_error",
        "stateful": "nondeterministic",
    }
    for name, reason in expected.items():
        rejection = by_name[name]
        assert isinstance(rejection, Rejection) and rejection.reason == reason, (name, rejection)


def test_generated_programs_get_the_unbatched_outcomes(
    program_filter: ProgramFilter, monkeypatch: pytest.MonkeyPatch
) -> None:
    levels = builtin_levels()
    for name, candidates in _generated(per_level=6).items():
        spec = levels[name]
        with monkeypatch.context() as patch:
            alone = _counting_unbatched(program_filter, patch)
            batched = program_filter.validate_many(candidates, spec)
        assert not alone, name  # every one took the batched path
        for candidate, outcome in zip(candidates, batched, strict=True):
            assert outcome == program_filter.validate_unbatched(candidate, spec), candidate.code


def test_run_a_rules() -> None:
    assert output_problem({"type": "int", "literal": "3", "truncated": False}, 5) is None
    assert output_problem({"type": "str", "truncated": True}, 5) == (
        "output_too_large",
        "the value exceeded the trace bound",
    )
    assert output_problem({"type": "object", "literal": None}, 5) == (
        "not_literal",
        "returned a object",
    )
    assert output_problem({"literal": "'abcdef'"}, 5) == ("output_too_large", "8 characters")
    assert output_problem({"literal": "1.0e5"}, 10) == (
        "not_literal",
        "the literal does not read back",
    )
    assert output_problem(None, 5) == ("not_literal", "returned a ?")
    # The most branch outcomes first (the first on a tie), then those adding outcomes.
    a, b = {(2, 3)}, {(2, 5)}
    assert keep_by_coverage([(0, a), (1, a | b), (2, b), (3, {(7, 8)})]) == [1, 3]
    assert keep_by_coverage([(0, a), (1, b), (2, a)]) == [0, 1]
    assert keep_by_coverage([(4, set())]) == [4]


def _batch_test(code: str, calls: list[list[str]], **extra: Any) -> CallTest:
    options = {"code": code, "entry": "f", "calls": calls, "trace": CAPS, **extra}
    return CallTest(fn_name=STUB_ENTRY, instrument=BATCH_INSTRUMENT, instrument_options=options)


def test_a_looping_candidate_times_out_alone(sandbox: Sandbox) -> None:
    from execgym.sandbox import Limits

    tests = [
        _batch_test(GOOD, [["5", "lines"], ["1", "full"]]),
        _batch_test(LOOPS, [["0", "lines"]]),
        _batch_test(GOOD, [["7", "full"]]),
    ]
    results = sandbox.execute(STUB_CODE, tests, Limits(time_s=0.5), preamble=False)
    assert [r.verdict for r in results] == [Verdict.OK, Verdict.TIME_LIMIT, Verdict.OK]
    first, last = (r.extra or {} for r in (results[0], results[2]))
    assert [run["output"]["literal"] for run in first["runs"]] == ["10", "-1"]
    assert last["runs"][0]["output"]["literal"] == "14"


def test_a_looping_candidate_is_rejected_and_its_neighbours_validated(
    program_filter: ProgramFilter, monkeypatch: pytest.MonkeyPatch
) -> None:
    looping = _candidate(LOOPS, ("0",))
    candidates = [_candidate(GOOD, ("5",)), looping, _candidate(GOOD, ("1",))]
    alone = _counting_unbatched(program_filter, monkeypatch)
    outcomes = program_filter.validate_many(candidates, SPEC)
    assert alone == [looping]
    assert isinstance(outcomes[0], ValidatedProgram) and outcomes[0].output == "10"
    assert isinstance(outcomes[1], Rejection) and outcomes[1].reason == "timeout"
    assert isinstance(outcomes[2], ValidatedProgram) and outcomes[2].output == "-1"


def _recorder_record(sandbox: Sandbox, code: str, args: str) -> dict[str, Any]:
    test = CallTest(fn_name="f", args_src=args, instrument=INSTRUMENT, instrument_options=CAPS)
    (result,) = sandbox.execute(code, [test], preamble=False)
    record: dict[str, Any] = (result.extra or {})["trace"]
    return record


def _skeleton(steps: list[dict[str, Any]]) -> list[int]:
    flat: list[int] = []
    for step in steps:
        flat += [step["line"], step["frame"], EVENT_CODES[step["event"]], step["depth"]]
    return flat


def test_traces_are_the_recorders(sandbox: Sandbox) -> None:
    sample = [(c.code, c.inputs[0]) for cs in _generated(per_level=3, seed=5).values() for c in cs]
    sample.append((EDGE_CASES["helpers"][0], "['ab', 'c']"))
    tests = [_batch_test(code, [[args, "full"], [args, "lines"]]) for code, args in sample]
    results = sandbox.execute(STUB_CODE, tests, preamble=False)
    for (code, args), result in zip(sample, results, strict=True):
        full, lines = (result.extra or {})["runs"]
        record = _recorder_record(sandbox, code, args)
        assert json.loads(full["steps"]) == record["steps"], code
        for run in (full, lines):
            assert run["skel"] == _skeleton(record["steps"]), code
            assert run["status"] == record["status"] and run["output"] == record["output"]
            assert run["error"] is None


def test_each_candidate_starts_from_a_fresh_state(sandbox: Sandbox) -> None:
    messes = (
        "import builtins, os, random, sys\nbuiltins.len = lambda value: 0\nrandom.seed(5)\n"
        "sys.setrecursionlimit(60)\nos.chdir('/')\n\ndef f(n):\n    return n\n"
    )
    probe = (
        "import os, random\n\ndef deep(n):\n    return 0 if n == 0 else 1 + deep(n - 1)\n\n"
        "def f(word):\n    return [len(word), deep(200), random.random(), os.getcwd() == '/']\n"
    )
    results = sandbox.execute(
        STUB_CODE,
        [_batch_test(messes, [["1", "run"]]), _batch_test(probe, [["'abc'", "full"]])],
        preamble=False,
    )
    assert [r.verdict for r in results] == [Verdict.OK, Verdict.OK]
    output = ast.literal_eval((results[1].extra or {})["runs"][0]["output"]["literal"])
    assert output[:2] == [3, 200] and output[3] is False
    assert output[2] != random.Random(5).random()


def test_string_equal_traces_are_deterministic_for_compare_traces(
    sandbox: Sandbox, second_sandbox: Sandbox
) -> None:
    sample = [(c.code, c.inputs[0]) for cs in _generated(per_level=2, seed=9).values() for c in cs]
    sample.append((EDGE_CASES["set_order"][0], "0"))
    tests = [_batch_test(code, [[args, "full"]]) for code, args in sample]
    first = sandbox.execute(STUB_CODE, tests, preamble=False)
    second = second_sandbox.execute(STUB_CODE, tests, preamble=False)
    for (code, args), a, b in zip(sample, first, second, strict=True):
        run_a, run_b = (a.extra or {})["runs"][0], (b.extra or {})["runs"][0]
        same = run_a["steps"] == run_b["steps"] and run_a["output"] == run_b["output"]
        call = f"f({args})"
        test = CallTest(fn_name="f", args_src=args, instrument=INSTRUMENT, instrument_options=CAPS)
        (legacy_a,) = sandbox.execute(code, [test], preamble=False)
        (legacy_b,) = second_sandbox.execute(code, [test], preamble=False)
        report = compare_traces(
            trace_from_result(legacy_a, code, call, sandbox.config.hash_seed),
            trace_from_result(legacy_b, code, call, second_sandbox.config.hash_seed),
        )
        assert same == report.deterministic, code
    assert not same  # the last one iterates a set of strings


def test_batch_size_does_not_change_the_bytes(
    program_filter: ProgramFilter, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    levels = tuple(builtin_levels()[name] for name in ("L1", "L4", "L6"))
    config = SynthConfig(levels=levels, per_level=5, seed=17)
    paths = []
    for batch_size in (1, 16):
        path = tmp_path / f"batch{batch_size}.jsonl"
        DatasetBuilder(GrammarGenerator(), program_filter, config, batch_size=batch_size).run(path)
        paths.append(path)
    with monkeypatch.context() as patch:
        patch.setattr(
            program_filter,
            "validate_many",
            lambda cs, spec: [program_filter.validate_unbatched(c, spec) for c in cs],
        )
        path = tmp_path / "unbatched.jsonl"
        DatasetBuilder(GrammarGenerator(), program_filter, config).run(path)
        paths.append(path)
    first = paths[0].read_bytes()
    assert len(first.splitlines()) == 15
    assert all(path.read_bytes() == first for path in paths[1:])
