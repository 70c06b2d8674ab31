"""The fork-server's reading of a child's frames: bounded, linear, and strict.

Nothing a child sends is trusted. The reader holds every frame to the protocol of
``_protocol``: a header line of at most ``HEADER_CAP`` bytes holding a flat JSON object,
blobs no larger than the run's caps, events in the one order the harness sends them, each
once. The first frame that breaks a rule is a :class:`ProtocolViolation`; the fork-server
then kills the run and the program is judged ``RUNTIME_ERROR`` — a child can never make its
run a sandbox failure, nor make the fork-server or the judge spend more than linear time
and bounded memory on what it sends. Blob contents are passed on as bytes, after one check
on value and record blobs: their JSON nesting must stay within ``MAX_VALUE_DEPTH`` (checked
on the bytes, so the judge's parser cannot recurse deeper).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from execgym.sandbox._protocol import BLOB_NAMES, HEADER_CAP, MAX_VALUE_DEPTH


class ProtocolViolation(Exception):
    """A frame the harness would never send: the program wrote to the channel."""


_HEADER_KEYS = {
    "compiled": set(),
    "compile_error": {"error"},
    "loaded": set(),
    "load_error": None,  # as ``done`` without ``i``
    "start": {"i"},
    "done": None,
    "end": set(),
    "setup_error": {"error"},
}
_RESULT_KEYS = {
    "status",
    "exit_code",
    "error",
    "cpu_s",
    "wall_s",
    "rss_mb",
    "stdout_over",
    "stderr_over",
    "value",
    "extra_error",
    "blobs",
}
_STRING = re.compile(rb'"[^"\\]*(?:\\.[^"\\]*)*"')


def json_depth_within(data: bytes, limit: int) -> bool:
    """Whether JSON text ``data`` nests at most ``limit`` deep, in time linear in its size
    (strings are removed first, then one nesting level per pass of C-speed replacements)."""
    if len(data) <= 2 * limit:
        return True  # too short to open more brackets than that
    brackets = _STRING.sub(b"", data).translate(None, _NOT_BRACKETS)
    for _ in range(limit):
        if not brackets:
            return True
        shorter = brackets.replace(b"[]", b"").replace(b"{}", b"")
        if len(shorter) == len(brackets):
            return False  # not valid JSON: its innermost brackets would pair up
        brackets = shorter
    return not brackets


_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


@dataclass
class Frame:
    """One frame: its header and the blobs it announced, by name."""

    header: dict[str, Any]
    blobs: dict[str, bytes] = field(default_factory=dict)


class FrameReader:
    """Incremental frame parser: feed bytes as they arrive, take whole frames out.

    ``caps`` bounds each blob by name. Work and memory are linear in what is fed; a single
    frame never holds more than ``HEADER_CAP`` plus the sum of the caps.
    """

    def __init__(self, caps: dict[str, int]) -> None:
        self._caps = caps
        self._buffer = bytearray()
        self._scanned = 0  # bytes of the buffer already searched for a newline
        self._header: dict[str, Any] | None = None
        self._sizes: list[int] = []

    def feed(self, data: bytes) -> list[Frame]:
        self._buffer += data
        frames: list[Frame] = []
        while True:
            frame = self._next()
            if frame is None:
                return frames
            frames.append(frame)

    def _next(self) -> Frame | None:
        if self._header is None:
            newline = self._buffer.find(b"\n", self._scanned)
            if newline < 0:
                self._scanned = len(self._buffer)
                if self._scanned > HEADER_CAP:
                    raise ProtocolViolation(f"a header line longer than {HEADER_CAP} bytes")
                return None
            if newline + 1 > HEADER_CAP:
                raise ProtocolViolation(f"a header line longer than {HEADER_CAP} bytes")
            header = _parse_header(bytes(self._buffer[:newline]))
            del self._buffer[: newline + 1]
            self._scanned = 0
            self._sizes = self._blob_sizes(header)
            self._header = header
        needed = sum(self._sizes)
        if len(self._buffer) < needed:
            return None
        frame = Frame(self._header)
        offset = 0
        for name, size in zip(BLOB_NAMES, self._sizes, strict=False):
            frame.blobs[name] = bytes(self._buffer[offset : offset + size])
            offset += size
        del self._buffer[:needed]
        self._header = None
        self._sizes = []
        for name in ("value", "extra"):
            blob = frame.blobs.get(name)
            if blob and not json_depth_within(blob, MAX_VALUE_DEPTH):
                raise ProtocolViolation(f"a {name} nested deeper than {MAX_VALUE_DEPTH}")
        return frame

    def _blob_sizes(self, header: dict[str, Any]) -> list[int]:
        sizes = header.get("blobs", [])
        if not isinstance(sizes, list) or len(sizes) > len(BLOB_NAMES):
            raise ProtocolViolation("malformed blob list")
        for name, size in zip(BLOB_NAMES, sizes, strict=False):
            if type(size) is not int or size < 0:
                raise ProtocolViolation("malformed blob size")
            if size > self._caps.get(name, 0):
                raise ProtocolViolation(f"a {name} of {size} bytes, over its cap")
        return sizes


def _parse_header(line: bytes) -> dict[str, Any]:
    try:
        header = json.loads(line)
    except (ValueError, RecursionError):
        raise ProtocolViolation(f"an unparseable header: {line[:120]!r}") from None
    if not isinstance(header, dict) or not isinstance(header.get("ev"), str):
        raise ProtocolViolation(f"not an event: {line[:120]!r}")
    kind = header["ev"]
    if kind not in _HEADER_KEYS:
        raise ProtocolViolation(f"an unknown event {kind[:40]!r}")
    allowed = _HEADER_KEYS[kind]
    if allowed is None:
        allowed = _RESULT_KEYS | ({"i"} if kind == "done" else set())
    extra = set(header) - allowed - {"ev", "blobs"}
    if extra:
        raise ProtocolViolation(f"unexpected fields in {kind!r}: {sorted(extra)[:5]}")
    error = header.get("error")
    if error is not None and not (
        isinstance(error, dict) and all(isinstance(v, str) for v in error.values())
    ):
        raise ProtocolViolation("a malformed error record")
    for name, value in header.items():
        if isinstance(value, (dict, list)) and name not in ("error", "blobs"):
            raise ProtocolViolation(f"a malformed field {name!r}")
    return header


class EventOrder:
    """The order the harness sends events in, and the test running now.

    ``call_mode`` runs expect ``loaded`` (or ``load_error``) after ``compiled``.
    """

    def __init__(self, tests: int, call_mode: bool) -> None:
        self.tests = tests
        self.call_mode = call_mode
        self.state = "begin"  # begin, compiled, ready, running, ended
        self.next_test = 0
        self.current: int | None = None
        self.first = True
        self._offered = -1

    def take(self, header: dict[str, Any]) -> None:
        """Check ``header`` against the protocol; raises :class:`ProtocolViolation`."""
        kind = header["ev"]
        first, self.first = self.first, False
        if kind == "setup_error":
            if not first:
                raise ProtocolViolation("a set-up error after the harness started")
            self.state = "ended"
            return
        if self.state == "ended":
            raise ProtocolViolation("an event after the end of the run")
        if kind == "compile_error" or kind == "compiled":
            self._expect(self.state == "begin", kind)
            self.state = "compiled" if kind == "compiled" else "failed"
        elif kind == "loaded" or kind == "load_error":
            self._expect(self.state == "compiled" and self.call_mode, kind)
            self.state = "ready" if kind == "loaded" else "failed"
        elif kind == "start":
            ready = self.state == "ready" or (self.state == "compiled" and not self.call_mode)
            self._expect(ready and header.get("i") == self.next_test < self.tests, kind)
            self.state = "running"
            self.current = self.next_test
        elif kind == "done":
            self._expect(self.state == "running" and header.get("i") == self.current, kind)
            self.state = "ready"
            self.current = None
            self.next_test += 1
        elif kind == "end":
            finished = self.state == "failed" or (
                self.state in ("ready", "compiled") and self.next_test == self.tests
            )
            self._expect(finished, kind)
            self.state = "ended"

    def _expect(self, condition: bool, kind: str) -> None:
        if not condition:
            raise ProtocolViolation(f"an unexpected {kind!r} event")

    @property
    def ended(self) -> bool:
        return self.state == "ended"

    def next_input(self) -> int | None:
        """The test whose input the child may have now, right after the event just taken
        made it next: after ``compiled`` (no call test) or ``loaded``, and after each
        ``done`` but the last; else ``None``."""
        if self.next_test >= self.tests or self.current is not None:
            return None
        if self.state == "ready" or (self.state == "compiled" and not self.call_mode):
            return None if self._offered == self.next_test else self._offer()
        return None

    def _offer(self) -> int:
        self._offered = self.next_test
        return self.next_test
