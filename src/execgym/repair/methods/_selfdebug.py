"""``selfdebug``: self-debugging on public-test feedback (Chen et al. 2023).

A Coder program (or the given candidate) runs on the public examples; while some fail and
budget remains, the model sees the program and every example's result and writes a revised
program, which replaces the current one whatever it does (as in self-debugging: the last
program is the answer). A reply breaking its contract leaves the program as it was. It
stops when every public example passes; without public examples there is no feedback and
the first program is the answer.
"""

from __future__ import annotations

from execgym.repair._method import REPAIR_METHODS
from execgym.repair._roles import debugger_messages
from execgym.repair._session import Session
from execgym.repair._tests import public_loop_tests
from execgym.repair.methods._common import first_program, program_parser


class SelfDebugging:
    """Revise on public-test feedback until the examples pass or the budget is spent."""

    async def solve(self, session: Session, initial: str | None = None) -> str:
        current = session.program(initial) if initial is not None else await first_program(session)
        session.set_candidate(current)
        if current is None:
            return "no Coder reply kept its contract"
        public = session.add_tests(public_loop_tests(session.problem), None)
        if not public:
            session.decide("stop", "no public examples to give feedback on", program=current)
            return "no public examples"
        while True:
            outcomes = await session.run(current, public)
            if all(outcome.passed for outcome in outcomes):
                session.decide("stop", "every public example passes", program=current)
                return "the public examples pass"
            if session.budget_left < 1:
                return "budget spent"
            messages = debugger_messages(
                session.problem, session.code(current), list(zip(public, outcomes, strict=True))
            )
            (reply,) = await session.ask("debugger", "debug", messages, program_parser(session))
            if isinstance(reply.value, str):
                current = session.program(reply.value)
                reply.record.program = current
                session.set_candidate(current)
                session.decide("revise", "the revised program replaces the last", program=current)
            else:
                session.decide("keep", f"the reply broke its contract: {reply.value.reason}")


REPAIR_METHODS.register(
    "selfdebug", SelfDebugging(), summary="self-debugging on public-example feedback"
)
