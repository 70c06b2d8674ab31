"""The main job, ``execgym pipeline``, on embedded defaults: no model, no network, no data.

Stages, one function each: check the sandbox (doctor), judge the project's own example
programs and check each gets its expected verdict, measure throughput over a repeated
batch of the passing examples, synthesize programs at every level and build the ExecVerify
question dataset from them and the project's example functions (``_dataset_stage``), every
reference answer verified, written as JSONL and as verl's training parquet.
:func:`run_pipeline` runs them in order and prints each report;
long stages show a progress bar. Later capabilities extend this job with further stages.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table

from execgym._batch import result_record
from execgym._dataset_stage import (
    DatasetReport,
    SynthReport,
    dataset_stage,
    print_dataset_report,
    print_synthesis_report,
    synthesis_stage,
)
from execgym._display import progress_bar
from execgym._doctor import DoctorReport, doctor_stage, print_doctor_report
from execgym._example_functions import EXAMPLE_FUNCTIONS
from execgym._examples import EXAMPLE_PROGRAMS, ExampleProgram, passing_examples
from execgym._jsonl import JsonLinesWriter, json_text
from execgym._verbatim import markup_escape
from execgym.sandbox import JudgeResult, Sandbox, SandboxConfig, Verdict
from execgym.synth import FILTER_PRELOAD


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


def print_verdict_table(console: Console, outcomes: Sequence[ExampleOutcome]) -> None:
    table = Table(
        title="example programs", box=box.SIMPLE_HEAD, pad_edge=False, collapse_padding=True
    )
    table.add_column("id", no_wrap=True)
    table.add_column("checker", no_wrap=True)
    table.add_column("expected", no_wrap=True)
    table.add_column("got", no_wrap=True)
    table.add_column("passed", justify="right", no_wrap=True)
    table.add_column("cpu ms", justify="right", no_wrap=True)
    for outcome in outcomes:
        got = outcome.result.verdict.value
        table.add_row(
            outcome.example.id,
            outcome.example.checker,
            outcome.example.expected.value,
            f"[green]{got}[/]" if outcome.matches else f"[bold red]{got}[/]",
            f"{outcome.result.passed}/{outcome.result.total}",
            f"{outcome.cpu_ms:.1f}",
        )
    console.print(table)


def throughput_stage(
    sandbox: Sandbox, examples: Sequence[ExampleProgram], programs: int, console: Console
) -> ThroughputReport:
    """Judge ``programs`` copies of ``examples`` (round robin) on every worker and time it."""
    requests = [
        examples[index % len(examples)].request(f"{examples[index % len(examples)].id}#{index}")
        for index in range(programs)
    ]
    verdicts: Counter[str] = Counter()
    tests = 0
    with progress_bar(console, "throughput", programs) as advance:
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


def print_throughput(console: Console, report: ThroughputReport) -> None:
    verdicts = ", ".join(f"{count} {verdict}" for verdict, count in report.verdicts.items())
    console.print(
        f"throughput: {report.programs} programs ({report.tests} tests) in {report.wall_s:.2f} s "
        f"on {report.workers} worker(s): [bold]{report.programs_per_s:.1f} programs/s, "
        f"{report.tests_per_s:.1f} tests/s[/] ({verdicts})",
        soft_wrap=True,
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


def run_pipeline(
    console: Console,
    errors: Console,
    workers: int | None,
    output_dir: Path,
    throughput_programs: int,
    per_level: int,
    seed: int,
) -> bool:
    """Run every stage into ``output_dir`` (reports on ``console``, progress bars on
    ``errors``); whether every check passed."""
    throughput: ThroughputReport | None = None
    # Both sandboxes also validate synthesized programs: preload the filter's instrument.
    with Sandbox(workers=workers, config=SandboxConfig(preload=FILTER_PRELOAD)) as sandbox:
        sandbox.start()
        doctor_report = doctor_stage(sandbox)
        print_doctor_report(console, doctor_report)
        if not doctor_report.sandbox_works:
            write_pipeline_summary(output_dir, doctor_report, [], None)
            return False
        with (output_dir / "verdicts.jsonl").open("w", encoding="utf-8") as verdicts_file:
            outcomes = judge_examples_stage(
                sandbox, EXAMPLE_PROGRAMS, JsonLinesWriter(verdicts_file)
            )
        print_verdict_table(console, outcomes)
        if throughput_programs > 0:
            throughput = throughput_stage(sandbox, passing_examples(), throughput_programs, errors)
            print_throughput(console, throughput)
        second_seed = SandboxConfig(hash_seed=sandbox.config.hash_seed + 1, preload=FILTER_PRELOAD)
        with Sandbox(workers=workers, config=second_seed) as other:
            synthesized = synthesis_stage(sandbox, other, per_level, seed, output_dir, errors)
            print_synthesis_report(console, synthesized)
            dataset = dataset_stage(
                sandbox, other, synthesized.programs, EXAMPLE_FUNCTIONS, output_dir, seed, errors
            )
        print_dataset_report(console, dataset)
    summary_path = write_pipeline_summary(
        output_dir, doctor_report, outcomes, throughput, dataset, synthesized
    )
    mismatched = [outcome for outcome in outcomes if not outcome.matches]
    failed = bool(mismatched) or (throughput is not None and not throughput.all_ok)
    if dataset.unverified or not dataset.questions:
        console.print("[bold red]dataset:[/] some reference answers did not earn full reward")
        failed = True
    for outcome in mismatched:
        detail = outcome.result.detail
        console.print(
            f"[bold red]mismatch:[/] {markup_escape(outcome.example.id)} expected "
            f"{outcome.example.expected.value}, got {outcome.result.verdict.value}"
            + (f" ({markup_escape(detail)})" if detail else ""),
            soft_wrap=True,
        )
    if throughput is not None and not throughput.all_ok:
        console.print("[bold red]throughput batch:[/] not every passing example was judged OK")
    matched = len(outcomes) - len(mismatched)
    status = "[bold red]FAILED[/]" if failed else "[bold green]OK[/]"
    console.print(
        f"{status}: {matched}/{len(outcomes)} examples got their expected verdict; "
        f"wrote {markup_escape(str(output_dir / 'verdicts.jsonl'))} and "
        f"{markup_escape(str(summary_path))}",
        soft_wrap=True,
    )
    return not failed
