"""The one run log: what a run of ``execgym eval`` or ``execgym score`` wrote, typed.

A run directory holds up to three files, whose names and fields are a contract:

``config.json``
    The settings a run was started with (``execgym eval``): a restart into the same
    directory must ask for the same ones (:meth:`RunDirectory.check_settings`).
``items.jsonl``
    One record per line, appended and flushed as each is finished, so that a killed run
    keeps every finished record. The record's type is the run's own (the log is generic
    over it): :class:`ItemRecord` for an eval task's item and its samples,
    :class:`ResponseRecord` for one scored response of ``score execq``; FixAudit and ReCode
    runs bring theirs.
``summary.json``
    The run's summary, rewritten at the end of every run, with ``usage`` (tokens, items
    answered from the cache) where a model was asked.

:meth:`RunDirectory.read` gives the whole directory as a :class:`RunLog`. Records keep every
field they were written with, known or not, and a record is written with exactly the fields
it was built with (an optional field left out stays out), so that files written before this
module existed read back and write out unchanged.
"""

from __future__ import annotations

import json
import os
from abc import abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from execgym._jsonl import JsonLinesWriter, json_text

CONFIG_FILE = "config.json"
ITEMS_FILE = "items.jsonl"
SUMMARY_FILE = "summary.json"


class RunRecord(BaseModel):
    """A line of ``items.jsonl``: a record written with exactly the fields it was given."""

    model_config = ConfigDict(extra="allow")

    def as_json(self) -> dict[str, Any]:
        """The JSON object of the line: the fields set when it was built or read, in order."""
        return self.model_dump(mode="json", exclude_unset=True)

    @property
    @abstractmethod
    def key(self) -> str:
        """What tells this record apart from the others of its run (a later line with the
        same key replaces an earlier one)."""


RecordT = TypeVar("RecordT", bound=RunRecord)


class PartRecord(BaseModel):
    """The verdict on one question of a multi-question prompt."""

    kind: str
    correct: bool
    reason: str = ""


class SampleRecord(BaseModel):
    """One response of an item and its judgement."""

    model_config = ConfigDict(extra="allow")

    response: str = ""
    extracted: str | None = None
    correct: bool | None = None
    """``None``: the response could not be judged (the sandbox failed); judged again on a
    restart, never counted as wrong."""
    verdict: str = ""
    reason: str = ""
    counted: bool = True
    """``False`` for a response the benchmark's own scoring leaves out of its count."""
    parts: list[PartRecord] = Field(default_factory=list)
    detail: dict[str, Any] = Field(default_factory=dict)


class ItemRecord(RunRecord):
    """An eval task's item, its prompt and every sample judged (``execgym eval`` and
    ``execgym score TASK``)."""

    id: str
    group: str = ""
    kind: str = ""
    system: str | None = None
    prompt: str = ""
    model: str | None = None
    cached: bool | None = None
    finish_reasons: list[str] | None = None
    samples: list[SampleRecord] = Field(default_factory=list)

    @property
    def key(self) -> str:
        return self.id

    @property
    def needs_judging(self) -> bool:
        """Whether a sample could not be judged (a restart judges it again)."""
        return any(sample.correct is None for sample in self.samples)


class ScoredItem(BaseModel):
    """The verdict on one item of a scored question."""

    id: str
    kind: str
    correct: bool
    reason: str = ""


class ResponseRecord(RunRecord):
    """One scored response to a question of an ``execgym questions`` file (``score
    execq``): the items right and wrong and every named reward, or why the sandbox could not
    judge it."""

    question_id: str
    sample: int
    style: str = ""
    kind: str = ""
    response: str = ""
    extracted: list[str | None] = Field(default_factory=list)
    sandbox_error: str | None = None
    items: list[ScoredItem] = Field(default_factory=list)
    rewards: dict[str, Any] = Field(default_factory=dict)

    @property
    def key(self) -> str:
        return f"{self.question_id}#{self.sample}"


class RunUsage(BaseModel):
    """Tokens and cache hits over every run into a directory."""

    model_config = ConfigDict(extra="allow")

    prompt_tokens: int = 0
    completion_tokens: int = 0
    cached_items: int = 0


class RunSpec(BaseModel):
    """What ran: the task (or benchmark) and the model (``generations`` when scored
    without one)."""

    task: str = ""
    model: str = ""


class RunLog(BaseModel, Generic[RecordT]):
    """A run directory read back: spec, settings, per-item records, usage and summary."""

    spec: RunSpec
    settings: dict[str, Any] = Field(default_factory=dict)
    """``config.json`` (empty when the run wrote none)."""
    records: dict[str, RecordT] = Field(default_factory=dict)
    """The records of ``items.jsonl`` by key, in file order (the last record of a key wins)."""
    usage: RunUsage | None = None
    """Totals over every run into the directory, where a model was asked."""
    summary: dict[str, Any] = Field(default_factory=dict)
    """``summary.json`` as written (empty when there is none yet)."""


class ResumeMismatch(ValueError):
    """The run directory holds a run with other settings; resuming it would mix two runs."""


class RunDirectory(Generic[RecordT]):
    """The files of one run directory, read and written through typed records."""

    def __init__(
        self, path: Path, record_type: type[RecordT], records_file: str = ITEMS_FILE
    ) -> None:
        self.path = path
        self.record_type = record_type
        self.records_file = records_file
        """The name of the records file (``items.jsonl``; a run of episodes names its own)."""

    @property
    def items_path(self) -> Path:
        return self.path / self.records_file

    @property
    def summary_path(self) -> Path:
        return self.path / SUMMARY_FILE

    @property
    def config_path(self) -> Path:
        return self.path / CONFIG_FILE

    # ---- settings (config.json) -------------------------------------------------------
    def read_settings(self) -> dict[str, Any] | None:
        """``config.json``, or ``None`` when it is missing or unreadable."""
        try:
            stored = json.loads(self.config_path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError):
            return None
        return stored if isinstance(stored, dict) else None

    def check_settings(self, settings: Mapping[str, Any]) -> None:
        """Refuse a restart with other settings (:class:`ResumeMismatch`); a new run's
        settings are written."""
        stored = self.read_settings()
        if stored is not None:
            differing = [
                f"{key}: {stored.get(key)!r} there, {value!r} now"
                for key, value in settings.items()
                if key in stored and stored[key] != value
            ]
            if differing:
                raise ResumeMismatch(
                    f"{self.path} holds a run with other settings ({'; '.join(differing)}); "
                    "use another output directory or the same settings"
                )
            return
        self.config_path.write_text(json_text(dict(settings), indent=2) + "\n", encoding="utf-8")

    # ---- records (items.jsonl) --------------------------------------------------------
    def read_records(self) -> dict[str, RecordT]:
        """The records of ``items.jsonl`` by key (the last record of a key wins).

        Lines that are not complete records (one cut short by a killed run) are dropped; if
        there were any, the file is rewritten without them, so that the records appended
        next start on a line of their own.
        """
        path = self.items_path
        if not path.exists():
            return {}
        records: dict[str, RecordT] = {}
        good: list[str] = []
        broken = 0
        text = path.read_text(encoding="utf-8")
        for line in text.splitlines():
            if not line.strip():
                continue
            try:  # json.loads reads back every escape json_text writes (lone surrogates too)
                record = self.record_type.model_validate(json.loads(line))
            except (json.JSONDecodeError, ValidationError):
                broken += 1
                continue
            records[record.key] = record
            good.append(line)
        if broken or (text and not text.endswith("\n")):
            temporary = path.with_suffix(".jsonl.tmp")
            temporary.write_text("".join(line + "\n" for line in good), encoding="utf-8")
            os.replace(temporary, path)
        return records

    def count_lines(self) -> int:
        """How many complete lines ``items.jsonl`` holds (0 when there is none)."""
        if not self.items_path.exists():
            return 0
        with self.items_path.open("rb") as stream:
            return sum(1 for line in stream if line.endswith(b"\n"))

    @contextmanager
    def open_records(self, *, append: bool) -> Iterator[RecordWriter[RecordT]]:
        """A writer of records to ``items.jsonl`` (appended to, or written afresh)."""
        self.path.mkdir(parents=True, exist_ok=True)
        with self.items_path.open("a" if append else "w", encoding="utf-8") as stream:
            yield RecordWriter(stream)

    # ---- summary (summary.json) -------------------------------------------------------
    def read_summary(self) -> dict[str, Any]:
        """``summary.json`` (empty if there is none readable)."""
        try:
            stored = json.loads(self.summary_path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return stored if isinstance(stored, dict) else {}

    def write_summary(self, summary: Mapping[str, Any]) -> Path:
        self.summary_path.write_text(json_text(summary, indent=2) + "\n", encoding="utf-8")
        return self.summary_path

    # ---- the whole log ----------------------------------------------------------------
    def read(self) -> RunLog[RecordT]:
        """The run directory as a :class:`RunLog`."""
        summary = self.read_summary()
        settings = self.read_settings() or {}
        usage = summary.get("usage")
        return RunLog[self.record_type](  # type: ignore[name-defined]
            spec=RunSpec(
                task=str(summary.get("task", settings.get("task", ""))),
                model=str(summary.get("model", settings.get("model", ""))),
            ),
            settings=settings,
            records=self.read_records(),
            usage=RunUsage.model_validate(usage) if isinstance(usage, dict) else None,
            summary=summary,
        )


class RecordWriter(Generic[RecordT]):
    """Writes one record per line and flushes each."""

    def __init__(self, stream: IO[str]) -> None:
        self._lines = JsonLinesWriter(stream)

    def write(self, record: RecordT) -> None:
        self._lines.write(record.as_json())
