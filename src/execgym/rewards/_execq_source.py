"""The ``execgym/execq`` data source: execution questions (``execgym questions``).

Ground truth: the JSON of :func:`~execgym.rewards.question_ground_truth`. The reward is the
one it names (``execverify`` by default) and the row's best value that reward's maximum for
the question (2 for a combined prompt with white-box items, 1 for an output-only one). Info:
``output_correct``, ``whitebox_fraction`` and ``accuracy``, as the execution-question
adapters log them. A parse failure: not one item's answer could be read. An input answer the
sandbox could not run raises :class:`~execgym.rewards.SandboxUnavailable`.
"""

from __future__ import annotations

from typing import Any

from execgym.rewards._data import ScoringData
from execgym.rewards._rewards import get_reward
from execgym.rewards._score import score_question
from execgym.rewards._sources import DATA_SOURCES, EXECQ_SOURCE, SourceReward, SourceScore
from execgym.sandbox import Sandbox


def execq_score(response: str, ground_truth: Any, sandbox: Sandbox | None) -> SourceScore:
    """Score one response to an execution question (see the module docstring)."""
    data = ScoringData.from_json(ground_truth)
    rule = get_reward(data.reward)
    scored = score_question(data, response, sandbox=sandbox)
    return SourceScore(
        value=float(rule(scored)),
        info={
            "output_correct": 1.0 if scored.output_correct else 0.0,
            "whitebox_fraction": float(scored.whitebox_fraction or 0.0),
            "accuracy": float(scored.accuracy),
        },
        best=float(rule.maximum(scored)),
        parse_failure=bool(scored.items) and scored.parse_failures == len(scored.items),
    )


def check_execq_truth(ground_truth: Any) -> ScoringData:
    """Read an execution question's ground truth; its reward must be a known one."""
    data = ScoringData.from_json(ground_truth)
    get_reward(data.reward)
    return data


DATA_SOURCES.register(
    EXECQ_SOURCE,
    SourceReward(
        score=execq_score,
        description="execution questions: the reward their ground truth names (execverify...)",
        info_keys=("output_correct", "whitebox_fraction", "accuracy"),
        high=2.0,
        check=check_execq_truth,
    ),
)
