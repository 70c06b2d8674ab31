"""The one way to show untrusted text: verbatim, never markup, control characters visible."""

from __future__ import annotations

import io

import pytest
from hostile_text import HOSTILE_STRINGS, INVISIBLE_CHARACTERS
from rich.console import Console
from rich.table import Table

from execgym._verbatim import markup_escape, verbatim, visible


def rendered(*renderables: object) -> str:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None, highlight=False)
    for renderable in renderables:
        console.print(renderable)
    return buffer.getvalue()


def test_visible_escapes_what_acts_on_a_terminal_and_keeps_the_rest() -> None:
    assert visible("a\x1b[2Jb") == "a\\x1b[2Jb"
    assert visible("nul\x00") == "nul\\x00"
    assert visible("\ud800") == "\\ud800"
    assert visible("\u202eab") == "\\u202eab"
    assert visible("\x85\u2028") == "\\x85\\u2028"
    assert visible("tab\tnew\nline é \U0001f600 [red]") == "tab\tnew\nline é \U0001f600 [red]"


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_verbatim_text_renders_exactly_as_visible(text: str) -> None:
    shown = rendered(verbatim(text), f"[bold]{markup_escape(text)}[/bold]")
    expected = visible(text).expandtabs(8)  # rich lays tabs out as spaces
    assert shown == f"{expected}\n{expected}\n"
    shown.encode("utf-8")
    assert not set(INVISIBLE_CHARACTERS) & set(shown)


def test_table_cells_keep_brackets() -> None:
    table = Table("source", "value")
    table.add_row(verbatim("x = a[i]"), verbatim("'[red]hi[/red] [x]'"))
    table.add_row(verbatim('y = "[/oops]"'), verbatim("return [total, str(total)]"))
    shown = rendered(table)
    for text in ("x = a[i]", "'[red]hi[/red] [x]'", 'y = "[/oops]"', "return [total, str(total)]"):
        assert text in shown
