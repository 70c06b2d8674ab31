"""``fixaudit``: improve one candidate by an Auditor that reads it and a Fixer that repairs it.

The loop (one shared model plays every role, within the budget of calls):

1. The candidate is the given program, or the Coder's (asked again while its replies break
   the contract).
2. Each iteration first runs the candidate on its regression suite: the public examples
   (the anchors), the tests accepted earlier, and the kept tests not yet repaired. On the
   first failing one the Fixer repairs it (step 4).
3. Otherwise the Auditor reads the problem and the candidate and proposes tests; the sandbox
   runs the candidate on the new ones. A failing test is an expectation the candidate
   contradicts; when the candidate passes every public example, that expectation may be
   the Auditor's mistake, so it is kept only with evidence: ``audit_votes`` K > 1 holds a
   vote, K - 1 further Auditor samples each giving the expected output of that very input
   (without seeing the candidate), and the test is kept when more than half of the K
   expectations (the Auditor's own counted) agree, by the problem's checker. With K = 1 no
   vote can be held and such a test is never kept. A candidate failing a public example is
   no evidence against anything, so then a failing test is kept as it is. The first kept
   failing test is repaired; the rejected ones are recorded with the votes.
4. A repair shows the Fixer the candidate and the failing test (its input, the expected
   output, what the candidate did, the verdict). The revision is accepted only if it passes
   that test and still passes every anchor and accepted test the candidate passed; else it
   is rolled back. A test that ``repair_attempts`` repairs could not fix is set aside.
5. It stops when ``rounds`` audit rounds in a row keep no failing test, or when the budget
   cannot pay for an audit, its vote and the repair after it (K + 1 calls; 2 when the
   candidate fails a public example), or when the public examples pass and K = 1 (then no
   audit could keep a test).

A reply breaking its contract counts as a call and is recorded with the reason: a broken
audit is a round without a kept test, a broken repair a rolled-back one.

Ablations: ``fixaudit-no-code-auditor`` (the Auditor does not see the code),
``fixaudit-no-test-fixer`` (the Fixer is not shown the failing test; acceptance still
checks it), ``fixaudit-no-auditor`` (repairs from the public examples only).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from execgym.repair._contracts import (
    ContractBreach,
    ProposedTests,
    parse_expected_output,
    parse_tests,
)
from execgym.repair._execution import TestOutcome
from execgym.repair._method import REPAIR_METHODS
from execgym.repair._roles import auditor_messages, fixer_messages, vote_messages
from execgym.repair._session import Session
from execgym.repair._tests import LoopTest, public_loop_tests
from execgym.repair.methods._common import first_program, program_parser
from execgym.sandbox import get_checker
from execgym.tasks import LiteralError, parse_literal


@dataclass
class _State:
    current: int
    anchors: list[LoopTest]
    accepted: list[LoopTest] = field(default_factory=list)
    pending: list[LoopTest] = field(default_factory=list)
    set_aside: set[str] = field(default_factory=set)
    attempts: Counter[str] = field(default_factory=Counter)
    quiet_rounds: int = 0


class FixAudit:
    """The test-and-repair loop (see the module docstring) and its ablations."""

    def __init__(
        self,
        *,
        auditor_sees_code: bool = True,
        fixer_sees_test: bool = True,
        use_auditor: bool = True,
    ) -> None:
        self.auditor_sees_code = auditor_sees_code
        self.fixer_sees_test = fixer_sees_test
        self.use_auditor = use_auditor

    async def solve(self, session: Session, initial: str | None = None) -> str:
        if initial is not None:
            start = session.program(initial)
            session.decide("start", "the given candidate", program=start)
        else:
            found = await first_program(session)
            if found is None:
                return "budget spent before the Coder kept its contract"
            start = found
            session.decide("start", "the Coder's program", program=start)
        session.set_candidate(start)
        state = _State(start, session.add_tests(public_loop_tests(session.problem), None))
        while True:
            failing = await self._first_failure(session, state)
            if failing is not None:
                if session.budget_left < 1:
                    return "budget spent"
                await self._repair(session, state, *failing)
                continue
            if not self.use_auditor:
                return "every public example passes (no Auditor)"
            if state.quiet_rounds >= session.settings.rounds:
                return f"{state.quiet_rounds} audit rounds in a row kept no failing test"
            public_passing = not any(test.id in state.set_aside for test in state.anchors)
            votes = session.settings.audit_votes
            if public_passing and votes == 1:
                return "the public examples pass, and with audit votes 1 no failing test is kept"
            needed = 2 + (votes - 1 if public_passing else 0)
            if session.budget_left < needed:
                return (
                    f"budget spent: an audit, its votes and a repair need {needed} calls, "
                    f"{session.budget_left} left"
                )
            await self._audit(session, state, public_passing)

    # ---- the regression suite ---------------------------------------------------------------
    async def _first_failure(
        self, session: Session, state: _State
    ) -> tuple[LoopTest, TestOutcome] | None:
        suite = [*state.anchors, *state.accepted, *state.pending]
        outcomes = await session.run(state.current, suite)
        for test, outcome in zip(suite, outcomes, strict=True):
            if test in state.pending and outcome.passed:
                state.pending.remove(test)
                state.accepted.append(test)
                session.decide("accept-test", "the candidate now passes it", test=test.id)
        for test, outcome in zip(suite, outcomes, strict=True):
            if not outcome.passed and test.id not in state.set_aside:
                return test, outcome
        return None

    # ---- auditing ---------------------------------------------------------------------------
    async def _audit(self, session: Session, state: _State, public_passing: bool) -> None:
        problem = session.problem
        code = session.code(state.current) if self.auditor_sees_code else None
        limit = session.settings.tests_per_call
        (reply,) = await session.ask(
            "auditor",
            "audit",
            auditor_messages(problem, code, limit),
            lambda text: parse_tests(text, problem, "auditor", limit),
        )
        if not isinstance(reply.value, ProposedTests):
            state.quiet_rounds += 1
            session.decide(
                "no-tests", f"the Auditor's reply broke its contract: {reply.record.breach}"
            )
            return
        reply.record.notes.extend(reply.value.notes)
        call = reply.record.index
        fresh = [t for t in session.add_tests(reply.value.tests, call) if t.call == call]
        reply.record.tests = [test.id for test in fresh]
        repeats = len(reply.value.tests) - len(fresh)
        if repeats:
            reply.record.notes.append(
                "1 test repeats an input already tested"
                if repeats == 1
                else f"{repeats} tests repeat inputs already tested"
            )
        outcomes = await session.run(state.current, fresh)
        failing = [(t, o) for t, o in zip(fresh, outcomes, strict=True) if not o.passed]
        if not failing:
            state.quiet_rounds += 1
            reason = (
                f"the candidate passes all {len(fresh)} new tests"
                if fresh
                else "every proposed input was tested before"
            )
            session.decide("quiet-round", reason)
            return
        for test, outcome in failing:
            if not public_passing:
                kept, reason = True, "the candidate fails a public example: no evidence against it"
            else:
                kept, reason = await self._vote(session, test, outcome)
            if kept:
                state.pending.append(test)
                state.quiet_rounds = 0
                session.decide("keep-test", reason, test=test.id)
                return
            session.decide("reject-test", reason, test=test.id)
        state.quiet_rounds += 1

    async def _vote(
        self, session: Session, test: LoopTest, outcome: TestOutcome
    ) -> tuple[bool, str]:
        votes = session.settings.audit_votes
        contradiction = f"the candidate ({outcome.verdict.value}) contradicts the expectation"
        if votes == 1:
            return False, f"{contradiction}, and no vote is held (audit votes 1)"
        needed = votes - 1
        if session.budget_left < needed + 1:
            return False, f"{contradiction}; the budget cannot pay for {needed} votes and a repair"
        problem = session.problem
        replies = await session.ask(
            "auditor",
            "vote",
            vote_messages(problem, test),
            lambda text: parse_expected_output(text, problem, test.shown_input),
            count=needed,
        )
        agreeing = 1
        with_candidate = 0
        for reply in replies:
            if isinstance(reply.value, ContractBreach):
                continue
            reply.record.vote = reply.value
            if _same_output(session, test, reply.value, test.shown_output):
                agreeing += 1
            elif outcome.actual and _same_output(session, test, outcome.actual, reply.value):
                with_candidate += 1
        kept = 2 * agreeing > votes
        tally = f"{agreeing} of {votes} expectations agree"
        if with_candidate:
            tally += f", {with_candidate} side with the candidate's output"
        return kept, f"{contradiction}; {tally}"

    # ---- repairing --------------------------------------------------------------------------
    async def _repair(
        self, session: Session, state: _State, target: LoopTest, outcome: TestOutcome
    ) -> None:
        state.attempts[target.id] += 1
        shown_test = target if self.fixer_sees_test else None
        shown_outcome = outcome if self.fixer_sees_test else None
        messages = fixer_messages(
            session.problem, session.code(state.current), shown_test, shown_outcome
        )
        (reply,) = await session.ask("fixer", "repair", messages, program_parser(session))
        accepted = False
        if isinstance(reply.value, ContractBreach):
            session.decide(
                "roll-back",
                f"the Fixer's reply broke its contract: {reply.value.reason}",
                test=target.id,
            )
        else:
            revision = session.program(reply.value)
            reply.record.program = revision
            accepted = await self._judge_revision(session, state, target, revision)
        if not accepted and state.attempts[target.id] >= session.settings.repair_attempts:
            state.set_aside.add(target.id)
            if target in state.pending:
                state.pending.remove(target)
            session.decide(
                "set-aside",
                f"{state.attempts[target.id]} repairs did not fix it",
                test=target.id,
            )

    async def _judge_revision(
        self, session: Session, state: _State, target: LoopTest, revision: int
    ) -> bool:
        guarded = [t for t in [*state.anchors, *state.accepted] if t.id != target.id]
        suite = [target, *guarded]
        before = await session.run(state.current, suite)
        after = await session.run(revision, suite)
        if not after[0].passed:
            session.decide(
                "roll-back",
                f"the revision still fails {target.id} ({after[0].verdict.value})",
                test=target.id,
                program=revision,
            )
            return False
        regressed = [
            test.id
            for test, old, new in zip(suite, before, after, strict=True)
            if old.passed and not new.passed
        ]
        if regressed:
            session.decide(
                "roll-back",
                f"the revision passes {target.id} but breaks {', '.join(regressed)}",
                test=target.id,
                program=revision,
            )
            return False
        state.current = revision
        session.set_candidate(revision)
        if target in state.pending:
            state.pending.remove(target)
        if target.origin != "public":
            state.accepted.append(target)
        kept = (
            f"breaks none of {', '.join(t.id for t in guarded)}"
            if guarded
            else "no other test is guarded"
        )
        session.decide(
            "accept-repair",
            f"the revision passes {target.id} and {kept}",
            test=target.id,
            program=revision,
        )
        return True


def _same_output(session: Session, test: LoopTest, actual: str, expected: str) -> bool:
    """Whether two outputs for ``test``'s input agree by the problem's checker."""
    checker = get_checker(session.problem.checker)
    if test.kind == "stdin":
        return checker.compare_stdout(actual, expected)
    try:
        return checker.compare_value(parse_literal(actual), parse_literal(expected))
    except LiteralError:
        return False


for _name, _method, _summary in (
    ("fixaudit", FixAudit(), "FixAudit: an Auditor reads the candidate, a Fixer repairs it"),
    (
        "fixaudit-no-code-auditor",
        FixAudit(auditor_sees_code=False),
        "FixAudit ablation: the Auditor does not see the candidate's code",
    ),
    (
        "fixaudit-no-test-fixer",
        FixAudit(fixer_sees_test=False),
        "FixAudit ablation: the Fixer is not shown the failing test",
    ),
    (
        "fixaudit-no-auditor",
        FixAudit(use_auditor=False),
        "FixAudit ablation: no Auditor, repairs from the public examples only",
    ),
):
    REPAIR_METHODS.register(_name, _method, summary=_summary)
