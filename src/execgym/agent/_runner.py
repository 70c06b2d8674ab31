"""Running many episodes into a run directory, as the eval runner runs items.

``RUN_DIR`` is the eval runner's kind of run directory (its pieces come from
:mod:`execgym.bench`): ``config.json`` holds the settings, and a run restarted into the same
directory must ask for the same ones; ``episodes.jsonl`` gets one line per episode the moment
it ends (a restart plays only the episodes without a line, and an interrupted run loses only
the episodes in flight); ``summary.json`` holds the metrics (:func:`summarize_episodes`) and
the totals over every run into the directory; ``llm-cache.sqlite`` (made by the command
line) answers every model request already made, so a replayed episode costs nothing.

Episode ``i`` of a generated world is reset with a seed hashed from the run's seed and ``i``;
an environment with a fixed list of games is reset with ``i`` (its ``i``-th game). At most
``concurrency`` episodes are in flight, each with an environment of its own and (for methods
that run model code) its own sandboxed interpreter. A model server that stays unavailable,
a sandbox that fails, or an episode that raises (an environment that broke) stops the run
(:attr:`AgentReport.aborted`) and keeps every finished episode.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from execgym.agent._environment import Environment, make_environment
from execgym.agent._episode import Budgets, Episode
from execgym.agent._executor import ExecutorLimits, SandboxUnavailable
from execgym.agent._method import METHODS, AgentMethod
from execgym.agent._summary import summarize_episodes
from execgym.bench import RunDirectory, RunRecord, run_totals
from execgym.llm import ChatModel, ModelError, SamplingParams
from execgym.sandbox import Sandbox

EPISODES_FILE = "episodes.jsonl"
Progress = Callable[[], None]


class EpisodeRecord(RunRecord):
    """One episode of an agent run, as ``episodes.jsonl`` holds it (every field kept)."""

    id: str

    @property
    def key(self) -> str:
        return self.id


def episode_log(run_dir: Path) -> RunDirectory[EpisodeRecord]:
    """The run log of an agent run: the project's one run directory, episodes as records."""
    return RunDirectory(run_dir, EpisodeRecord, records_file=EPISODES_FILE)


@dataclass(frozen=True)
class AgentSettings:
    """What a run asks for: environment, method, model, how many episodes, and budgets."""

    env: str
    method: str
    model: str
    n: int = 50
    concurrency: int = 8
    seed: int = 0
    temperature: float = 0.0
    max_tokens: int = 1024
    budgets: Budgets = field(default_factory=Budgets)
    executor: ExecutorLimits = field(default_factory=ExecutorLimits)
    env_options: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.n < 1:
            raise ValueError(f"n must be at least 1, got {self.n}")
        if self.concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, got {self.concurrency}")

    def sampling(self) -> SamplingParams:
        return SamplingParams(n=1, temperature=self.temperature, max_tokens=self.max_tokens)

    def identity(self) -> dict[str, Any]:
        """What must not change when a run is resumed."""
        return {
            "env": self.env,
            "method": self.method,
            "model": self.model,
            "n": self.n,
            "seed": self.seed,
            "temperature": self.temperature,
            "max_tokens": self.max_tokens,
            "budgets": asdict(self.budgets),
            "block_s": self.executor.block_s,
            "env_options": dict(sorted(self.env_options.items())),
        }


@dataclass
class AgentReport:
    """What a run did: its summary, how many episodes it played, and whether it stopped."""

    summary: dict[str, Any]
    run_dir: Path
    played: int = 0
    resumed: int = 0
    aborted: str | None = None


def episode_seed(run_seed: int, index: int) -> int:
    """The world seed of episode ``index``: a hash of (run seed, index), so neighbouring
    runs' episodes do not shift onto each other."""
    digest = hashlib.sha256(f"execgym-agent:{run_seed}:{index}".encode()).digest()
    return int.from_bytes(digest[:8], "big") >> 1


def finished_episodes(run_dir: Path) -> dict[str, dict[str, Any]]:
    """The episode records of ``run_dir`` by id, as the JSON objects written."""
    return {key: record.as_json() for key, record in episode_log(run_dir).read_records().items()}


async def run_agent(
    settings: AgentSettings,
    model: ChatModel,
    run_dir: Path,
    sandbox: Sandbox | None,
    progress: Progress | None = None,
) -> AgentReport:
    """Play every episode of ``settings`` not already in ``run_dir``; see the module docs."""
    advance = progress or (lambda: None)
    method = METHODS.get(settings.method)
    if method.uses_sandbox and sandbox is None:
        raise ValueError(f"method {settings.method!r} runs model code and needs a sandbox")
    run_dir.mkdir(parents=True, exist_ok=True)
    log = episode_log(run_dir)
    log.check_settings(settings.identity())
    finished = finished_episodes(run_dir)
    todo = [index for index in range(settings.n) if str(index) not in finished]
    report = AgentReport({}, run_dir, resumed=settings.n - len(todo))
    for _ in range(report.resumed):
        advance()
    previous = log.read_summary()
    usage = {"prompt_tokens": 0, "completion_tokens": 0, "calls": 0, "cached_calls": 0}
    started = time.monotonic()
    environments: list[Environment] = []
    try:
        await _play_all(
            settings, method, model, sandbox, run_dir, todo, environments, advance, report, usage
        )
    except asyncio.CancelledError:
        report.aborted = "interrupted"
        raise
    finally:
        for environment in environments:
            environment.close()
        records = finished_episodes(run_dir)
        header = {
            "env": settings.env,
            "method": settings.method,
            "model": settings.model,
            "settings": settings.identity(),
            **run_totals(previous, usage, time.monotonic() - started),
            "aborted": report.aborted,
        }
        wanted = [records[str(i)] for i in range(settings.n) if str(i) in records]
        report.summary = {**header, **summarize_episodes(wanted, settings.n)}
        log.write_summary(report.summary)
    return report


async def _play_all(
    settings: AgentSettings,
    method: AgentMethod,
    model: ChatModel,
    sandbox: Sandbox | None,
    run_dir: Path,
    todo: list[int],
    environments: list[Environment],
    advance: Progress,
    report: AgentReport,
    usage: dict[str, int],
) -> None:
    if not todo:
        return
    for _ in range(min(settings.concurrency, len(todo))):
        environments.append(make_environment(settings.env, settings.env_options))
    idle: asyncio.Queue[Environment] = asyncio.Queue()
    for environment in environments:
        idle.put_nowait(environment)
    params = settings.sampling()
    with episode_log(run_dir).open_records(append=True) as writer:

        async def play(index: int) -> None:
            environment = await idle.get()
            try:
                fixed = environment.fixed_episodes
                seed = index if fixed is not None else episode_seed(settings.seed, index)
                start = await asyncio.to_thread(environment.reset, seed)
                episode = Episode(
                    index=index,
                    seed=seed,
                    env=environment,
                    start=start,
                    model=model,
                    params=params,
                    budgets=settings.budgets,
                    sandbox=sandbox if method.uses_sandbox else None,
                    executor=settings.executor,
                )
                tree = await method.play(episode)
            finally:
                idle.put_nowait(environment)
            record = episode.record(settings.env, settings.method, tree)
            writer.write(EpisodeRecord.model_validate(record))
            usage["prompt_tokens"] += record["prompt_tokens"]
            usage["completion_tokens"] += record["completion_tokens"]
            usage["calls"] += record["calls"]
            usage["cached_calls"] += record["cached_calls"]
            report.played += 1
            advance()

        jobs = [asyncio.ensure_future(play(index)) for index in todo]
        try:
            for job in asyncio.as_completed(jobs):
                try:
                    await job
                except (ModelError, SandboxUnavailable) as exc:
                    report.aborted = str(exc)
                    break
                except Exception as exc:  # a broken environment: keep what is finished
                    report.aborted = f"an episode failed: {type(exc).__name__}: {exc}"
                    break
        finally:
            for job in jobs:
                job.cancel()
            await asyncio.gather(*jobs, return_exceptions=True)
