"""FixAudit: competitive code generation by a test-and-repair loop, and its baselines.

One shared model plays every role (:mod:`execgym.repair._roles`: Coder, Auditor, Fixer,
Tester, self-debugger), each a prompt program with a strict output contract
(:mod:`execgym.repair._contracts`). A method (:data:`REPAIR_METHODS`: ``fixaudit`` and its
ablations, ``direct``, ``bon``, ``codet``, ``cure``, ``selfdebug``) works on one problem
through a :class:`Session` within a budget of model calls and leaves a :class:`Transcript`
(every call, test, run and decision; the candidate after each call). Hidden tests never
reach a prompt: they only judge the answers afterwards.
"""

from execgym.repair._contracts import ContractBreach, ProposedTests, parse_program, parse_tests
from execgym.repair._execution import SandboxFailure, TestOutcome, run_tests
from execgym.repair._method import REPAIR_METHODS, RepairMethod, solve_problem
from execgym.repair._roles import ROLES, Role
from execgym.repair._selection import dual_agreement, most_passed
from execgym.repair._session import BudgetSpent, Reply, Session
from execgym.repair._settings import RepairSettings
from execgym.repair._tests import LoopTest, public_loop_tests
from execgym.repair._transcript import (
    CallRecord,
    Decision,
    RunRecord,
    TestRecord,
    Timing,
    Transcript,
)

__all__ = [
    "REPAIR_METHODS",
    "ROLES",
    "BudgetSpent",
    "CallRecord",
    "ContractBreach",
    "Decision",
    "LoopTest",
    "ProposedTests",
    "RepairMethod",
    "RepairSettings",
    "Reply",
    "Role",
    "RunRecord",
    "SandboxFailure",
    "Session",
    "TestOutcome",
    "TestRecord",
    "Timing",
    "Transcript",
    "dual_agreement",
    "most_passed",
    "parse_program",
    "parse_tests",
    "public_loop_tests",
    "run_tests",
    "solve_problem",
]
