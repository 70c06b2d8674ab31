"""The curriculum for TRL's ``GRPOTrainer`` (the ``train`` extra).

Usage (``recipes/trl/execverify_stage1.py`` does this)::

    curriculum = LevelCurriculum(["L1", "L2", ..., "L6"], group_size=8)
    dataset = curriculum_dataset(load_from_disk("trl-data"), curriculum, seed=0)
    reward = make_reward_function(observer=curriculum)   # execgym.train.trl
    trainer = GRPOTrainer(..., reward_funcs=[reward], train_dataset=dataset,
                          args=GRPOConfig(..., shuffle_dataset=False, max_steps=N),
                          callbacks=[CurriculumCallback(curriculum)])

The reward function feeds each scored completion to the curriculum (its row's
``extra_info.level``), and logs the pass rate and weight of every level through TRL's
``log_metric``. :func:`curriculum_dataset` is a ``datasets.IterableDataset`` that draws each
prompt's row when the trainer asks for it, by the weights of that moment; its stream is
already random, so ``shuffle_dataset=False`` (TRL would otherwise read 1000 rows ahead into a
shuffle buffer, and the curriculum would lag). :class:`CurriculumCallback` saves the
curriculum's state with every checkpoint (``execgym_curriculum.json``) and restores it when
training resumes from one.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from transformers import TrainerCallback

from execgym.train._curriculum import LevelCurriculum, LevelPicker

__all__ = ["STATE_FILE", "CurriculumCallback", "CurriculumStream", "curriculum_dataset"]

STATE_FILE = "execgym_curriculum.json"


class CurriculumStream:
    """Rows in the order the curriculum picks them, one pass over the positions per call."""

    def __init__(self, rows: Sequence[dict[str, Any]], picker: LevelPicker) -> None:
        self.rows = rows
        self.picker = picker
        self.epoch = 0

    def __call__(self) -> Iterator[dict[str, Any]]:
        self.picker.start_epoch(self.epoch)
        self.epoch += 1
        for position in range(len(self.picker)):
            yield self.rows[self.picker.row_for(position)]


def _level(row: dict[str, Any]) -> str | None:
    info = row.get("extra_info")
    level = info.get("level") if isinstance(info, dict) else None
    return None if level is None else str(level)


def curriculum_dataset(rows: Any, curriculum: LevelCurriculum, seed: int = 0) -> Any:
    """An iterable dataset over ``rows`` (an ``execgym export trl`` dataset, or its records)
    whose next row comes from the level the curriculum weighs in at that moment."""
    import datasets

    records = [dict(row) for row in rows]
    picker = LevelPicker([_level(row) for row in records], curriculum, seed)
    stream = CurriculumStream(records, picker)
    return datasets.IterableDataset.from_generator(stream)


class CurriculumCallback(TrainerCallback):  # type: ignore[misc,unused-ignore]
    """Saves and restores the curriculum with the trainer's checkpoints."""

    def __init__(self, curriculum: LevelCurriculum) -> None:
        self.curriculum = curriculum

    def on_train_begin(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        resume = getattr(args, "resume_from_checkpoint", None)
        if isinstance(resume, str) and (Path(resume) / STATE_FILE).is_file():
            self.curriculum.load_state_dict(json.loads((Path(resume) / STATE_FILE).read_text()))

    def on_save(self, args: Any, state: Any, control: Any, **kwargs: Any) -> None:
        folder = Path(args.output_dir) / f"checkpoint-{state.global_step}"
        folder.mkdir(parents=True, exist_ok=True)
        (folder / STATE_FILE).write_text(json.dumps(self.curriculum.state_dict()))
