"""The ``execgym`` command line: run, judge, trace, questions, eval, score, synth, doctor and
the main job (``pipeline``).

This module only wires, and imports at the top only what building the help needs (typer
and the defaults of :mod:`execgym._cli_defaults`): each command imports the library when it
runs, so ``execgym --help`` stays quick. Batch files live in :mod:`execgym._batch` and
:mod:`execgym._judge_cli`, the pipeline's stages in :mod:`execgym._pipeline` and
:mod:`execgym._dataset_stage`, the eval and synth commands in :mod:`execgym._eval_cli` and
:mod:`execgym._synth_cli`, and all execution in :mod:`execgym.sandbox`. Text a program
controls is written through :mod:`execgym._jsonl` and shown through
:mod:`execgym._verbatim`; what every command shares (exit statuses, consoles, help layout)
is in :mod:`execgym._cli_common`.

Exit statuses: 0 success, 1 a failure the command reports (a verdict other than OK for
``run``, malformed input lines for ``judge``, a broken sandbox for ``doctor``, an example
with the wrong verdict for ``pipeline``), 2 a usage error (bad option, missing file), 130
interrupted by Ctrl-C (after saying what was kept and how to go on).
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from execgym import __version__
from execgym._cli_agent import agent_app
from execgym._cli_common import (
    CONTEXT_SETTINGS,
    EXIT_FAILURE,
    EXIT_OK,
    TaskListCommand,
    interrupted,
    stderr_console,
    stdout_console,
    usage_error,
    utf8_problem,
)
from execgym._cli_defaults import (
    MAX_OUTPUT_CHARS,
    PIPELINE_DIR,
    RUN_MEMORY_MB,
    RUN_TIME_LIMIT_S,
    THROUGHPUT_PROGRAMS,
)
from execgym._eval_cli import eval_command, score_command
from execgym._synth_cli import synth_app

if TYPE_CHECKING:
    from execgym.sandbox import RunResult

RUN_JSON_KEYS = ("verdict", "exit_code", "stdout", "stderr", "cpu_s", "wall_s", "peak_memory_mb")
"""The keys of ``execgym run --json``'s object (plus ``detail``)."""


app = typer.Typer(
    name="execgym",
    help="Code execution as ground truth for training and evaluating code LLMs.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)


def main() -> None:
    """Entry point of the ``execgym`` console script."""
    app()


def _print_version(value: bool) -> None:
    if value:
        typer.echo(f"execgym {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            help="Print execgym's version and exit.",
            is_eager=True,
            callback=_print_version,
        ),
    ] = False,
) -> None:
    """Code execution as ground truth for training and evaluating code LLMs."""


def _read_text_file(path: Path, what: str) -> str:
    """The UTF-8 text of ``path``; a missing or unreadable file is a usage error naming it."""
    if not path.exists():
        raise usage_error(f"{what} not found: {path}")
    if not path.is_file():
        raise usage_error(f"{what} is not a file: {path}")
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise usage_error(f"{what} is not UTF-8 text: {path} ({exc})") from None
    except OSError as exc:
        raise usage_error(f"cannot read {what} {path}: {exc.strerror}") from None


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
    ] = RUN_TIME_LIMIT_S,
    wall_limit: Annotated[
        float | None,
        typer.Option(
            "--wall-limit", min=0.001, help="Wall seconds (default: twice the time limit plus 1)."
        ),
    ] = None,
    memory_mb: Annotated[
        int, typer.Option("--memory-mb", min=1, help="Memory limit in MB.")
    ] = RUN_MEMORY_MB,
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
    from execgym._display import run_summary_line
    from execgym._jsonl import json_text
    from execgym.sandbox import Limits, Sandbox, Verdict

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
        sys.stdout.write(json_text(run_json_object(result)) + "\n")
    else:
        _write_through(sys.stdout, result.stdout)
        _write_through(sys.stderr, result.stderr)
        stderr_console().print(run_summary_line(result), soft_wrap=True)
    raise typer.Exit(EXIT_OK if result.verdict is Verdict.OK else EXIT_FAILURE)


def _write_through(stream: TextIO, text: str) -> None:
    """The program's own output, passed on as it wrote it (characters the stream cannot
    encode, such as lone surrogates, as their escapes)."""
    encoding = stream.encoding or "utf-8"
    stream.write(text.encode(encoding, "backslashreplace").decode(encoding))
    stream.flush()


def run_json_object(result: RunResult) -> dict[str, Any]:
    """``execgym run --json``'s object: the fixed keys plus ``detail``."""
    dumped = result.model_dump(mode="json")
    record = {key: dumped[key] for key in RUN_JSON_KEYS}
    record["detail"] = result.detail
    return record


# ---- execgym trace ------------------------------------------------------------------------------


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
    """Trace PROGRAM line by line, with what each step changed.

    With --call "f(1, 2)" the call is traced (its arguments are evaluated in the program's
    namespace); without it, the whole script. A readable step table on a terminal (program
    text and values shown verbatim); the full trace as one JSON object with --json. Exit
    status: 0 when the run ended normally, 1 when it raised or hit a cap (the trace up to
    there is still printed), 2 for a usage error.
    """
    from execgym._jsonl import json_text
    from execgym.sandbox import Limits, Sandbox
    from execgym.trace import TraceOptions, TraceStatus, split_call, trace_call, trace_script
    from execgym.trace._render import print_trace

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
                raise usage_error(str(exc)) from None
            result = trace_call(sandbox, code, entry, args_src, options)
    if json_output:
        sys.stdout.write(json_text(result, compact=True) + "\n")
    else:
        print_trace(stdout_console(), result)
    raise typer.Exit(EXIT_OK if result.status is TraceStatus.OK else EXIT_FAILURE)


# ---- execgym questions --------------------------------------------------------------------------


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
    """Write the execution questions of each program's call.

    Each output line is a Question: id, style, kind, prompt, the items with their reference
    answers, and a reference answer that scores full reward. CRUXEval's rows work as they
    are. Malformed rows are reported (file, line, field) and skipped; programs whose call
    raises or times out are skipped and counted; with the determinism check, each question
    whose answer changes under a second hash seed is left out and counted. The same input,
    kinds, style and seed give the same file, byte for byte. Exit status: 0 on success, 1
    if any row was malformed, 2 for a usage error.
    """
    from execgym._questions_cli import QuestionsUsageError, parse_kinds, write_questions

    try:
        wanted = parse_kinds(style, kinds)
    except QuestionsUsageError as exc:
        raise usage_error(str(exc)) from None
    if not programs.is_file():
        raise usage_error(f"programs file not found: {programs}")
    problem = utf8_problem(programs)
    if problem is not None:
        raise usage_error(problem)
    status = write_questions(
        programs, output, wanted, style, seed, cot, workers, determinism, stderr_console()
    )
    raise typer.Exit(status)


app.command("eval", cls=TaskListCommand)(eval_command)
app.command("score", cls=TaskListCommand)(score_command)
app.add_typer(synth_app, name="synth")
app.add_typer(agent_app, name="agent")


# ---- execgym judge ------------------------------------------------------------------------------


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
        typer.Option(
            "--resume", help="Append to -o, skipping the lines it already holds a verdict for."
        ),
    ] = False,
    max_output_chars: Annotated[
        int,
        typer.Option("--max-output-chars", min=0, help="Cut each test's stdout/stderr to this."),
    ] = MAX_OUTPUT_CHARS,
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

    Exit status: 0 when every line was judged (whatever the verdicts), 1 if any line was
    malformed, 2 for a usage error, 130 when interrupted.
    """
    from execgym._judge_cli import JudgeJob, JudgeUsageError, run_judge

    if not batch.is_file():
        raise usage_error(f"batch file not found: {batch}")
    if resume and output is None:
        raise usage_error("--resume needs -o/--output")
    try:
        job = JudgeJob(batch, workers, output, resume, max_output_chars)
        status = run_judge(job, stderr_console())
    except JudgeUsageError as exc:
        raise usage_error(str(exc)) from None
    raise typer.Exit(status)


# ---- execgym doctor -----------------------------------------------------------------------------


@app.command()
def doctor() -> None:
    """Show the sandbox's isolation here; prove it runs a program.

    Exit status: 0 when the sandbox runs a trivial program (even with features missing),
    1 when it cannot.
    """
    from execgym._doctor import doctor_stage, print_doctor_report
    from execgym.sandbox import Sandbox

    with Sandbox(workers=1) as sandbox:
        report = doctor_stage(sandbox)
    print_doctor_report(stdout_console(), report)
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
    ] = PIPELINE_DIR,
    throughput_programs: Annotated[
        int,
        typer.Option("--throughput-programs", min=0, help="Programs in the throughput batch."),
    ] = THROUGHPUT_PROGRAMS,
    per_level: Annotated[
        int, typer.Option("--per-level", min=1, help="Programs synthesized per built-in level.")
    ] = 4,
    seed: Annotated[int, typer.Option("--seed", help="Synthesis and question seed.")] = 0,
) -> None:
    """Run execgym's main job: no model, no network, no data needed.

    Stages: check the sandbox (doctor), judge the project's own example programs and check
    each gets its expected verdict, measure throughput over a repeated batch of the passing
    examples, synthesize programs at every built-in level with a per-level report and plots,
    then trace them and the project's example functions and build the ExecVerify question
    dataset in every style, keeping only questions whose reference answer earns full
    reward. Writes OUTPUT_DIR/verdicts.jsonl, programs.jsonl, synth-report/,
    questions.jsonl and summary.json.

    Exit status: 0 when every example got its expected verdict, 1 otherwise (or when the
    sandbox does not work), 130 when interrupted.
    """
    from execgym._pipeline import run_pipeline

    try:
        output_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise usage_error(f"cannot create output directory {output_dir}: {exc.strerror}") from None
    try:
        ok = run_pipeline(
            stdout_console(),
            stderr_console(),
            workers,
            output_dir,
            throughput_programs,
            per_level,
            seed,
        )
    except KeyboardInterrupt:
        raise interrupted(
            f"the main job stopped; what it finished is in {output_dir}; "
            "rerun execgym pipeline to run it again from the start"
        ) from None
    raise typer.Exit(EXIT_OK if ok else EXIT_FAILURE)


if __name__ == "__main__":
    main()
