"""Records a generator hands to the filters, and what the filters hand back."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Protocol

from execgym.synth._spec import ConstraintSpec


@dataclass(frozen=True)
class Candidate:
    """One generated program before it is run: ``code`` defines ``entry``.

    ``inputs`` are candidate argument lists (Python source, as written between the call's
    parentheses); the filters keep those that raise branch coverage and the first kept one
    becomes the row's ``input``.
    """

    code: str
    inputs: tuple[str, ...]
    method: str
    generator: str
    entry: str = "f"
    key: str = ""
    """The normalised-AST key when the generator already computed it (else derived)."""


@dataclass(frozen=True)
class GenerationFailure:
    """A generator that produced no program for this item, and why."""

    reason: str
    detail: str = ""


@dataclass(frozen=True)
class ValidatedProgram:
    """A candidate that passed every filter, with its chosen input, output and metrics.

    ``output`` is the Python literal of the return value (``None`` when the call raised
    and the spec allows it; ``error`` then names the exception). ``inputs`` / ``outputs``
    are every kept input (the primary first) and its output literal.
    """

    candidate: Candidate
    input: str
    output: str | None
    inputs: tuple[str, ...]
    outputs: tuple[str | None, ...]
    metrics: dict[str, Any]
    error: str | None = None


@dataclass(frozen=True)
class Rejection:
    """A candidate a filter turned away: a short reason key and a detail for people."""

    reason: str
    detail: str = ""
    extra: dict[str, Any] = field(default_factory=dict)


class ProgramGenerator(Protocol):
    """Produces one candidate program for a spec from a per-item seed.

    The grammar generator and the model-driven one both implement it; the dataset builder
    and the filters do not know which one they hold.
    """

    @property
    def name(self) -> str: ...

    async def generate(
        self, spec: ConstraintSpec, item_seed: int
    ) -> Candidate | GenerationFailure: ...
