"""Labels that carry their own data source, for trainers that pass only a label (OpenRLHF).

A label is the JSON text ``{"data_source": "...", "ground_truth": "..."}`` (or the object
it decodes to); the exports write it as the ``label`` column. A bare execution-question
ground truth (``{"execgym": 1, ...}``, what :func:`~execgym.rewards.question_ground_truth`
writes and the execution-question adapters read) is read as an ``execgym/execq`` label.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from execgym._jsonl import json_text
from execgym.rewards import EXECQ_SOURCE, GroundTruth, GroundTruthError


class LabelError(ValueError):
    """A label that names no data source and ground truth; the message says which field."""


def routed_label(data_source: str, ground_truth: str) -> str:
    """The label of a row: its data source and ground truth in one JSON text."""
    return json_text({"data_source": data_source, "ground_truth": ground_truth}, compact=True)


def read_label(label: Any) -> tuple[str, GroundTruth]:
    """``(data_source, ground_truth)`` of a label (text or decoded)."""
    data: Any = label
    if isinstance(label, bytes):
        data = label.decode()
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise LabelError(f"label: not JSON ({exc})") from None
    if not isinstance(data, Mapping):
        raise LabelError(f"label: expected a JSON object, got {type(data).__name__}")
    if "data_source" in data:
        source = data["data_source"]
        truth = data.get("ground_truth")
        if not isinstance(source, str) or not source:
            raise LabelError("label.data_source: expected a non-empty string")
        if not isinstance(truth, (str, bytes, Mapping)):
            raise LabelError("label.ground_truth: missing, or not JSON text or an object")
        return source, truth
    if data.get("execgym") is not None:
        return EXECQ_SOURCE, data
    raise LabelError(
        'label: expected {"data_source", "ground_truth"} (the exports\' label column) or an '
        "execution-question ground truth"
    )


__all__ = ["EXECQ_SOURCE", "GroundTruthError", "LabelError", "read_label", "routed_label"]
