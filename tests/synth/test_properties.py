"""Property tests over many seeds: constraints hold (checked independently), programs
terminate, are deterministic, and their recorded outputs are right when re-run."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from execgym.sandbox import CallTest, JudgeRequest, Sandbox, Verdict
from execgym.synth import (
    DatasetBuilder,
    GenerationFailure,
    GrammarGenerator,
    ProgramFilter,
    SynthConfig,
    builtin_levels,
    check_program,
    item_seed,
)
from execgym.trace import check_determinism

STATIC_SEEDS = 60
"""Programs per level checked statically (cheap; raise for a local sweep)."""
SANDBOX_SEEDS = (0, 7)
SANDBOX_PER_LEVEL = 5
"""Dataset seeds and rows per level that are built and re-run in the sandbox (CI-sized)."""


@pytest.mark.parametrize("level", list(builtin_levels()))
def test_generated_programs_satisfy_their_constraints(level: str) -> None:
    spec = builtin_levels()[level]
    generator = GrammarGenerator()
    for index in range(STATIC_SEEDS):
        candidate = generator.candidate(spec, item_seed(123, level, index))
        assert not isinstance(candidate, GenerationFailure), candidate
        for args in candidate.inputs:
            report = check_program(candidate.code, spec, candidate.method, args)
            assert report.ok, (candidate.code, args, report.violations)


def test_generation_is_a_pure_function_of_spec_and_seed() -> None:
    spec = builtin_levels()["L6"]
    first = GrammarGenerator().candidate(spec, 42)
    second = GrammarGenerator().candidate(spec, 42)
    assert first == second


@pytest.fixture(scope="module")
def dataset_rows(
    program_filter: ProgramFilter, tmp_path_factory: pytest.TempPathFactory
) -> list[dict]:  # type: ignore[type-arg]
    rows = []
    levels = tuple(builtin_levels().values())
    for seed in SANDBOX_SEEDS:
        path = tmp_path_factory.mktemp("rows") / f"seed{seed}.jsonl"
        config = SynthConfig(levels=levels, per_level=SANDBOX_PER_LEVEL, seed=seed)
        summary = DatasetBuilder(GrammarGenerator(), program_filter, config).run(path)
        assert not summary.missing(SANDBOX_PER_LEVEL)
        rows += [json.loads(line) for line in Path(path).read_text().splitlines()]
    return rows


def test_rows_satisfy_constraints_and_record_right_outputs(
    dataset_rows: list[dict[str, Any]],
    sandbox: Sandbox,
) -> None:
    levels = builtin_levels()
    requests = []
    for row in dataset_rows:
        report = check_program(row["code"], levels[row["level"]], row["method"], row["input"])
        assert report.ok, (row["code"], report.violations)
        tests = [
            CallTest(fn_name=row["entry"], args_src=args, expected_literal=output)
            for args, output in zip(row["inputs"], row["outputs"], strict=True)
        ]
        requests.append(JudgeRequest(code=row["code"], tests=tests, id=row["id"], checker="exact"))
    for result in sandbox.judge_many(requests):
        assert result.verdict is Verdict.OK, result


def test_rows_terminate_and_are_deterministic_under_other_hash_seeds(
    dataset_rows: list[dict],  # type: ignore[type-arg]
) -> None:
    from execgym.sandbox import SandboxConfig
    from execgym.trace import INSTRUMENTS as TRACE_INSTRUMENTS

    with (
        Sandbox(
            workers=2, config=SandboxConfig(hash_seed=11, instruments=TRACE_INSTRUMENTS)
        ) as first,
        Sandbox(
            workers=2, config=SandboxConfig(hash_seed=12, instruments=TRACE_INSTRUMENTS)
        ) as second,
    ):
        for row in dataset_rows[:: max(1, len(dataset_rows) // 24)]:
            report = check_determinism(first, second, row["code"], row["entry"], row["input"])
            assert report.deterministic, (row["code"], report.difference)


def test_measured_difficulty_rises_with_the_level(dataset_rows: list[dict]) -> None:  # type: ignore[type-arg]
    from execgym.synth import level_statistics

    stats = level_statistics(dataset_rows)
    # L6 adds a helper function to L5, not more control flow: its calls go deeper (below),
    # its trace need not be longer.
    trace = [stats[f"L{n}"]["metrics"]["trace_length"]["median"] for n in range(1, 6)]
    nesting = [stats[f"L{n}"]["metrics"]["max_nesting"]["median"] for n in range(1, 7)]
    assert trace == sorted(trace) and trace[-1] > trace[0], trace
    assert nesting == sorted(nesting) and nesting[-1] > nesting[0], nesting
    assert stats["L6"]["metrics"]["call_depth"]["median"] > 1
