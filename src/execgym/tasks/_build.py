"""Building questions: pick with each kind's generator, word the picks in a prompt style.

Randomness is per (seed, program, kind): the generator of one kind on one program draws
from ``random.Random`` seeded by a SHA-256 hash of the three, so a program's questions do
not depend on its position in a file, on which other kinds are asked, or on neighbouring
seeds (hashing, not adding, keeps seed 1 from being seed 0 shifted by one program).

Order: the kinds asked are taken in the kind registry's order (each kind's ``order``:
output, input, next, state, coverage, path) whatever order they are given in (a set of kinds
has no order of its own), so the same programs, kinds, style and seed give
the same questions in the same order, byte for byte, in every process.

Determinism is judged per question: with a second trace of the call under another
``PYTHONHASHSEED``, a question is kept when the second trace asks it too (same kind, line,
occurrence and variable) with the same reference answer; a question whose answer depends on
the hash seed (a set's order, say) is left out and counted, and the program's other
questions stay. A program whose call ends differently under the two seeds is skipped whole.
"""

from __future__ import annotations

import hashlib
import random
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import islice, repeat
from pathlib import Path

from execgym.sandbox import Sandbox
from execgym.tasks._kind import generator_for, ordered_kinds
from execgym.tasks._programs import Program, iter_programs
from execgym.tasks._prompts import check_style, render_questions
from execgym.tasks._question import Pick, Question, Style
from execgym.tasks._select import Execution
from execgym.trace import Trace, TraceOptions, TraceStatus, trace_many

TRACE_BATCH = 256
"""Programs traced together by :func:`iter_questions` (bounds the traces held at once)."""


def kind_rng(seed: int, program_id: str, kind: str) -> random.Random:
    """The random source of one kind's generator on one program."""
    digest = hashlib.sha256(f"{seed}\x00{program_id}\x00{kind!s}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def question_picks(
    program: Program,
    trace: Trace,
    kinds: Sequence[str],
    seed: int = 0,
    style: Style | None = None,
) -> list[Pick]:
    """What each kind's generator (``style``'s own where it has one) asks about
    ``program``'s traced call, kinds in the registry's order.

    A trace that did not end ``ok`` or that is of other code is a ValueError.
    """
    if trace.status is not TraceStatus.OK:
        raise ValueError(f"program {program.id!r}: its trace ended {trace.status.value}, not ok")
    execution = Execution(program, trace)
    picks: list[Pick] = []
    for kind in ordered_kinds(kinds):
        picks.extend(generator_for(kind, style)(execution, kind_rng(seed, program.id, kind)))
    return picks


def stable_picks(
    program: Program, picks: Sequence[Pick], other: Sequence[Pick]
) -> tuple[list[Pick], list[Pick]]:
    """``(kept, unstable)``: the picks that ``other`` (the picks of a second trace under
    another hash seed) holds unchanged, and the others."""
    asked = {pick.item_id(program.id): pick for pick in other}
    kept: list[Pick] = []
    unstable: list[Pick] = []
    for pick in picks:
        (kept if asked.get(pick.item_id(program.id)) == pick else unstable).append(pick)
    return kept, unstable


def build_questions(
    program: Program,
    trace: Trace,
    kinds: Sequence[str],
    style: Style,
    seed: int = 0,
    cot: bool = False,
) -> list[Question]:
    """The questions of ``style`` about ``program``'s traced call, for each kind in ``kinds``.

    Deterministic: the same arguments give the same questions (ids, prompts and references)
    in the same order, whatever the order of ``kinds``. Question ids are unique within a
    program and stable. A kind the style does not ask is a ValueError; so is a trace that
    did not end ``ok`` or that is of other code. ``cot`` selects the chain-of-thought prompts
    of ``cruxeval`` and ``reval`` (``execverify`` prompts always ask for free reasoning first).
    """
    check_style(style, ordered_kinds(kinds))
    picks = question_picks(program, trace, kinds, seed, style)
    return word_picks(program, trace, picks, style, seed, cot)


def word_picks(
    program: Program,
    trace: Trace,
    picks: Sequence[Pick],
    style: Style,
    seed: int = 0,
    cot: bool = False,
) -> list[Question]:
    """``picks`` worded as the questions of ``style``, with the build's ``meta``."""
    questions = render_questions(style, picks, program, cot)
    meta = {
        "seed": seed,
        "cot": cot and style in ("cruxeval", "reval"),
        "python": trace.python,
        "hash_seed": trace.hash_seed,
    }
    for question in questions:
        question.meta.update(meta)
    return questions


@dataclass
class BuildStats:
    """What :func:`iter_questions` did, counted as it goes."""

    programs: int = 0
    questions: int = 0
    items: int = 0
    without_questions: int = 0
    """Programs traced ok that got no question (e.g. an output without a literal)."""
    unstable: int = 0
    """Questions (prompt items) left out because their answer differs under a second hash
    seed."""
    unstable_ids: list[str] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    """Programs not asked about, by trace status (``exception``, ``time_limit``, ...)."""
    skipped_ids: list[str] = field(default_factory=list)

    def describe(self) -> str:
        """What was skipped and left out, in words (for a command's last line)."""
        skipped = ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items())) or "none"
        text = f"skipped programs: {skipped}"
        if self.unstable:
            questions = "question" if self.unstable == 1 else "questions"
            text += f"; {self.unstable} {questions} left out: the answer depends on the hash seed"
        return text


def iter_questions(
    sandbox: Sandbox,
    programs: Iterable[Program],
    kinds: Sequence[str],
    style: Style,
    seed: int = 0,
    cot: bool = False,
    options: TraceOptions | None = None,
    stats: BuildStats | None = None,
    second_seed: Sandbox | None = None,
) -> Iterator[Question]:
    """Trace each program's call and yield its questions, in program order.

    Programs whose trace does not end ``ok`` are skipped and counted in ``stats``. With
    ``second_seed`` (a sandbox whose ``PYTHONHASHSEED`` differs), each call is traced there
    too: a question whose answer differs there is left out (counted in ``stats.unstable``),
    since a model cannot know the hash seed, and a program whose call ends differently
    (status) is skipped as ``nondeterministic``.
    """
    wanted = ordered_kinds(kinds)
    check_style(style, wanted)
    stats = stats if stats is not None else BuildStats()
    source = iter(programs)
    while batch := list(islice(source, TRACE_BATCH)):
        items = [program.call_item() for program in batch]
        traces = trace_many(sandbox, items, options)
        others: Iterable[Trace | None] = (
            trace_many(second_seed, items, options) if second_seed is not None else repeat(None)
        )
        for program, trace, other in zip(batch, traces, others, strict=False):
            stats.programs += 1
            status = trace.status.value
            ok = trace.status is TraceStatus.OK
            if ok and other is not None and other.status is not trace.status:
                status = "nondeterministic"
            if status != TraceStatus.OK.value:
                stats.skipped[status] += 1
                stats.skipped_ids.append(program.id)
                continue
            picks = question_picks(program, trace, wanted, seed, style)
            if other is not None:
                picks, unstable = stable_picks(
                    program, picks, question_picks(program, other, wanted, seed, style)
                )
                stats.unstable += len(unstable)
                stats.unstable_ids.extend(pick.item_id(program.id) for pick in unstable)
            questions = word_picks(program, trace, picks, style, seed, cot)
            if not questions:
                stats.without_questions += 1
            for question in questions:
                stats.questions += 1
                stats.items += len(question.items)
                yield question


def questions_for_file(
    sandbox: Sandbox,
    path: str | Path,
    kinds: Sequence[str],
    style: Style,
    seed: int = 0,
    cot: bool = False,
    options: TraceOptions | None = None,
) -> tuple[list[Question], BuildStats]:
    """All questions about the programs of a JSONL file (see :func:`iter_questions`)."""
    stats = BuildStats()
    programs = iter_programs(path)
    questions = list(
        iter_questions(sandbox, programs, kinds, style, seed, cot, options, stats=stats)
    )
    return questions, stats
