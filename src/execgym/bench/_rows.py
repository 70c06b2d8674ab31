"""Reading dataset rows from local files, with errors that name the file, row and field."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any, Final

ROW_SUFFIXES: Final = (".jsonl", ".jsonl.gz", ".json", ".json.gz")
"""File kinds :func:`read_rows` reads: JSON Lines, or a JSON array of rows, optionally gzipped."""

_REQUIRED: Final = object()


class DatasetFormatError(ValueError):
    """A dataset file or row that is not in the format its loader reads."""

    def __init__(
        self, message: str, *, where: str, row: int | None = None, field: str | None = None
    ):
        self.where = where
        self.row = row
        self.field = field
        location = where
        if row is not None:
            location += f": row {row}"
        if field is not None:
            location += f": field {field!r}"
        super().__init__(f"{location}: {message}")


class DatasetUnavailableError(RuntimeError):
    """A dataset that cannot be loaded here: no local path and no way to fetch it."""


class Row:
    """One dataset row (a JSON object) and where it came from, with checked field access."""

    def __init__(self, data: Mapping[str, Any], *, where: str, index: int | None) -> None:
        self.data = data
        self.where = where
        self.index = index

    def error(self, field: str | None, message: str) -> DatasetFormatError:
        return DatasetFormatError(message, where=self.where, row=self.index, field=field)

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def get(self, name: str, default: Any = None) -> Any:
        value = self.data.get(name)
        return default if value is None else value

    def text(self, name: str, default: Any = _REQUIRED) -> str:
        """A string field; a missing one is an error unless ``default`` is given."""
        value = self.data.get(name)
        if value is None:
            if default is _REQUIRED:
                raise self.error(name, "missing")
            return str(default)
        if not isinstance(value, str):
            raise self.error(name, f"expected a string, got {type(value).__name__}")
        return value

    def texts(self, name: str, default: Any = _REQUIRED) -> list[str]:
        """A list-of-strings field."""
        value = self.data.get(name)
        if value is None:
            if default is _REQUIRED:
                raise self.error(name, "missing")
            return list(default)
        if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
            raise self.error(name, "expected a list of strings")
        return list(value)

    def number(self, name: str, default: Any = _REQUIRED) -> float:
        value = self.data.get(name)
        if value is None:
            if default is _REQUIRED:
                raise self.error(name, "missing")
            return float(default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.error(name, f"expected a number, got {type(value).__name__}")
        return float(value)

    def json_field(self, name: str, default: Any = _REQUIRED) -> Any:
        """A field that may hold JSON text (decoded here) or the decoded value itself."""
        value = self.data.get(name)
        if value is None or value == "":
            if default is _REQUIRED:
                raise self.error(name, "missing")
            return default
        if isinstance(value, str):
            try:
                return json.loads(value)
            except (json.JSONDecodeError, RecursionError) as exc:
                raise self.error(name, f"not valid JSON: {exc}") from None
        return value


def read_rows(path: Path) -> Iterator[Row]:
    """The rows of a ``.jsonl``/``.json`` file (optionally ``.gz``), or of every such file in
    a directory (sorted by name). Row numbers count from 1 per file."""
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and p.name.endswith(ROW_SUFFIXES))
        if not files:
            raise DatasetFormatError(
                f"no {', '.join(ROW_SUFFIXES)} files in this directory", where=str(path)
            )
        for file in files:
            yield from _file_rows(file)
        return
    if not path.exists():
        raise DatasetFormatError("no such file or directory", where=str(path))
    yield from _file_rows(path)


def find_file(path: Path, names: tuple[str, ...]) -> Path:
    """``path`` itself if it is a file, else the first of ``names`` inside the directory."""
    if path.is_file():
        return path
    for name in names:
        candidate = path / name
        if candidate.is_file():
            return candidate
    if path.is_dir():
        return path
    raise DatasetFormatError("no such file or directory", where=str(path))


def _file_rows(file: Path) -> Iterator[Row]:
    where = str(file)
    opener = gzip.open if file.name.endswith(".gz") else open
    try:
        with opener(file, "rt", encoding="utf-8") as stream:
            if file.name.endswith((".json", ".json.gz")):
                yield from _array_rows(stream.read(), where)
                return
            for number, line in enumerate(stream, 1):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    message = f"not valid JSON: {exc}"
                    raise DatasetFormatError(message, where=where, row=number) from None
                if not isinstance(data, dict):
                    raise DatasetFormatError("a row must be a JSON object", where=where, row=number)
                yield Row(data, where=where, index=number)
    except (OSError, UnicodeDecodeError, EOFError) as exc:
        raise DatasetFormatError(f"cannot be read: {exc}", where=where) from exc


def _array_rows(text: str, where: str) -> Iterator[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DatasetFormatError(f"not valid JSON: {exc}", where=where) from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise DatasetFormatError("expected a JSON array of rows", where=where)
    for number, item in enumerate(data, 1):
        if not isinstance(item, dict):
            raise DatasetFormatError("a row must be a JSON object", where=where, row=number)
        yield Row(item, where=where, index=number)
