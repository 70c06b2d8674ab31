"""Buggy candidates for training the Fixer and the Auditor.

A buggy candidate is a program for a training problem that passes the problem's public
examples and fails at least one of its hidden tests: wrong in a way the examples do not
show, which is what the Auditor must expose and the Fixer repair. Three sources, each
filtered by :func:`keep_buggy` in the sandbox (public examples first, then the hidden tests
of the programs that pass them):

- :func:`mutation_candidates`: single-site AST mutations of reference solutions
  (:mod:`execgym.repair._mutations`: operator, comparison, off-by-one, boundary, dropped
  statement);
- :func:`incorrect_solution_candidates`: a dataset's own incorrect solutions
  (CodeContests' ``incorrect_solutions``);
- :func:`model_candidates`: a model's Coder samples.

A program the sandbox could not run is never classified (neither kept nor counted as
passing or failing); :class:`BuggyStats` counts it.
"""

from __future__ import annotations

import asyncio
import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Literal

from execgym.bench import Problem
from execgym.llm import ChatModel
from execgym.repair._contracts import ContractBreach, parse_program
from execgym.repair._execution import TestOutcome, run_many_now
from execgym.repair._mutations import mutants
from execgym.repair._roles import coder_messages
from execgym.repair._settings import RepairSettings
from execgym.repair._tests import LoopTest, loop_test, public_loop_tests
from execgym.sandbox import Sandbox

BuggyOrigin = Literal["model", "incorrect-solution", "mutation"]


@dataclass(frozen=True)
class BuggyCandidate:
    """A program that passes its problem's public examples and fails a hidden test."""

    problem: Problem
    code: str
    origin: BuggyOrigin
    detail: str
    """Which mutation, which incorrect solution, which sample."""
    failing: tuple[int, ...]
    """The indices (in ``problem.hidden_tests``) of the hidden tests it fails."""
    failure: TestOutcome
    """What it did on the first of them."""

    def failing_test(self, position: int = 0) -> LoopTest:
        """The ``position``-th failing hidden test, as the Fixer's prompt shows it."""
        index = self.failing[position]
        return hidden_loop_test(self.problem, index)


def hidden_loop_test(problem: Problem, index: int) -> LoopTest:
    """Hidden test ``index`` of a training problem as a loop test (id ``h<index+1>``)."""
    return loop_test(
        f"h{index + 1}", problem.hidden_tests[index], "hidden", unwrap=problem.checker == "apps"
    )


@dataclass
class BuggyStats:
    """What :func:`keep_buggy` saw."""

    judged: int = 0
    kept: int = 0
    """Programs the filter kept (a builder may return fewer: ``per_problem``)."""
    fail_public: int = 0
    pass_hidden: int = 0
    unjudged: int = 0


def keep_buggy(
    sandbox: Sandbox,
    problem: Problem,
    programs: Sequence[tuple[str, BuggyOrigin, str]],
    stats: BuggyStats | None = None,
) -> list[BuggyCandidate]:
    """The ``(code, origin, detail)`` programs that pass every public example of
    ``problem`` and fail some hidden test, in input order."""
    tally = stats if stats is not None else BuggyStats()
    if not problem.hidden_tests or not programs:
        return []
    tally.judged += len(programs)
    public = public_loop_tests(problem)
    on_public = run_many_now(sandbox, problem, [code for code, _, _ in programs], public)
    passing: list[int] = []
    for index, outcomes in enumerate(on_public):
        if outcomes is None:
            tally.unjudged += 1
        elif all(outcome.passed for outcome in outcomes):
            passing.append(index)
        else:
            tally.fail_public += 1
    hidden = [hidden_loop_test(problem, i) for i in range(len(problem.hidden_tests))]
    on_hidden = run_many_now(sandbox, problem, [programs[i][0] for i in passing], hidden)
    kept = []
    for index, outcomes in zip(passing, on_hidden, strict=True):
        if outcomes is None:
            tally.unjudged += 1
            continue
        failing = tuple(i for i, outcome in enumerate(outcomes) if not outcome.passed)
        if not failing:
            tally.pass_hidden += 1
            continue
        code, origin, detail = programs[index]
        kept.append(BuggyCandidate(problem, code, origin, detail, failing, outcomes[failing[0]]))
    tally.kept += len(kept)
    return kept


def mutation_candidates(
    sandbox: Sandbox,
    problems: Iterable[Problem],
    *,
    per_problem: int = 8,
    references: int = 1,
    seed: int = 0,
    stats: BuggyStats | None = None,
) -> list[BuggyCandidate]:
    """Mutants of the first ``references`` reference solutions of each problem, at most
    ``per_problem`` kept per problem. Which mutants are tried is chosen by a hash of
    (``seed``, problem, mutant), so a seed gives the same candidates every time."""
    kept: list[BuggyCandidate] = []
    for problem in problems:
        programs: list[tuple[str, BuggyOrigin, str]] = []
        for number, reference in enumerate(problem.reference_solutions[:references], start=1):
            for mutant in mutants(reference):
                detail = f"reference {number}, {mutant.kind}: {mutant.description}"
                programs.append((mutant.code, "mutation", detail))
        programs.sort(key=lambda item: _rank(seed, problem.id, item[0]))
        found: list[BuggyCandidate] = []
        for start in range(0, len(programs), 4 * per_problem):
            found += keep_buggy(sandbox, problem, programs[start : start + 4 * per_problem], stats)
            if len(found) >= per_problem:
                break
        kept += found[:per_problem]
    return kept


def incorrect_solution_candidates(
    sandbox: Sandbox, problems: Iterable[Problem], stats: BuggyStats | None = None
) -> list[BuggyCandidate]:
    """Each problem's own incorrect solutions that pass its public examples and fail a
    hidden test."""
    kept: list[BuggyCandidate] = []
    for problem in problems:
        programs: list[tuple[str, BuggyOrigin, str]] = [
            (code, "incorrect-solution", f"incorrect solution {number}")
            for number, code in enumerate(problem.incorrect_solutions, start=1)
        ]
        kept += keep_buggy(sandbox, problem, programs, stats)
    return kept


async def model_candidates(
    model: ChatModel,
    sandbox: Sandbox,
    problems: Iterable[Problem],
    *,
    samples: int = 4,
    settings: RepairSettings | None = None,
    stats: BuggyStats | None = None,
) -> list[BuggyCandidate]:
    """``samples`` Coder samples per problem (one request each), the buggy ones kept."""
    options = settings or RepairSettings()
    kept: list[BuggyCandidate] = []
    for problem in problems:
        completion = await model.complete(coder_messages(problem), options.sampling(samples))
        programs: list[tuple[str, BuggyOrigin, str]] = []
        for number, reply in enumerate(completion.texts, start=1):
            code = parse_program(reply, problem)
            if not isinstance(code, ContractBreach):
                programs.append((code, "model", f"{model.name} sample {number}"))
        kept += await asyncio.to_thread(keep_buggy, sandbox, problem, programs, stats)
    return kept


def _rank(seed: int, problem_id: str, code: str) -> str:
    return hashlib.sha256(f"{seed}\0{problem_id}\0{code}".encode()).hexdigest()
