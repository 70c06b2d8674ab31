"""Question generators, one per :class:`Kind`, in a registry.

A generator reads an :class:`~execgym.tasks._select.Execution` and a seeded
:class:`random.Random` and returns :class:`Pick` s: the questions it chose, with their
reference answers, before any prompt style words them. A pick's id is derived from the
program id, the kind, the line, the occurrence and the variable, never from the random
draw, so the same question has the same id whatever else was drawn.

Every generator asks only what the trace answers exactly: values with a literal form that
is not truncated, outputs likewise; a program whose output has no literal gets no output
or input question.

A style may register its own generator for a kind: the ``execverify`` style selects its
next-statement and variable questions by ExecVerify's rules (:func:`execverify_next_picks`,
:func:`execverify_state_picks`); every other style uses the kind's default generator.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from execgym.tasks._literals import LiteralError, read_arguments
from execgym.tasks._question import NOT_EXECUTED, Item, Kind, Reference
from execgym.tasks._select import Execution, Visit, spread_sample

MAX_NEXT = 5
MAX_STATE = 5
MAX_COVERAGE = 4
MAX_COVERAGE_NOT_EXECUTED = 2
MAX_PATH_LENGTH = 40


@dataclass(frozen=True)
class Pick:
    """One chosen question and its reference, not yet worded for a style."""

    kind: Kind
    reference: Reference
    line: int | None = None
    occurrence: int | None = None
    """K, 1-based: the K-th run of ``line``."""
    variable: str | None = None
    runs: int | None = None
    """How many times ``line`` ran in the whole call (0: never)."""

    def item_id(self, program_id: str) -> str:
        """``<program>/<kind>[/L<line>][/K<occurrence>][/<variable>]``."""
        parts = [program_id, self.kind.value]
        if self.line is not None:
            parts.append(f"L{self.line}")
        if self.occurrence is not None:
            parts.append(f"K{self.occurrence}")
        if self.variable is not None:
            parts.append(self.variable)
        return "/".join(parts)

    def item(self, program_id: str, text: str, answer_format: str, rendered: str) -> Item:
        """This pick worded as one prompt item."""
        return Item(
            id=self.item_id(program_id),
            kind=self.kind,
            text=text,
            answer_format=answer_format,
            reference=self.reference,
            rendered=rendered,
            line=self.line,
            occurrence=self.occurrence,
            variable=self.variable,
        )


KindGenerator = Callable[[Execution, random.Random], list[Pick]]
"""Picks for one kind: ``generator(execution, rng)``; the same rng state gives the same picks."""

_GENERATORS: dict[tuple[Kind, str | None], KindGenerator] = {}


def register(kind: Kind, generator: KindGenerator, *, style: str | None = None) -> None:
    """Make ``generator`` the generator of ``kind`` (once per kind); with ``style``, the one
    that prompt style uses instead of the default (once per kind and style)."""
    if (kind, style) in _GENERATORS:
        where = f" for style {style!r}" if style is not None else ""
        raise ValueError(
            f"a generator for question kind {kind.value!r}{where} is already registered"
        )
    _GENERATORS[(kind, style)] = generator


def question_kinds() -> tuple[Kind, ...]:
    """The kinds with a registered default generator, in :class:`Kind` order."""
    return tuple(kind for kind in Kind if (kind, None) in _GENERATORS)


def generator_for(kind: Kind, style: str | None = None) -> KindGenerator:
    """The generator ``style`` uses for ``kind``: its own if it registered one, else the
    default."""
    own = _GENERATORS.get((kind, style)) if style is not None else None
    if own is not None:
        return own
    try:
        return _GENERATORS[(kind, None)]
    except KeyError:
        raise ValueError(f"no generator is registered for question kind {kind!r}") from None


def output_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """The returned value (none when it has no literal form or was truncated)."""
    output = execution.trace.output
    if output is None or not output.gradable:
        return []
    return [Pick(Kind.OUTPUT, Reference(literal=output.literal, type_name=output.type))]


register(Kind.OUTPUT, output_picks)


def input_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """An input for the traced output; the reference is the program's own input.

    Not asked of a call without arguments (there is nothing to find), nor where the
    program's own input is not a list of literals (a lambda, an expression): an answer must
    pass :func:`read_arguments`' allowlist, so such a question could not be answered.
    """
    output = execution.trace.output
    program = execution.program
    if output is None or not output.gradable or not program.input.strip():
        return []
    try:
        read_arguments(program.input)
    except LiteralError:
        return []
    reference = Reference(literal=program.input, target_output=output.literal, entry=program.entry)
    return [Pick(Kind.INPUT, reference)]


register(Kind.INPUT, input_picks)


def next_statement_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """Up to five runs of a line: which line runs next (-1: none does).

    The successor is the next visit in the whole call: a call into another function of the
    program leads to its first line, and a ``return`` to the caller's next line. Preferred:
    runs of branching lines and runs whose successor is not simply the following line
    (ExecVerify's rule), then other runs; runs inside comprehensions and lambdas, and runs
    followed by the same line, come last. Lines holding several statements are not asked.
    """
    branching = execution.branching_lines()
    preferred: list[Visit] = []
    plain: list[Visit] = []
    last: list[Visit] = []
    for visit in execution.visits:
        if visit.line in execution.source.crowded:
            continue
        after = execution.successor(visit)
        if visit.inline or after == visit.line:
            last.append(visit)
        elif visit.line in branching or after != visit.line + 1:
            preferred.append(visit)
        else:
            plain.append(visit)
    chosen = spread_sample(rng, [preferred, plain, last], MAX_NEXT, key=lambda v: v.line)
    return [_next_pick(execution, visit) for visit in sorted(chosen, key=lambda v: v.index)]


register(Kind.NEXT, next_statement_picks)


def state_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """Up to five (line, K, variable): the variable's value right after that run.

    Only variables the run changed, with a literal value that is not truncated; not in
    comprehension frames (their variables are the comprehension's own), not on lines that
    hold several statements. Distinct variables come first; lines that also run inside a
    comprehension or lambda come last. When the entry function has an assignment line that
    never runs, one pick asks about it, with the reference ``NOT_EXECUTED``.
    """
    source = execution.source
    never = [
        line
        for line in source.body_lines(execution.program.entry)
        if line not in execution.runs and line not in source.crowded and source.assigned_names(line)
    ]
    missing: list[Pick] = []
    if never:
        line = rng.choice(never)
        missing.append(
            Pick(
                Kind.STATE,
                Reference(literal=NOT_EXECUTED),
                line=line,
                occurrence=1,
                variable=source.assigned_names(line)[0],
                runs=0,
            )
        )
    clear: list[tuple[Visit, str]] = []
    shared: list[tuple[Visit, str]] = []
    for visit in execution.visits:
        if visit.in_comprehension or visit.line in source.crowded:
            continue
        for name, value in sorted(visit.changes.items()):
            if value.gradable:
                tier = shared if visit.line in execution.inline_lines else clear
                tier.append((visit, name))
    chosen = spread_sample(rng, [clear, shared], MAX_STATE - len(missing), key=lambda c: c[1])
    picks = [_state_pick(execution, visit, name) for visit, name in chosen]
    return sorted(picks + missing, key=lambda p: (p.line or 0, p.occurrence or 0, p.variable or ""))


register(Kind.STATE, state_picks)


def _state_pick(execution: Execution, visit: Visit, name: str) -> Pick:
    """The value of ``name`` right after ``visit``."""
    value = visit.changes[name]
    return Pick(
        Kind.STATE,
        Reference(literal=value.literal, type_name=value.type),
        line=visit.line,
        occurrence=visit.occurrence,
        variable=name,
        runs=execution.runs[visit.line],
    )


def _next_pick(execution: Execution, visit: Visit) -> Pick:
    """Which line runs right after ``visit`` (-1: none)."""
    after = execution.successor(visit)
    source = execution.source.source(after).strip() if after != -1 else ""
    return Pick(
        Kind.NEXT,
        Reference(line=after, source=source),
        line=visit.line,
        occurrence=visit.occurrence,
        runs=execution.runs[visit.line],
    )


def coverage_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """Up to four lines of the entry function's body: does the line run at all?

    A seeded mix: up to two lines that never run, the rest lines that do.
    """
    lines = execution.source.body_lines(execution.program.entry)
    ran = [line for line in lines if line in execution.runs]
    never = [line for line in lines if line not in execution.runs]
    chosen_never = rng.sample(never, min(len(never), MAX_COVERAGE_NOT_EXECUTED))
    chosen_ran = rng.sample(ran, min(len(ran), MAX_COVERAGE - len(chosen_never)))
    return [
        Pick(
            Kind.COVERAGE,
            Reference(executed=line in execution.runs),
            line=line,
            runs=execution.runs[line],
        )
        for line in sorted(chosen_never + chosen_ran)
    ]


register(Kind.COVERAGE, coverage_picks)


def path_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """The lines the traced call's own frame runs, in order (only up to 40 of them)."""
    lines = execution.entry_path()
    if not lines or len(lines) > MAX_PATH_LENGTH:
        return []
    return [Pick(Kind.PATH, Reference(lines=lines))]


register(Kind.PATH, path_picks)


# --------------------------------------------------------------------------------------------
# ExecVerify's own selection rules (the ``execverify`` style)
# --------------------------------------------------------------------------------------------


def execverify_next_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """Up to five next-statement questions, by ExecVerify's rule.

    Candidates: runs of a branching line (an ``if``, ``elif``, ``for`` or ``while`` header,
    or a line whose successor differs between its runs), runs that lead into a branching
    line, and runs whose successor is not the statement written next (a jump back to a loop
    head, past an ``else``, into a called function, back to the caller, or -1 at the end);
    and statement lines of the program's functions that never run, answered -1 (the
    prompt's rule: "if the given statement is never reached, answer -1"). Drawn at random,
    distinct lines before a second run of one. ExecVerify finds branching lines by looking
    for ``if``/``for``/``while`` anywhere in the text (``diff = a - b`` counts); here the
    syntax tree says.

    Where ExecVerify's own code counts events, this counts statement runs: a ``return`` line
    runs once (ExecVerify also counts its ``return`` event as a second run), a call into a
    helper does not count as a run of the ``def`` line, and runs inside comprehensions and
    lambdas, runs followed by the same line, and lines holding several statements are not
    asked.
    """
    source = execution.source
    branching = execution.branching_lines() | source.branching
    ranked: list[tuple[int, Pick]] = []
    for visit in execution.visits:
        if visit.inline or visit.line in source.crowded:
            continue
        after = execution.successor(visit)
        if after == visit.line:
            continue
        leads_to_branch = after in source.branching
        if visit.line in branching or leads_to_branch or after != source.following(visit.line):
            ranked.append((visit.index, _next_pick(execution, visit)))
    after_all = len(execution.visits)
    for line in source.function_lines():
        if line not in execution.runs and line not in source.crowded:
            never = Pick(Kind.NEXT, Reference(line=-1, source=""), line=line, occurrence=1, runs=0)
            ranked.append((after_all + line, never))
    chosen = spread_sample(rng, [ranked], MAX_NEXT, key=lambda entry: entry[1].line)
    return [pick for _, pick in sorted(chosen, key=lambda entry: entry[0])]


register(Kind.NEXT, execverify_next_picks, style="execverify")


def execverify_state_picks(execution: Execution, rng: random.Random) -> list[Pick]:
    """Up to five (line, K, variable) questions, by ExecVerify's rule: only runs that
    happened, each about a variable the run changed, drawn at random (distinct variables
    first), in execution order.

    Values must have a literal form that is not truncated. Never asked: variables of
    comprehension and lambda frames (ExecVerify's own code asks about lambda parameters),
    lines holding several statements.
    """
    source = execution.source
    candidates: list[tuple[Visit, str]] = []
    for visit in execution.visits:
        if visit.inline or visit.line in source.crowded:
            continue
        for name, value in sorted(visit.changes.items()):
            if value.gradable:
                candidates.append((visit, name))
    chosen = spread_sample(rng, [candidates], MAX_STATE, key=lambda c: c[1])
    return [
        _state_pick(execution, visit, name)
        for visit, name in sorted(chosen, key=lambda c: (c[0].index, c[1]))
    ]


register(Kind.STATE, execverify_state_picks, style="execverify")
