"""Program files (``execgym synth``): synthesize programs at the chosen levels into a JSONL
file, validated in two sandboxes with different hash seeds, resuming a file that exists."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from execgym.bench import ProgressBar, no_progress
from execgym.sandbox import Sandbox, SandboxConfig
from execgym.synth import (
    INSTRUMENTS,
    ConstraintSpec,
    DatasetBuilder,
    ProgramFilter,
    ProgramGenerator,
    SynthConfig,
    SynthSummary,
    read_resume_state,
)

HASH_SEEDS = (0, 1)
"""``PYTHONHASHSEED`` of the two sandboxes the determinism filter compares."""


@dataclass
class SynthesisProgress:
    """How many programs the file holds so far: those resumed and those written now."""

    resumed: int = 0
    written: int = 0

    @property
    def programs(self) -> int:
        return self.resumed + self.written


def synthesize_programs(
    output: Path,
    levels: Sequence[ConstraintSpec],
    generator: ProgramGenerator,
    *,
    per_level: int,
    seed: int = 0,
    workers: int | None = None,
    counts: SynthesisProgress | None = None,
    progress: ProgressBar = no_progress,
    on_row: Callable[[dict[str, Any]], None] = lambda row: None,
) -> SynthSummary:
    """Fill ``output`` with ``per_level`` programs at each of ``levels`` (resuming the rows
    it already holds for the same configuration); ``counts`` is kept up to date as rows are
    written, so that a caller stopped by Ctrl-C can say how many programs the file holds."""
    config = SynthConfig(levels=tuple(levels), per_level=per_level, seed=seed)
    counts = counts if counts is not None else SynthesisProgress()
    counts.resumed = sum(read_resume_state(output, config).rows.values()) if output.exists() else 0
    first_seed, second_seed = HASH_SEEDS
    with (
        Sandbox(workers, SandboxConfig(hash_seed=first_seed, instruments=INSTRUMENTS)) as first,
        Sandbox(workers, SandboxConfig(hash_seed=second_seed, instruments=INSTRUMENTS)) as second,
    ):
        builder = DatasetBuilder(generator, ProgramFilter(first, second), config)
        with progress("synthesizing", len(levels) * per_level - counts.resumed) as advance:

            def written(row: dict[str, Any]) -> None:
                counts.written += 1
                advance()
                on_row(row)

            return builder.run(output, on_row=written)
