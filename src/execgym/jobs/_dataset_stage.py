"""The main job's ExecVerify stages: synthesize programs at every level, trace them, ask
questions, verify every reference.

Programs come from the grammar generator at each built-in level (ExecVerify's L1-L6 and the
stricter L2-strict and L6-strict, validated in two sandboxes with different hash seeds) plus
the project's example functions. Each program's call is traced in the sandbox (and again
under the second hash seed, so a program whose trace depends on it is left out); the
questions of every style (``execverify``, ``execverify-strict``, ``cruxeval``, ``reval``)
and kind are built, and every question's reference answer is scored: the dataset is
written only with questions whose reference answer earns full reward. A per-level summary
and plots come with it. Each stage returns its report; the command renders it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from execgym._jsonl import JsonLinesWriter
from execgym.bench import ProgressBar, no_progress
from execgym.rewards import get_reward, score_question
from execgym.sandbox import Sandbox
from execgym.synth import (
    DatasetBuilder,
    GrammarGenerator,
    ProgramFilter,
    SynthConfig,
    builtin_levels,
    level_statistics,
    read_program_rows,
    write_report,
)
from execgym.tasks import STYLE_KINDS, STYLES, BuildStats, Program, Question, iter_questions
from execgym.train import read_rows, write_verl


@dataclass
class DatasetReport:
    """What the dataset stage built and checked."""

    path: Path
    programs: int
    examples: int = 0
    """How many of the programs are the project's built-in example functions (the rest
    were synthesized)."""
    questions_by_style: Counter[str] = field(default_factory=Counter)
    items_by_kind: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    unverified: list[str] = field(default_factory=list)
    """Questions whose reference answer did not earn full reward (left out of the file)."""
    verl_path: Path | None = None
    """The questions as verl's training parquet (``execgym export verl``)."""
    verl_rows: int = 0

    @property
    def questions(self) -> int:
        return sum(self.questions_by_style.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "programs": self.programs,
            "synthesized_programs": self.programs - self.examples,
            "example_programs": self.examples,
            "questions": self.questions,
            "questions_by_style": dict(self.questions_by_style),
            "items_by_kind": dict(sorted(self.items_by_kind.items())),
            "skipped_programs": dict(self.skipped),
            "unverified": self.unverified,
            "verl_parquet": str(self.verl_path) if self.verl_path else None,
            "verl_rows": self.verl_rows,
        }


@dataclass
class SynthReport:
    """The programs the synthesis stage kept, and where their report went."""

    path: Path
    programs: list[Program]
    per_level: dict[str, int]
    statistics: dict[str, dict[str, Any]]
    """:func:`~execgym.synth.level_statistics` of the kept programs."""
    report_files: list[Path]

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "programs_per_level": self.per_level,
            "report_files": [str(path) for path in self.report_files],
        }


def synthesis_stage(
    first: Sandbox,
    second: Sandbox,
    per_level: int,
    seed: int,
    output_dir: Path,
    progress: ProgressBar = no_progress,
) -> SynthReport:
    """Synthesize ``per_level`` programs at each built-in level into ``programs.jsonl`` (from
    scratch) and write the per-level report (statistics and plots) under ``synth-report/``."""
    path = output_dir / "programs.jsonl"
    path.unlink(missing_ok=True)
    levels = tuple(builtin_levels().values())
    config = SynthConfig(levels=levels, per_level=per_level, seed=seed)
    builder = DatasetBuilder(GrammarGenerator(), ProgramFilter(first, second), config)
    with progress("synthesizing", len(levels) * per_level) as advance:
        builder.run(path, on_row=lambda _row: advance())
    rows = read_program_rows(path)
    programs = [
        Program(id=row["id"], code=row["code"], input=row["input"], entry=row["entry"])
        for row in rows
    ]
    files = write_report(rows, output_dir / "synth-report") if rows else []
    counts = {str(level): n for level, n in Counter(r["level"] for r in rows).items()}
    return SynthReport(path, programs, counts, level_statistics(rows), files)


def reference_earns_full_reward(question: Question, sandbox: Sandbox) -> bool:
    """Every item right, and the ``execverify`` reward at the best the question allows (2 for
    a combined prompt with white-box items and for ExecVerify's own input prompt)."""
    score = score_question(question, question.reference_answer, sandbox=sandbox)
    rule = get_reward("execverify")
    return score.accuracy == 1.0 and rule(score) == rule.maximum(score)


def dataset_stage(
    sandbox: Sandbox,
    second_seed: Sandbox,
    synthesized: Sequence[Program],
    examples: Sequence[Program],
    output_dir: Path,
    seed: int = 0,
    progress: ProgressBar = no_progress,
) -> DatasetReport:
    """Write ``questions.jsonl`` (every style and kind) from the synthesized programs and the
    built-in examples, and return what was built; ``progress`` counts programs traced, over
    every style."""
    programs = [*synthesized, *examples]
    report = DatasetReport(
        path=output_dir / "questions.jsonl", programs=len(programs), examples=len(examples)
    )
    with (
        report.path.open("w", encoding="utf-8") as out,
        progress("questions", len(programs) * len(STYLES)) as advance,
    ):
        writer = JsonLinesWriter(out, compact=True)
        for style in STYLES:
            stats = BuildStats()
            kinds = list(STYLE_KINDS[style])
            questions = iter_questions(
                sandbox, programs, kinds, style, seed, stats=stats, second_seed=second_seed
            )
            shown = 0
            for question in questions:
                for _ in range(stats.programs - shown):
                    advance()
                shown = stats.programs
                if not reference_earns_full_reward(question, sandbox):
                    report.unverified.append(question.id)
                    continue
                writer.write(question)
                report.questions_by_style[style] += 1
                for item in question.items:
                    report.items_by_kind[str(item.kind)] += 1
            for _ in range(len(programs) - shown):
                advance()
            report.skipped.update({f"{style}: {why}": n for why, n in stats.skipped.items()})
    rows, _ = read_rows(report.path, "questions")
    report.verl_path = output_dir / "train.parquet"
    report.verl_rows = write_verl(rows, report.verl_path)
    return report
