"""``execgym repair``: evaluate a repair method on a code-generation benchmark, and show what
it did on one problem.

``execgym repair eval apps|codecontests|xcodeeval --method M --model MODEL --base-url URL
[--budget 20] [--data PATH] [--limit K] [--difficulty D] -o RUN_DIR`` runs the method on
every problem with hidden tests and reports Pass@1 and AvgPassRatio on the hidden tests
(overall and per difficulty), calls and tokens per problem, and writes
``RUN_DIR/pass_at_budget.png``; ``execgym repair show RUN_DIR PROBLEM_ID`` prints one
problem's transcript. :data:`repair_app` is registered in :mod:`execgym.cli` with
``app.add_typer(repair_app, name="repair")``. Only typer is imported at the top: the library
loads when a command runs.

Exit statuses: 0 success; 1 when the run finished with something to report (problems the
model could not answer or the sandbox failed on, a run stopped because the server stayed
unavailable, answers the sandbox could not judge); 2 a usage error (unknown benchmark or
method, bad option, missing or malformed data, an output directory holding a run with other
settings, an unknown problem id); 130 interrupted.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from typer.core import TyperCommand

from execgym.cli._common import (
    CONTEXT_SETTINGS,
    EXIT_FAILURE,
    EXIT_OK,
    interrupted,
    stderr_console,
    stdout_console,
    usage_error,
)

if TYPE_CHECKING:
    from rich.console import Console

    from execgym.bench import Problem
    from execgym.repair import RepairReport

BENCHMARKS = ("apps", "codecontests", "xcodeeval")

repair_app = typer.Typer(
    name="repair",
    help="Evaluate FixAudit and its baselines; show a transcript.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)


class MethodListCommand(TyperCommand):
    """A command whose help ends with every registered repair method (read only when the
    help is shown)."""

    def format_epilog(self, ctx: Any, formatter: Any) -> None:
        from execgym.repair import REPAIR_METHODS

        with formatter.section("Methods"):
            formatter.write_dl(
                [(e.name, str(e.metadata.get("summary", ""))) for e in REPAIR_METHODS.entries()]
            )
        super().format_epilog(ctx, formatter)


def _problems(
    benchmark: str, data: Path | None, difficulty: str | None, limit: int | None
) -> tuple[list[Problem], list[str]]:
    from execgym.bench import DatasetFormatError, DatasetUnavailableError, load_dataset
    from execgym.repair import problems_with_hidden_tests

    if benchmark not in BENCHMARKS:
        raise usage_error(f"unknown benchmark {benchmark!r}; known: {', '.join(BENCHMARKS)}")
    if data is not None and not data.exists():
        raise usage_error(f"data not found: {data}")
    try:
        problems = load_dataset(benchmark, data, difficulty=difficulty)
    except (DatasetFormatError, DatasetUnavailableError) as exc:
        raise usage_error(str(exc)) from None
    except UnicodeDecodeError as exc:
        raise usage_error(f"{data}: not UTF-8 text ({exc})") from None
    kept, left_out = problems_with_hidden_tests(problems)
    if limit is not None:
        kept = kept[:limit]
    if not kept:
        where = data if data is not None else benchmark
        raise usage_error(f"no {benchmark} problem with hidden tests in {where}")
    return kept, left_out


def _report(report: RepairReport, left_out: list[str], console: Console) -> int:
    from execgym._verbatim import markup_escape, verbatim
    from execgym.repair import PLOT_FILE

    stdout_console().print(verbatim(report.markdown), highlight=False, soft_wrap=True)
    status = EXIT_OK
    if left_out:
        shown = ", ".join(left_out[:10]) + (" ..." if len(left_out) > 10 else "")
        console.print(
            f"left out {len(left_out)} problems without hidden tests: {markup_escape(shown)}",
            soft_wrap=True,
        )
    if report.resumed:
        console.print(f"resumed: {report.resumed} problems were already finished")
    for what, failures in (
        ("not answered", report.failures),
        ("sandbox failed", report.sandbox_failures),
    ):
        for problem_id, error in failures.items():
            console.print(
                f"[red]{what}:[/] {markup_escape(problem_id)}: {markup_escape(error)}",
                soft_wrap=True,
            )
    unfinished = len(report.failures) + len(report.sandbox_failures)
    if unfinished:
        console.print(f"[red]{unfinished} problems unfinished; rerun to do them again")
        status = EXIT_FAILURE
    if report.aborted:
        console.print(
            f"[bold red]stopped:[/] {markup_escape(report.aborted)}; finished problems are "
            f"kept in {markup_escape(str(report.run_dir))}, rerun the same command to resume",
            soft_wrap=True,
        )
        status = EXIT_FAILURE
    if report.unjudged:
        console.print(f"[red]{report.unjudged} answers could not be judged (sandbox failure)")
        status = EXIT_FAILURE
    plot = report.run_dir / PLOT_FILE
    wrote = "items.jsonl, summary.json" + (f" and {PLOT_FILE}" if plot.exists() else "")
    console.print(f"wrote {wrote} in {markup_escape(str(report.run_dir))}")
    return status


@repair_app.command("eval", cls=MethodListCommand)
def eval_command(
    benchmark: Annotated[str, typer.Argument(help="apps, codecontests or xcodeeval.")],
    method: Annotated[str, typer.Option("--method", help="A repair method (listed below).")],
    model: Annotated[str, typer.Option("--model", help="Model name as the server knows it.")],
    output_dir: Annotated[
        Path, typer.Option("-o", "--output-dir", help="Run directory (reused to resume).")
    ],
    base_url: Annotated[
        str | None,
        typer.Option("--base-url", help="OpenAI-compatible server, e.g. http://localhost:8000/v1."),
    ] = None,
    api_key: Annotated[
        str | None, typer.Option("--api-key", help="API key (default: $EXECGYM_API_KEY).")
    ] = None,
    budget: Annotated[int, typer.Option("--budget", min=1, help="Model calls per problem.")] = 20,
    data: Annotated[
        Path | None, typer.Option("--data", help="Local dataset (file or directory).")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the first K problems.")
    ] = None,
    difficulty: Annotated[
        str | None, typer.Option("--difficulty", help="Only problems of this difficulty.")
    ] = None,
    rounds: Annotated[
        int,
        typer.Option(
            "--rounds",
            min=1,
            help="fixaudit: stop after R audit rounds in a row keep no failing test.",
        ),
    ] = 3,
    audit_votes: Annotated[
        int,
        typer.Option(
            "--audit-votes",
            min=1,
            help="fixaudit: K expectations, the Auditor's "
            "and K-1 votes, decide a test the candidate contradicts (1: never kept).",
        ),
    ] = 3,
    tests_per_call: Annotated[
        int, typer.Option("--tests-per-call", min=1, help="Most tests one reply may add.")
    ] = 5,
    temperature: Annotated[float, typer.Option("--temperature", min=0.0)] = 0.8,
    top_p: Annotated[float, typer.Option("--top-p", min=0.0, max=1.0)] = 1.0,
    max_tokens: Annotated[
        int, typer.Option("--max-tokens", min=1, help="Completion budget of each call.")
    ] = 2048,
    seed: Annotated[int | None, typer.Option("--seed", help="Sampling seed.")] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Problems (and requests) in flight.")
    ] = 16,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Parallel sandboxes.")
    ] = None,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not use the run's response cache.")
    ] = False,
    replay: Annotated[
        Path | None, typer.Option("--replay", help="Answer from a recorded JSONL file instead.")
    ] = None,
    request_timeout: Annotated[
        float, typer.Option("--request-timeout", min=0.001, help="Seconds per HTTP request.")
    ] = 600.0,
) -> None:
    """Evaluate a repair method on a benchmark's problems with hidden tests.

    Every problem is solved by METHOD within BUDGET model calls (one shared model plays
    every role); the answer is judged on the hidden tests, which never reach a prompt.
    Results go to OUTPUT_DIR as problems finish: items.jsonl (each problem's transcript:
    every call, test, run and decision), summary.json (Pass@1 and AvgPassRatio overall and
    per difficulty, calls and tokens per problem, Pass@1 at every budget up to BUDGET) and
    pass_at_budget.png; the table goes to standard output. Rerun the same command to resume:
    finished problems are kept and the response cache (OUTPUT_DIR/llm-cache.sqlite) answers
    every call already made.
    """
    import asyncio
    from contextlib import ExitStack

    from execgym.bench import ResumeMismatch
    from execgym.cli._display import model_notices, progress_bar
    from execgym.cli._model import open_run_model
    from execgym.llm import aclose_model
    from execgym.registry import UnknownName
    from execgym.repair import REPAIR_METHODS, RepairEvalSettings, RepairSettings, run_repair_eval
    from execgym.sandbox import Sandbox

    try:
        REPAIR_METHODS.get(method)
    except UnknownName as exc:
        raise usage_error(str(exc)) from None
    problems, left_out = _problems(benchmark, data, difficulty, limit)
    settings = RepairEvalSettings(
        benchmark=benchmark,
        method=method,
        model=model,
        repair=RepairSettings(
            budget=budget,
            rounds=rounds,
            audit_votes=audit_votes,
            tests_per_call=tests_per_call,
            temperature=temperature,
            top_p=top_p,
            max_tokens=max_tokens,
            seed=seed,
        ),
        data=str(data.resolve()) if data is not None else None,
        concurrency=concurrency,
    )
    chat_model = open_run_model(
        model,
        output_dir,
        base_url=base_url,
        api_key=api_key,
        concurrency=concurrency,
        request_timeout=request_timeout,
        no_cache=no_cache,
        replay=replay,
    )
    errors = stderr_console()
    try:
        with ExitStack() as stack:
            sandbox = stack.enter_context(Sandbox(workers=workers))
            label = f"{method} · {benchmark} · {model}"
            advance = stack.enter_context(progress_bar(errors, label, len(problems)))
            stack.enter_context(model_notices(errors))

            async def main() -> RepairReport:
                try:
                    return await run_repair_eval(
                        problems, chat_model, settings, output_dir, sandbox, advance
                    )
                finally:
                    await aclose_model(chat_model)

            try:
                report = asyncio.run(main())
            except ResumeMismatch as exc:
                raise usage_error(str(exc)) from None
    except KeyboardInterrupt:
        raise interrupted(
            f"finished problems are kept in {output_dir / 'items.jsonl'}; "
            "rerun the same command to resume"
        ) from None
    raise typer.Exit(_report(report, left_out, errors))


@repair_app.command("show")
def show_command(
    run_dir: Annotated[Path, typer.Argument(help="The run directory of `repair eval`.")],
    problem_id: Annotated[str, typer.Argument(help="The problem to show.")],
    prompts: Annotated[
        bool, typer.Option("--prompts", help="Also print every call's prompt.")
    ] = False,
) -> None:
    """Print one problem's transcript: its answer and how the hidden tests judged it, every
    model call in order with its reply and the decisions taken after it (a repair shown as a
    diff), the tests and every program's verdicts on them."""
    from execgym._verbatim import verbatim
    from execgym.bench import run_directory
    from execgym.repair import read_repair_records, render_record

    items = run_directory(run_dir).items_path
    if not items.is_file():
        raise usage_error(f"no {items.name} in {run_dir}: not a repair run directory")
    try:
        records = read_repair_records(run_dir)
    except UnicodeDecodeError as exc:
        raise usage_error(f"{items}: not UTF-8 text ({exc})") from None
    record = records.get(problem_id)
    if record is None:
        known = ", ".join(list(records)[:10]) + (" ..." if len(records) > 10 else "")
        raise usage_error(f"no problem {problem_id!r} in {items}; it holds: {known or 'none'}")
    if "transcript" not in record:
        raise usage_error(f"{items}: the record of {problem_id!r} holds no repair transcript")
    stdout_console().print(
        verbatim(render_record(record, prompts=prompts)), highlight=False, soft_wrap=True
    )
    raise typer.Exit(EXIT_OK)
