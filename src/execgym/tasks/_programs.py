"""Program rows: one function and one call of it, read from JSONL.

A row is a JSON object ``{"id", "code", "entry", "input"}``: ``code`` defines the function
``entry`` (default ``"f"``) and ``input`` is the Python source of the argument list of the
call, as written between its parentheses (``"'abc', 2"``). CRUXEval rows work as they are;
keys other than these four are ignored. ``id`` may be a string or an integer (kept as a
string) and must be unique in a file, because question ids are derived from it.

A malformed row raises :class:`ProgramFormatError`, which names the file, the line and the
field.
"""

from __future__ import annotations

import ast
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from execgym.trace import CallItem

DEFAULT_ENTRY = "f"


@dataclass(frozen=True)
class Program:
    """One program and the call that is traced and asked about."""

    id: str
    code: str
    input: str
    """The argument list of the call, as Python source (``"'abc', 2"``)."""
    entry: str = DEFAULT_ENTRY

    @property
    def call(self) -> str:
        """The call as written in a prompt: ``f('abc', 2)``."""
        return f"{self.entry}({self.input})"

    def call_item(self) -> CallItem:
        """What :func:`execgym.trace.trace_many` needs to trace this call."""
        return CallItem(code=self.code, entry=self.entry, args_src=self.input)


class ProgramFormatError(ValueError):
    """A program row that cannot be read; the message names the file, line and field."""

    def __init__(self, where: str, field: str, problem: str) -> None:
        super().__init__(f"{where}: field {field!r}: {problem}")
        self.where = where
        self.field = field
        self.problem = problem


def program_from_row(row: object, where: str = "<row>") -> Program:
    """Read one decoded row; ``where`` (e.g. ``"data.jsonl:3"``) prefixes every error."""
    if not isinstance(row, Mapping):
        raise ProgramFormatError(where, "<row>", f"expected a JSON object, got {_kind(row)}")
    program_id = _required(row, "id", where)
    if isinstance(program_id, bool) or not isinstance(program_id, (str, int)):
        raise ProgramFormatError(
            where, "id", f"expected a string or integer, got {_kind(program_id)}"
        )
    if str(program_id).strip() == "":
        raise ProgramFormatError(where, "id", "is empty")
    code = _string(row, "code", where)
    if code.strip() == "":
        raise ProgramFormatError(where, "code", "is empty")
    try:
        ast.parse(code)
    except SyntaxError as exc:
        problem = f"is not valid Python: {exc.msg} (line {exc.lineno})"
        raise ProgramFormatError(where, "code", problem) from None
    entry = row.get("entry", DEFAULT_ENTRY)
    if not isinstance(entry, str) or not entry.isidentifier():
        raise ProgramFormatError(where, "entry", f"expected a function name, got {entry!r}")
    args_src = _string(row, "input", where)
    try:
        ast.parse(f"{entry}({args_src})", mode="eval")
    except SyntaxError:
        raise ProgramFormatError(
            where, "input", f"{args_src!r} is not a Python argument list"
        ) from None
    return Program(id=str(program_id), code=code, input=args_src, entry=entry)


def iter_programs(
    path: str | Path, on_error: Callable[[ProgramFormatError], None] | None = None
) -> Iterator[Program]:
    """The programs of a JSONL file in file order; blank lines are skipped.

    A malformed row raises :class:`ProgramFormatError`, or, with ``on_error``, is handed to
    it and skipped so that the rows after it are still read.
    """
    path = Path(path)
    seen: dict[str, int] = {}
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            try:
                program = _program_from_line(text, f"{path}:{number}", seen, number)
            except ProgramFormatError as error:
                if on_error is None:
                    raise
                on_error(error)
                continue
            yield program


def _program_from_line(text: str, where: str, seen: dict[str, int], number: int) -> Program:
    try:
        row = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ProgramFormatError(where, "<row>", f"not valid JSON: {exc.msg}") from None
    program = program_from_row(row, where)
    if program.id in seen:
        raise ProgramFormatError(
            where, "id", f"{program.id!r} repeats the id of line {seen[program.id]}"
        )
    seen[program.id] = number
    return program


def read_programs(path: str | Path) -> list[Program]:
    """All programs of a JSONL file (see :func:`iter_programs`)."""
    return list(iter_programs(path))


def _required(row: Mapping[str, object], field: str, where: str) -> object:
    if field not in row:
        raise ProgramFormatError(where, field, "is missing")
    return row[field]


def _string(row: Mapping[str, object], field: str, where: str) -> str:
    value = _required(row, field, where)
    if not isinstance(value, str):
        raise ProgramFormatError(where, field, f"expected a string, got {_kind(value)}")
    return value


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__
