"""A pool of Ray actors that judges like the local sandbox: :class:`RayJudges`.

One actor per node (``actors_per_node`` for more), each owning a warm sandbox with as many
fork-servers as its share of the node's CPUs, which it reserves from Ray. The driver keeps
at most twice an actor's workers in flight on it and reads the work lazily (backpressure).
When an actor dies (its process killed, its node lost), the work it held is sent to another
live actor and a replacement is started; a unit that loses ``max_attempts`` actors is given
up as a ``SANDBOX_ERROR`` (retried on resume), never as a wrong answer. A result reaches the
caller once: only a finished call returns one.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from execgym.bench import EvalItem, EvalTask, Judgement
from execgym.sandbox import JudgeRequest, JudgeResult, SandboxConfig, TestResult, Verdict
from execgym.serve._ray_actor import JudgeActor

RAY_MISSING = "the Ray backend needs Ray: pip install 'execgym[ray]'"


class RayUnavailable(RuntimeError):
    """Ray is not installed, cannot reach its cluster, or no actor could be started."""


@dataclass(frozen=True)
class RayOptions:
    """Where the pool runs and how it is sized.

    ``address``: the cluster (``None``: the one ``RAY_ADDRESS`` names, else a local one;
    ignored when Ray is already initialised in this process). ``sandbox``: the actors'
    sandbox configuration (default: the local commands' default).
    """

    address: str | None = None
    actors_per_node: int = 1
    max_attempts: int = 3
    start_timeout_s: float = 300.0
    sandbox: SandboxConfig | None = None

    def __post_init__(self) -> None:
        if self.actors_per_node < 1:
            raise ValueError(f"actors_per_node must be at least 1, got {self.actors_per_node}")
        if self.max_attempts < 1:
            raise ValueError(f"max_attempts must be at least 1, got {self.max_attempts}")


@dataclass(frozen=True)
class _Placement:
    node_id: str
    cpus: float
    workers: int


@dataclass(eq=False)
class _Actor:
    handle: Any
    placement: _Placement
    ready_ref: Any
    ready: bool = False
    dead: bool = False
    in_flight: int = 0

    @property
    def capacity(self) -> int:
        return 2 * self.placement.workers


@dataclass(eq=False)
class _Unit:
    request: JudgeRequest
    attempts: int = 0
    lost: list[str] = field(default_factory=list)


class RayJudges:
    """Judges on a pool of Ray actors: :meth:`judge_many` for a batch
    (:func:`execgym.bench.judge_batch`'s ``judge``), :meth:`judge_item` for an eval
    (:func:`execgym.bench.run_eval`'s ``sandbox``). Use as a context manager, or call
    :meth:`close` (which stops the actors, and Ray when this pool started it)."""

    def __init__(self, options: RayOptions | None = None) -> None:
        self.options = options or RayOptions()
        try:
            import ray
        except ImportError:
            raise RayUnavailable(RAY_MISSING) from None
        self._ray = ray
        self._owns_ray = not ray.is_initialized()
        if self._owns_ray:
            try:
                ray.init(address=self.options.address)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                where = self.options.address or "a local Ray instance"
                raise RayUnavailable(f"cannot start or reach {where}: {exc}") from None
        self._remote = ray.remote(JudgeActor)
        self.actors_lost = 0
        """Actors that died while the pool used them (each was replaced)."""
        self.retried = 0
        """Units of work sent again because the actor holding them died."""
        self._actors: list[_Actor] = []
        self._task_refs: dict[int, Any] = {}
        self._gate: asyncio.Semaphore | None = None
        for placement in self._placements():
            self._start(placement)
        if not self._actors:
            raise RayUnavailable("the Ray cluster has no node with a CPU to judge on")

    # ---- lifecycle --------------------------------------------------------------------
    def _placements(self) -> list[_Placement]:
        per_node = self.options.actors_per_node
        placements = []
        for node in self._ray.nodes():
            cpus = float(node.get("Resources", {}).get("CPU", 0))
            if not node.get("Alive") or cpus < 1:
                continue
            share = cpus / per_node
            workers = max(1, int(share))
            placements += [_Placement(node["NodeID"], share, workers)] * per_node
        return placements

    def _start(self, placement: _Placement) -> _Actor:
        from ray.util.scheduling_strategies import NodeAffinitySchedulingStrategy

        handle = self._remote.options(
            num_cpus=placement.cpus,
            max_concurrency=2 * placement.workers,
            max_restarts=0,
            max_task_retries=0,
            # soft: a replacement may start on another node when this one is gone
            scheduling_strategy=NodeAffinitySchedulingStrategy(placement.node_id, soft=True),
        ).remote(placement.workers, self.options.sandbox)
        actor = _Actor(handle, placement, handle.describe.remote())
        self._actors.append(actor)
        return actor

    def close(self) -> None:
        for actor in self._actors:
            if not actor.dead:
                self._ray.kill(actor.handle)
        self._actors.clear()
        if self._owns_ray:
            self._ray.shutdown()

    def __enter__(self) -> RayJudges:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def describe(self) -> list[dict[str, Any]]:
        """Each ready actor's host, process id and sandbox workers."""
        self._refresh(0.0)
        return [self._ray.get(actor.ready_ref) for actor in self._actors if actor.ready]

    # ---- actors -----------------------------------------------------------------------
    def _refresh(self, timeout_s: float) -> None:
        """Mark started actors ready (waiting up to ``timeout_s`` for one), and drop those
        that died while starting."""
        starting = {actor.ready_ref: actor for actor in self._actors if not actor.ready}
        if not starting:
            return
        done, _ = self._ray.wait(list(starting), num_returns=1, timeout=timeout_s)
        others, _ = self._ray.wait(list(starting), num_returns=len(starting), timeout=0)
        for ref in {*done, *others}:
            actor = starting[ref]
            try:
                self._ray.get(ref)
            except self._actor_errors():
                self._lost(actor, replace=False)
                continue
            actor.ready = True

    def _actor_errors(self) -> tuple[type[BaseException], ...]:
        exceptions = self._ray.exceptions
        return (exceptions.RayActorError, exceptions.WorkerCrashedError)

    def _lost(self, actor: _Actor, replace: bool = True) -> None:
        if actor.dead:
            return
        actor.dead = True
        self.actors_lost += 1
        self._actors.remove(actor)
        if replace:
            self._start(actor.placement)

    def _free_actor(self) -> _Actor | None:
        free = [a for a in self._actors if a.ready and a.in_flight < a.capacity]
        return min(free, key=lambda a: a.in_flight / a.capacity) if free else None

    def _wait_for_an_actor(self) -> None:
        deadline = time.monotonic() + self.options.start_timeout_s
        while not any(actor.ready for actor in self._actors):
            if not self._actors:
                raise RayUnavailable("every Ray actor of the pool is gone")
            left = deadline - time.monotonic()
            if left <= 0:
                raise RayUnavailable(
                    f"no Ray actor became ready within {self.options.start_timeout_s} s"
                )
            self._refresh(min(left, 1.0))

    # ---- batches ----------------------------------------------------------------------
    def judge_many(self, requests: Iterable[JudgeRequest]) -> Iterator[JudgeResult]:
        """Judge every request on the pool; results in completion order, each once."""
        iterator = iter(requests)
        exhausted = False
        retry: deque[_Unit] = deque()
        in_flight: dict[Any, tuple[_Unit, _Actor]] = {}
        while True:
            self._refresh(0.0)
            while (actor := self._free_actor()) is not None:
                if retry:
                    unit = retry.popleft()
                elif not exhausted:
                    try:
                        unit = _Unit(next(iterator))
                    except StopIteration:
                        exhausted = True
                        break
                else:
                    break
                in_flight[actor.handle.judge.remote(unit.request)] = (unit, actor)
                actor.in_flight += 1
            if not in_flight:
                if exhausted and not retry:
                    return
                self._wait_for_an_actor()
                continue
            done, _ = self._ray.wait(list(in_flight), num_returns=1, timeout=1.0)
            for ref in done:
                unit, actor = in_flight.pop(ref)
                actor.in_flight -= 1
                try:
                    result: JudgeResult = self._ray.get(ref)
                except self._actor_errors() as exc:
                    self._lost(actor)
                    unit.attempts += 1
                    unit.lost.append(type(exc).__name__)
                    if unit.attempts < self.options.max_attempts:
                        self.retried += 1
                        retry.appendleft(unit)
                        continue
                    result = _given_up(unit)
                yield result

    # ---- eval items -------------------------------------------------------------------
    async def judge_item(
        self, task: EvalTask, item: EvalItem, responses: Sequence[str]
    ) -> list[Judgement]:
        """:func:`execgym.bench.safe_judge` of ``responses`` on an actor of the pool."""
        if self._gate is None:
            self._gate = asyncio.Semaphore(sum(a.capacity for a in self._actors) or 1)
        task_ref = self._task_ref(task)
        lost: list[str] = []
        async with self._gate:
            for _ in range(self.options.max_attempts):
                actor = await self._actor_for_item()
                actor.in_flight += 1
                try:
                    judged: list[Judgement] = await actor.handle.judge_item.remote(
                        task_ref, item, list(responses)
                    )
                    return judged
                except self._actor_errors() as exc:
                    lost.append(type(exc).__name__)
                    self._lost(actor)
                    if len(lost) < self.options.max_attempts:
                        self.retried += 1
                finally:
                    actor.in_flight -= 1
        reason = f"the Ray actors judging it were lost {len(lost)} times ({', '.join(lost)})"
        return [Judgement(None, None, Verdict.SANDBOX_ERROR.value, reason) for _ in responses]

    def _task_ref(self, task: EvalTask) -> Any:
        ref = self._task_refs.get(id(task))
        if ref is None:
            ref = self._task_refs[id(task)] = self._ray.put(task)
        return ref

    async def _actor_for_item(self) -> _Actor:
        deadline = time.monotonic() + self.options.start_timeout_s
        while True:
            self._refresh(0.0)
            ready = [a for a in self._actors if a.ready]
            if ready:
                return min(ready, key=lambda a: a.in_flight / a.capacity)
            if not self._actors:
                raise RayUnavailable("every Ray actor of the pool is gone")
            if time.monotonic() > deadline:
                raise RayUnavailable(
                    f"no Ray actor became ready within {self.options.start_timeout_s} s"
                )
            await asyncio.sleep(0.1)


def _given_up(unit: _Unit) -> JudgeResult:
    detail = (
        f"not judged: the Ray actors judging it were lost {unit.attempts} times "
        f"({', '.join(unit.lost)})"
    )
    tests = [TestResult(verdict=Verdict.SANDBOX_ERROR, detail=detail) for _ in unit.request.tests]
    return JudgeResult(
        id=unit.request.id,
        verdict=Verdict.SANDBOX_ERROR,
        passed=0,
        total=len(tests),
        tests=tests,
        detail=detail,
    )
