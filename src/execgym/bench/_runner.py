"""The eval runner: ask a model every item of a task, judge the answers, write as you go.

:func:`run_eval` asks ``settings.n`` samples per item (at most ``settings.concurrency``
requests in flight), judges each item's responses in worker threads (the sandbox runs the
checks in parallel), and appends one line per item to ``RUN_DIR/items.jsonl`` the moment it
is judged (see :mod:`execgym.bench._run_output`). A killed or interrupted run loses only the
items in flight; restarted with the same ``RUN_DIR`` it asks only the items without a line,
and re-judges stored responses that could not be judged. With the response cache of
:mod:`execgym.llm` in front of the model no request is ever sent twice.

Model failures: a request the server rejects (HTTP 4xx) leaves that item unanswered and the
run goes on; a server that stays unavailable after the client's retries stops the run
(:attr:`EvalReport.aborted`), keeping everything finished so far.

:func:`score_generations` judges existing generations the same way, without a model.

Answers are judged by the task in a local sandbox, or by whatever :class:`ItemJudge` the
caller passes instead (a pool of Ray actors: ``execgym.serve.RayJudges``): the records, the
summary and resuming are the same either way.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from execgym.bench._eval_task import EvalItem, EvalTask, Judgement
from execgym.bench._run_log import (
    ItemRecord,
    ResumeMismatch,
    RunDirectory,
    SampleRecord,
)
from execgym.bench._run_output import markdown_table, run_totals, summarize
from execgym.llm import ChatModel, Completion, ModelError, ModelRequestError, SamplingParams
from execgym.sandbox import Sandbox

Progress = Callable[[], None]


@dataclass(frozen=True)
class EvalSettings:
    """What a run asks: the task, the model, and how to sample."""

    task: str
    model: str
    n: int = 5
    temperature: float = 0.2
    top_p: float = 1.0
    max_tokens: int | None = None
    """``None``: the task's own default (:meth:`EvalTask.default_max_tokens`)."""
    cot: bool = False
    seed: int | None = None
    concurrency: int = 16
    data: str | None = None
    limit: int | None = None
    difficulty: str | None = None
    raw_completions: bool = False
    """Send each prompt alone as a raw completion (no chat template, no system message)."""

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ValueError(f"n must be at least 1, got {self.n}")
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {self.concurrency}")
        if self.limit is not None and self.limit < 1:
            raise ValueError(f"limit must be at least 1, got {self.limit}")

    def sampling(self, task: EvalTask) -> SamplingParams:
        max_tokens = self.max_tokens or task.default_max_tokens(self.cot)
        return SamplingParams(
            n=self.n,
            temperature=self.temperature,
            top_p=self.top_p,
            max_tokens=max_tokens,
            stop=task.stop,
            seed=self.seed,
            raw_prompt=self.raw_completions,
        )

    def identity(self, task: EvalTask) -> dict[str, Any]:
        """What must not change when a run is resumed."""
        params = self.sampling(task)
        return {
            "task": self.task,
            "model": self.model,
            "n": self.n,
            "temperature": self.temperature,
            "top_p": self.top_p,
            "max_tokens": params.max_tokens,
            "cot": self.cot,
            "seed": self.seed,
            "data": self.data,
            "raw_completions": self.raw_completions,
        }


@dataclass
class EvalReport:
    """What a run did: the summary written to ``summary.json`` and what went wrong."""

    summary: dict[str, Any]
    markdown: str
    run_dir: Path
    asked: int = 0
    """Items sent to the model in this run."""
    resumed: int = 0
    """Items already finished in ``RUN_DIR`` when the run started."""
    failures: dict[str, str] = field(default_factory=dict)
    """Items the model could not answer (id → error); they are asked again on a restart."""
    aborted: str | None = None
    """Why the run stopped early (the model server stayed unavailable), if it did."""

    @property
    def unjudged(self) -> int:
        return int(self.summary.get("unjudged_samples", 0))


def select_items(items: Sequence[EvalItem], limit: int | None) -> list[EvalItem]:
    """The items of the first ``limit`` groups (all items when ``limit`` is ``None``)."""
    if limit is None:
        return list(items)
    groups: list[str] = []
    chosen = []
    for item in items:
        group = item.group or item.id
        if group not in groups:
            if len(groups) == limit:
                break
            groups.append(group)
        chosen.append(item)
    return chosen


def item_record(
    item: EvalItem,
    responses: Sequence[str],
    judgements: Sequence[Judgement],
    *,
    model: str | None,
    cached: bool | None = None,
    finish_reasons: Sequence[str] | None = None,
) -> ItemRecord:
    """The ``items.jsonl`` record of one judged item."""
    fields: dict[str, Any] = {
        "id": item.id,
        "group": item.group,
        "kind": item.kind,
        "system": item.system,
        "prompt": item.prompt,
        "model": model,
    }
    if cached is not None:
        fields["cached"] = cached
    if finish_reasons is not None:
        fields["finish_reasons"] = list(finish_reasons)
    fields["samples"] = [
        SampleRecord.model_validate({"response": response, **judgement.as_json()})
        for response, judgement in zip(responses, judgements, strict=True)
    ]
    return ItemRecord.model_validate(fields)


def safe_judge(
    task: EvalTask, item: EvalItem, responses: Sequence[str], sandbox: Sandbox
) -> list[Judgement]:
    """``task.judge``; a judge that raises gives unjudged samples (re-judged on restart)."""
    try:
        judgements = task.judge(item, responses, sandbox)
    except Exception as exc:  # a bug in one judge must not cost the finished results
        reason = f"the judge failed: {type(exc).__name__}: {exc}"
        return [Judgement(None, None, "JUDGE_ERROR", reason[:500]) for _ in responses]
    if len(judgements) != len(responses):
        reason = f"the judge returned {len(judgements)} verdicts for {len(responses)} responses"
        return [Judgement(None, None, "JUDGE_ERROR", reason) for _ in responses]
    return judgements


class ItemJudge(Protocol):
    """Where an eval's answers are judged: :func:`safe_judge` run somewhere."""

    async def judge_item(
        self, task: EvalTask, item: EvalItem, responses: Sequence[str]
    ) -> list[Judgement]:
        """:func:`safe_judge` of ``responses`` to ``item``: one judgement per response."""
        ...


@dataclass(frozen=True)
class LocalJudge:
    """:func:`safe_judge` in a worker thread, on this process's sandbox."""

    sandbox: Sandbox

    async def judge_item(
        self, task: EvalTask, item: EvalItem, responses: Sequence[str]
    ) -> list[Judgement]:
        return await asyncio.to_thread(safe_judge, task, item, responses, self.sandbox)


def run_directory(run_dir: Path) -> RunDirectory[ItemRecord]:
    """The run log of an eval (or scoring) run in ``run_dir``."""
    return RunDirectory(run_dir, ItemRecord)


def finished_items(run_dir: Path, items: Sequence[EvalItem]) -> int:
    """How many of ``items`` have a judged record in ``run_dir`` (a rerun will not ask them)."""
    records = run_directory(run_dir).read_records()
    return sum(1 for item in items if item.id in records and not records[item.id].needs_judging)


def _finish(
    task: EvalTask,
    items: Sequence[EvalItem],
    log: RunDirectory[ItemRecord],
    header: dict[str, Any],
    n: int,
) -> tuple[dict[str, Any], str]:
    records = log.read_records()
    wanted = {item.id for item in items}
    selected = [record.as_json() for item_id, record in records.items() if item_id in wanted]
    summary = summarize(
        selected,
        n=n,
        expected_ids=[item.id for item in items],
        task_metrics=task.task_metrics(selected),
        header=header,
    )
    log.write_summary(summary)
    return summary, markdown_table(summary)


async def run_eval(
    task: EvalTask,
    items: Sequence[EvalItem],
    model: ChatModel,
    settings: EvalSettings,
    run_dir: Path,
    sandbox: Sandbox | ItemJudge,
    progress: Progress | None = None,
) -> EvalReport:
    """Ask, judge and record every item; see the module docs. Returns the run's report.

    ``sandbox`` judges the answers: a local sandbox, or an :class:`ItemJudge`."""
    advance = progress or (lambda: None)
    judge = LocalJudge(sandbox) if isinstance(sandbox, Sandbox) else sandbox
    if settings.raw_completions:  # the prompt alone, and the records say so
        items = [replace(item, system=None) for item in items]
    run_dir.mkdir(parents=True, exist_ok=True)
    log = run_directory(run_dir)
    identity = settings.identity(task)
    log.check_settings(identity)
    finished = log.read_records()
    report = EvalReport({}, "", run_dir)
    to_ask: list[EvalItem] = []
    to_rejudge: list[tuple[EvalItem, ItemRecord]] = []
    for item in items:
        record = finished.get(item.id)
        if record is None:
            to_ask.append(item)
        elif record.needs_judging:
            to_rejudge.append((item, record))
        else:
            report.resumed += 1
            advance()
    usage = {"prompt_tokens": 0, "completion_tokens": 0, "cached_items": 0}
    previous = log.read_summary()
    started = time.monotonic()

    def finish() -> None:
        header = {
            "task": settings.task,
            "model": settings.model,
            "settings": identity,
            **run_totals(previous, usage, time.monotonic() - started),
            "model_failures": dict(report.failures),
            "aborted": report.aborted,
        }
        report.summary, report.markdown = _finish(task, items, log, header, settings.n)

    try:
        await _ask_and_judge(
            task, to_ask, to_rejudge, model, settings, log, judge, advance, report, usage
        )
    except asyncio.CancelledError:  # Ctrl-C: keep the totals so far, then stop
        report.aborted = "interrupted"
        finish()
        raise
    finish()
    return report


async def _ask_and_judge(
    task: EvalTask,
    to_ask: Sequence[EvalItem],
    to_rejudge: Sequence[tuple[EvalItem, ItemRecord]],
    model: ChatModel,
    settings: EvalSettings,
    log: RunDirectory[ItemRecord],
    judge: ItemJudge,
    advance: Progress,
    report: EvalReport,
    usage: dict[str, int],
) -> None:
    """Ask ``to_ask``, re-judge ``to_rejudge``, and append each judged item to the items file;
    ``report`` and ``usage`` are updated as answers arrive."""
    params = settings.sampling(task)
    semaphore = asyncio.Semaphore(settings.concurrency)
    with log.open_records(append=True) as writer:

        async def judge_and_write(
            item: EvalItem,
            responses: Sequence[str],
            completion: Completion | None,
            stored: ItemRecord | None,
        ) -> None:
            judgements = await judge.judge_item(task, item, responses)
            if completion is not None:
                record = item_record(
                    item,
                    responses,
                    judgements,
                    model=completion.model,
                    cached=completion.cached,
                    finish_reasons=completion.finish_reasons,
                )
            else:
                assert stored is not None  # a re-judged item has its stored record
                record = item_record(
                    item,
                    responses,
                    judgements,
                    model=stored.model,
                    cached=stored.cached if "cached" in stored.model_fields_set else None,
                    finish_reasons=stored.finish_reasons
                    if "finish_reasons" in stored.model_fields_set
                    else None,
                )
            writer.write(record)
            advance()

        async def ask(item: EvalItem) -> None:
            try:
                async with semaphore:
                    completion = await model.complete(item.messages(), params)
            except ModelRequestError as exc:
                report.failures[item.id] = str(exc)
                advance()
                return
            usage["prompt_tokens"] += completion.usage.prompt_tokens
            usage["completion_tokens"] += completion.usage.completion_tokens
            usage["cached_items"] += int(completion.cached)
            texts = completion.texts[: settings.n]
            judging.append(asyncio.ensure_future(judge_and_write(item, texts, completion, None)))

        async def rejudge(item: EvalItem, stored: ItemRecord) -> None:
            responses = [sample.response for sample in stored.samples]
            await judge_and_write(item, responses, None, stored)

        # Answered items are judged in tasks of their own, so that when the server goes
        # away the items already answered are still judged and written.
        judging = [asyncio.ensure_future(rejudge(item, stored)) for item, stored in to_rejudge]
        asking = [asyncio.ensure_future(ask(item)) for item in to_ask]
        report.asked = len(to_ask)
        try:
            for job in asyncio.as_completed(asking):
                try:
                    await job
                except ModelError as exc:
                    report.aborted = str(exc)
                    break
            for job in asking:
                job.cancel()
            await asyncio.gather(*asking, return_exceptions=True)
            await asyncio.gather(*judging)
        finally:
            for job in [*asking, *judging]:
                job.cancel()
            await asyncio.gather(*asking, *judging, return_exceptions=True)


def score_generations(
    task: EvalTask,
    items: Sequence[EvalItem],
    generations: Mapping[str, Sequence[str]],
    run_dir: Path,
    sandbox: Sandbox,
    progress: Progress | None = None,
    *,
    workers: int | None = None,
) -> EvalReport:
    """Judge existing generations (id → responses) as :func:`run_eval` judges a model's.

    ``items.jsonl`` is written afresh. Items without generations are reported as
    ``missing``; generations for unknown ids under ``unknown_ids`` in the summary.
    """
    from concurrent.futures import Future, ThreadPoolExecutor, as_completed

    advance = progress or (lambda: None)
    log = run_directory(run_dir)
    present = [item for item in items if item.id in generations]
    known = {item.id for item in items}
    n = max((len(generations[item.id]) for item in present), default=1)
    threads = workers or max(2, 2 * sandbox.workers)
    with (
        log.open_records(append=False) as writer,
        ThreadPoolExecutor(max_workers=threads, thread_name_prefix="execgym-score") as pool,
    ):
        futures: dict[Future[list[Judgement]], int] = {
            pool.submit(safe_judge, task, item, list(generations[item.id]), sandbox): index
            for index, item in enumerate(present)
        }
        # Progress counts items as they finish; lines are written in item order as soon as
        # every item before them has finished.
        done: dict[int, list[Judgement]] = {}
        written = 0
        try:
            for future in as_completed(futures):
                done[futures[future]] = future.result()
                advance()
                while written in done:
                    item = present[written]
                    writer.write(
                        item_record(item, list(generations[item.id]), done.pop(written), model=None)
                    )
                    written += 1
        except BaseException:
            for future in futures:
                future.cancel()
            raise
    header = {
        "task": task.name,
        "model": "generations",
        "settings": {"task": task.name, "n": n},
        "unknown_ids": sorted(set(generations) - known),
    }
    summary, markdown = _finish(task, items, log, header, n)
    return EvalReport(summary, markdown, run_dir)


__all__ = [
    "EvalReport",
    "EvalSettings",
    "ItemJudge",
    "LocalJudge",
    "ResumeMismatch",
    "finished_items",
    "item_record",
    "run_directory",
    "run_eval",
    "safe_judge",
    "score_generations",
    "select_items",
]
