"""The curriculum for verl: a dataset class whose rows follow the policy's pass rates.

verl loads it by path as a custom dataset class, and calls its ``on_batch_end(batch)``
after every training step (``RayPPOTrainer.fit``): that hook reads each rollout's level
(``extra_info.level`` of the exported row) and whether it reached its row's best reward
(the ``solved`` key that :func:`execgym.train.verl.compute_score` returns, which verl keeps
in the batch), updates the :class:`~execgym.train.LevelCurriculum`, and the prompts fetched
from then on come from the levels it weighs in. Config (``recipes/verl/``)::

    data:
      train_files: train.parquet         # execgym export verl on synthesized programs
      dataloader_num_workers: 0          # required: worker processes would keep a stale copy
      custom_cls: {path: <site-packages>/execgym/train/verl_curriculum.py,
                   name: CurriculumDataset}
      curriculum: {levels: [L1, L2, L3, L4, L5, L6], group_size: 8, floor: 0.1,
                   window: 512, seed: 0}

The validation files go through the same class untouched (only ``data.train_files`` is
re-weighted). This module imports verl and is meant to be loaded by verl.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from verl.utils.dataset.rl_dataset import RLHFDataset

from execgym.train._curriculum import LevelCurriculum, LevelPicker

__all__ = ["CurriculumDataset"]


def _files(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(item) for item in value]


class CurriculumDataset(RLHFDataset):  # type: ignore[misc]
    """verl's dataset, its training rows re-weighted by level after every step."""

    def __init__(
        self,
        data_files: str | Sequence[str],
        tokenizer: Any,
        config: Any,
        processor: Any = None,
        max_samples: int = -1,
    ) -> None:
        super().__init__(
            data_files=data_files,
            tokenizer=tokenizer,
            config=config,
            processor=processor,
            max_samples=max_samples,
        )
        self.curriculum: LevelCurriculum | None = None
        self.picker: LevelPicker | None = None
        self._served = 0
        self._epoch = 0
        if _files(data_files) != _files(config.get("train_files")):
            return
        if int(config.get("dataloader_num_workers", 0) or 0) != 0:
            raise ValueError(
                "data.dataloader_num_workers must be 0 with the execgym curriculum: worker "
                "processes keep their own copy of the dataset and never see its updates"
            )
        options: Mapping[str, Any] = config.get("curriculum") or {}
        infos = self.dataframe["extra_info"]
        row_levels = [info.get("level") if isinstance(info, Mapping) else None for info in infos]
        levels = list(options.get("levels") or sorted({str(x) for x in row_levels if x}))
        self.curriculum = LevelCurriculum(
            levels,
            group_size=int(options.get("group_size", 8)),
            window=int(options.get("window", 512)),
            floor=float(options.get("floor", 0.1)),
        )
        self.picker = LevelPicker(row_levels, self.curriculum, int(options.get("seed", 0)))

    def __getitem__(self, item: int) -> Any:
        if self.picker is None:
            return super().__getitem__(item)
        if self._served >= len(self.picker):
            self._epoch += 1
            self._served = 0
            self.picker.start_epoch(self._epoch)
        self._served += 1
        return super().__getitem__(self.picker.row_for(int(item)))

    def on_batch_end(self, batch: Any) -> None:
        """Observe the step's rollouts: their level and whether each was solved."""
        if self.curriculum is None:
            return
        extras = batch.non_tensor_batch.get("extra_info")
        solved = batch.non_tensor_batch.get("solved")
        if extras is None or solved is None:
            return
        for info, value in zip(extras, solved, strict=True):
            level = info.get("level") if isinstance(info, Mapping) else None
            if level is None or value is None or math.isnan(float(value)):
                continue
            self.curriculum.observe_pass(str(level), float(value) >= 0.5)


if __name__ == "__main__":
    print(__file__)
