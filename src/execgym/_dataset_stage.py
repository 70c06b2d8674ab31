"""The main job's ExecVerify stages: synthesize programs at every level, trace them, ask
questions, verify every reference.

Programs come from the grammar generator at each built-in level (ExecVerify's L1-L6 and the
stricter L2-strict and L6-strict, validated in two sandboxes with different hash seeds) plus
the project's example functions. Each program's call is traced in the sandbox (and again
under the second hash seed, so a program whose trace depends on it is left out); the
questions of every style (``execverify``, ``execverify-strict``, ``cruxeval``, ``reval``)
and kind are built, and every question's reference answer is scored: the dataset is
written only with questions whose reference answer earns full reward. A per-level summary
and plots come with it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

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
from execgym.synth._report import markdown_table
from execgym.tasks import STYLE_KINDS, STYLES, BuildStats, Program, Question, iter_questions


@dataclass
class DatasetReport:
    """What the dataset stage built and checked."""

    path: Path
    programs: int
    questions_by_style: Counter[str] = field(default_factory=Counter)
    items_by_kind: Counter[str] = field(default_factory=Counter)
    skipped: Counter[str] = field(default_factory=Counter)
    unverified: list[str] = field(default_factory=list)
    """Questions whose reference answer did not earn full reward (left out of the file)."""

    @property
    def questions(self) -> int:
        return sum(self.questions_by_style.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "programs": self.programs,
            "questions": self.questions,
            "questions_by_style": dict(self.questions_by_style),
            "items_by_kind": dict(sorted(self.items_by_kind.items())),
            "skipped_programs": dict(self.skipped),
            "unverified": self.unverified,
        }


@dataclass
class SynthReport:
    """The programs the synthesis stage kept, and where their report went."""

    path: Path
    programs: list[Program]
    per_level: dict[str, int]
    statistics_markdown: str
    report_files: list[Path]

    def as_json(self) -> dict[str, Any]:
        return {
            "path": str(self.path),
            "programs_per_level": self.per_level,
            "report_files": [str(path) for path in self.report_files],
        }


def synthesis_stage(
    first: Sandbox, second: Sandbox, per_level: int, seed: int, output_dir: Path
) -> SynthReport:
    """Synthesize ``per_level`` programs at each built-in level into ``programs.jsonl`` (from
    scratch) and write the per-level report (statistics and plots) under ``synth-report/``."""
    path = output_dir / "programs.jsonl"
    path.unlink(missing_ok=True)
    levels = tuple(builtin_levels().values())
    config = SynthConfig(levels=levels, per_level=per_level, seed=seed)
    DatasetBuilder(GrammarGenerator(), ProgramFilter(first, second), config).run(path)
    rows = read_program_rows(path)
    programs = [
        Program(id=row["id"], code=row["code"], input=row["input"], entry=row["entry"])
        for row in rows
    ]
    files = write_report(rows, output_dir / "synth-report") if rows else []
    counts = {str(level): n for level, n in Counter(r["level"] for r in rows).items()}
    return SynthReport(path, programs, counts, markdown_table(level_statistics(rows)), files)


def print_synthesis_report(console: Console, report: SynthReport) -> None:
    console.print("synthesized programs by level:")
    console.print(report.statistics_markdown, markup=False, highlight=False, soft_wrap=True)
    plots = [path for path in report.report_files if path.suffix == ".png"]
    if plots:
        console.print(f"plots: {plots[0].parent} ({len(plots)} PNG files)", soft_wrap=True)


def reference_earns_full_reward(question: Question, sandbox: Sandbox) -> bool:
    """Every item right, and the ``execverify`` reward at the best the question allows (2 for
    a combined prompt with white-box items and for ExecVerify's own input prompt)."""
    score = score_question(question, question.reference_answer, sandbox=sandbox)
    rule = get_reward("execverify")
    return score.accuracy == 1.0 and rule(score) == rule.maximum(score)


def dataset_stage(
    sandbox: Sandbox,
    second_seed: Sandbox,
    programs: Sequence[Program],
    output_dir: Path,
    seed: int = 0,
) -> DatasetReport:
    """Write ``questions.jsonl`` (every style and kind) and return what was built."""
    report = DatasetReport(path=output_dir / "questions.jsonl", programs=len(programs))
    with report.path.open("w", encoding="utf-8") as out:
        for style in STYLES:
            stats = BuildStats()
            kinds = list(STYLE_KINDS[style])
            questions = iter_questions(
                sandbox, programs, kinds, style, seed, stats=stats, second_seed=second_seed
            )
            for question in questions:
                if not reference_earns_full_reward(question, sandbox):
                    report.unverified.append(question.id)
                    continue
                out.write(question.model_dump_json() + "\n")
                report.questions_by_style[style] += 1
                for item in question.items:
                    report.items_by_kind[item.kind.value] += 1
            report.skipped.update({f"{style}: {why}": n for why, n in stats.skipped.items()})
    return report


def print_dataset_report(console: Console, report: DatasetReport) -> None:
    table = Table(title="ExecVerify questions", box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("style")
    table.add_column("questions", justify="right")
    for style in STYLES:
        table.add_row(style, str(report.questions_by_style[style]))
    console.print(table)
    kinds = ", ".join(f"{kind} {n}" for kind, n in sorted(report.items_by_kind.items()))
    console.print(f"items by kind: {kinds}")
    verified = report.questions
    console.print(
        f"{verified} questions from {report.programs} programs, every reference answer "
        f"verified at full reward; {len(report.unverified)} left out; written to {report.path}",
        soft_wrap=True,
    )
    if report.skipped:
        console.print(f"programs skipped: {dict(report.skipped)}")
