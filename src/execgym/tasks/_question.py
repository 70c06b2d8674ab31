"""Questions about an execution: what a model is asked, and the reference it is scored against.

A :class:`Question` is one prompt. It holds one or more :class:`Item` s, each a single
verifiable question with its own stable id, reference answer and expected answer format
(the combined prompts of the two ExecVerify styles hold one output item plus up to five
next-statement and five variable items; the other prompts hold one item each).

Every record here has one JSON form (``model_dump(mode="json")``) and is what
``execgym questions`` writes, one :class:`Question` per line.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class Kind(StrEnum):
    """The kinds of execution question."""

    OUTPUT = "output"  # complete ``assert f(<input>) == ??``
    INPUT = "input"  # give an input for which f returns the output; checked by running it
    NEXT = "next"  # which line runs right after line N on its K-th execution (-1: none)
    STATE = "state"  # value and type of variable V right after line N on its K-th execution
    COVERAGE = "coverage"  # is line N executed at all
    PATH = "path"  # the sequence of line numbers the call executes


Style = Literal["execverify", "execverify-strict", "cruxeval", "reval"]
"""Prompt styles: ExecVerify's own format, execgym's stricter ExecVerify variant, CRUXEval's and
REval's (see :mod:`execgym.tasks._prompts`)."""

NOT_EXECUTED = "not executed"
"""The reference of a state question about a line that never runs on that occurrence."""


class Reference(BaseModel):
    """The reference answer of one item, in canonical form.

    Which fields are set depends on the kind:

    * ``output``: ``literal`` (a Python literal of the returned value) and ``type_name``;
    * ``input``: ``literal`` is the original argument text; ``target_output`` the literal
      the predicted input must reproduce; ``entry`` the function name;
    * ``next``: ``line`` (``-1`` when nothing follows) and ``source`` (that line's text,
      stripped; empty for ``-1``);
    * ``state``: ``literal`` and ``type_name`` of the value, or ``literal == NOT_EXECUTED``;
    * ``coverage``: ``executed``;
    * ``path``: ``lines``.
    """

    model_config = ConfigDict(frozen=True)

    literal: str | None = None
    type_name: str | None = None
    line: int | None = None
    source: str | None = None
    executed: bool | None = None
    lines: list[int] | None = None
    target_output: str | None = None
    entry: str | None = None


class Item(BaseModel):
    """One verifiable question inside a prompt."""

    model_config = ConfigDict(frozen=True)

    id: str
    kind: Kind
    text: str
    """The question as the prompt states it."""
    answer_format: str
    """How the answer must be written, as told to the model."""
    reference: Reference
    rendered: str
    """The reference answer written the way a model should write it in this style."""
    line: int | None = None
    occurrence: int | None = None
    """K, 1-based: the K-th execution of ``line``."""
    variable: str | None = None


class Question(BaseModel):
    """One prompt about one program, with its items and everything needed to score them."""

    id: str
    program_id: str
    style: Style
    kind: Kind | Literal["combined"]
    prompt: str
    code: str
    entry: str
    input: str
    items: list[Item]
    reference_answer: str
    """A complete model answer that scores full reward (the items' rendered answers)."""
    meta: dict[str, Any] = Field(default_factory=dict)
