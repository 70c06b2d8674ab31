"""What ran: a traced call read statement by statement, and seeded sampling of what to ask.

Python reports a ``line`` event whenever execution reaches a new source line, so a statement
written over several lines (``x = [\\n 1,\\n 2]``) produces an event for each of its lines.
Questions speak of statements, so an :class:`Execution` reads the trace as **visits**: each
``line`` event is mapped to the first line of the statement it belongs to (compound
statements: their header), and consecutive events of one frame that stay inside the same
statement are one visit, whose ``changes`` are the changes of all of them. A statement that
runs again (a loop head, or a one-line loop body) is a new visit, because Python reports a
jump back to the same line as a new event.

Comprehensions and generator expressions (their own frames on Python 3.11) and lambdas run
inside the statement that holds them: each run of such a frame is one visit of that
statement's line, however many items it loops over. Their visits are otherwise like any
others (a ``next`` question may lead into one); they are marked ``inline`` so that
selection asks about them last.

``K``, the occurrence of a visit, counts the visits of its line across the whole call, in
every frame: a helper called twice runs its lines twice.
"""

from __future__ import annotations

import ast
import bisect
import random
from collections import Counter
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from execgym.tasks._programs import Program
from execgym.trace import Trace, Value

T = TypeVar("T")

COMPREHENSION_FRAMES = frozenset({"<listcomp>", "<setcomp>", "<dictcomp>", "<genexpr>"})
"""Function names of the frames Python 3.11 runs comprehensions in."""
INLINE_FRAMES = COMPREHENSION_FRAMES | {"<lambda>"}
"""Frames that run code written inside another statement."""

_COMPOUND = (
    ast.If,
    ast.For,
    ast.AsyncFor,
    ast.While,
    ast.With,
    ast.AsyncWith,
    ast.Try,
    ast.TryStar,
    ast.FunctionDef,
    ast.AsyncFunctionDef,
    ast.ClassDef,
)

_BRANCHING = (ast.If, ast.For, ast.AsyncFor, ast.While)
"""Statements that choose where execution goes next (an ``elif`` is an ``If`` too)."""

_NO_EVENT = (ast.Global, ast.Nonlocal, ast.Try, ast.TryStar)
"""Statements whose own line does not (reliably) report a line event."""


class SourceMap:
    """Statement structure of a program's code, by line number (1-based)."""

    def __init__(self, code: str) -> None:
        self.lines = code.splitlines()
        self.tree = ast.parse(code)
        self._start: dict[int, int] = {}
        self._end: dict[int, int] = {}
        starts: Counter[int] = Counter()
        headers: set[int] = set()
        for node in ast.walk(self.tree):
            if not isinstance(node, ast.stmt):
                continue
            starts[node.lineno] += 1
            end = _header_end(node)
            self._end[node.lineno] = max(self._end.get(node.lineno, 0), end)
            if isinstance(node, _BRANCHING):
                headers.add(node.lineno)
            for line in range(node.lineno, end + 1):
                self._start[line] = max(self._start.get(line, 0), node.lineno)
        self._starts = sorted(starts)
        self.crowded = frozenset(line for line, count in starts.items() if count > 1)
        """Lines where more than one statement starts (``for x in y: s``, ``a = 1; b = 2``)."""
        self.branching = frozenset(headers)
        """Lines where an ``if``, ``elif``, ``for`` or ``while`` header starts."""

    def statement_line(self, line: int) -> int:
        """The first line of the statement (or compound header) that ``line`` belongs to."""
        return self._start.get(line, line)

    def following(self, line: int) -> int | None:
        """The first line of the statement written right after the one starting at ``line``
        (for a compound statement: after its header), or ``None`` when none follows."""
        end = self._end.get(line, line)
        at = bisect.bisect_right(self._starts, end)
        return self._starts[at] if at < len(self._starts) else None

    def source(self, line: int) -> str:
        """The text of ``line`` as written (empty outside the code)."""
        return self.lines[line - 1] if 1 <= line <= len(self.lines) else ""

    def function(self, name: str) -> ast.FunctionDef | ast.AsyncFunctionDef | None:
        """The definition of ``name``: a module-level one first, else the first nested one."""
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node.name == name:
                return node
        for inner in ast.walk(self.tree):
            if isinstance(inner, (ast.FunctionDef, ast.AsyncFunctionDef)) and inner.name == name:
                return inner
        return None

    def body_lines(self, name: str) -> list[int]:
        """Lines of the statements in the body of function ``name`` that report when they run.

        Every statement inside the function (nested blocks and nested functions included)
        and every ``except`` clause; not docstrings, ``global``/``nonlocal`` (no code) and
        not ``try:`` headers (whether they report an event depends on the Python version).
        """
        func = self.function(name)
        if func is None:
            return []
        docstrings = {id(body[0]) for body in _bodies(func) if body and _is_docstring(body[0])}
        lines: set[int] = set()
        for node in ast.walk(func):
            if node is func:
                continue
            if isinstance(node, ast.ExceptHandler) or (
                isinstance(node, ast.stmt)
                and not isinstance(node, _NO_EVENT)
                and id(node) not in docstrings
            ):
                lines.add(node.lineno)
        return sorted(lines)

    def function_lines(self) -> list[int]:
        """:meth:`body_lines` of every function defined at module level, in line order."""
        lines: set[int] = set()
        for node in self.tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                lines.update(self.body_lines(node.name))
        return sorted(lines)

    def assigned_names(self, line: int) -> list[str]:
        """Plain names that the assignment starting at ``line`` binds (empty if none)."""
        names: list[str] = []
        for node in ast.walk(self.tree):
            if isinstance(node, ast.stmt) and node.lineno == line:
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        names.extend(_names(target))
                elif isinstance(node, ast.AugAssign) or (
                    isinstance(node, ast.AnnAssign) and node.value is not None
                ):
                    names.extend(_names(node.target))
        return list(dict.fromkeys(names))


@dataclass(frozen=True)
class Visit:
    """One run of one statement."""

    index: int
    """Position among all visits of the call."""
    line: int
    """First line of the statement."""
    occurrence: int
    """K: this is the K-th visit of ``line`` in the call (1-based, all frames)."""
    func: str
    frame: int
    changes: Mapping[str, Value]
    """Variables of the frame the statement changed, with their new values."""

    @property
    def inline(self) -> bool:
        return self.func in INLINE_FRAMES

    @property
    def in_comprehension(self) -> bool:
        return self.func in COMPREHENSION_FRAMES


class Execution:
    """A program, the trace of its call, and that trace read as statement visits."""

    def __init__(self, program: Program, trace: Trace) -> None:
        if trace.code != program.code:
            raise ValueError(f"program {program.id!r}: the trace is of different code")
        self.program = program
        self.trace = trace
        self.source = SourceMap(program.code)
        self.visits = _visits(trace, self.source)
        self.runs: Counter[int] = Counter(visit.line for visit in self.visits)
        """How many times each statement line ran."""
        self.inline_lines = frozenset(visit.line for visit in self.visits if visit.inline)
        """Lines that ran at least once inside a comprehension or lambda frame."""
        calls = [step for step in trace.steps if step.event == "call"]
        self.entry_frame: int | None = calls[0].frame if calls else None
        """The frame of the traced call itself."""

    def successor(self, visit: Visit) -> int:
        """The line of the visit right after ``visit`` in the whole call; -1 if none."""
        following = visit.index + 1
        return self.visits[following].line if following < len(self.visits) else -1

    def branching_lines(self) -> frozenset[int]:
        """Lines whose successor differs between their runs (``if``, loop heads, ...)."""
        successors: dict[int, set[int]] = {}
        for visit in self.visits:
            successors.setdefault(visit.line, set()).add(self.successor(visit))
        return frozenset(line for line, after in successors.items() if len(after) > 1)

    def entry_path(self) -> list[int]:
        """Lines of the visits of the traced call's own frame, in order."""
        return [visit.line for visit in self.visits if visit.frame == self.entry_frame]


def spread_sample(
    rng: random.Random, tiers: Sequence[Sequence[T]], k: int, key: Callable[[T], Hashable]
) -> list[T]:
    """Up to ``k`` candidates, seeded: earlier tiers first, and within a tier spread out.

    Within a tier the candidates are shuffled, then taken one per ``key`` before a second
    one of any key (so distinct lines, or variables, come before repeats).
    """
    chosen: list[T] = []
    for tier in tiers:
        pool = list(tier)
        rng.shuffle(pool)
        seen: Counter[Hashable] = Counter()
        ranked: list[tuple[int, int, T]] = []
        for position, candidate in enumerate(pool):
            ranked.append((seen[key(candidate)], position, candidate))
            seen[key(candidate)] += 1
        ranked.sort(key=lambda entry: (entry[0], entry[1]))
        for _, _, candidate in ranked:
            if len(chosen) == k:
                return chosen
            chosen.append(candidate)
    return chosen


def _visits(trace: Trace, source: SourceMap) -> list[Visit]:
    records: list[tuple[int, str, int, dict[str, Value]]] = []
    last: dict[int, tuple[int, int]] = {}  # frame -> (record index, raw line of its last event)
    for step in trace.steps:
        if step.event != "line":
            continue
        line = source.statement_line(step.line)
        previous = last.get(step.frame)
        if previous is not None:
            index, raw = previous
            if records[index][0] == line and (raw != step.line or step.func in INLINE_FRAMES):
                records[index][3].update(step.changes)
                last[step.frame] = (index, step.line)
                continue
        last[step.frame] = (len(records), step.line)
        records.append((line, step.func, step.frame, dict(step.changes)))
    counts: Counter[int] = Counter()
    visits: list[Visit] = []
    for index, (line, func, frame, changes) in enumerate(records):
        counts[line] += 1
        visits.append(Visit(index, line, counts[line], func, frame, changes))
    return visits


def _header_end(node: ast.stmt) -> int:
    """Last line of a simple statement, or of a compound statement's header."""
    if isinstance(node, _COMPOUND) and node.body:
        return max(node.lineno, node.body[0].lineno - 1)
    if isinstance(node, ast.Match) and node.cases:
        return max(node.lineno, node.cases[0].pattern.lineno - 1)
    return node.end_lineno or node.lineno


def _bodies(func: ast.AST) -> list[list[ast.stmt]]:
    return [
        node.body
        for node in ast.walk(func)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
    ]


def _is_docstring(node: ast.stmt) -> bool:
    return (
        isinstance(node, ast.Expr)
        and isinstance(node.value, ast.Constant)
        and isinstance(node.value.value, str)
    )


def _names(target: ast.expr) -> list[str]:
    if isinstance(target, ast.Name):
        return [target.id]
    if isinstance(target, (ast.Tuple, ast.List)):
        return [name for element in target.elts for name in _names(element)]
    if isinstance(target, ast.Starred):
        return _names(target.value)
    return []
