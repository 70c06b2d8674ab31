"""``execgym judge``: judge a JSONL batch file, writing one result per line as each finishes.

The judging, resuming and re-keying are :func:`execgym.bench.judge_batch`'s; this module
reports on standard error as it goes (malformed lines, repeated ids, a repaired output
file) and says how to go on after Ctrl-C.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from execgym.cli._common import (
    EXIT_FAILURE,
    EXIT_INTERRUPTED,
    EXIT_OK,
    print_interrupted,
    stderr_console,
    usage_error,
)
from execgym.cli._defaults import MAX_OUTPUT_CHARS
from execgym.cli._ray_option import RAY_HELP, RAY_OPTION, ray_pool

MAX_REPEAT_WARNINGS = 10
"""Repeated ids named one by one on standard error; the rest are only counted."""


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
        typer.Option(
            "--resume", help="Append to -o, skipping the lines it already holds a verdict for."
        ),
    ] = False,
    max_output_chars: Annotated[
        int,
        typer.Option("--max-output-chars", min=0, help="Cut each test's stdout/stderr to this."),
    ] = MAX_OUTPUT_CHARS,
    ray: Annotated[str | None, typer.Option(RAY_OPTION, metavar="[ADDRESS]", help=RAY_HELP)] = None,
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
    {"id", "line", "verdict", "passed", "total", "tests": [...], "detail"}; "line" is the
    input line number, which tells results apart when ids repeat or are missing (a repeated
    id is warned about). Each test's stdout, stderr and traceback are cut to
    --max-output-chars characters (1000 by default). A malformed line is reported on
    standard error and written as {"id", "line", "field", "error"}; the other lines are
    still judged.

    --resume continues an interrupted run: lines the output already holds a verdict for
    (other than SANDBOX_ERROR) are skipped, after checking that they still carry the id
    recorded with them; a last output line cut short by the interruption is removed first.

    --ray [ADDRESS] judges on a Ray cluster instead of local sandboxes: the same records in
    the same file, the same --resume.

    Exit status: 0 when every line was judged (whatever the verdicts), 1 if any line was
    malformed, 2 for a usage error, 130 when interrupted.
    """
    from execgym._verbatim import markup_escape
    from execgym.bench import (
        BatchEvents,
        BatchJob,
        BatchLineError,
        BatchTally,
        BatchUsageError,
        RepeatedId,
        judge_batch,
    )
    from execgym.cli._display import progress_bars

    if not batch.is_file():
        raise usage_error(f"batch file not found: {batch}")
    if resume and output is None:
        raise usage_error("--resume needs -o/--output")
    errors = stderr_console()

    def repaired(what: str) -> None:
        errors.print(f"note: {markup_escape(what)}", soft_wrap=True)

    def malformed(error: BatchLineError) -> None:
        errors.print(f"[bold red]error:[/] {markup_escape(str(error))}", soft_wrap=True)

    def repeated(repeat: RepeatedId) -> None:
        if repeat.count <= MAX_REPEAT_WARNINGS:
            errors.print(
                f"[yellow]warning:[/] {markup_escape(str(batch))}:{repeat.line}: id "
                f"{markup_escape(repr(repeat.id))} repeats line {repeat.first_line}",
                soft_wrap=True,
            )

    job = BatchJob(batch, output, resume, workers, max_output_chars)
    events = BatchEvents(repaired, malformed, repeated, progress_bars(errors))
    tally = BatchTally()
    try:
        with ray_pool(ray, workers) as pool:
            judge_batch(job, tally, events, pool)
    except BatchUsageError as exc:
        raise usage_error(str(exc)) from None
    except KeyboardInterrupt:
        where = str(output) if output is not None else "standard output"
        then = (
            "rerun the same command with --resume to judge the rest"
            if output is not None
            else "write to a file with -o FILE to be able to --resume a long batch"
        )
        print_interrupted(errors, f"{tally.summary()}; results so far are in {where}; {then}")
        raise typer.Exit(EXIT_INTERRUPTED) from None
    errors.print(tally.summary(), soft_wrap=True, markup=False)
    raise typer.Exit(EXIT_FAILURE if tally.malformed else EXIT_OK)
