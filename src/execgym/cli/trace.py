"""``execgym trace``: trace a program or one call of it, line by line."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from execgym.cli._common import (
    EXIT_FAILURE,
    EXIT_OK,
    read_text_file,
    stdout_console,
    usage_error,
)


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
    from execgym.cli._trace_render import print_trace
    from execgym.sandbox import Limits, Sandbox, SandboxConfig
    from execgym.trace import (
        INSTRUMENTS,
        TraceOptions,
        TraceStatus,
        split_call,
        trace_call,
        trace_script,
    )

    code = read_text_file(program, "program file")
    stdin_text = read_text_file(stdin, "stdin file") if stdin is not None else ""
    options = TraceOptions(max_steps=max_steps, limits=Limits(time_s=time_limit, memory_mb=512))
    with Sandbox(workers=1, config=SandboxConfig(instruments=INSTRUMENTS)) as sandbox:
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
