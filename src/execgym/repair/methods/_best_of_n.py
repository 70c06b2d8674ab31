"""``bon``: best-of-N filtered by the public tests.

The whole budget goes to Coder samples (one request for N = budget completions); each
program runs on the public examples, and the answer with the first ``k`` samples is the
earliest one passing the most of them (:func:`~execgym.repair._selection.most_passed`), so
a sample passing them all comes first. Without public examples the first program wins.
"""

from __future__ import annotations

import asyncio

from execgym.repair._method import REPAIR_METHODS
from execgym.repair._selection import most_passed
from execgym.repair._session import Session
from execgym.repair._tests import public_loop_tests
from execgym.repair.methods._common import sample_programs


class BestOfN:
    """N samples, the one passing the most public examples."""

    async def solve(self, session: Session, initial: str | None = None) -> str:
        count = session.budget_left
        programs = await sample_programs(session, count)
        public = session.add_tests(public_loop_tests(session.problem), None)
        runs = await asyncio.gather(
            *(session.run(program, public) for program in programs if program is not None)
        )
        passed_by_program = {
            program: sum(outcome.passed for outcome in outcomes)
            for program, outcomes in zip([p for p in programs if p is not None], runs, strict=True)
        }
        scores = [None if p is None else passed_by_program[p] for p in programs]
        choice: int | None = None
        for call in range(count):
            chosen = most_passed(scores[: call + 1])
            choice = programs[chosen] if chosen is not None else None
            session.set_choice(call, choice)
        session.set_candidate(choice)
        if choice is None:
            session.decide("no-answer", "every Coder reply broke its contract")
            return "no sample kept the contract"
        best = max(score for score in scores if score is not None)
        session.decide(
            "select",
            f"the earliest of {count} samples passing the most public examples "
            f"({best} of {len(public)})",
            program=choice,
        )
        return f"best of {count} samples"


REPAIR_METHODS.register(
    "bon", BestOfN(), summary="best of N Coder samples, filtered by the public examples"
)
