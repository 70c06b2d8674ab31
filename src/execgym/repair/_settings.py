"""How a repair method runs: its budget of model calls, the loop's knobs, and sampling."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from execgym.llm import SamplingParams


@dataclass(frozen=True)
class RepairSettings:
    """The knobs every method shares (each reads those that concern it).

    ``budget``: model calls per problem (one call is one completion; the paper's FixAudit
    uses 20). ``rounds``: FixAudit stops after this many audit rounds in a row find no
    failing test it keeps. ``audit_votes``: K, the votes a failing Auditor test needs (see
    :mod:`execgym.repair.methods._fixaudit`). ``tests_per_call``: the most tests an Auditor
    or Tester reply may contribute. ``repair_attempts``: Fixer calls per failing test before
    FixAudit sets the test aside.
    """

    budget: int = 20
    rounds: int = 3
    audit_votes: int = 3
    tests_per_call: int = 5
    repair_attempts: int = 2
    temperature: float = 0.8
    top_p: float = 1.0
    max_tokens: int = 2048
    seed: int | None = None

    def __post_init__(self) -> None:
        for name in ("budget", "rounds", "audit_votes", "tests_per_call", "repair_attempts"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        if self.max_tokens < 1:
            raise ValueError(f"max_tokens must be at least 1, got {self.max_tokens}")

    def sampling(self, n: int) -> SamplingParams:
        """The sampling parameters of a request for ``n`` completions."""
        return SamplingParams(
            n=n,
            temperature=self.temperature,
            top_p=self.top_p,
            max_tokens=self.max_tokens,
            seed=self.seed,
        )

    def as_json(self) -> dict[str, Any]:
        return asdict(self)
