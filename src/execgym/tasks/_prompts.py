"""Prompt styles: how picks become prompts, and what a full-reward answer looks like.

Four styles, each the format of a public benchmark or training recipe:

* ``execverify`` — ExecVerify's own prompts and answer formats (:mod:`._style_execverify`):
  one combined prompt completes the ``assert`` and asks up to five next-statement questions
  (answered with the statement's code, or ``-1``) and up to five variable questions
  (``value; type``, or ``Nil``), selected by ExecVerify's rules; input prediction is its own
  prompt, answered with a complete test case. Output, input, next and state only.
* ``execverify-strict`` — execgym's stricter ExecVerify variant (:mod:`._style_strict`):
  numbered code, the call, the output, next-line and variable questions answered in one
  ``<answer>`` block, one line per question; every other kind in a prompt of its own. Every
  kind.
* ``cruxeval`` — CRUXEval's output- and input-prediction prompts (:mod:`._style_cruxeval`;
  direct, or chain of thought with ``cot=True``), the answer a full assertion inside
  ``[ANSWER] ... [/ANSWER]``. Output and input only.
* ``reval`` — REval's task prompts, one question per prompt (:mod:`._style_reval`): coverage,
  state, next line, output, and execgym's path in the same format. ``cot=True`` adds
  ``[THOUGHT]`` sections.

Which kinds a style asks, and how, is each kind's own (its module in
:mod:`execgym.tasks.kinds`): :data:`STYLE_KINDS` is read from the kind registry. Code is
shown with line numbers (``N<TAB>line``) wherever a question names a line.

Each :class:`~execgym.tasks.Item` carries ``rendered``, its answer as written inside the
style's answer block (``YES``, ``[1, 2]; list``, ``assert f(1) == 2``, ``4``), and its
``answer_format``; :attr:`~execgym.tasks.Question.reference_answer` is the complete answer,
markers included, and scores full reward.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from execgym.tasks._kind import KINDS, question_kinds
from execgym.tasks._programs import Program
from execgym.tasks._question import Pick, Question, Style
from execgym.tasks._style_cruxeval import cruxeval_question
from execgym.tasks._style_execverify import execverify_questions
from execgym.tasks._style_reval import reval_question
from execgym.tasks._style_strict import strict_questions

STYLES: tuple[Style, ...] = ("execverify", "execverify-strict", "cruxeval", "reval")


def style_kinds(style: str) -> frozenset[str]:
    """The kinds ``style`` asks (every registered kind with a wording for it)."""
    return frozenset(
        kind for kind in question_kinds() if KINDS.get(kind).wording(style) is not None
    )


class _StyleKinds(Mapping[Style, frozenset[str]]):
    """:func:`style_kinds` of every style, read from the kind registry when asked."""

    def __getitem__(self, style: Style) -> frozenset[str]:
        if style not in STYLES:
            raise KeyError(style)
        return style_kinds(style)

    def __iter__(self) -> Iterator[Style]:
        return iter(STYLES)

    def __len__(self) -> int:
        return len(STYLES)


STYLE_KINDS: Mapping[Style, frozenset[str]] = _StyleKinds()
"""The kinds each style asks, by style."""


def check_style(style: str, kinds: Sequence[str] = ()) -> None:
    """Raise ValueError unless ``style`` exists and asks every kind in ``kinds``."""
    if style not in STYLES:
        raise ValueError(f"unknown prompt style {style!r}; the styles are {', '.join(STYLES)}")
    allowed = style_kinds(style)
    for kind in kinds:
        if kind not in allowed:
            asks = ", ".join(k for k in question_kinds() if k in allowed)
            raise ValueError(
                f"prompt style {style!r} has no {str(kind)!r} questions (it asks: {asks})"
            )


def render_questions(
    style: Style, picks: Sequence[Pick], program: Program, cot: bool = False
) -> list[Question]:
    """The prompts of ``style`` that ask ``picks`` about ``program``'s call.

    One prompt per pick, except the two ExecVerify styles, which ask their output,
    next-line and variable picks together in one prompt (placed where the first of them
    was).
    """
    check_style(style, [pick.kind for pick in picks])
    if style == "cruxeval":
        return [cruxeval_question(pick, program, cot) for pick in picks]
    if style == "reval":
        return [reval_question(pick, program, cot) for pick in picks]
    if style == "execverify":
        return execverify_questions(picks, program)
    return strict_questions(picks, program)
