"""What several methods share: asking the Coder, and reading programs from replies."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from execgym.repair._contracts import ContractBreach, ProposedTests, parse_program, parse_tests
from execgym.repair._roles import coder_messages, tester_messages
from execgym.repair._session import Reply, Session


def program_parser(session: Session) -> Callable[[str], str | ContractBreach]:
    problem = session.problem
    return lambda reply: parse_program(reply, problem)


def tests_parser(session: Session) -> Callable[[str], ProposedTests | ContractBreach]:
    problem = session.problem
    limit = session.settings.tests_per_call
    return lambda reply: parse_tests(reply, problem, "tester", limit)


async def sample_programs(
    session: Session, count: int, slots: Sequence[int] | None = None
) -> list[int | None]:
    """``count`` Coder samples (one request); per sample its program index, ``None`` for a
    reply that broke the contract."""
    replies = await session.ask(
        "coder",
        "candidate",
        coder_messages(session.problem),
        program_parser(session),
        count=count,
        slots=slots,
    )
    return [_program_of(session, reply) for reply in replies]


async def sample_tests(session: Session, count: int, slots: Sequence[int]) -> list[list[str]]:
    """``count`` Tester samples (one request); per sample the ids of the tests it added."""
    replies = await session.ask(
        "tester",
        "tests",
        tester_messages(session.problem, session.settings.tests_per_call),
        tests_parser(session),
        count=count,
        slots=slots,
    )
    found = []
    for reply in replies:
        ids: list[str] = []
        if isinstance(reply.value, ProposedTests):
            reply.record.notes.extend(reply.value.notes)
            for test in session.add_tests(reply.value.tests, reply.record.index):
                if test.call == reply.record.index:
                    ids.append(test.id)
            reply.record.tests = ids
        found.append(ids)
    return found


async def first_program(session: Session) -> int | None:
    """Coder calls, one at a time, until a reply keeps the contract or the budget is spent."""
    while session.budget_left > 0:
        (program,) = await sample_programs(session, 1)
        if program is not None:
            return program
        session.decide("retry", "the Coder's reply broke its contract; asking again")
    return None


def _program_of(session: Session, reply: Reply[str]) -> int | None:
    if isinstance(reply.value, ContractBreach):
        return None
    program = session.program(reply.value)
    reply.record.program = program
    return program
