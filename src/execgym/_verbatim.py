"""The one way execgym shows text it does not control on a terminal: verbatim, visibly.

Program source, traced values, exception messages, model responses and server errors may
hold rich markup (``x = a[i]``, ``"[/oops]"``), terminal control sequences (``\\x1b[2J``),
NUL, lone surrogates that no terminal encoding accepts, or bidirectional overrides that
reorder what is shown. Rendered as rich markup, ``[i]`` vanishes and ``[/oops]`` raises
``MarkupError``; written raw, an escape sequence acts on the user's terminal.

:func:`visible` writes every such character as its Python escape (``\\x1b``, ``\\x00``,
``\\ud800``, ``\\u202e``) and keeps all other text, newlines and tabs included;
:func:`verbatim` makes a rich ``Text`` of it, which rich never parses as markup; and
:func:`markup_escape` is for the rare line that mixes execgym's own markup with such text.
"""

from __future__ import annotations

import re

from rich.markup import escape
from rich.text import Text

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)


def _escape_character(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with control characters, lone surrogates and bidirectional controls written
    as Python escapes; newlines, tabs and everything else kept as they are."""
    return _INVISIBLE.sub(_escape_character, text)


def verbatim(text: str, style: str = "") -> Text:
    """``text`` as a rich ``Text`` shown exactly as written (see :func:`visible`)."""
    return Text(visible(text), style=style)


def markup_escape(text: str) -> str:
    """``text`` made safe to embed in a rich markup string: visible, with markup escaped."""
    return escape(visible(text))
