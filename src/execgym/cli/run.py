"""``execgym run``: run one program in the sandbox."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TextIO

import typer

from execgym.cli._common import EXIT_FAILURE, EXIT_OK, read_text_file, stderr_console
from execgym.cli._defaults import RUN_MEMORY_MB, RUN_TIME_LIMIT_S

if TYPE_CHECKING:
    from execgym.sandbox import RunResult

RUN_JSON_KEYS = ("verdict", "exit_code", "stdout", "stderr", "cpu_s", "wall_s", "peak_memory_mb")
"""The keys of ``execgym run --json``'s object (plus ``detail``)."""


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
    from execgym._jsonl import json_text
    from execgym.cli._display import run_summary_line
    from execgym.sandbox import Limits, Sandbox, Verdict

    code = read_text_file(program, "program file")
    if stdin is None:
        stdin_text = ""
    elif str(stdin) == "-":
        stdin_text = sys.stdin.read()
    else:
        stdin_text = read_text_file(stdin, "stdin file")
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
