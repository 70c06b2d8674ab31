"""Decoding LiveCodeBench's test-case fields without unpickling anything.

``code_generation_lite`` stores ``private_test_cases`` either as JSON text or as
``base64(zlib(pickle(<JSON text>)))`` (the decoding every LiveCodeBench consumer does is
``json.loads(pickle.loads(zlib.decompress(base64.b64decode(s))))``). ``pickle.loads`` on
downloaded data can run arbitrary code, so this module never calls it: it walks the pickle's
opcodes with :func:`pickletools.genops`, which only parses, and accepts the pickle only if all
it does is push one string (protocol header, framing, memo bookkeeping, one string opcode,
``STOP``). Anything else is rejected as a :class:`ValueError`.
"""

from __future__ import annotations

import base64
import binascii
import json
import pickletools
import zlib
from typing import Any, Final

MAX_DECOMPRESSED_BYTES: Final = 1 << 31
"""Refuse test data that inflates past 2 GiB (a zlib bomb)."""

_STRING_OPS: Final = frozenset({"SHORT_BINUNICODE", "BINUNICODE", "BINUNICODE8", "UNICODE"})
_BOOKKEEPING_OPS: Final = frozenset({"PROTO", "FRAME", "MEMOIZE", "PUT", "BINPUT", "LONG_BINPUT"})


def decode_test_cases(text: str) -> Any:
    """The JSON value of a LiveCodeBench test-case field: JSON text, or the compressed form."""
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        pass
    except RecursionError:
        raise ValueError("test cases nest too deeply") from None
    try:
        compressed = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError):
        raise ValueError("neither JSON nor base64-encoded compressed test cases") from None
    inflater = zlib.decompressobj()
    try:
        raw = inflater.decompress(compressed, MAX_DECOMPRESSED_BYTES)
    except zlib.error as exc:
        raise ValueError(f"base64 text that is not zlib data: {exc}") from None
    if inflater.unconsumed_tail:
        raise ValueError(f"compressed test cases inflate past {MAX_DECOMPRESSED_BYTES} bytes")
    try:
        return json.loads(pickled_string(raw))
    except json.JSONDecodeError as exc:
        raise ValueError(f"the pickled string is not JSON: {exc}") from None


def pickled_string(data: bytes) -> str:
    """The one string a pickle holds, read from its opcodes without executing it.

    ``ValueError`` for a pickle that does anything else (builds objects, imports globals,
    calls functions) or is malformed.
    """
    found: list[str] = []
    stopped = False
    try:
        for opcode, argument, _ in pickletools.genops(data):
            if stopped:
                raise ValueError("data after the pickle's STOP")
            if opcode.name == "STOP":
                stopped = True
            elif opcode.name in _STRING_OPS and isinstance(argument, str):
                found.append(argument)
            elif opcode.name not in _BOOKKEEPING_OPS:
                raise ValueError(f"pickle opcode {opcode.name} is not allowed")
    except Exception as exc:  # any malformed pickle, whatever pickletools raises for it
        raise ValueError(f"refusing to unpickle: {exc}") from None
    if not stopped or len(found) != 1:
        raise ValueError("refusing to unpickle: not a pickle of exactly one string")
    return found[0]
