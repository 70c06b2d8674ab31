"""Verifiable rewards for execution questions, and their entry points for trainers.

A response is scored item by item (:func:`score_item`, :func:`score_question`): each item by
its question kind's scorer (the rules are written down in each kind's module of
:mod:`execgym.tasks.kinds`), and a named reward (:func:`reward`, the registry
:data:`REWARDS`) turns the item verdicts into one number. Values are compared by one of two
equalities (:data:`EQUALITIES`: ``python``, ExecVerify's ``==``, the default for the
``execverify`` style; ``strict``, type-aware, the default for every other style). Trainer
adapters: :mod:`execgym.rewards.verl` (``compute_score``), :mod:`execgym.rewards.trl`
(``execution_reward``) and :mod:`execgym.rewards.openrlhf` (``reward_func``); all read the
ground truth written by :func:`question_ground_truth`.

Rows that are not execution questions are scored by the reward of their data source
(:data:`DATA_SOURCES`, :mod:`execgym.rewards._sources`; FixAudit's Fixer and Auditor
rewards are registered there by :mod:`execgym.repair`), through the same entry points.
``execgym/execq`` names execution questions there too, and :mod:`execgym.train` registers
``execgym/codegen`` and has the entry points that dispatch every row by its data source.

Only input prediction runs code, in the sandbox; a sandbox failure raises
:class:`SandboxUnavailable` rather than scoring the answer wrong.
"""

from execgym.registry import UnknownName
from execgym.rewards._data import GroundTruthError, ScoringData, ScoringItem
from execgym.rewards._rewards import (
    REWARDS,
    Reward,
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
    resolve_equality,
    score_item,
    score_question,
)
from execgym.rewards._sources import (
    DATA_SOURCES,
    EXECQ_SOURCE,
    GroundTruth,
    SourceReward,
    SourceScore,
    find_source_reward,
    source_name,
)
from execgym.rewards.verl import load_ground_truth, question_ground_truth
from execgym.tasks import (
    EQUALITIES,
    Equality,
    LiteralError,
    SandboxUnavailable,
    default_sandbox,
    parse_literal,
    python_equal,
    set_default_sandbox,
    values_match,
)

__all__ = [
    "DATA_SOURCES",
    "EQUALITIES",
    "EXECQ_SOURCE",
    "REWARDS",
    "Equality",
    "GroundTruth",
    "GroundTruthError",
    "InputFileError",
    "InvalidReference",
    "ItemScore",
    "LiteralError",
    "QuestionScore",
    "Reward",
    "SandboxUnavailable",
    "ScoreSummary",
    "ScoringData",
    "ScoringItem",
    "SourceReward",
    "SourceScore",
    "UnknownName",
    "default_equality",
    "default_sandbox",
    "find_source_reward",
    "get_reward",
    "load_ground_truth",
    "parse_literal",
    "python_equal",
    "question_ground_truth",
    "read_generations",
    "read_questions",
    "register",
    "resolve_equality",
    "reward",
    "reward_names",
    "score_batch",
    "score_generation_file",
    "score_item",
    "score_metrics",
    "score_question",
    "set_default_sandbox",
    "source_name",
    "values_match",
]
