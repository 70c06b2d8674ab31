"""Strings a program can produce that have broken execgym's writers and renderers.

Shared by the tests of every command that writes or shows text a program controls.
"""

from __future__ import annotations

HOSTILE_STRINGS = (
    "\ud800",  # a lone high surrogate: UTF-8 cannot encode it
    "low \udfff and pair-like \udc80\udcff",  # lone low surrogates (surrogateescape bytes)
    "nul \x00 inside",
    "\x1b[31mred\x1b[0m \x1b[2J cleared",  # terminal escape sequences
    "bell \x07 backspace \x08 return \r over",
    "c1 \x85 next-line \x9b csi",  # C1 controls; U+0085 is a line break to splitlines
    "line \u2028 and paragraph \u2029 separators",
    "bidi \u202e desrever \u202c and \u2066isolate\u2069",
    "[/oops]",  # a closing markup tag that matches nothing
    "[red]hi[/red] [x]",
    "x = a[i]",
    "return [total, str(total)]",
    "trailing backslash \\",
    "[bold]\\[escaped][/bold]",
    "tab\tand\nnewline",
    "emoji \U0001f600 and accents é",
)
"""Every string here must survive a JSON writer unchanged and render verbatim."""

INVISIBLE_CHARACTERS = "\x00\x07\x08\x1b\x85\x9b\u2028\u2029\u202e\ud800\udfff\r"
"""Characters that must never reach a terminal as themselves."""


def program_returning(value: str) -> str:
    """A program whose ``f()`` returns ``value`` (built with ``chr`` so the source stays
    printable) and prints and raises it too."""
    codes = ", ".join(str(ord(ch)) for ch in value)
    return f"def f():\n    return ''.join(map(chr, [{codes}]))\n"
