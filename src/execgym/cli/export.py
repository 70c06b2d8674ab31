"""``execgym export verl|trl|sft``: training data for verl, TRL and SFT.

``execgym export verl INPUT -o train.parquet``, ``execgym export trl INPUT -o DIR`` and
``execgym export sft INPUT -o FILE.jsonl`` read INPUT (execution questions, synthesized
programs, chat rows or generic training rows; the format is told from the first row, or
given with ``--format``), or a code-generation benchmark (``--dataset NAME --data PATH``
instead of INPUT), and write it for the trainer (:mod:`execgym.train`). Every row that
cannot be exported is named on standard error (file, line, field, reason).

:data:`export_app` is registered in :mod:`execgym.cli` with
``app.add_typer(export_app, name="export")``.

Exit statuses: 0 success, 1 some rows could not be exported (the others are written),
2 a usage error (missing input, unknown format, dataset or reward, missing extra).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Literal

import typer

from execgym.cli._common import (
    CONTEXT_SETTINGS,
    EXIT_FAILURE,
    EXIT_OK,
    stderr_console,
    usage_error,
    utf8_problem,
)

if TYPE_CHECKING:
    from execgym.train import RowProblem, TrainingRow

export_app = typer.Typer(
    name="export",
    help="Write training data for verl, TRL or SFT.",
    add_completion=False,
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    context_settings=CONTEXT_SETTINGS,
)

Target = Literal["verl", "trl", "sft"]

InputArgument = Annotated[
    Path | None,
    typer.Argument(
        metavar="INPUT",
        help="Questions, programs, chat rows or training rows (JSONL); omit with --dataset.",
    ),
]
OutputOption = Annotated[Path, typer.Option("-o", "--output", help="Where to write.")]
DatasetOption = Annotated[
    str | None,
    typer.Option("--dataset", help="A code-generation benchmark (apps, mbpp, ...) as INPUT."),
]
DataOption = Annotated[
    Path | None, typer.Option("--data", help="The benchmark's local files (with --dataset).")
]
FormatOption = Annotated[
    str, typer.Option("--format", help="auto, questions, programs, chat or rows.")
]
RewardOption = Annotated[
    str | None,
    typer.Option(
        "--reward",
        help="Execution questions: execverify (default), whitebox, output, accuracy; "
        "benchmarks: all_pass (default) or pass_rate.",
    ),
]
AsOption = Annotated[
    str,
    typer.Option(
        "--as", help="Programs: combined (ExecVerify's combined questions) or output (prediction)."
    ),
]
SplitOption = Annotated[str, typer.Option("--split", help="Written into extra_info.split.")]
SeedOption = Annotated[int, typer.Option("--seed", help="Question selection seed (programs).")]
DifficultyOption = Annotated[
    str | None, typer.Option("--difficulty", help="Benchmarks: one difficulty level only.")
]
LimitOption = Annotated[
    int | None, typer.Option("--limit", min=1, help="Benchmarks: the first K problems.")
]
WorkersOption = Annotated[
    int | None, typer.Option("--workers", min=1, help="Parallel sandboxes (programs, EvalPlus).")
]


def _collect(
    target: Target,
    input_path: Path | None,
    dataset: str | None,
    data: Path | None,
    fmt: str,
    reward: str | None,
    as_questions: str,
    split: str,
    seed: int,
    difficulty: str | None,
    limit: int | None,
    workers: int | None,
) -> tuple[list[TrainingRow], list[RowProblem]]:
    from contextlib import ExitStack

    from execgym.registry import UnknownName
    from execgym.sandbox import Sandbox
    from execgym.train import (
        CODEGEN_REWARDS,
        FORMATS,
        ExportError,
        benchmark_rows,
        detect_format,
        read_rows,
    )

    if (input_path is None) == (dataset is None):
        raise usage_error("give either INPUT or --dataset NAME (with --data PATH), not both")
    if as_questions not in ("combined", "output"):
        raise usage_error(f"--as: expected combined or output, got {as_questions!r}")
    with ExitStack() as stack:
        sandbox = stack.enter_context(Sandbox(workers=workers)) if workers else None
        try:
            if dataset is not None:
                codegen_reward = reward or "all_pass"
                if codegen_reward not in CODEGEN_REWARDS:
                    raise usage_error(
                        f"--reward: a benchmark is rewarded all_pass or pass_rate, "
                        f"not {codegen_reward!r}"
                    )
                if data is not None and not data.exists():
                    raise usage_error(f"--data not found: {data}")
                return benchmark_rows(
                    dataset,
                    data,
                    split=split,
                    reward=codegen_reward,  # type: ignore[arg-type]
                    difficulty=difficulty,
                    limit=limit,
                    sandbox=sandbox,
                )
            assert input_path is not None
            if not input_path.is_file():
                raise usage_error(f"input file not found: {input_path}")
            problem = utf8_problem(input_path)
            if problem is not None:
                raise usage_error(problem)
            if fmt == "auto":
                chosen = detect_format(input_path)
            elif fmt in FORMATS:
                chosen = fmt
            else:
                raise usage_error(f"--format: expected auto, {', '.join(FORMATS)}; got {fmt!r}")
            return read_rows(
                input_path,
                chosen,
                split=split,
                reward=reward or "execverify",
                as_questions=as_questions,  # type: ignore[arg-type]
                seed=seed,
                sandbox=sandbox,
            )
        except (ExportError, UnknownName) as exc:
            raise usage_error(str(exc).strip("\"'")) from None


def _export(
    target: Target, output: Path, rows: list[TrainingRow], problems: list[RowProblem]
) -> None:
    from execgym._verbatim import markup_escape
    from execgym.train import ExportError, rl_rows, write_sft, write_trl, write_verl

    errors = stderr_console()
    problems = list(problems)
    if output.parent and not output.parent.exists():
        raise usage_error(f"output directory not found: {output.parent}")
    try:
        if target == "sft":
            written, left_out = write_sft(rows, output)
            problems.extend(left_out)
        else:
            kept, left_out = rl_rows(rows)
            problems.extend(left_out)
            writer = write_verl if target == "verl" else write_trl
            written = writer(kept, output)
    except ExportError as exc:
        raise usage_error(str(exc)) from None
    for problem in problems:
        errors.print(f"[red]error:[/] {markup_escape(str(problem))}", soft_wrap=True)
    summary = f"{written} rows written to {output}"
    if problems:
        summary += f"; {len(problems)} rows could not be exported (named above)"
    errors.print(markup_escape(summary), soft_wrap=True)
    raise typer.Exit(EXIT_FAILURE if problems else EXIT_OK)


def _command(target: Target, summary: str) -> None:
    def command(
        output: OutputOption,
        input_path: InputArgument = None,
        dataset: DatasetOption = None,
        data: DataOption = None,
        fmt: FormatOption = "auto",
        reward: RewardOption = None,
        as_questions: AsOption = "combined",
        split: SplitOption = "train",
        seed: SeedOption = 0,
        difficulty: DifficultyOption = None,
        limit: LimitOption = None,
        workers: WorkersOption = None,
    ) -> None:
        rows, problems = _collect(
            target,
            input_path,
            dataset,
            data,
            fmt,
            reward,
            as_questions,
            split,
            seed,
            difficulty,
            limit,
            workers,
        )
        _export(target, output, rows, problems)

    command.__doc__ = summary
    export_app.command(target)(command)


_command(
    "verl",
    """Write verl's training parquet: data_source, prompt (chat messages), ability,
    reward_model {style: rule, ground_truth}, extra_info (id, split, index, ...).

    Score it with reward.custom_reward_function.path = the file `python -m
    execgym.train.verl` prints, name = compute_score. Exit status: 0 success, 1 some rows
    could not be exported (named on standard error; the others are written), 2 usage error.
    """,
)
_command(
    "trl",
    """Write a Hugging Face dataset directory for TRL's GRPOTrainer: prompt (chat messages),
    data_source, ground_truth, label, extra_info, id (needs the train extra).

    Score it with execgym.train.trl.execgym_reward. Exit status: 0 success, 1 some rows
    could not be exported (named on standard error; the others are written), 2 usage error.
    """,
)
_command(
    "sft",
    """Write chat SFT examples as JSONL: {"messages": [..., {"role": "assistant", ...}],
    "id", "data_source"}, the assistant's message being the reference answer or solution
    (as parquet when -o ends in .parquet, for verl's SFT trainer).

    Exit status: 0 success, 1 some rows could not be exported (named on standard error; the
    others are written), 2 usage error.
    """,
)
