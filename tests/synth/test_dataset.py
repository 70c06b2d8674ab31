"""Datasets: the same seed gives the same bytes, another seed other programs, and an
interrupted run resumes to the bytes of an uninterrupted one."""

from __future__ import annotations

import json
from pathlib import Path

from execgym.synth import (
    DatasetBuilder,
    GrammarGenerator,
    ProgramFilter,
    SynthConfig,
    builtin_levels,
)
from execgym.tasks import read_programs

LEVELS = tuple(builtin_levels()[name] for name in ("L1", "L3", "L6"))


def _build(program_filter: ProgramFilter, path: Path, seed: int, per_level: int = 4) -> None:
    config = SynthConfig(levels=LEVELS, per_level=per_level, seed=seed)
    DatasetBuilder(GrammarGenerator(), program_filter, config).run(path)


def test_same_seed_same_bytes_other_seed_other_programs(
    program_filter: ProgramFilter, tmp_path: Path
) -> None:
    first, second, other = tmp_path / "a.jsonl", tmp_path / "b.jsonl", tmp_path / "c.jsonl"
    _build(program_filter, first, seed=3)
    _build(program_filter, second, seed=3)
    _build(program_filter, other, seed=4)
    assert first.read_bytes() == second.read_bytes()
    codes = {json.loads(line)["code"] for line in first.read_text().splitlines()}
    other_codes = {json.loads(line)["code"] for line in other.read_text().splitlines()}
    assert len(codes) == 12 and not codes & other_codes


def test_rows_are_program_rows_for_execgym_questions(
    program_filter: ProgramFilter, tmp_path: Path
) -> None:
    path = tmp_path / "rows.jsonl"
    _build(program_filter, path, seed=5, per_level=2)
    programs = read_programs(path)
    assert [p.id for p in programs] == [f"{lv.name}-{i:05d}" for lv in LEVELS for i in range(2)]
    row = json.loads(path.read_text().splitlines()[0])
    assert {"id", "code", "entry", "input", "output", "level", "metrics"} <= set(row)


def test_resume_after_interruption_gives_the_same_bytes(
    program_filter: ProgramFilter, tmp_path: Path
) -> None:
    whole = tmp_path / "whole.jsonl"
    _build(program_filter, whole, seed=9)
    data = whole.read_bytes()
    lines = data.splitlines(keepends=True)
    for cut in (len(lines[0]) // 2, len(b"".join(lines[:5])) + 7, len(b"".join(lines[:8]))):
        partial = tmp_path / f"cut{cut}.jsonl"
        partial.write_bytes(data[:cut])
        _build(program_filter, partial, seed=9)
        assert partial.read_bytes() == data, cut


def test_a_file_from_another_seed_is_not_resumed(
    program_filter: ProgramFilter, tmp_path: Path
) -> None:
    path = tmp_path / "rows.jsonl"
    _build(program_filter, path, seed=1, per_level=2)
    _build(program_filter, path, seed=2, per_level=2)
    fresh = tmp_path / "fresh.jsonl"
    _build(program_filter, fresh, seed=2, per_level=2)
    assert path.read_bytes() == fresh.read_bytes()
