"""Training: exports for verl and TRL, one reward entry point per trainer, a reward server,
and a curriculum over synthesis levels.

Exports (:func:`read_rows`, :func:`benchmark_rows`, then :func:`write_verl`,
:func:`write_trl`, :func:`write_sft`) turn execution questions, synthesized programs,
code-generation benchmarks, chat rows and generic training rows into
:class:`TrainingRow` s, and those into each trainer's format. Rows that cannot be exported
come back as :class:`RowProblem` s naming file, line and field.

Rewards dispatch on the row's data source through :data:`execgym.rewards.DATA_SOURCES`
(``execgym/execq``, ``execgym/codegen``, FixAudit's ``fixaudit-fixer`` and
``fixaudit-auditor``; a package adds its own with one registration):
verl ``compute_score`` (:mod:`execgym.train.verl`), TRL ``execgym_reward``
(:mod:`execgym.train.trl`), OpenRLHF ``reward_func`` (:mod:`execgym.train.openrlhf`), each
loadable by file path, and the reward server (:func:`create_reward_app`). An infrastructure
failure is never a wrong answer: it is retried, counted in the logged metrics, and then
excluded or reported per each entry point's documented option.

The curriculum (:class:`LevelCurriculum`) weighs synthesis levels by the measured pass rate
of the policy so that GRPO groups keep reward variance;
:mod:`execgym.train.curriculum_trl` serves TRL, :mod:`execgym.train.verl_curriculum` verl.
"""

from execgym.train._codegen_source import (
    CODEGEN_REWARDS,
    CODEGEN_SOURCE,
    codegen_ground_truth,
    codegen_score,
    read_codegen_ground_truth,
)
from execgym.train._curriculum import LevelCurriculum, LevelPicker, variance_probability
from execgym.train._dispatch import (
    COMMON_METRICS,
    InfraError,
    RewardOutcome,
    RewardRequest,
    ScoringOptions,
    UnknownSource,
    batch_metrics,
    metric_keys,
    outcome_metrics,
    score_rows,
)
from execgym.train._export import (
    rl_rows,
    sft_records,
    trl_records,
    verl_records,
    write_sft,
    write_trl,
    write_verl,
)
from execgym.train._inputs import FORMATS, benchmark_rows, detect_format, read_rows
from execgym.train._label_scoring import LabelScores, score_labels
from execgym.train._labels import LabelError, read_label
from execgym.train._rows import ExportError, RowProblem, TrainingRow

__all__ = [
    "CODEGEN_REWARDS",
    "CODEGEN_SOURCE",
    "COMMON_METRICS",
    "FORMATS",
    "ExportError",
    "InfraError",
    "LabelError",
    "LabelScores",
    "LevelCurriculum",
    "LevelPicker",
    "RewardOutcome",
    "RewardRequest",
    "RowProblem",
    "ScoringOptions",
    "TrainingRow",
    "UnknownSource",
    "batch_metrics",
    "benchmark_rows",
    "codegen_ground_truth",
    "codegen_score",
    "detect_format",
    "metric_keys",
    "outcome_metrics",
    "read_codegen_ground_truth",
    "read_label",
    "read_rows",
    "rl_rows",
    "score_labels",
    "score_rows",
    "sft_records",
    "trl_records",
    "variance_probability",
    "verl_records",
    "write_sft",
    "write_trl",
    "write_verl",
]
