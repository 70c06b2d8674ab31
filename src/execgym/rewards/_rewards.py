"""Named rewards: one number per response, computed from its :class:`QuestionScore`.

The rewards are one :class:`~execgym.registry.Registry` (:data:`REWARDS`, entry-point group
``execgym.rewards``): each is registered with :func:`register` beside its definition (its
``description`` is the registry's one-line summary) and looked up by name with
:func:`get_reward`; an unknown name raises :class:`~execgym.registry.UnknownName` (a
``KeyError`` and a ``ValueError``) listing the known ones. The built-in ones:

``execverify``
    ExecVerify's combined reward: 0 unless the output item is right; a right output gives
    1 plus the fraction of white-box items (next statement and variable state) right. Range
    [0, 2]; a question with an output item but no white-box items gives 1.0 for a right
    output. The white-box credit is per item: an answer line that is missing scores 0 for
    its own item only (ExecVerify's own code gives no white-box credit at all when the
    number of answer lines is off by one). An ``execverify``-style input question gets 2.0
    when its answer is right (ExecVerify's reward for input prediction), else 0. Any other
    question without an output item (a single-item ``reval`` prompt, say) gets the fraction
    of its items right, in [0, 1].
``whitebox``
    The fraction of white-box items right, in [0, 1]; 0.0 for a question without white-box
    items (its maximum is then 0).
``output``
    1.0 if every output item is right, else 0.0; 0.0 for a question without output items.
``accuracy``
    The fraction of all items right, in [0, 1] (0 or 1 for a single-item prompt).

Each :class:`Reward` also says the best value a question allows (:meth:`Reward.maximum`); the
registry test checks that a question's reference answer reaches it.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from execgym.registry import Registry
from execgym.rewards._data import ScoringData
from execgym.rewards._score import QuestionScore, score_question
from execgym.sandbox import Sandbox
from execgym.tasks import Kind, Question, SandboxUnavailable, whitebox_kinds

__all__ = [
    "REWARDS",
    "Reward",
    "get_reward",
    "register",
    "reward",
    "reward_names",
    "score_batch",
    "score_metrics",
]


@dataclass(frozen=True)
class Reward:
    """A named reward: ``compute`` maps a question's score to a number; ``best`` gives the
    highest number the question's items allow (its reference answer reaches it)."""

    name: str
    description: str
    compute: Callable[[QuestionScore], float]
    best: Callable[[QuestionScore], float]
    low: float = 0.0
    high: float = 1.0

    def __call__(self, score: QuestionScore) -> float:
        return self.compute(score)

    def maximum(self, score: QuestionScore) -> float:
        """The best value for the question ``score`` is about (whatever the answers were)."""
        return self.best(score)


REWARDS: Registry[Reward] = Registry("reward", builtins=("execgym.rewards._rewards",))
"""Every reward by name."""


def register(reward: Reward) -> Reward:
    """Add a reward under its name (a name may be registered once)."""
    return REWARDS.register(reward.name, reward, summary=reward.description)


def reward_names() -> list[str]:
    return REWARDS.names()


def get_reward(name: str) -> Reward:
    """The reward ``name``; an unknown name raises ``UnknownName`` listing the known ones."""
    return REWARDS.get(name)


def reward(
    name: str,
    question: Question | ScoringData,
    response: str,
    *,
    sandbox: Sandbox | None = None,
    equality: str | None = None,
) -> float:
    """The reward ``name`` of ``response`` to ``question``.

    ``equality`` (``python`` or ``strict``) overrides how values are compared (default: the
    ground truth's, else the style's). Raises ``UnknownName`` (a ``KeyError``) for an unknown
    name, and :class:`SandboxUnavailable` when an input item could not be run.
    """
    rule = get_reward(name)
    return rule(score_question(question, response, sandbox=sandbox, equality=equality))


def score_batch(
    pairs: Sequence[tuple[ScoringData, str]],
    *,
    sandbox: Sandbox | None = None,
    equality: str | None = None,
) -> list[QuestionScore | SandboxUnavailable]:
    """Score many responses; a sandbox failure is returned in its place, not raised.

    Responses needing the sandbox are scored on threads (the sandbox runs them in parallel);
    the rest are scored in this thread. ``equality`` as for :func:`reward`.
    """
    results: list[QuestionScore | SandboxUnavailable | None] = [None] * len(pairs)
    heavy = [i for i, (data, _) in enumerate(pairs) if data.needs_sandbox]
    for index, (data, response) in enumerate(pairs):
        if not data.needs_sandbox:
            results[index] = score_question(data, response, equality=equality)

    def one(index: int) -> QuestionScore | SandboxUnavailable:
        data, response = pairs[index]
        try:
            return score_question(data, response, sandbox=sandbox, equality=equality)
        except SandboxUnavailable as exc:
            return exc

    if len(heavy) == 1:
        results[heavy[0]] = one(heavy[0])
    elif heavy:
        workers = min(len(heavy), 2 * (sandbox.workers if sandbox is not None else 4))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="execgym-score") as pool:
            for index, outcome in zip(heavy, pool.map(one, heavy), strict=True):
                results[index] = outcome
    return [r for r in results if r is not None]


# --------------------------------------------------------------------------------------------
# Built-in rewards
# --------------------------------------------------------------------------------------------


def _has(score: QuestionScore, kind: str) -> bool:
    return any(item.kind == kind for item in score.items)


def _has_whitebox(score: QuestionScore) -> bool:
    whitebox = whitebox_kinds()
    return any(item.kind in whitebox for item in score.items)


def _is_execverify_input(score: QuestionScore) -> bool:
    return score.style == "execverify" and _has(score, Kind.INPUT)


def _execverify(score: QuestionScore) -> float:
    if score.output_correct is None:
        return 2.0 * score.accuracy if _is_execverify_input(score) else score.accuracy
    if not score.output_correct:
        return 0.0
    return 1.0 + (score.whitebox_fraction or 0.0)


def _execverify_best(score: QuestionScore) -> float:
    if not _has(score, Kind.OUTPUT):
        if _is_execverify_input(score):
            return 2.0
        return 1.0 if score.items else 0.0
    return 2.0 if _has_whitebox(score) else 1.0


register(
    Reward(
        name="execverify",
        description="0 unless the output is right; then 1 + the fraction of next/state right",
        compute=_execverify,
        best=_execverify_best,
        high=2.0,
    )
)

register(
    Reward(
        name="whitebox",
        description="the fraction of next-statement and variable-state items right",
        compute=lambda score: score.whitebox_fraction or 0.0,
        best=lambda score: 1.0 if _has_whitebox(score) else 0.0,
    )
)

register(
    Reward(
        name="output",
        description="1 if the output item is right, else 0",
        compute=lambda score: 1.0 if score.output_correct else 0.0,
        best=lambda score: 1.0 if _has(score, Kind.OUTPUT) else 0.0,
    )
)

register(
    Reward(
        name="accuracy",
        description="the fraction of all items right",
        compute=lambda score: score.accuracy,
        best=lambda score: 1.0 if score.items else 0.0,
    )
)


def score_metrics(value: float, score: QuestionScore | None) -> dict[str, float]:
    """The numbers trainers log beside a reward (every key always present, all floats).

    ``score`` is ``None`` for a response the sandbox could not judge (``sandbox_error`` 1).
    """
    if score is None:
        return {
            "score": float(value),
            "output_correct": 0.0,
            "whitebox_fraction": 0.0,
            "accuracy": 0.0,
            "parse_failures": 0.0,
            "sandbox_error": 1.0,
        }
    return {
        "score": float(value),
        "output_correct": 1.0 if score.output_correct else 0.0,
        "whitebox_fraction": float(score.whitebox_fraction or 0.0),
        "accuracy": float(score.accuracy),
        "parse_failures": float(score.parse_failures),
        "sandbox_error": 0.0,
    }
