"""``execgym eval`` and ``execgym score``: evaluate a model on an execution-reasoning benchmark,
or score existing generations without one.

Both are plain functions with typer annotations; :mod:`execgym.cli` registers them as
commands (``app.command("eval")(eval_command)``, ``app.command("score")(score_command)``).

Exit statuses: 0 success; 1 when the run finished with something to report (items the model
could not answer, a run stopped because the server stayed unavailable, responses the
sandbox could not judge); 2 a usage error (unknown task, bad option, missing or malformed
data, an output directory holding a run with other settings).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from execgym._cli_common import (
    EXIT_FAILURE,
    EXIT_OK,
    interrupted,
    stderr_console,
    stdout_console,
    usage_error,
    utf8_problem,
)

if TYPE_CHECKING:
    from rich.console import Console

    from execgym.bench._eval_task import EvalItem, EvalTask
    from execgym.bench._runner import EvalReport
    from execgym.llm import ChatModel

CACHE_FILE = "llm-cache.sqlite"


def _task(name: str, difficulty: str | None = None) -> EvalTask:
    from execgym.bench._eval_task import get_eval_task

    try:
        task = get_eval_task(name)
    except ValueError as exc:
        raise usage_error(str(exc)) from None
    if difficulty is None:
        return task
    with_difficulty = getattr(task, "with_difficulty", None)
    if with_difficulty is None:
        raise usage_error(f"--difficulty applies to code-generation tasks, not {name!r}")
    narrowed: EvalTask = with_difficulty(difficulty)
    return narrowed


def _load(task: EvalTask, data: Path | None, cot: bool, limit: int | None) -> list[EvalItem]:
    from execgym.bench._eval_task import DatasetError
    from execgym.bench._runner import select_items

    if data is not None and not data.exists():
        raise usage_error(f"data not found: {data}")
    try:
        items = task.load(data, cot=cot)
    except DatasetError as exc:
        raise usage_error(str(exc)) from None
    except UnicodeDecodeError as exc:
        where = utf8_problem(data) if data is not None and data.is_file() else None
        raise usage_error(where or f"{data or task.name}: not UTF-8 text ({exc})") from None
    if not items:
        raise usage_error(f"no {task.name} items in {data if data is not None else 'the dataset'}")
    return select_items(items, limit)


def build_model(
    model: str,
    *,
    base_url: str | None,
    api_key: str | None,
    concurrency: int,
    request_timeout: float,
    cache_path: Path | None,
    replay: Path | None = None,
) -> ChatModel:
    """The model ``execgym eval`` talks to: an OpenAI-compatible client (or another backend's
    model for a ``BACKEND:NAME`` spec), behind the response cache unless ``cache_path`` is
    ``None``; with ``replay``, recorded answers only."""
    from execgym.llm import (
        BackendOptions,
        CachedChatModel,
        OpenAIChatModel,
        backend_names,
        make_model,
        open_model,
    )

    if replay is not None:
        return open_model(model, replay=replay)
    prefix, _, rest = model.partition(":")
    inner: ChatModel
    if prefix not in backend_names() or not rest or prefix == "openai":
        inner = OpenAIChatModel(
            rest if prefix == "openai" and rest else model,
            base_url=base_url,
            api_key=api_key,
            max_concurrency=concurrency,
            timeout=request_timeout,
        )
    else:
        inner = make_model(model, BackendOptions(base_url, api_key, concurrency))
    return inner if cache_path is None else CachedChatModel(inner, cache_path)


def run_model(
    output_dir: Path,
    model: str,
    *,
    base_url: str | None,
    api_key: str | None,
    concurrency: int,
    request_timeout: float,
    no_cache: bool,
    replay: Path | None,
) -> ChatModel:
    """The model of a run into ``output_dir`` (made if missing), behind the run's response
    cache ``output_dir/llm-cache.sqlite`` unless ``no_cache``; a usage error when it cannot
    be built."""
    from execgym.llm import ModelError

    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        return build_model(
            model,
            base_url=base_url,
            api_key=api_key,
            concurrency=concurrency,
            request_timeout=request_timeout,
            cache_path=None if no_cache else output_dir / CACHE_FILE,
            replay=replay,
        )
    except (ValueError, ModelError, OSError) as exc:
        raise usage_error(str(exc)) from None


def _report(report: EvalReport, console: Console) -> int:
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


def eval_command(
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
) -> None:
    """Evaluate a model on an execution or code-generation benchmark.

    Every item's prompt is sent N times (one request with n=N) to the model; each response
    is judged in the sandbox by the benchmark's own rules. Results go to OUTPUT_DIR as they
    arrive: items.jsonl (prompt, raw responses, extracted answers, verdicts, reasons), then
    summary.json (pass@1, pass@5 where N allows, accuracy per question kind, the
    benchmark's own metrics) and a markdown table on standard output. Rerun the same command
    to resume an interrupted run: finished items are not asked again, and the response cache
    (OUTPUT_DIR/llm-cache.sqlite) keeps any answered request from being sent twice.
    Sampling not given on the command line follows the benchmark's own runner (lcb-exec: 10
    samples, top_p 0.95; reval: temperature 0.8), else 5 samples at temperature 0.2.
    """
    import asyncio
    from contextlib import ExitStack

    from execgym._display import model_notices, progress_bar
    from execgym.bench._eval_task import sampling_defaults
    from execgym.bench._runner import EvalSettings, ResumeMismatch, finished_items, run_eval
    from execgym.llm import aclose_model
    from execgym.sandbox import Sandbox

    eval_task = _task(task, difficulty)
    items = _load(eval_task, data, cot, limit)
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
    chat_model = run_model(
        output_dir,
        model,
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
            sandbox = stack.enter_context(Sandbox(workers=workers))
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
    raise typer.Exit(_report(report, errors))


# ---------------------------------------------------------------------------- score


def read_generation_file(
    path: Path, items: Sequence[EvalItem] = ()
) -> tuple[dict[str, list[str]], set[str]]:
    """Generations by item id, and the ids whose generations are already-extracted answers.

    Formats: CRUXEval's published format (one JSON object mapping each id to a list of
    generations, or to one), JSONL lines ``{"id", "response"}`` / ``{"id", "responses":
    [...]}``, LiveCodeBench's output (a JSON list of objects with ``id`` or ``question_id``
    and ``pred_list``, extracted answers, or else ``output_list``, raw responses), or
    LiveCodeBench's custom output file: a JSON list of lists of extracted answers, the i-th
    list for the i-th of ``items`` (the benchmark's order).
    """
    from execgym.rewards._score_file import InputFileError, read_generations

    text = path.read_text(encoding="utf-8")
    if text.lstrip().startswith("["):
        try:
            rows = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InputFileError(f"{path}: not valid JSON: {exc.msg}") from None
        if isinstance(rows, list) and rows and isinstance(rows[0], list):
            return _answer_lists(rows, path, items)
        return _generation_rows(rows, path)
    return read_generations(path), set()


def _answer_lists(
    rows: list[object], path: Path, items: Sequence[EvalItem]
) -> tuple[dict[str, list[str]], set[str]]:
    from execgym.rewards._score_file import InputFileError

    if len(rows) != len(items):
        raise InputFileError(
            f"{path}: a list of lists answers the items by position; it has {len(rows)} "
            f"lists for {len(items)} items"
        )
    answers: list[list[str]] = []
    for index, row in enumerate(rows):
        if not isinstance(row, list) or not all(isinstance(v, str) for v in row):
            raise InputFileError(f"{path}: element {index}: expected a list of strings")
        answers.append([str(value) for value in row])
    found = {item.id: answer for item, answer in zip(items, answers, strict=True)}
    return found, set(found)


def _generation_rows(rows: object, path: Path) -> tuple[dict[str, list[str]], set[str]]:
    from execgym.rewards._score_file import InputFileError

    if not isinstance(rows, list):
        raise InputFileError(f"{path}: expected a JSON list")
    found: dict[str, list[str]] = {}
    extracted: set[str] = set()
    for index, row in enumerate(rows):
        where = f"{path}: element {index}"
        if not isinstance(row, dict):
            raise InputFileError(f"{where}: expected a JSON object")
        key = row.get("id", row.get("question_id"))
        if key is None:
            raise InputFileError(f"{where}: field 'id': missing")
        field = "pred_list" if "pred_list" in row else "output_list"
        values = row.get(field)
        if not isinstance(values, list) or not all(isinstance(v, str) for v in values):
            raise InputFileError(f"{where}: field {field!r}: expected a list of strings")
        found.setdefault(str(key), []).extend(values)
        if field == "pred_list":
            extracted.add(str(key))
    return found, extracted


def score_command(
    task: Annotated[
        str,
        typer.Argument(help="What to score: one of the tasks listed below."),
    ],
    generations: Annotated[Path, typer.Option("--generations", help="Responses keyed by item id.")],
    data: Annotated[
        Path | None,
        typer.Option("--data", help="The dataset (required for execq and reval)."),
    ] = None,
    output_dir: Annotated[
        Path, typer.Option("-o", "--output-dir", help="Run directory for items and summary.")
    ] = Path("runs/score"),
    workers: Annotated[
        int | None, typer.Option("--workers", min=1, help="Parallel sandboxes.")
    ] = None,
    cot: Annotated[
        bool, typer.Option("--cot", help="The generations answer chain-of-thought prompts.")
    ] = False,
    difficulty: Annotated[
        str | None,
        typer.Option("--difficulty", help="Code-generation tasks: one difficulty level only."),
    ] = None,
    equality: Annotated[
        str | None,
        typer.Option(
            "--equality",
            help="execq: compare values by python (==) or strict (type-aware); "
            "default: python for the execverify style, strict for the others.",
        ),
    ] = None,
) -> None:
    """Score existing generations without a model.

    Published results can be reproduced this way.

    GENERATIONS maps each item id to its responses: CRUXEval's published format (one JSON
    object, id → list of generations, e.g. {"sample_0": ["'abc'", ...]}), JSONL lines
    {"id", "response"} / {"id", "responses": [...]}, LiveCodeBench's output list (its
    pred_list is judged as extracted, an output_list is extracted first) or its custom output
    file (a list of lists of extracted answers, in the benchmark's order). Raw responses and
    already-extracted answers both work. Writes OUTPUT_DIR/items.jsonl and
    OUTPUT_DIR/summary.json and prints a markdown table; for execq the per-kind accuracy and
    mean rewards of `execgym questions` files. Exit status: 0 on success, 1 if the sandbox
    could not judge some responses, 2 for bad input.
    """
    from contextlib import ExitStack

    from execgym._display import progress_bar
    from execgym.bench._eval_task import ANSWERS_EXTRACTED
    from execgym.bench._runner import score_generations
    from execgym.rewards import EQUALITIES
    from execgym.rewards._score_file import InputFileError
    from execgym.sandbox import Sandbox

    if equality is not None and equality not in EQUALITIES:
        raise usage_error(f"unknown --equality {equality!r}; known: {', '.join(EQUALITIES)}")
    if task == "execq":
        _score_execq(data, generations, output_dir, workers, equality)
        return
    if equality is not None:
        raise usage_error("--equality applies to execq only")
    eval_task = _task(task, difficulty)
    if not generations.is_file():
        raise usage_error(f"generations file not found: {generations}")
    problem = utf8_problem(generations)
    if problem is not None:
        raise usage_error(problem)
    items = _load(eval_task, data, cot, None)
    try:
        answers, extracted = read_generation_file(generations, items)
    except InputFileError as exc:
        raise usage_error(str(exc)) from None
    items = [
        replace(item, payload={**item.payload, ANSWERS_EXTRACTED: True})
        if item.id in extracted
        else item
        for item in items
    ]
    errors = stderr_console()
    total = sum(1 for item in items if item.id in answers)
    if total == 0:
        raise usage_error(f"no generation in {generations} matches an item id of {task}")
    try:
        with ExitStack() as stack:
            sandbox = stack.enter_context(Sandbox(workers=workers))
            advance = stack.enter_context(progress_bar(errors, "scoring", total))
            report = score_generations(eval_task, items, answers, output_dir, sandbox, advance)
    except KeyboardInterrupt:
        raise interrupted(_score_interrupted(output_dir)) from None
    missing = report.summary.get("missing", [])
    unknown = report.summary.get("unknown_ids", [])
    if missing:
        errors.print(f"{len(missing)} items have no generations")
    if unknown:
        errors.print(f"{len(unknown)} generation ids match no item")
    raise typer.Exit(_report(report, errors))


def _score_execq(
    data: Path | None,
    generations: Path,
    output_dir: Path,
    workers: int | None,
    equality: str | None = None,
) -> None:
    """``execgym score execq``: unchanged from before the command covered every task."""
    from contextlib import ExitStack

    from execgym._display import progress_bar
    from execgym._verbatim import markup_escape, verbatim
    from execgym.rewards._score_file import (
        InputFileError,
        read_generations,
        read_questions,
        score_generation_file,
    )
    from execgym.sandbox import Sandbox
    from execgym.tasks import Kind

    if data is None:
        raise usage_error("execq needs --data: the questions JSONL")
    for path, what in ((data, "questions file"), (generations, "generations file")):
        if not path.is_file():
            raise usage_error(f"{what} not found: {path}")
        problem = utf8_problem(path)
        if problem is not None:
            raise usage_error(problem)
    try:
        questions = read_questions(data)
        answers = read_generations(generations)
    except InputFileError as exc:
        raise usage_error(str(exc)) from None
    needs_sandbox = any(item.kind is Kind.INPUT for q in questions.values() for item in q.items)
    total = sum(len(answers.get(qid, [])) for qid in questions)
    errors = stderr_console()
    try:
        with ExitStack() as stack:
            sandbox = stack.enter_context(Sandbox(workers=workers)) if needs_sandbox else None
            advance = stack.enter_context(progress_bar(errors, "scoring", total))
            summary = score_generation_file(
                questions, answers, output_dir, sandbox, advance, equality=equality
            )
    except KeyboardInterrupt:
        raise interrupted(_score_interrupted(output_dir)) from None
    stdout_console().print(verbatim(summary.markdown()), highlight=False)
    if summary.without_generations:
        errors.print(f"{len(summary.without_generations)} questions have no generations")
    if summary.unknown_ids:
        errors.print(f"{len(summary.unknown_ids)} generation ids match no question")
    if summary.sandbox_failures:
        errors.print(f"[red]{summary.sandbox_failures} responses could not be judged[/]")
    errors.print(f"wrote {markup_escape(str(output_dir / 'items.jsonl'))} and summary.json")
    raise typer.Exit(EXIT_FAILURE if summary.sandbox_failures else EXIT_OK)


def _score_interrupted(output_dir: Path) -> str:
    items = output_dir / "items.jsonl"
    scored = 0
    if items.exists():
        with items.open("rb") as stream:
            scored = sum(1 for line in stream if line.endswith(b"\n"))
    return (
        f"{scored} items scored so far are in {items}; scoring starts over when the command "
        "is run again"
    )


def task_help() -> Sequence[tuple[str, str]]:
    """``(name, description)`` of every registered task, for help texts and the README."""
    from execgym.bench._eval_task import eval_task_names, get_eval_task

    return [(name, get_eval_task(name).description) for name in eval_task_names()]
