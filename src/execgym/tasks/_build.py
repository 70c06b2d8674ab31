"""Building questions: pick with each kind's generator, word the picks in a prompt style.

Randomness is per (seed, program, kind): the generator of one kind on one program draws
from ``random.Random`` seeded by a SHA-256 hash of the three, so a program's questions do
not depend on its position in a file, on which other kinds are asked, or on neighbouring
seeds (hashing, not adding, keeps seed 1 from being seed 0 shifted by one program).
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
from execgym.tasks._kinds import Pick, generator_for
from execgym.tasks._programs import Program, iter_programs
from execgym.tasks._prompts import check_style, render_questions
from execgym.tasks._question import Kind, Question, Style
from execgym.tasks._select import Execution
from execgym.trace import Trace, TraceOptions, TraceStatus, trace_many
from execgym.trace._determinism import compare_traces

TRACE_BATCH = 256
"""Programs traced together by :func:`iter_questions` (bounds the traces held at once)."""


def kind_rng(seed: int, program_id: str, kind: Kind) -> random.Random:
    """The random source of one kind's generator on one program."""
    digest = hashlib.sha256(f"{seed}\x00{program_id}\x00{kind.value}".encode()).digest()
    return random.Random(int.from_bytes(digest[:8], "big"))


def build_questions(
    program: Program,
    trace: Trace,
    kinds: Sequence[Kind | str],
    style: Style,
    seed: int = 0,
    cot: bool = False,
) -> list[Question]:
    """The questions of ``style`` about ``program``'s traced call, for each kind in ``kinds``.

    Deterministic: the same arguments give the same questions (ids, prompts and references).
    Question ids are unique within a program and stable. A kind the style does not ask is a
    ValueError; so is a trace that did not end ``ok`` or that is of other code.
    ``cot`` selects the chain-of-thought prompts of ``cruxeval`` and ``reval``
    (the ExecVerify styles always ask for reasoning first).
    """
    wanted = list(dict.fromkeys(Kind(kind) for kind in kinds))
    check_style(style, wanted)
    if trace.status is not TraceStatus.OK:
        raise ValueError(f"program {program.id!r}: its trace ended {trace.status.value}, not ok")
    execution = Execution(program, trace)
    picks: list[Pick] = []
    for kind in wanted:
        picks.extend(generator_for(kind, style)(execution, kind_rng(seed, program.id, kind)))
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
    skipped: Counter[str] = field(default_factory=Counter)
    """Programs not asked about, by trace status (``exception``, ``time_limit``, ...)."""
    skipped_ids: list[str] = field(default_factory=list)

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def iter_questions(
    sandbox: Sandbox,
    programs: Iterable[Program],
    kinds: Sequence[Kind | str],
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
    too, and a program whose output or trace differs is skipped as ``nondeterministic``: a
    model cannot know the hash seed, so questions about set order would be unfair.
    """
    wanted = [Kind(kind) for kind in kinds]
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
            if ok and other is not None and not compare_traces(trace, other).deterministic:
                status = "nondeterministic"
            if status != TraceStatus.OK.value:
                stats.skipped[status] += 1
                stats.skipped_ids.append(program.id)
                continue
            questions = build_questions(program, trace, wanted, style, seed, cot)
            if not questions:
                stats.without_questions += 1
            for question in questions:
                stats.questions += 1
                stats.items += len(question.items)
                yield question


def questions_for_file(
    sandbox: Sandbox,
    path: str | Path,
    kinds: Sequence[Kind | str],
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
