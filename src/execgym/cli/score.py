"""``execgym score``: score existing generations without a model
(:func:`execgym.bench.score_generations`; ``score execq``:
:func:`execgym.bench.score_generation_file`).

Exit statuses: 0 success; 1 when the sandbox could not judge some responses (or, for a
task, the run had something else to report); 2 bad input.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

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
from execgym.cli.eval import load_items, open_task, print_report


def score(
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

    from execgym.bench import (
        InputFileError,
        mark_extracted,
        read_generation_file,
        score_generations,
    )
    from execgym.cli._display import progress_bar
    from execgym.rewards import EQUALITIES
    from execgym.sandbox import Sandbox

    if equality is not None and equality not in EQUALITIES:
        raise usage_error(f"unknown --equality {equality!r}; known: {', '.join(EQUALITIES)}")
    if task == "execq":
        _score_execq(data, generations, output_dir, workers, equality)
        return
    if equality is not None:
        raise usage_error("--equality applies to execq only")
    eval_task = open_task(task, difficulty)
    if not generations.is_file():
        raise usage_error(f"generations file not found: {generations}")
    problem = utf8_problem(generations)
    if problem is not None:
        raise usage_error(problem)
    items = load_items(eval_task, data, cot, None)
    try:
        answers, extracted = read_generation_file(generations, items)
    except InputFileError as exc:
        raise usage_error(str(exc)) from None
    items = mark_extracted(items, extracted)
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
    raise typer.Exit(print_report(report, errors))


def _score_execq(
    data: Path | None,
    generations: Path,
    output_dir: Path,
    workers: int | None,
    equality: str | None = None,
) -> None:
    """``execgym score execq``: per-response records and the per-kind summary of
    ``execgym questions`` files."""
    from contextlib import ExitStack

    from execgym._verbatim import markup_escape, verbatim
    from execgym.bench import (
        InputFileError,
        read_generations,
        read_questions,
        score_generation_file,
    )
    from execgym.cli._display import progress_bar
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
    from execgym.bench import ItemRecord, RunDirectory

    scored = RunDirectory(output_dir, ItemRecord).count_lines()
    items = output_dir / "items.jsonl"
    return (
        f"{scored} items scored so far are in {items}; scoring starts over when the command "
        "is run again"
    )
