"""What ``execgym eval`` and ``execgym score`` set up before a run: the task, its items,
the model, and the items whose generations are already-extracted answers.

Errors name the argument they are about (``difficulty``, ``data``); the command line maps
them to its options.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import replace
from pathlib import Path

from execgym.bench._eval_task import (
    ANSWERS_EXTRACTED,
    DatasetError,
    EvalItem,
    EvalTask,
    get_eval_task,
)
from execgym.bench._runner import select_items
from execgym.llm import (
    BackendOptions,
    CachedChatModel,
    ChatModel,
    OpenAIChatModel,
    backend_names,
    make_model,
    open_model,
)

CACHE_FILE = "llm-cache.sqlite"
"""The response cache of a run, inside its run directory."""


class TaskArgumentError(ValueError):
    """An argument the task cannot take: ``argument`` names it, ``problem`` says why."""

    def __init__(self, argument: str, problem: str) -> None:
        super().__init__(f"{argument} {problem}")
        self.argument = argument
        self.problem = problem


def open_eval_task(name: str, difficulty: str | None = None) -> EvalTask:
    """The task called ``name``, narrowed to one ``difficulty`` level where given.

    An unknown name raises :class:`~execgym.registry.UnknownName`; a difficulty for a task
    without levels raises :class:`TaskArgumentError` (argument ``difficulty``).
    """
    task = get_eval_task(name)
    if difficulty is None:
        return task
    with_difficulty = getattr(task, "with_difficulty", None)
    if with_difficulty is None:
        raise TaskArgumentError("difficulty", f"applies to code-generation tasks, not {name!r}")
    narrowed: EvalTask = with_difficulty(difficulty)
    return narrowed


def load_eval_items(
    task: EvalTask, data: Path | None, *, cot: bool = False, limit: int | None = None
) -> list[EvalItem]:
    """The items of ``task`` from ``data`` (``None``: the task's usual source), those of the
    first ``limit`` groups where given.

    Raises :class:`DatasetError` for bad or missing data, or no items at all; a file that
    is not UTF-8 raises ``UnicodeDecodeError``.
    """
    if data is not None and not data.exists():
        raise DatasetError(str(data), "<file>", "not found", message=f"data not found: {data}")
    items = task.load(data, cot=cot)
    if not items:
        where = str(data) if data is not None else "the dataset"
        raise DatasetError(where, "<file>", "no items", message=f"no {task.name} items in {where}")
    return select_items(items, limit)


def mark_extracted(items: Sequence[EvalItem], extracted: Collection[str]) -> list[EvalItem]:
    """``items``, those whose id is in ``extracted`` flagged as answered by
    already-extracted answers (:data:`ANSWERS_EXTRACTED`)."""
    return [
        replace(item, payload={**item.payload, ANSWERS_EXTRACTED: True})
        if item.id in extracted
        else item
        for item in items
    ]


def build_model(
    model: str,
    *,
    base_url: str | None,
    api_key: str | None,
    concurrency: int,
    request_timeout: float,
    cache_path: Path | None,
    replay: Path | None = None,
) -> ChatModel:
    """The model an eval talks to: an OpenAI-compatible client (or another backend's model
    for a ``BACKEND:NAME`` spec), behind the response cache unless ``cache_path`` is
    ``None``; with ``replay``, recorded answers only."""
    if replay is not None:
        return open_model(model, replay=replay)
    prefix, _, rest = model.partition(":")
    inner: ChatModel
    if prefix not in backend_names() or not rest or prefix == "openai":
        inner = OpenAIChatModel(
            rest if prefix == "openai" and rest else model,
            base_url=base_url,
            api_key=api_key,
            max_concurrency=concurrency,
            timeout=request_timeout,
        )
    else:
        inner = make_model(model, BackendOptions(base_url, api_key, concurrency))
    return inner if cache_path is None else CachedChatModel(inner, cache_path)
