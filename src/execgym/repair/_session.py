"""One problem's run of a method: its budget, its model calls, its sandbox runs, its record.

A method talks to the model and the sandbox only through its :class:`Session`:

- :meth:`Session.ask` makes calls (one call is one completion) within the budget, records
  each (prompt, reply, tokens, latency) and parses the reply by its role's contract; a
  breach is recorded with its reason and returned, never raised or skipped. Asking the same
  prompt again within a problem asks for one more sample of it (``n`` grows by one, and the
  new completion is the last one): with the response cache in front of the model, earlier
  samples come from the cache and the new one is fresh, and a rerun of an interrupted run
  gets the same answers without asking the model again.
- :meth:`Session.run` runs a program on tests in the sandbox, once per (program, test).
- :meth:`Session.set_candidate` says what the method would answer now; every call made
  before the next one starts gets it as ``candidate_after``. Methods that choose among
  samples set each call's choice themselves (:meth:`Session.set_choice`).
- :meth:`Session.decide` records a decision and its reason.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

from execgym.bench import Problem
from execgym.llm import ChatMessage, ChatModel, prompt_key
from execgym.repair._contracts import ContractBreach
from execgym.repair._execution import TestOutcome, run_tests
from execgym.repair._roles import Role
from execgym.repair._settings import RepairSettings
from execgym.repair._tests import LoopTest, TestOrigin
from execgym.repair._transcript import CallRecord, Decision, RunRecord, TestRecord, Transcript
from execgym.sandbox import Sandbox

T = TypeVar("T")

_TEST_PREFIX: dict[TestOrigin, str] = {"public": "p", "auditor": "a", "tester": "t"}


class BudgetSpent(RuntimeError):
    """A method asked for more calls than its budget has left (a bug in the method)."""


@dataclass(frozen=True)
class Reply(Generic[T]):
    """One call's reply: its record, and what it gave or why it broke its contract."""

    record: CallRecord
    value: T | ContractBreach

    @property
    def ok(self) -> bool:
        return not isinstance(self.value, ContractBreach)


class Session:
    """The state of one problem's run (see the module docstring)."""

    def __init__(
        self,
        problem: Problem,
        method: str,
        model: ChatModel,
        sandbox: Sandbox,
        settings: RepairSettings,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.problem = problem
        self.settings = settings
        self._model = model
        self._sandbox = sandbox
        self._clock = clock
        self.transcript = Transcript(problem_id=problem.id, method=method, budget=settings.budget)
        self._calls: dict[int, CallRecord] = {}
        self._chosen: set[int] = set()
        self._reserved = 0
        self._asked: Counter[str] = Counter()
        self._programs: dict[str, int] = {}
        self._tests: dict[str, LoopTest] = {}
        self._test_keys: dict[str, str] = {}
        self._runs: dict[tuple[int, str], TestOutcome] = {}
        self._pending: dict[tuple[int, str], asyncio.Future[TestOutcome]] = {}
        self._model_spans: list[tuple[float, float]] = []
        self._sandbox_spans: list[tuple[float, float]] = []
        self._started = clock()
        self.current: int | None = None

    # ---- budget and calls ----------------------------------------------------------------
    @property
    def budget_left(self) -> int:
        return self.settings.budget - self._reserved

    @property
    def calls_made(self) -> int:
        return self._reserved

    def reserve(self, count: int) -> list[int]:
        """Take ``count`` calls of the budget now; their indices, in order."""
        if count < 1 or count > self.budget_left:
            raise BudgetSpent(f"asked for {count} calls with {self.budget_left} left")
        first = self._reserved
        self._reserved += count
        return list(range(first, first + count))

    async def ask(
        self,
        role: Role,
        purpose: str,
        messages: Sequence[ChatMessage],
        parse: Callable[[str], T | ContractBreach],
        *,
        count: int = 1,
        slots: Sequence[int] | None = None,
    ) -> list[Reply[T]]:
        """``count`` completions of ``messages`` (calls ``slots``, reserved here when not
        given), each recorded and parsed by ``parse``."""
        indices = list(slots) if slots is not None else self.reserve(count)
        self._fill_candidates()
        key = prompt_key(messages)
        taken = self._asked[key]
        self._asked[key] += len(indices)
        params = self.settings.sampling(taken + len(indices))
        started = self._clock()
        completion = await self._model.complete(messages, params)
        ended = self._clock()
        self._model_spans.append((started, ended))
        texts = completion.texts[taken : taken + len(indices)]
        reasons = completion.finish_reasons[taken : taken + len(indices)]
        if len(texts) < len(indices):
            raise ValueError(
                f"the model returned {len(completion.texts)} completions, {params.n} were asked"
            )
        prompt_shares = _shares(completion.usage.prompt_tokens, len(indices))
        completion_shares = _shares(completion.usage.completion_tokens, len(indices))
        replies: list[Reply[T]] = []
        for position, index in enumerate(indices):
            record = CallRecord(
                index=index,
                role=role,
                purpose=purpose,
                messages=[{"role": m["role"], "content": m["content"]} for m in messages],
                reply=texts[position],
                finish_reason=reasons[position] if position < len(reasons) else "stop",
                prompt_tokens=prompt_shares[position],
                completion_tokens=completion_shares[position],
                cached=completion.cached,
                latency_s=round(ended - started, 6),
            )
            value = parse(texts[position])
            if isinstance(value, ContractBreach):
                record.breach = value.reason
            self._calls[index] = record
            replies.append(Reply(record, value))
        return replies

    def _fill_candidates(self) -> None:
        for index, record in self._calls.items():
            if index not in self._chosen:
                record.candidate_after = self.current
                self._chosen.add(index)

    # ---- programs, tests and runs ----------------------------------------------------------
    def program(self, code: str) -> int:
        """The index of ``code`` among the run's programs (added when new)."""
        found = self._programs.get(code)
        if found is None:
            found = len(self.transcript.programs)
            self.transcript.programs.append(code)
            self._programs[code] = found
        return found

    def code(self, program: int) -> str:
        return self.transcript.programs[program]

    def add_tests(self, tests: Sequence[LoopTest], call: int | None) -> list[LoopTest]:
        """Give ``tests`` their ids and record them; a test whose input the run already has
        is not added again (the earlier test is returned in its place)."""
        added = []
        for test in tests:
            known = self._test_keys.get(test.key)
            if known is not None:
                added.append(self._tests[known])
                continue
            prefix = _TEST_PREFIX[test.origin]
            number = sum(1 for t in self._tests.values() if t.origin == test.origin) + 1
            named = LoopTest(
                f"{prefix}{number}",
                test.origin,
                test.kind,
                test.shown_input,
                test.shown_output,
                test.case,
                call,
            )
            self._tests[named.id] = named
            self._test_keys[named.key] = named.id
            self.transcript.tests.append(
                TestRecord(
                    id=named.id,
                    origin=named.origin,
                    kind=named.kind,
                    input=named.shown_input,
                    expected=named.shown_output,
                    call=call,
                )
            )
            added.append(named)
        return added

    def tests_by_id(self, ids: Sequence[str]) -> list[LoopTest]:
        return [self._tests[test_id] for test_id in ids]

    def known_test(self, key: str) -> LoopTest | None:
        """The test the run already has for an input key, if any."""
        found = self._test_keys.get(key)
        return self._tests[found] if found is not None else None

    async def run(self, program: int, tests: Sequence[LoopTest]) -> list[TestOutcome]:
        """``program`` on ``tests``: each (program, test) runs in the sandbox once."""
        missing = [
            test
            for test in tests
            if (program, test.id) not in self._runs and (program, test.id) not in self._pending
        ]
        if missing:
            loop = asyncio.get_running_loop()
            futures = {test.id: loop.create_future() for test in missing}
            for test_id, future in futures.items():
                self._pending[(program, test_id)] = future
            started = self._clock()
            try:
                outcomes = await run_tests(self._sandbox, self.problem, self.code(program), missing)
            except BaseException as exc:
                for test_id, future in futures.items():
                    self._pending.pop((program, test_id), None)
                    future.set_exception(exc)
                    future.exception()  # retrieved: the caller sees the exception raised here
                raise
            self._sandbox_spans.append((started, self._clock()))
            for outcome in outcomes:
                self._runs[(program, outcome.test_id)] = outcome
                self._pending.pop((program, outcome.test_id)).set_result(outcome)
                self.transcript.runs.append(
                    RunRecord(
                        program=program,
                        test=outcome.test_id,
                        verdict=outcome.verdict.value,
                        actual=outcome.actual,
                        error=outcome.error,
                    )
                )
        results = []
        for test in tests:
            done = self._runs.get((program, test.id))
            results.append(done if done is not None else await self._pending[(program, test.id)])
        return results

    # ---- decisions and the answer ----------------------------------------------------------
    def set_candidate(self, program: int | None) -> None:
        """What the method would answer now (``None``: nothing yet)."""
        self.current = program

    def set_choice(self, call: int, program: int | None) -> None:
        """The answer had the budget ended with call ``call`` (methods that choose among
        samples set this for every call)."""
        self._calls[call].candidate_after = program
        self._chosen.add(call)

    def decide(
        self, action: str, reason: str, *, test: str | None = None, program: int | None = None
    ) -> None:
        last = max(self._calls) if self._calls else None
        self.transcript.decisions.append(
            Decision(after_call=last, action=action, reason=reason, test=test, program=program)
        )

    def finish(self, stop: str) -> Transcript:
        """Close the run: the final answer is the current candidate; returns the transcript."""
        self._fill_candidates()
        transcript = self.transcript
        transcript.calls = [self._calls[index] for index in sorted(self._calls)]
        transcript.final = self.current
        transcript.stop = stop
        transcript.timing.wall_s = round(self._clock() - self._started, 6)
        transcript.timing.model_s = round(_covered(self._model_spans), 6)
        transcript.timing.sandbox_s = round(_covered(self._sandbox_spans), 6)
        return transcript


def _shares(total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` whole shares, the remainder on the first."""
    share, remainder = divmod(total, parts)
    return [share + (remainder if index == 0 else 0) for index in range(parts)]


def _covered(spans: list[tuple[float, float]]) -> float:
    """The length of the union of ``spans``."""
    total = 0.0
    end = float("-inf")
    for start, stop in sorted(spans):
        if stop <= end:
            continue
        total += stop - max(start, end)
        end = stop
    return total
