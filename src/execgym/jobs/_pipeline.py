"""The main job, ``execgym pipeline``, on embedded defaults: no model, no network, no data.

Stages, one function each: check the sandbox (doctor), judge the project's own example
programs and check each gets its expected verdict, measure throughput over a repeated
batch of the passing examples, synthesize programs at every level and build the ExecVerify
question dataset from them and the project's example functions (``_dataset_stage``), every
reference answer verified, written as JSONL and as verl's training parquet.
:func:`run_pipeline` runs them in order, hands each stage's report to its caller as the
stage ends, and returns a :class:`PipelineReport` that decides pass or fail; long stages
report progress. Later capabilities extend this job with further stages.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from execgym._jsonl import JsonLinesWriter, json_text
from execgym.bench import ProgressBar, no_progress, result_record
from execgym.jobs._dataset_stage import (
    DatasetReport,
    SynthReport,
    dataset_stage,
    synthesis_stage,
)
from execgym.jobs._doctor import DoctorReport, doctor_stage
from execgym.jobs._example_functions import EXAMPLE_FUNCTIONS
from execgym.jobs._examples import EXAMPLE_PROGRAMS, ExampleProgram, passing_examples
from execgym.sandbox import JudgeResult, Sandbox, SandboxConfig, Verdict
from execgym.synth import INSTRUMENTS


@dataclass(frozen=True)
class ExampleOutcome:
    """An example program's judgement next to the verdict it had to get."""

    example: ExampleProgram
    result: JudgeResult

    @property
    def matches(self) -> bool:
        return self.result.verdict is self.example.expected

    @property
    def cpu_ms(self) -> float:
        return sum(test.cpu_s for test in self.result.tests) * 1000

    def record(self) -> dict[str, Any]:
        """The ``verdicts.jsonl`` line."""
        return {
            "id": self.example.id,
            "description": self.example.description,
            "checker": self.example.checker,
            "expected": self.example.expected.value,
            "matches": self.matches,
            "cpu_ms": round(self.cpu_ms, 3),
            **{k: v for k, v in result_record(self.result).items() if k != "id"},
        }


@dataclass(frozen=True)
class ThroughputReport:
    """Judging speed over a repeated batch of passing programs."""

    workers: int
    programs: int
    tests: int
    wall_s: float
    verdicts: dict[str, int]

    @property
    def programs_per_s(self) -> float:
        return self.programs / self.wall_s if self.wall_s else 0.0

    @property
    def tests_per_s(self) -> float:
        return self.tests / self.wall_s if self.wall_s else 0.0

    @property
    def all_ok(self) -> bool:
        return self.verdicts.get(Verdict.OK.value, 0) == self.programs

    def as_json(self) -> dict[str, Any]:
        return {
            "workers": self.workers,
            "programs": self.programs,
            "tests": self.tests,
            "wall_s": round(self.wall_s, 4),
            "programs_per_s": round(self.programs_per_s, 2),
            "tests_per_s": round(self.tests_per_s, 2),
            "verdicts": self.verdicts,
        }


def judge_examples_stage(
    sandbox: Sandbox, examples: Sequence[ExampleProgram], writer: JsonLinesWriter | None = None
) -> list[ExampleOutcome]:
    """Judge every example (written to ``writer`` as each finishes), in the examples' order."""
    by_id = {example.id: example for example in examples}
    outcomes: dict[str, ExampleOutcome] = {}
    for result in sandbox.judge_many(example.request() for example in examples):
        outcome = ExampleOutcome(by_id[result.id or ""], result)
        outcomes[outcome.example.id] = outcome
        if writer is not None:
            writer.write(outcome.record())
    return [outcomes[example.id] for example in examples]


def throughput_stage(
    sandbox: Sandbox,
    examples: Sequence[ExampleProgram],
    programs: int,
    progress: ProgressBar = no_progress,
) -> ThroughputReport:
    """Judge ``programs`` copies of ``examples`` (round robin) on every worker and time it."""
    requests = [
        examples[index % len(examples)].request(f"{examples[index % len(examples)].id}#{index}")
        for index in range(programs)
    ]
    verdicts: Counter[str] = Counter()
    tests = 0
    with progress("throughput", programs) as advance:
        started = time.perf_counter()
        for result in sandbox.judge_many(requests):
            verdicts[result.verdict.value] += 1
            tests += result.total
            advance()
        wall_s = time.perf_counter() - started
    return ThroughputReport(
        workers=sandbox.workers,
        programs=programs,
        tests=tests,
        wall_s=wall_s,
        verdicts=dict(verdicts),
    )


def write_pipeline_summary(
    output_dir: Path,
    doctor_report: DoctorReport,
    outcomes: Sequence[ExampleOutcome],
    throughput: ThroughputReport | None,
    dataset: DatasetReport | None = None,
    synthesized: SynthReport | None = None,
) -> Path:
    """Write ``summary.json`` and return its path."""
    summary = {
        "examples": len(outcomes),
        "matched": sum(outcome.matches for outcome in outcomes),
        "mismatched": [
            {
                "id": outcome.example.id,
                "expected": outcome.example.expected.value,
                "got": outcome.result.verdict.value,
            }
            for outcome in outcomes
            if not outcome.matches
        ],
        "throughput": throughput.as_json() if throughput else None,
        "synthesis": synthesized.as_json() if synthesized else None,
        "dataset": dataset.as_json() if dataset else None,
        "doctor": doctor_report.as_json(),
    }
    path = output_dir / "summary.json"
    path.write_text(json_text(summary, indent=2) + "\n", encoding="utf-8")
    return path


@dataclass
class PipelineReport:
    """What the main job did, stage by stage, and whether every check passed."""

    output_dir: Path
    doctor: DoctorReport
    outcomes: list[ExampleOutcome] = field(default_factory=list)
    throughput: ThroughputReport | None = None
    synthesized: SynthReport | None = None
    dataset: DatasetReport | None = None
    summary_path: Path | None = None

    @property
    def mismatched(self) -> list[ExampleOutcome]:
        """The examples that did not get their expected verdict."""
        return [outcome for outcome in self.outcomes if not outcome.matches]

    @property
    def throughput_failed(self) -> bool:
        return self.throughput is not None and not self.throughput.all_ok

    @property
    def dataset_failed(self) -> bool:
        """Some reference answer did not earn full reward, or no question was built."""
        return self.dataset is not None and (
            bool(self.dataset.unverified) or not self.dataset.questions
        )

    @property
    def ok(self) -> bool:
        """The sandbox works, every example got its expected verdict, the throughput batch
        was judged OK and every reference answer of the dataset earned full reward."""
        return (
            self.doctor.sandbox_works
            and self.dataset is not None
            and not self.mismatched
            and not self.throughput_failed
            and not self.dataset_failed
        )


StageReport = DoctorReport | list[ExampleOutcome] | ThroughputReport | SynthReport | DatasetReport
"""What :func:`run_pipeline` hands to ``on_stage`` as each stage ends."""


def run_pipeline(
    output_dir: Path,
    *,
    workers: int | None = None,
    throughput_programs: int = 200,
    per_level: int = 4,
    seed: int = 0,
    progress: ProgressBar = no_progress,
    on_stage: Callable[[StageReport], None] = lambda report: None,
) -> PipelineReport:
    """Run every stage into ``output_dir`` (which must exist); ``on_stage`` gets each
    stage's report as the stage ends, and the returned report says whether every check
    passed (:attr:`PipelineReport.ok`). A sandbox that does not work ends the job after the
    doctor."""
    # Both sandboxes validate synthesized programs and trace questions: allow the filters'
    # instruments (the tracer's among them).
    with Sandbox(workers=workers, config=SandboxConfig(instruments=INSTRUMENTS)) as sandbox:
        sandbox.start()
        report = PipelineReport(output_dir, doctor_stage(sandbox))
        on_stage(report.doctor)
        if not report.doctor.sandbox_works:
            report.summary_path = write_pipeline_summary(output_dir, report.doctor, [], None)
            return report
        with (output_dir / "verdicts.jsonl").open("w", encoding="utf-8") as verdicts_file:
            report.outcomes = judge_examples_stage(
                sandbox, EXAMPLE_PROGRAMS, JsonLinesWriter(verdicts_file)
            )
        on_stage(report.outcomes)
        if throughput_programs > 0:
            report.throughput = throughput_stage(
                sandbox, passing_examples(), throughput_programs, progress
            )
            on_stage(report.throughput)
        second_seed = SandboxConfig(hash_seed=sandbox.config.hash_seed + 1, instruments=INSTRUMENTS)
        with Sandbox(workers=workers, config=second_seed) as other:
            report.synthesized = synthesis_stage(
                sandbox, other, per_level, seed, output_dir, progress
            )
            on_stage(report.synthesized)
            report.dataset = dataset_stage(
                sandbox,
                other,
                report.synthesized.programs,
                EXAMPLE_FUNCTIONS,
                output_dir,
                seed,
                progress,
            )
        on_stage(report.dataset)
    report.summary_path = write_pipeline_summary(
        output_dir,
        report.doctor,
        report.outcomes,
        report.throughput,
        report.dataset,
        report.synthesized,
    )
    return report
