"""``direct``: one Coder call; its program is the answer."""

from __future__ import annotations

from execgym.repair._method import REPAIR_METHODS
from execgym.repair._session import Session
from execgym.repair.methods._common import sample_programs


class DirectGeneration:
    """One sample, no tests, no repair."""

    async def solve(self, session: Session, initial: str | None = None) -> str:
        (program,) = await sample_programs(session, 1)
        session.set_candidate(program)
        if program is None:
            session.decide("no-answer", "the Coder's reply broke its contract")
            return "the only call broke its contract"
        session.decide("answer", "the Coder's program", program=program)
        return "direct generation makes one call"


REPAIR_METHODS.register("direct", DirectGeneration(), summary="one Coder sample")
