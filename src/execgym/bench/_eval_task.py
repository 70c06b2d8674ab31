"""Execution-reasoning benchmarks as eval tasks: one protocol, one registry.

An :class:`EvalTask` turns a benchmark's data into :class:`EvalItem` s (one prompt each, with
what its judge needs) and judges a model's responses to an item, returning one
:class:`Judgement` per response. The runner (:mod:`execgym.bench._runner`) does everything
else: asking the model, writing results as they arrive, resuming, and the metrics.

Tasks register themselves with :func:`register_eval_task` beside their definition, one
benchmark per module of :mod:`execgym.bench.benchmarks`; every
registered task must judge its own :meth:`EvalTask.reference_response` correct (a test walks
the registry and checks it).

Bad data is reported as a :class:`DatasetError` that names the file, the line and the field.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

from execgym.bench.benchmarks import benchmark_modules
from execgym.llm import ChatMessage
from execgym.registry import Registry
from execgym.sandbox import Sandbox

EXPERT_SYSTEM_PROMPT = (
    "You are an expert at Python programming, code execution, test case generation, and fuzzing."
)
"""The system message CRUXEval, LiveCodeBench and REval send to chat models."""

ANSWERS_EXTRACTED = "answers_extracted"
"""Payload flag ``execgym score`` sets on an item whose generations are already-extracted
answers (LiveCodeBench's ``pred_list``); a task whose extraction would change such an answer
judges it as it is."""


@dataclass(frozen=True)
class SamplingDefaults:
    """How a benchmark samples when the command line does not say (its own runner's
    defaults); a task may carry one as ``sampling_defaults``."""

    n: int = 5
    temperature: float = 0.2
    top_p: float = 1.0


def sampling_defaults(task: object) -> SamplingDefaults:
    """``task.sampling_defaults`` where the task has one, else :class:`SamplingDefaults`."""
    found = getattr(task, "sampling_defaults", None)
    return found if isinstance(found, SamplingDefaults) else SamplingDefaults()


class DatasetError(ValueError):
    """A dataset row execgym cannot use; the message names the file, line and field."""

    def __init__(
        self, where: str, field_name: str, problem: str, *, message: str | None = None
    ) -> None:
        super().__init__(message or f"{where}: field {field_name!r}: {problem}")
        self.where = where
        self.field = field_name
        self.problem = problem


class DataRequired(DatasetError):
    """A task that has no usual source was given no data; ``what`` says what it needs."""

    def __init__(self, task: str, what: str) -> None:
        super().__init__(
            task, "<data>", f"{task} needs data: {what}", message=f"{task} needs data: {what}"
        )
        self.task = task
        self.what = what


@dataclass(frozen=True)
class EvalItem:
    """One prompt of a benchmark and what its judge needs.

    ``group`` is the dataset entry the item came from (``--limit K`` keeps the items of the
    first K groups, so that REval's questions about one program stay together). ``payload``
    is task-specific (what the task's judge reads; not written to the run's files).
    """

    id: str
    kind: str
    prompt: str
    system: str | None = None
    group: str = ""
    payload: Mapping[str, Any] = field(default_factory=dict)

    def messages(self) -> list[ChatMessage]:
        """The chat messages sent to the model."""
        messages: list[ChatMessage] = []
        if self.system:
            messages.append({"role": "system", "content": self.system})
        messages.append({"role": "user", "content": self.prompt})
        return messages


@dataclass(frozen=True)
class PartVerdict:
    """The verdict on one question inside a multi-question prompt (execq's combined prompts)."""

    kind: str
    correct: bool
    reason: str = ""


@dataclass(frozen=True)
class Judgement:
    """The verdict on one response.

    ``correct`` is ``None`` when the response could not be judged (the sandbox failed):
    such a response is reported apart and never counted as wrong. ``counted`` is ``False``
    for a response the benchmark's own scoring leaves out of its sample count (LiveCodeBench
    drops predictions that repeat the call). ``verdict`` is a short word (``OK``,
    ``WRONG_ANSWER``, ``NO_ANSWER``, a sandbox verdict, ...); ``reason`` says why in words.
    """

    correct: bool | None
    extracted: str | None
    verdict: str
    reason: str = ""
    counted: bool = True
    parts: tuple[PartVerdict, ...] = ()
    detail: Mapping[str, Any] = field(default_factory=dict)

    def as_json(self) -> dict[str, Any]:
        record: dict[str, Any] = {
            "extracted": self.extracted,
            "correct": self.correct,
            "verdict": self.verdict,
            "reason": self.reason,
        }
        if not self.counted:
            record["counted"] = False
        if self.parts:
            record["parts"] = [
                {"kind": part.kind, "correct": part.correct, "reason": part.reason}
                for part in self.parts
            ]
        if self.detail:
            record["detail"] = dict(self.detail)
        return record


@runtime_checkable
class EvalTask(Protocol):
    """A benchmark: its items, its judge, and any metrics of its own."""

    @property
    def name(self) -> str:
        """What ``execgym eval TASK`` calls it (``cruxeval-o``)."""
        ...

    @property
    def description(self) -> str:
        """One line for ``--help`` and the README."""
        ...

    @property
    def stop(self) -> tuple[str, ...]:
        """Stop sequences sent with every request (the benchmark's own)."""
        ...

    def default_max_tokens(self, cot: bool) -> int:
        """Completion budget when ``--max-tokens`` is not given (the benchmark's own)."""
        ...

    def load(self, data: Path | None, *, cot: bool) -> list[EvalItem]:
        """The items of ``data`` (a file or directory; ``None``: the benchmark's usual source).

        Raises :class:`DatasetError` for a bad row, naming the file, line and field.
        """
        ...

    def judge(self, item: EvalItem, responses: Sequence[str], sandbox: Sandbox) -> list[Judgement]:
        """One judgement per response, in order. Runs in a worker thread."""
        ...

    def reference_response(self, item: EvalItem, sandbox: Sandbox) -> str:
        """A response that a perfect model would give, which :meth:`judge` must accept."""
        ...

    def task_metrics(self, records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        """Metrics of the benchmark's own over the run's item records (REval's IC score)."""
        ...


EVAL_TASKS: Registry[EvalTask] = Registry(
    "task", builtins=benchmark_modules(), entry_point_group="execgym.eval_tasks"
)
"""Every eval task by name (``execgym eval TASK``); a plugin's entry point names a task."""


def register_eval_task(task: EvalTask) -> EvalTask:
    """Make ``task`` available as ``execgym eval <task.name>`` (once per name), with its
    description as the summary."""
    return EVAL_TASKS.register(task.name, task, summary=task.description)


def eval_task_names() -> list[str]:
    """The registered task names, sorted."""
    return EVAL_TASKS.names()


def get_eval_task(name: str) -> EvalTask:
    """The task called ``name``; :class:`~execgym.registry.UnknownName` (a ``ValueError``)
    naming the known tasks otherwise."""
    return EVAL_TASKS.get(name)


# ---------------------------------------------------------------------------- data helpers


def iter_jsonl_rows(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(where, row)`` for every non-blank line of a JSONL file; ``where`` is ``file:line``.

    A line that is not a JSON object raises :class:`DatasetError`.
    """
    if not path.is_file():
        raise DatasetError(str(path), "<file>", "not found")
    with path.open(encoding="utf-8") as lines:
        for number, text in enumerate(lines, start=1):
            if not text.strip():
                continue
            where = f"{path}:{number}"
            try:
                row = json.loads(text)
            except json.JSONDecodeError as exc:
                raise DatasetError(where, "<row>", f"not valid JSON: {exc.msg}") from None
            if not isinstance(row, dict):
                raise DatasetError(where, "<row>", f"expected a JSON object, got {_kind(row)}")
            yield where, row


def load_items(
    data: Path | None,
    hub_dataset: str,
    make_item: Callable[[Mapping[str, Any], str], EvalItem],
    split: str = "test",
) -> list[EvalItem]:
    """One item per row of ``data`` (JSONL), or of the hub dataset when ``data`` is None;
    ids must be unique. ``make_item(row, where)`` builds an item or raises DatasetError."""
    rows: Iterable[tuple[str, Mapping[str, Any]]]
    if data is None:
        rows = (
            (f"hf://{hub_dataset}[{index}]", row)
            for index, row in enumerate(hub_rows(hub_dataset, split))
        )
    else:
        rows = iter_jsonl_rows(data)
    seen: dict[str, str] = {}
    items = []
    for where, row in rows:
        item = make_item(row, where)
        check_unique(seen, item.id, where, "id")
        items.append(item)
    return items


def string_field(
    row: Mapping[str, Any], name: str, where: str, *, allow_empty: bool = False
) -> str:
    """``row[name]`` as a string; missing, not a string or (unless allowed) empty is an error."""
    if name not in row:
        raise DatasetError(where, name, "is missing")
    value = row[name]
    if not isinstance(value, str):
        raise DatasetError(where, name, f"expected a string, got {_kind(value)}")
    if not allow_empty and not value.strip():
        raise DatasetError(where, name, "is empty")
    return value


def id_field(row: Mapping[str, Any], name: str, where: str) -> str:
    """An id: a non-empty string or an integer, as a string."""
    if name not in row:
        raise DatasetError(where, name, "is missing")
    value = row[name]
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise DatasetError(where, name, f"expected a string or integer, got {_kind(value)}")
    if not str(value).strip():
        raise DatasetError(where, name, "is empty")
    return str(value)


def check_python(source: str, where: str, name: str, mode: str = "exec") -> None:
    """Raise :class:`DatasetError` unless ``source`` parses as Python (``mode`` as ``compile``)."""
    import ast

    try:
        ast.parse(source, mode=mode)
    except SyntaxError as exc:
        raise DatasetError(where, name, f"is not valid Python: {exc.msg}") from None


def check_unique(seen: dict[str, str], item_id: str, where: str, name: str) -> None:
    """Raise :class:`DatasetError` if ``item_id`` was already seen (``seen`` maps id to where)."""
    if item_id in seen:
        raise DatasetError(where, name, f"{item_id!r} repeats the id of {seen[item_id]}")
    seen[item_id] = where


def _kind(value: object) -> str:
    return "null" if value is None else type(value).__name__


def hub_rows(dataset: str, split: str, config: str | None = None) -> list[dict[str, Any]]:
    """The rows of a Hugging Face hub dataset, through the optional ``datasets`` package."""
    try:
        import datasets  # type: ignore[import-not-found, unused-ignore]
    except ImportError:
        raise DatasetError(
            f"hf://{dataset}",
            "<dataset>",
            "loading from the Hugging Face hub needs the 'datasets' package "
            "(pip install datasets); or pass --data PATH with a local copy",
        ) from None
    loaded = datasets.load_dataset(dataset, config, split=split)
    return [dict(row) for row in loaded]
