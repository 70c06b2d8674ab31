"""The repair-method family: one protocol, one registry, one way to run a method.

A :class:`RepairMethod` solves one problem through a :class:`~execgym.repair.Session`
(model calls within the budget, sandbox runs, decisions) and says why it stopped. Methods
register themselves in :data:`REPAIR_METHODS` beside their definition, with a one-line
``summary``; third-party methods come from the ``execgym.repair_methods`` entry-point group.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from execgym.bench import Problem
from execgym.llm import ChatModel
from execgym.registry import Registry
from execgym.repair._session import Session
from execgym.repair._settings import RepairSettings
from execgym.repair._transcript import Transcript
from execgym.sandbox import Sandbox


@runtime_checkable
class RepairMethod(Protocol):
    """A way to turn a problem into one answer program within a budget of model calls."""

    async def solve(self, session: Session, initial: str | None = None) -> str:
        """Work on ``session.problem``; return why it stopped. ``initial`` is a candidate to
        start from (methods that sample their own candidates ignore it)."""
        ...


REPAIR_METHODS = Registry[RepairMethod](
    "repair method",
    builtins=(
        "execgym.repair.methods._direct",
        "execgym.repair.methods._best_of_n",
        "execgym.repair.methods._test_selection",
        "execgym.repair.methods._selfdebug",
        "execgym.repair.methods._fixaudit",
    ),
)
"""Every repair method by name (``execgym repair eval --method NAME``)."""


async def solve_problem(
    method: str,
    problem: Problem,
    model: ChatModel,
    sandbox: Sandbox,
    settings: RepairSettings,
    *,
    initial: str | None = None,
) -> Transcript:
    """Run the method registered as ``method`` on ``problem``; its transcript.

    Model errors and :class:`~execgym.repair.SandboxFailure` propagate: the problem is then
    unfinished, and a rerun does it again (the response cache answers the calls made).
    """
    solver = REPAIR_METHODS.get(method)
    session = Session(problem, method, model, sandbox, settings)
    stop = await solver.solve(session, initial)
    return session.finish(stop)
