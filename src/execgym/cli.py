"""The ``execgym`` command line: run, judge, trace, questions, eval, score, synth, doctor and
the main job (``pipeline``).

This module only wires: batch files live in :mod:`execgym._batch`, the pipeline's stages in
:mod:`execgym._pipeline` and :mod:`execgym._dataset_stage`, the eval and synth commands in
:mod:`execgym._eval_cli` and :mod:`execgym._synth_cli`, and all execution in
:mod:`execgym.sandbox`.

Exit statuses: 0 success, 1 a failure the command reports (a verdict other than OK for
``run``, malformed input lines for ``judge``, a broken sandbox for ``doctor``, an example
with the wrong verdict for ``pipeline``), 2 a usage error (bad option, missing file).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape

from execgym._batch import (
    DEFAULT_MAX_OUTPUT_CHARS,
    BatchLine,
    BatchLineError,
    BatchWriter,
    count_nonblank_lines,
    ends_with_newline,
    finished_ids,
    read_batch,
    result_record,
)
from execgym._dataset_stage import (
    dataset_stage,
    print_dataset_report,
    print_synthesis_report,
    synthesis_stage,
)
from execgym._display import progress_bar, run_summary_line
from execgym._doctor import doctor_stage, print_doctor_report
from execgym._eval_cli import eval_command, score_command
from execgym._example_functions import EXAMPLE_FUNCTIONS
from execgym._examples import EXAMPLE_PROGRAMS, passing_examples
from execgym._pipeline import (
    DEFAULT_PIPELINE_DIR,
    DEFAULT_THROUGHPUT_PROGRAMS,
    ThroughputReport,
    judge_examples_stage,
    print_throughput,
    print_verdict_table,
    throughput_stage,
    write_pipeline_summary,
)
from execgym._synth_cli import synth_app
from execgym.sandbox import (
    JudgeRequest,
    Limits,
    RunResult,
    Sandbox,
    SandboxConfig,
    Verdict,
)
from execgym.synth import FILTER_PRELOAD
from execgym.tasks import (
    STYLE_KINDS,
    STYLES,
    BuildStats,
    Kind,
    ProgramFormatError,
    check_style,
    iter_programs,
    iter_questions,
)
from execgym.trace import TraceOptions, TraceStatus, split_call, trace_call, trace_script
from execgym.trace._render import step_table

EXIT_OK = 0
EXIT_FAILURE = 1
EXIT_USAGE = 2

RUN_JSON_KEYS = ("verdict", "exit_code", "stdout", "stderr", "cpu_s", "wall_s", "peak_memory_mb")
"""The keys of ``execgym run --json``'s object (plus ``detail``)."""


app = typer.Typer(
    name="execgym",
    help="Code execution as ground truth for training and evaluating code LLMs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="markdown",
)


def main() -> None:
    """Entry point of the ``execgym`` console script."""
    app()


def _stderr_console() -> Console:
    return Console(stderr=True, highlight=False)


def _stdout_console() -> Console:
    return Console(highlight=False)


def _usage_error(message: str) -> typer.Exit:
    _stderr_console().print(f"[bold red]error:[/] {escape(message)}", soft_wrap=True)
    return typer.Exit(EXIT_USAGE)


def _read_text_file(path: Path, what: str) -> str:
    """The UTF-8 text of ``path``; a missing or unreadable file is a usage error naming it."""
    if not path.exists():
        raise _usage_error(f"{what} not found: {path}")
    if not path.is_file():
        raise _usage_error(f"{what} is not a file: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise _usage_error(f"{what} is not UTF-8 text: {path} ({exc})") from None
    except OSError as exc:
        raise _usage_error(f"cannot read {what} {path}: {exc.strerror}") from None


# ---- execgym run --------------------------------------------------------------------------------


@app.command()
def run(
    program: Annotated[Path, typer.Argument(help="The Python script to run.")],
    stdin: Annotated[
        Path | None,
        typer.Option("--stdin", help="File fed to the program's standard input ('-': ours)."),
    ] = None,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.001, help="CPU seconds.")
    ] = Limits().time_s,
    wall_limit: Annotated[
        float | None,
        typer.Option(
            "--wall-limit", min=0.001, help="Wall seconds (default: twice the time limit plus 1)."
        ),
    ] = None,
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", min=1, help="Memory limit in MB.")
    ] = Limits().memory_mb,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print one JSON object instead of the raw output.")
    ] = False,
) -> None:
    """Run PROGRAM once in the sandbox.

    Without --json the program's standard output goes to ours, its standard error to ours,
    followed by a one-line summary on standard error. With --json one JSON object is printed:
    verdict, exit_code, stdout, stderr, cpu_s, wall_s, peak_memory_mb, detail.

    Exit status: 0 when the verdict is OK, 1 for any other verdict, 2 for a usage error
    (such as a missing PROGRAM or --stdin file).
    """
    code = _read_text_file(program, "program file")
    if stdin is None:
        stdin_text = ""
    elif str(stdin) == "-":
        stdin_text = sys.stdin.read()
    else:
        stdin_text = _read_text_file(stdin, "stdin file")
    limits = Limits(time_s=time_limit, wall_s=wall_limit, memory_mb=memory_mb)
    with Sandbox(workers=1) as sandbox:
        result = sandbox.run(code, stdin_text, limits)
    if json_output:
        sys.stdout.write(json.dumps(run_json_object(result), ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(result.stdout)
        sys.stdout.flush()
        sys.stderr.write(result.stderr)
        sys.stderr.flush()
        _stderr_console().print(run_summary_line(result), soft_wrap=True)
    raise typer.Exit(EXIT_OK if result.verdict is Verdict.OK else EXIT_FAILURE)


@app.command()
def trace(
    program: Annotated[Path, typer.Argument(help="The Python program to trace.")],
    call: Annotated[
        str | None,
        typer.Option("--call", help='The call to trace, e.g. "f(1, 2)" (default: the script).'),
    ] = None,
    stdin: Annotated[
        Path | None, typer.Option("--stdin", help="Standard input when tracing the script.")
    ] = None,
    max_steps: Annotated[int, typer.Option("--max-steps", min=1, help="Step cap.")] = 10_000,
    time_limit: Annotated[
        float, typer.Option("--time-limit", min=0.001, help="CPU seconds.")
    ] = 2.0,
    json_output: Annotated[
        bool, typer.Option("--json", help="Print the full trace as JSON.")
    ] = False,
) -> None:
    """Trace PROGRAM line by line in the sandbox: every step with the variables it changed.

    With --call "f(1, 2)" the call is traced (its arguments are evaluated in the program's
    namespace); without it, the whole script. A readable step table on a terminal; the full
    trace as one JSON object with --json. Exit status: 0 when the run ended normally, 1 when
    it raised or hit a cap (the trace up to there is still printed), 2 for a usage error.
    """
    code = _read_text_file(program, "program file")
    stdin_text = _read_text_file(stdin, "stdin file") if stdin is not None else ""
    options = TraceOptions(max_steps=max_steps, limits=Limits(time_s=time_limit, memory_mb=512))
    with Sandbox(workers=1) as sandbox:
        if call is None:
            result = trace_script(sandbox, code, stdin_text, options)
        else:
            try:
                entry, args_src = split_call(call)
            except ValueError as exc:
                raise _usage_error(str(exc)) from None
            result = trace_call(sandbox, code, entry, args_src, options)
    if json_output:
        sys.stdout.write(result.model_dump_json() + "\n")
    else:
        console = _stdout_console()
        console.print(step_table(result))
        if result.output is not None:
            console.print(f"output: {escape(result.output.repr or '?')} ({result.output.type})")
        if result.error is not None:
            console.print(f"[red]{escape(result.error.type)}: {escape(result.error.message)}[/]")
    raise typer.Exit(EXIT_OK if result.status is TraceStatus.OK else EXIT_FAILURE)


@app.command()
def questions(
    programs: Annotated[Path, typer.Argument(help='JSONL of {"id", "code", "entry", "input"}.')],
    output: Annotated[Path, typer.Option("-o", "--output", help="Questions JSONL to write.")],
    kinds: Annotated[
        str | None,
        typer.Option("--kinds", help="Comma-separated kinds (default: all the style asks)."),
    ] = None,
    style: Annotated[
        str,
        typer.Option(
            "--style",
            help="execverify (ExecVerify's own format), execverify-strict, cruxeval or reval.",
        ),
    ] = "execverify",
    seed: Annotated[int, typer.Option("--seed", help="Selection seed.")] = 0,
    cot: Annotated[bool, typer.Option("--cot", help="Chain-of-thought prompts.")] = False,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Parallel sandboxes.")
    ] = None,
    determinism: Annotated[
        bool,
        typer.Option(
            "--determinism-check/--no-determinism-check",
            help="Leave out questions whose answer changes under a second hash seed.",
        ),
    ] = True,
) -> None:
    """Trace every program's call and write its execution questions, one prompt per line.

    Each output line is a Question: id, style, kind, prompt, the items with their reference
    answers, and a reference answer that scores full reward. CRUXEval's rows work as they
    are. Malformed rows are reported (file, line, field) and skipped; programs whose call
    raises or times out are skipped and counted; with the determinism check, each question
    whose answer changes under a second hash seed is left out and counted. The same input,
    kinds, style and seed give the same file, byte for byte. Exit status: 0 on success, 1
    if any row was malformed, 2 for a usage error.
    """
    if style not in STYLES:
        raise _usage_error(f"unknown style {style!r}; known styles: {', '.join(STYLES)}")
    try:
        wanted = (
            [Kind(name.strip()) for name in kinds.split(",") if name.strip()]
            if kinds
            else list(STYLE_KINDS[style])
        )
        check_style(style, wanted)
    except ValueError as exc:
        raise _usage_error(str(exc)) from None
    if not programs.is_file():
        raise _usage_error(f"programs file not found: {programs}")
    errors = _stderr_console()
    malformed: list[str] = []

    def report(error: ProgramFormatError) -> None:
        malformed.append(str(error))
        errors.print(f"[red]error:[/] {escape(str(error))}", soft_wrap=True)

    stats = BuildStats()
    total = sum(1 for line in programs.open(encoding="utf-8") if line.strip())
    with ExitStack() as stack:
        sandbox = stack.enter_context(Sandbox(workers=workers))
        second = None
        if determinism:
            config = SandboxConfig(hash_seed=sandbox.config.hash_seed + 1)
            second = stack.enter_context(Sandbox(workers=workers, config=config))
        out = stack.enter_context(output.open("w", encoding="utf-8"))
        advance = stack.enter_context(progress_bar(errors, "questions", total))
        seen_programs = 0
        for question in iter_questions(
            sandbox,
            iter_programs(programs, on_error=report),
            wanted,
            style,
            seed,
            cot,
            stats=stats,
            second_seed=second,
        ):
            out.write(question.model_dump_json() + "\n")
            out.flush()
            while seen_programs < stats.programs:
                seen_programs += 1
                advance()
    errors.print(
        f"{stats.questions} questions ({stats.items} items) from {stats.programs} programs "
        f"written to {escape(str(output))}; {stats.describe()}; malformed rows: {len(malformed)}",
        soft_wrap=True,
    )
    raise typer.Exit(EXIT_FAILURE if malformed else EXIT_OK)


app.command("eval")(eval_command)
app.command("score")(score_command)
app.add_typer(synth_app, name="synth")


def run_json_object(result: RunResult) -> dict[str, Any]:
    """``execgym run --json``'s object: the fixed keys plus ``detail``."""
    dumped = result.model_dump(mode="json")
    record = {key: dumped[key] for key in RUN_JSON_KEYS}
    record["detail"] = result.detail
    return record


# ---- execgym judge ------------------------------------------------------------------------------


@dataclass
class JudgeTally:
    """What ``execgym judge`` did with the lines of one batch."""

    verdicts: Counter[str] = field(default_factory=Counter)
    malformed: int = 0
    already_done: int = 0

    @property
    def judged(self) -> int:
        return sum(self.verdicts.values())

    def summary(self) -> str:
        counts = ", ".join(f"{count} {verdict}" for verdict, count in self.verdicts.most_common())
        text = f"judged {self.judged} program(s)" + (f" ({counts})" if counts else "")
        text += f"; {self.malformed} malformed line(s) skipped"
        if self.already_done:
            text += f"; {self.already_done} already in the output (--resume)"
        return text


@app.command()
def judge(
    batch: Annotated[
        Path, typer.Option("--batch", help="JSONL file: one program and its tests per line.")
    ],
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Parallel sandboxes (default: one per core)."),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option("-o", "--output", help="Write results here instead of standard output."),
    ] = None,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Append to -o, skipping ids it already holds a verdict for."),
    ] = False,
    max_output_chars: Annotated[
        int,
        typer.Option("--max-output-chars", min=0, help="Cut each test's stdout/stderr to this."),
    ] = DEFAULT_MAX_OUTPUT_CHARS,
) -> None:
    """Judge every program of a JSONL batch file against its tests.

    Input line: {"id", "code", "tests", "checker", "time_limit", "memory_mb"}; a test is
    {"input", "output"} (standard input; "output" may list several accepted outputs) or
    {"fn_name", "args", "expected"} (a function call). Defaults: checker "tokens",
    time_limit 4 CPU seconds per test, memory_mb 1024. Optional: "wall_limit",
    "isolate_tests", "preamble", "meta" (free-form, not read); any other key is an error,
    so a misspelt limit is never silently ignored. Call tests may use "args_src" and
    "expected_literal".

    Output line, in completion order and flushed as each program finishes:
    {"id", "line", "verdict", "passed", "total", "tests": [...], "detail"}; each test's
    stdout, stderr and traceback are cut to --max-output-chars characters (1000 by default).
    A malformed line is reported on standard error and written as {"id", "line", "field",
    "error"}; the other lines are still judged.

    Exit status: 0 when every line was judged (whatever the verdicts), 1 if any line was
    malformed, 2 for a usage error.
    """
    if not batch.is_file():
        raise _usage_error(f"batch file not found: {batch}")
    if resume and output is None:
        raise _usage_error("--resume needs -o/--output")
    errors = _stderr_console()
    done_ids = finished_ids(output) if resume and output is not None else set()
    tally = JudgeTally()
    with ExitStack() as stack:
        writer = BatchWriter(_open_judge_output(stack, output, resume))
        advance = stack.enter_context(progress_bar(errors, "judging", count_nonblank_lines(batch)))
        sandbox = stack.enter_context(Sandbox(workers=workers))
        pending: dict[str, BatchLine] = {}

        def requests() -> Iterator[JudgeRequest]:
            for item in read_batch(batch):
                if isinstance(item, BatchLineError):
                    tally.malformed += 1
                    errors.print(f"[bold red]error:[/] {escape(str(item))}", soft_wrap=True)
                    writer.write(item.output_record())
                    advance()
                elif item.request.id is not None and item.request.id in done_ids:
                    tally.already_done += 1
                    advance()
                else:
                    key = f"line {item.line_number}"
                    pending[key] = item
                    yield dataclasses.replace(item.request, id=key)

        for keyed_result in sandbox.judge_many(requests()):
            item = pending.pop(keyed_result.id or "")
            result = keyed_result.model_copy(update={"id": item.request.id})
            writer.write(result_record(result, item.line_number, max_output_chars))
            tally.verdicts[result.verdict.value] += 1
            advance()
    errors.print(tally.summary(), soft_wrap=True)
    raise typer.Exit(EXIT_FAILURE if tally.malformed else EXIT_OK)


def _open_judge_output(stack: ExitStack, output: Path | None, resume: bool) -> IO[str]:
    if output is None:
        return sys.stdout
    try:
        if output.parent != Path():
            output.parent.mkdir(parents=True, exist_ok=True)
        append = resume and output.exists()
        stream = stack.enter_context(output.open("a" if append else "w", encoding="utf-8"))
    except OSError as exc:
        raise _usage_error(f"cannot write output file {output}: {exc.strerror}") from None
    if append and not ends_with_newline(output):
        stream.write("\n")  # a killed run cut its last line short; start a fresh one
    return stream


# ---- execgym doctor -----------------------------------------------------------------------------


@app.command()
def doctor() -> None:
    """Show which isolation features the sandbox has here, and prove it runs a program.

    Exit status: 0 when the sandbox runs a trivial program (even with features missing),
    1 when it cannot.
    """
    console = _stdout_console()
    with Sandbox(workers=1) as sandbox:
        report = doctor_stage(sandbox)
    print_doctor_report(console, report)
    raise typer.Exit(EXIT_OK if report.sandbox_works else EXIT_FAILURE)


# ---- execgym pipeline ---------------------------------------------------------------------------


@app.command()
def pipeline(
    workers: Annotated[
        int | None,
        typer.Option("--workers", min=1, help="Parallel sandboxes (default: one per core)."),
    ] = None,
    output_dir: Annotated[
        Path, typer.Option("-o", "--output-dir", help="Where verdicts.jsonl and summary.json go.")
    ] = DEFAULT_PIPELINE_DIR,
    throughput_programs: Annotated[
        int,
        typer.Option("--throughput-programs", min=0, help="Programs in the throughput batch."),
    ] = DEFAULT_THROUGHPUT_PROGRAMS,
    per_level: Annotated[
        int, typer.Option("--per-level", min=1, help="Programs synthesized per built-in level.")
    ] = 4,
    seed: Annotated[int, typer.Option("--seed", help="Synthesis and question seed.")] = 0,
) -> None:
    """Run execgym's main job on embedded defaults (no model, no network, no data).

    Stages: check the sandbox (doctor), judge the project's own example programs and check
    each gets its expected verdict, measure throughput over a repeated batch of the passing
    examples, synthesize programs at every built-in level with a per-level report and plots,
    then trace them and the project's example functions and build the ExecVerify question
    dataset in every style, keeping only questions whose reference answer earns full
    reward. Writes OUTPUT_DIR/verdicts.jsonl, programs.jsonl, synth-report/,
    questions.jsonl and summary.json.

    Exit status: 0 when every example got its expected verdict, 1 otherwise (or when the
    sandbox does not work).
    """
    console = _stdout_console()
    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _usage_error(f"cannot create output directory {output_dir}: {exc.strerror}") from None
    throughput: ThroughputReport | None = None
    # Both sandboxes also validate synthesized programs: preload the filter's instrument.
    with Sandbox(workers=workers, config=SandboxConfig(preload=FILTER_PRELOAD)) as sandbox:
        sandbox.start()
        doctor_report = doctor_stage(sandbox)
        print_doctor_report(console, doctor_report)
        if not doctor_report.sandbox_works:
            write_pipeline_summary(output_dir, doctor_report, [], None)
            raise typer.Exit(EXIT_FAILURE)
        with (output_dir / "verdicts.jsonl").open("w", encoding="utf-8") as verdicts_file:
            outcomes = judge_examples_stage(sandbox, EXAMPLE_PROGRAMS, BatchWriter(verdicts_file))
        print_verdict_table(console, outcomes)
        if throughput_programs > 0:
            throughput = throughput_stage(
                sandbox, passing_examples(), throughput_programs, _stderr_console()
            )
            print_throughput(console, throughput)
        second_seed = SandboxConfig(hash_seed=sandbox.config.hash_seed + 1, preload=FILTER_PRELOAD)
        with Sandbox(workers=workers, config=second_seed) as other:
            synthesized = synthesis_stage(sandbox, other, per_level, seed, output_dir)
            print_synthesis_report(console, synthesized)
            programs = [*synthesized.programs, *EXAMPLE_FUNCTIONS]
            dataset = dataset_stage(sandbox, other, programs, output_dir, seed)
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
        console.print(
            f"[bold red]mismatch:[/] {outcome.example.id} expected "
            f"{outcome.example.expected.value}, got {outcome.result.verdict.value}"
            + (f" ({escape(outcome.result.detail)})" if outcome.result.detail else ""),
            soft_wrap=True,
        )
    if throughput is not None and not throughput.all_ok:
        console.print("[bold red]throughput batch:[/] not every passing example was judged OK")
    matched = len(outcomes) - len(mismatched)
    status = "[bold red]FAILED[/]" if failed else "[bold green]OK[/]"
    console.print(
        f"{status}: {matched}/{len(outcomes)} examples got their expected verdict; "
        f"wrote {escape(str(output_dir / 'verdicts.jsonl'))} and {escape(str(summary_path))}",
        soft_wrap=True,
    )
    raise typer.Exit(EXIT_FAILURE if failed else EXIT_OK)


if __name__ == "__main__":
    main()
