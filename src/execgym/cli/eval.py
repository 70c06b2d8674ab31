"""``execgym eval``: evaluate a model on a benchmark (:func:`execgym.bench.run_eval`).

Exit statuses: 0 success; 1 when the run finished with something to report (items the model
could not answer, a run stopped because the server stayed unavailable, responses the
sandbox could not judge); 2 a usage error (unknown task, bad option, missing or malformed
data, an output directory holding a run with other settings).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from execgym.cli._common import (
    EXIT_FAILURE,
    EXIT_OK,
    interrupted,
    stderr_console,
    stdout_console,
    usage_error,
    utf8_problem,
)
from execgym.cli._ray_option import RAY_HELP, RAY_OPTION, ray_pool

if TYPE_CHECKING:
    from rich.console import Console

    from execgym.bench import EvalItem, EvalReport, EvalTask


def open_task(name: str, difficulty: str | None = None) -> EvalTask:
    """The task ``name`` (narrowed to ``difficulty``); a usage error when it cannot be."""
    from execgym.bench import TaskArgumentError, open_eval_task
    from execgym.registry import UnknownName

    try:
        return open_eval_task(name, difficulty)
    except UnknownName as exc:
        raise usage_error(str(exc)) from None
    except TaskArgumentError as exc:
        raise usage_error(f"--{exc.argument} {exc.problem}") from None


def load_items(task: EvalTask, data: Path | None, cot: bool, limit: int | None) -> list[EvalItem]:
    """The task's items; bad data is a usage error naming the file, line and field."""
    from execgym.bench import DataRequired, DatasetError, load_eval_items

    try:
        return load_eval_items(task, data, cot=cot, limit=limit)
    except DataRequired as exc:
        raise usage_error(f"{exc.task} needs --data: {exc.what}") from None
    except DatasetError as exc:
        raise usage_error(str(exc)) from None
    except UnicodeDecodeError as exc:
        where = utf8_problem(data) if data is not None and data.is_file() else None
        raise usage_error(where or f"{data or task.name}: not UTF-8 text ({exc})") from None


def print_report(report: EvalReport, console: Console) -> int:
    """The run's table on standard output, what went wrong on ``console``; the exit
    status."""
    from execgym._verbatim import markup_escape, verbatim

    stdout_console().print(verbatim(report.markdown), highlight=False, soft_wrap=True)
    status = EXIT_OK
    if report.resumed:
        console.print(
            f"resumed: {report.resumed} items were already in {markup_escape(str(report.run_dir))}"
        )
    for item_id, error in report.failures.items():
        console.print(
            f"[red]not answered:[/] {markup_escape(item_id)}: {markup_escape(error)}",
            soft_wrap=True,
        )
    if report.failures:
        console.print(f"[red]{len(report.failures)} items not answered; rerun to ask them again")
        status = EXIT_FAILURE
    if report.aborted:
        console.print(
            f"[bold red]stopped:[/] {markup_escape(report.aborted)}; finished items are kept "
            f"in {markup_escape(str(report.run_dir))}, rerun the same command to resume",
            soft_wrap=True,
        )
        status = EXIT_FAILURE
    if report.unjudged:
        console.print(f"[red]{report.unjudged} responses could not be judged (sandbox failure)")
        status = EXIT_FAILURE
    console.print(f"wrote {markup_escape(str(report.run_dir / 'items.jsonl'))} and summary.json")
    return status


def eval_(
    task: Annotated[str, typer.Argument(help="The benchmark: one of the tasks listed below.")],
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
    data: Annotated[
        Path | None,
        typer.Option("--data", help="Local dataset file (a directory for reval)."),
    ] = None,
    n: Annotated[
        int | None,
        typer.Option("--n", min=1, help="Samples per item (default: the benchmark's, else 5)."),
    ] = None,
    temperature: Annotated[
        float | None,
        typer.Option("--temperature", min=0.0, help="Default: the benchmark's, else 0.2."),
    ] = None,
    top_p: Annotated[
        float | None,
        typer.Option("--top-p", min=0.0, max=1.0, help="Default: the benchmark's, else 1.0."),
    ] = None,
    cot: Annotated[bool, typer.Option("--cot", help="Chain-of-thought prompts.")] = False,
    limit: Annotated[
        int | None, typer.Option("--limit", min=1, help="Only the first K dataset entries.")
    ] = None,
    max_tokens: Annotated[
        int | None,
        typer.Option("--max-tokens", min=1, help="Completion budget (default: the benchmark's)."),
    ] = None,
    concurrency: Annotated[
        int, typer.Option("--concurrency", min=1, help="Requests in flight.")
    ] = 16,
    no_cache: Annotated[
        bool, typer.Option("--no-cache", help="Do not use the run's response cache.")
    ] = False,
    seed: Annotated[int | None, typer.Option("--seed", help="Sampling seed.")] = None,
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Parallel sandboxes for judging.")
    ] = None,
    request_timeout: Annotated[
        float, typer.Option("--request-timeout", min=0.001, help="Seconds per HTTP request.")
    ] = 600.0,
    replay: Annotated[
        Path | None, typer.Option("--replay", help="Answer from a recorded JSONL file instead.")
    ] = None,
    difficulty: Annotated[
        str | None,
        typer.Option("--difficulty", help="Code-generation tasks: one difficulty level only."),
    ] = None,
    raw_completions: Annotated[
        bool,
        typer.Option(
            "--raw-completions",
            help="Send each prompt alone to /v1/completions: no chat template, no system "
            "message (how REval evaluates open models).",
        ),
    ] = False,
    ray: Annotated[str | None, typer.Option(RAY_OPTION, metavar="[ADDRESS]", help=RAY_HELP)] = None,
) -> None:
    """Evaluate a model on an execution or code-generation benchmark.

    Every item's prompt is sent N times (one request with n=N) to the model; each response
    is judged in the sandbox by the benchmark's own rules. Results go to OUTPUT_DIR as they
    arrive: items.jsonl (prompt, raw responses, extracted answers, verdicts, reasons), then
    summary.json (pass@1, pass@5 where N allows, accuracy per question kind, the
    benchmark's own metrics) and a markdown table on standard output. Rerun the same command
    to resume an interrupted run: finished items are not asked again, and the response cache
    (OUTPUT_DIR/llm-cache.sqlite) keeps any answered request from being sent twice. With
    --ray [ADDRESS] the answers are judged on a Ray cluster, into the same files.
    Sampling not given on the command line follows the benchmark's own runner (lcb-exec: 10
    samples, top_p 0.95; reval: temperature 0.8), else 5 samples at temperature 0.2.
    """
    import asyncio
    from contextlib import ExitStack

    from execgym.bench import (
        EvalSettings,
        ResumeMismatch,
        finished_items,
        run_eval,
        sampling_defaults,
    )
    from execgym.cli._display import model_notices, progress_bar
    from execgym.cli._model import open_run_model
    from execgym.llm import aclose_model
    from execgym.sandbox import Sandbox

    eval_task = open_task(task, difficulty)
    items = load_items(eval_task, data, cot, limit)
    defaults = sampling_defaults(eval_task)
    settings = EvalSettings(
        difficulty=difficulty,
        task=task,
        model=model,
        n=n if n is not None else defaults.n,
        temperature=temperature if temperature is not None else defaults.temperature,
        top_p=top_p if top_p is not None else defaults.top_p,
        raw_completions=raw_completions,
        max_tokens=max_tokens,
        cot=cot,
        seed=seed,
        concurrency=concurrency,
        data=str(data.resolve()) if data is not None else None,
        limit=limit,
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
    label = f"{task} · {model}"
    try:
        with ExitStack() as stack:
            pool = stack.enter_context(ray_pool(ray, workers))
            sandbox = pool or stack.enter_context(Sandbox(workers=workers))
            advance = stack.enter_context(progress_bar(errors, label, len(items)))
            stack.enter_context(model_notices(errors))

            async def main() -> EvalReport:
                try:
                    return await run_eval(
                        eval_task, items, chat_model, settings, output_dir, sandbox, advance
                    )
                finally:
                    await aclose_model(chat_model)

            try:
                report = asyncio.run(main())
            except ResumeMismatch as exc:
                raise usage_error(str(exc)) from None
    except KeyboardInterrupt:
        done = finished_items(output_dir, items)
        raise interrupted(
            f"{done} of {len(items)} items are finished and kept in "
            f"{output_dir / 'items.jsonl'} (usage and time so far in summary.json); "
            "rerun the same command to resume"
        ) from None
    raise typer.Exit(print_report(report, errors))
