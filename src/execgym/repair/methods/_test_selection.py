"""``codet`` and ``cure``: N Coder samples, M Tester samples that read only the statement,
and a choice by how the programs fare on the generated tests.

The budget B is split into N = ceil(B / 2) Coder calls and M = B - N Tester calls (each
Tester reply contributes at most ``tests_per_call`` tests; a test repeating an earlier input
is counted once). The calls are numbered alternately (Coder, Tester, Coder, ...), so that the
answer after call ``i`` uses the samples of calls ``0..i``, a balanced split of that smaller
budget. Every program runs on every generated test.

- ``cure`` (CURE, Wang et al. 2025): the program passing the most generated tests wins,
  ties to the earliest sample (:func:`~execgym.repair._selection.most_passed`).
- ``codet`` (CodeT, Chen et al. 2022): dual execution agreement
  (:func:`~execgym.repair._selection.dual_agreement`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Sequence

from execgym.repair._method import REPAIR_METHODS
from execgym.repair._selection import dual_agreement, most_passed
from execgym.repair._session import Session
from execgym.repair.methods._common import sample_programs, sample_tests

Rule = Callable[[Sequence[frozenset[str] | None]], int | None]


def _cure_rule(passed: Sequence[frozenset[str] | None]) -> int | None:
    return most_passed([None if tests is None else len(tests) for tests in passed])


def alternating_slots(coder: int, tester: int) -> tuple[list[int], list[int]]:
    """Call numbers for ``coder`` Coder and ``tester`` Tester calls taken alternately,
    Coder first; the longer kind fills the end."""
    coder_slots: list[int] = []
    tester_slots: list[int] = []
    index = 0
    while len(coder_slots) < coder or len(tester_slots) < tester:
        if len(coder_slots) < coder and (
            len(coder_slots) <= len(tester_slots) or len(tester_slots) == tester
        ):
            coder_slots.append(index)
        else:
            tester_slots.append(index)
        index += 1
    return coder_slots, tester_slots


class TestSelection:
    """Sample programs and tests, then choose a program by ``rule``."""

    def __init__(self, name: str, rule: Rule) -> None:
        self.name = name
        self.rule = rule

    async def solve(self, session: Session, initial: str | None = None) -> str:
        budget = session.budget_left
        coders = (budget + 1) // 2
        testers = budget - coders
        reserved = session.reserve(budget)
        coder_at, tester_at = alternating_slots(coders, testers)
        coder_slots = [reserved[k] for k in coder_at]
        tester_slots = [reserved[k] for k in tester_at]
        if testers:
            programs, test_ids = await asyncio.gather(
                sample_programs(session, coders, coder_slots),
                sample_tests(session, testers, tester_slots),
            )
        else:
            programs, test_ids = await sample_programs(session, coders, coder_slots), []
        tests = [test for ids in test_ids for test in session.tests_by_id(ids)]
        distinct = sorted({program for program in programs if program is not None})
        runs = await asyncio.gather(*(session.run(program, tests) for program in distinct))
        passes = {
            program: {outcome.test_id for outcome in outcomes if outcome.passed}
            for program, outcomes in zip(distinct, runs, strict=True)
        }
        choice: int | None = None
        for call in reserved:
            samples = [programs[k] for k, slot in enumerate(coder_slots) if slot <= call]
            visible = {
                test_id
                for k, slot in enumerate(tester_slots)
                if slot <= call
                for test_id in test_ids[k]
            }
            sets = [
                None if program is None else frozenset(passes[program] & visible)
                for program in samples
            ]
            chosen = self.rule(sets)
            choice = samples[chosen] if chosen is not None else None
            session.set_choice(call, choice)
        session.set_candidate(choice)
        if choice is None:
            session.decide("no-answer", "every Coder reply broke its contract")
            return "no sample kept the contract"
        session.decide(
            "select",
            f"{self.name} over {coders} samples and {len(tests)} generated tests: "
            f"it passes {len(passes[choice])}",
            program=choice,
        )
        return f"{coders} samples and {testers} Tester calls"


REPAIR_METHODS.register(
    "cure",
    TestSelection("cure", _cure_rule),
    summary="CURE: N samples x M statement-only tests; the sample passing the most wins",
)
REPAIR_METHODS.register(
    "codet",
    TestSelection("codet", dual_agreement),
    summary="CodeT: N samples x M statement-only tests; dual execution agreement",
)
