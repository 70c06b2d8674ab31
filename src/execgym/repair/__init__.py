"""FixAudit: competitive code generation by a test-and-repair loop, and its baselines.

One shared model plays every role (:mod:`execgym.repair._roles`: Coder, Auditor, Fixer,
Tester, self-debugger), each a prompt program with a strict output contract
(:mod:`execgym.repair._contracts`). A method (:data:`REPAIR_METHODS`: ``fixaudit`` and its
ablations, ``direct``, ``bon``, ``codet``, ``cure``, ``selfdebug``) works on one problem
through a :class:`Session` within a budget of model calls and leaves a :class:`Transcript`
(every call, test, run and decision; the candidate after each call). Hidden tests never
reach a prompt: they only judge the answers afterwards.

:func:`run_repair_eval` evaluates a method on a benchmark in the eval runner's run
directory (``execgym repair eval``). For training, :mod:`execgym.repair._buggy` finds buggy
candidates (model samples, a dataset's incorrect solutions, AST mutations of reference
solutions), :mod:`execgym.repair._training` builds the rows of the four stages, and
:mod:`execgym.repair._rewards` holds the Fixer and Auditor rewards, registered as the data
sources ``fixaudit-fixer`` and ``fixaudit-auditor`` of :data:`execgym.rewards.DATA_SOURCES`
(importing this package registers them).
"""

from execgym.repair._buggy import (
    BuggyCandidate,
    BuggyStats,
    incorrect_solution_candidates,
    keep_buggy,
    model_candidates,
    mutation_candidates,
)
from execgym.repair._contracts import ContractBreach, ProposedTests, parse_program, parse_tests
from execgym.repair._eval import (
    RepairEvalSettings,
    RepairReport,
    problems_with_hidden_tests,
    read_repair_records,
    run_repair_eval,
)
from execgym.repair._execution import SandboxFailure, TestOutcome, run_tests
from execgym.repair._method import REPAIR_METHODS, RepairMethod, solve_problem
from execgym.repair._mutations import MUTATION_KINDS, Mutant, MutationKind, mutants
from execgym.repair._render import render_record
from execgym.repair._rewards import (
    AUDITOR_SOURCE,
    FIXER_SOURCE,
    RepairTruth,
    auditor_reward,
    auditor_truth,
    fixer_reward,
    fixer_truth,
)
from execgym.repair._roles import ROLES, Role
from execgym.repair._selection import dual_agreement, most_passed
from execgym.repair._session import BudgetSpent, Reply, Session
from execgym.repair._settings import RepairSettings
from execgym.repair._summary import PLOT_FILE, markdown_summary
from execgym.repair._tests import LoopTest, public_loop_tests
from execgym.repair._training import (
    audited_fixer_rows,
    auditor_rows,
    execution_sft_rows,
    fixer_rows,
    solution_sft_rows,
)
from execgym.repair._transcript import (
    CallRecord,
    Decision,
    RunRecord,
    TestRecord,
    Timing,
    Transcript,
)

__all__ = [
    "AUDITOR_SOURCE",
    "FIXER_SOURCE",
    "MUTATION_KINDS",
    "PLOT_FILE",
    "REPAIR_METHODS",
    "ROLES",
    "BudgetSpent",
    "BuggyCandidate",
    "BuggyStats",
    "CallRecord",
    "ContractBreach",
    "Decision",
    "LoopTest",
    "Mutant",
    "MutationKind",
    "ProposedTests",
    "RepairEvalSettings",
    "RepairMethod",
    "RepairReport",
    "RepairSettings",
    "RepairTruth",
    "Reply",
    "Role",
    "RunRecord",
    "SandboxFailure",
    "Session",
    "TestOutcome",
    "TestRecord",
    "Timing",
    "Transcript",
    "audited_fixer_rows",
    "auditor_reward",
    "auditor_rows",
    "auditor_truth",
    "dual_agreement",
    "execution_sft_rows",
    "fixer_reward",
    "fixer_rows",
    "fixer_truth",
    "incorrect_solution_candidates",
    "keep_buggy",
    "markdown_summary",
    "model_candidates",
    "most_passed",
    "mutants",
    "mutation_candidates",
    "parse_program",
    "parse_tests",
    "problems_with_hidden_tests",
    "public_loop_tests",
    "read_repair_records",
    "render_record",
    "run_repair_eval",
    "run_tests",
    "solution_sft_rows",
    "solve_problem",
]
