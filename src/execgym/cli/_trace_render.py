"""A readable step table of a trace, for terminals (``execgym trace``).

Program text, function names and values are shown verbatim (:mod:`execgym._verbatim`):
``x = a[i]`` keeps its ``[i]``, a value ``'[red]hi[/red]'`` is not coloured, and control
characters in a string are shown as escapes instead of acting on the terminal.
"""

from __future__ import annotations

from rich.console import Console
from rich.table import Table
from rich.text import Text

from execgym._verbatim import verbatim
from execgym.trace import Trace, Value

_MAX_CELL = 60


def _short(value: Value) -> str:
    if value.truncated:
        return f"<{value.type}, too large>"
    text = value.repr if value.repr is not None else "?"
    return text if len(text) <= _MAX_CELL else text[: _MAX_CELL - 3] + "..."


def step_table(trace: Trace, max_rows: int = 500) -> Table:
    """One row per step: index, event, line, function (indented by depth), source, changes."""
    source = trace.code.splitlines()
    title = f"trace of {trace.call or 'the script'}: {trace.status}, {len(trace.steps)} steps"
    table = Table(title=verbatim(title), show_lines=False)
    for name, justify in (("#", "right"), ("event", "left"), ("line", "right")):
        table.add_column(name, justify=justify)  # type: ignore[arg-type]
    table.add_column("function")
    table.add_column("source")
    table.add_column("changes / value")
    for step in trace.steps[:max_rows]:
        text = source[step.line - 1].strip() if 0 < step.line <= len(source) else ""
        shown = ", ".join(f"{k}={_short(v)}" for k, v in step.changes.items())
        if step.value is not None:
            label = "raises" if step.event == "exception" else "returns"
            shown = (shown + "; " if shown else "") + f"{label} {_short(step.value)}"
        table.add_row(
            str(step.i),
            verbatim(step.event),
            str(step.line),
            verbatim("  " * step.depth + step.func),
            verbatim(text),
            verbatim(shown),
            style="dim" if step.event in ("call", "return") else None,
        )
    if len(trace.steps) > max_rows:
        table.caption = f"{len(trace.steps) - max_rows} more steps not shown (use --json)"
    return table


def print_trace(console: Console, trace: Trace) -> None:
    """The step table, then the call's output or the exception it raised."""
    console.print(step_table(trace))
    if trace.output is not None:
        line = Text("output: ")
        line.append(verbatim(trace.output.repr or "?"))
        line.append(verbatim(f" ({trace.output.type})"))
        console.print(line)
    if trace.error is not None:
        console.print(verbatim(f"{trace.error.type}: {trace.error.message}", style="red"))
