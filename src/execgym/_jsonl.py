"""The one way execgym writes JSON: any text a program can produce, always valid UTF-8.

A program controls much of what execgym writes (its output, its exception messages, the
values it returns), and Python strings may hold what UTF-8 cannot encode: a lone surrogate
such as ``"\\ud800"`` (from ``chr(0xD800)``, or a JSON ``\\ud800`` escape read back).
``json.dumps(..., ensure_ascii=False)`` copies such a character into its result and writing
that to a UTF-8 file or terminal raises ``UnicodeEncodeError``; pydantic's
``model_dump_json`` raises too.

:func:`json_text` keeps every other character as it is (non-ASCII text stays readable) and
writes each lone surrogate as its ``\\uXXXX`` escape, which is valid JSON that
``json.loads`` reads back to the same string. JSON itself escapes the C0 controls (NUL, ESC,
...); :func:`json_text` escapes the rest of what could act on a terminal or split a line:
DEL and the C1 controls (U+0085 is a line break to ``str.splitlines``), U+2028 and U+2029,
and the bidirectional overrides. The one string JSON cannot tell apart is a high surrogate
immediately followed by a low one: it reads back as the astral character the pair encodes.
"""

from __future__ import annotations

import json
import re
from typing import IO, Any

_ESCAPED = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def _escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match.group()):04x}"


def json_text(value: Any, *, indent: int | None = None, compact: bool = False) -> str:
    """``value`` (a pydantic model or anything ``json.dumps`` takes) as JSON text that
    encodes to UTF-8 whatever strings it holds; ``compact`` drops the spaces after ``,``
    and ``:``."""
    model_dump = getattr(value, "model_dump", None)  # a pydantic model
    if callable(model_dump):
        value = model_dump(mode="json")
    separators = (",", ":") if compact else None
    text = json.dumps(value, ensure_ascii=False, indent=indent, separators=separators)
    return _ESCAPED.sub(_escape, text)


class JsonLinesWriter:
    """Writes one JSON object per line and flushes each, so a killed run keeps every line
    that finished."""

    def __init__(self, stream: IO[str], *, compact: bool = False) -> None:
        self._stream = stream
        self._compact = compact

    def write(self, record: Any) -> None:
        self._stream.write(json_text(record, compact=self._compact) + "\n")
        self._stream.flush()
