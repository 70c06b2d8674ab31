"""Labels: a row's ground truth alone, for trainers that pass nothing else (OpenRLHF).

Every ground truth names its reward: an execution question's (``{"execgym": 1, ...}``, what
:func:`~execgym.rewards.question_ground_truth` writes) goes to ``execgym/execq``, every other
one carries its ``"data_source"`` (``execgym/codegen``, FixAudit's ``fixaudit-fixer`` and
``fixaudit-auditor``). So the ``ground_truth`` column of an ``execgym export trl`` dataset is
OpenRLHF's label column as it is.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from execgym.rewards import GroundTruth, source_name

__all__ = ["LabelError", "read_label"]


class LabelError(ValueError):
    """A label that is not a ground truth naming its reward; the message says why."""


def read_label(label: Any) -> tuple[str, GroundTruth]:
    """``(data_source, ground_truth)`` of a label (JSON text or the object it decodes to)."""
    data: Any = label.decode() if isinstance(label, bytes) else label
    if isinstance(data, str):
        try:
            decoded = json.loads(data)
        except json.JSONDecodeError as exc:
            raise LabelError(f"label: not JSON ({exc})") from None
    else:
        decoded = data
    if not isinstance(decoded, Mapping):
        raise LabelError(f"label: expected a JSON object, got {type(decoded).__name__}")
    name = source_name(None, decoded)
    if not name:
        raise LabelError(
            "label: a ground truth that names no data source and is not an execution "
            "question's (use the ground_truth column of an `execgym export trl` dataset)"
        )
    return name, data
