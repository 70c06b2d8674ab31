"""Verifiable rewards for execution questions, and their entry points for trainers.

A response is scored item by item (:func:`score_item`, :func:`score_question`; the semantics
are written down in :mod:`execgym.rewards._score`, :mod:`._values` and :mod:`._input`), and
a named reward (:func:`reward`, registry in :mod:`._rewards`) turns the item verdicts into
one number. Values are compared by one of two equalities (:data:`EQUALITIES`: ``python``,
ExecVerify's ``==``, the default for the ``execverify`` style; ``strict``, type-aware, the
default for every other style). Trainer adapters: :mod:`execgym.rewards.verl` (``compute_score``),
:mod:`execgym.rewards.trl` (``execution_reward``) and :mod:`execgym.rewards.openrlhf`
(``reward_func``); all read the ground truth written by :func:`question_ground_truth`.

Reward sources (:data:`REWARD_SOURCES`, :mod:`._sources`) name a family of rewards per
trainer ``data_source``; ``execgym/execq`` is built in, and :mod:`execgym.train` dispatches
on them for every trainer.

Only input prediction runs code, in the sandbox; a sandbox failure raises
:class:`SandboxUnavailable` rather than scoring the answer wrong.
"""

from execgym.rewards._data import GroundTruthError, ScoringData, ScoringItem
from execgym.rewards._equality import EQUALITIES, Equality, python_equal
from execgym.rewards._execq_source import EXECQ_SOURCE
from execgym.rewards._input import (
    SandboxUnavailable,
    default_sandbox,
    set_default_sandbox,
)
from execgym.rewards._rewards import (
    Reward,
    UnknownReward,
    get_reward,
    register,
    reward,
    reward_names,
    score_batch,
    score_metrics,
)
from execgym.rewards._score import (
    InvalidReference,
    ItemScore,
    QuestionScore,
    default_equality,
    score_item,
    score_question,
)
from execgym.rewards._sources import (
    REWARD_SOURCES,
    GroundTruth,
    RewardOutcome,
    RewardRequest,
    RewardSource,
)
from execgym.rewards._values import LiteralError, parse_literal, values_match
from execgym.rewards.verl import load_ground_truth, question_ground_truth

__all__ = [
    "EQUALITIES",
    "EXECQ_SOURCE",
    "REWARD_SOURCES",
    "Equality",
    "GroundTruth",
    "GroundTruthError",
    "InvalidReference",
    "ItemScore",
    "LiteralError",
    "QuestionScore",
    "Reward",
    "RewardOutcome",
    "RewardRequest",
    "RewardSource",
    "SandboxUnavailable",
    "ScoringData",
    "ScoringItem",
    "UnknownReward",
    "default_equality",
    "default_sandbox",
    "get_reward",
    "load_ground_truth",
    "parse_literal",
    "python_equal",
    "question_ground_truth",
    "register",
    "reward",
    "reward_names",
    "score_batch",
    "score_item",
    "score_metrics",
    "score_question",
    "set_default_sandbox",
    "values_match",
]
