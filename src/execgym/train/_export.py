"""Writing training rows for each trainer: verl parquet, a Hugging Face dataset, SFT JSONL.

verl (:func:`write_verl`): a parquet file, one row a prompt, with verl's columns
``data_source`` (string), ``prompt`` (list of ``{role, content}``), ``ability`` (string),
``reward_model`` (``{style: "rule", ground_truth: <JSON text>}``) and ``extra_info``
(``id``, ``split``, ``index`` and what the input said: level, kind, style, difficulty...).

TRL (:func:`write_trl`): a dataset saved with ``datasets.Dataset.save_to_disk`` (the ``train``
extra), columns ``prompt`` (chat messages: a conversational dataset), ``data_source``,
``ground_truth`` (also OpenRLHF's label: ``--label_key ground_truth``), ``extra_info`` and
``id``: every column the reward functions read.

SFT (:func:`write_sft`): JSONL, ``{"messages": [..., {"role": "assistant", "content": ...}],
"id", "data_source"}`` a line (the same columns in parquet for a ``.parquet`` target: verl's
SFT trainer reads its ``messages`` column).

A row a format cannot hold (no ground truth for RL, no reference response for SFT) is
returned as a :class:`RowProblem`. Files are written to a temporary name beside the target
and renamed when complete, so an interrupted export never leaves half a file.
"""

from __future__ import annotations

import importlib
import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from execgym._jsonl import json_text
from execgym.train._rows import ExportError, RowProblem, TrainingRow

__all__ = ["rl_rows", "sft_records", "verl_records", "write_sft", "write_trl", "write_verl"]


def rl_rows(rows: Sequence[TrainingRow]) -> tuple[list[TrainingRow], list[RowProblem]]:
    """The rows an RL trainer can score, and the others named."""
    kept: list[TrainingRow] = []
    problems: list[RowProblem] = []
    for row in rows:
        if not row.data_source or row.ground_truth is None:
            problems.append(
                RowProblem(
                    row.where or row.id,
                    "ground_truth",
                    "no reward source or ground truth: SFT data (export it with `export sft`)",
                )
            )
        else:
            kept.append(row)
    return kept, problems


def _extra_info(row: TrainingRow, index: int) -> dict[str, Any]:
    return {**row.extra_info, "id": row.id, "index": index}


def verl_records(rows: Sequence[TrainingRow]) -> list[dict[str, Any]]:
    """One verl record per row (the columns of the module docstring)."""
    return [
        {
            "data_source": row.data_source,
            "prompt": [dict(message) for message in row.prompt],
            "ability": row.ability,
            "reward_model": {"style": "rule", "ground_truth": row.ground_truth},
            "extra_info": _extra_info(row, index),
        }
        for index, row in enumerate(rows)
    ]


def sft_records(rows: Sequence[TrainingRow]) -> tuple[list[dict[str, Any]], list[RowProblem]]:
    """One chat record per row with a reference response; the others named."""
    records: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    for row in rows:
        if row.reference is None:
            problems.append(
                RowProblem(row.where or row.id, "reference", "no reference response to learn")
            )
            continue
        messages = [dict(message) for message in row.prompt]
        messages.append({"role": "assistant", "content": row.reference})
        records.append({"messages": messages, "id": row.id, "data_source": row.data_source})
    return records, problems


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.partial-{os.getpid()}")


def write_verl(rows: Sequence[TrainingRow], output: Path) -> int:
    """Write the rows as verl's parquet; the number written."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.Table.from_pylist(verl_records(rows))
    partial = _temporary(output)
    pq.write_table(table, partial)
    partial.replace(output)
    return len(rows)


def write_sft(rows: Sequence[TrainingRow], output: Path) -> tuple[int, list[RowProblem]]:
    """Write chat SFT records as JSONL (as parquet when ``output`` ends in ``.parquet``, for
    verl's SFT trainer); the number written and the rows left out."""
    records, problems = sft_records(rows)
    partial = _temporary(output)
    if output.suffix == ".parquet":
        import pyarrow as pa
        import pyarrow.parquet as pq

        pq.write_table(pa.Table.from_pylist(records), partial)
    else:
        with partial.open("w", encoding="utf-8") as stream:
            for record in records:
                stream.write(json_text(record, compact=True) + "\n")
    partial.replace(output)
    return len(records), problems


def trl_records(rows: Sequence[TrainingRow]) -> list[dict[str, Any]]:
    """One TRL record per row (the columns of the module docstring)."""
    return [
        {
            "prompt": [dict(message) for message in row.prompt],
            "data_source": row.data_source,
            "ground_truth": row.ground_truth,
            "extra_info": _extra_info(row, index),
            "id": row.id,
        }
        for index, row in enumerate(rows)
    ]


def write_trl(rows: Sequence[TrainingRow], output: Path) -> int:
    """Save the rows as a Hugging Face dataset directory; the number written."""
    try:
        datasets = importlib.import_module("datasets")
    except ImportError:
        raise ExportError(
            "`export trl` writes a Hugging Face dataset and needs the `datasets` package: "
            "pip install 'execgym[train]'"
        ) from None
    if output.exists() and not (output / "dataset_info.json").is_file():
        raise ExportError(f"{output} exists and is not a saved dataset; choose another -o")
    dataset = datasets.Dataset.from_list(trl_records(rows))
    partial = _temporary(output)
    if partial.exists():
        shutil.rmtree(partial)
    dataset.save_to_disk(str(partial))
    if output.exists():
        shutil.rmtree(output)
    partial.replace(output)
    return len(rows)
