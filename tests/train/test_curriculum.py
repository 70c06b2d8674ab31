"""The level curriculum, its TRL dataset and callback, and its verl dataset hook."""

from __future__ import annotations

import importlib
import sys
import types
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from execgym.train import LevelCurriculum, LevelPicker, RewardOutcome, variance_probability


def solved(level: str, passed: bool) -> tuple[dict[str, Any], RewardOutcome]:
    return {"level": level}, RewardOutcome(score=1.0 if passed else 0.0)


def test_variance_probability_is_zero_at_the_ends() -> None:
    assert variance_probability(0.0, 8) == 0.0 and variance_probability(1.0, 8) == 0.0
    assert variance_probability(0.5, 8) == pytest.approx(1 - 2 / 256)
    assert variance_probability(0.9, 8) < variance_probability(0.6, 8)


def test_weights_favour_the_level_whose_groups_differ() -> None:
    curriculum = LevelCurriculum(["L1", "L2", "L3"], group_size=8, floor=0.1, prior_weight=1)
    batch = [solved("L1", True)] * 60 + [solved("L2", i % 2 == 0) for i in range(60)]
    batch += [solved("L3", False)] * 60
    infos, outcomes = zip(*batch, strict=True)
    curriculum.observe(list(infos), list(outcomes))
    rates = curriculum.pass_rates()
    assert rates["L1"] > 0.95 and rates["L3"] < 0.05 and rates["L2"] == pytest.approx(0.5, 0.05)
    weights = curriculum.weights()
    assert sum(weights.values()) == pytest.approx(1.0)
    assert weights["L2"] > 0.8 and weights["L1"] >= 0.1 / 3 and weights["L3"] >= 0.1 / 3
    plan = curriculum.plan(10)
    assert sum(plan.values()) == 10 and plan["L2"] >= 8
    assert set(curriculum.log_values()) == {
        f"curriculum/{what}/{level}" for what in ("pass_rate", "weight") for level in weights
    }


def test_unjudged_and_levelless_responses_are_not_observed() -> None:
    curriculum = LevelCurriculum(["L1"])
    curriculum.observe(
        [{"level": "L1"}, None, {"level": "L9"}],
        [RewardOutcome.unjudged("sandbox down"), RewardOutcome(1.0), RewardOutcome(1.0)],
    )
    assert curriculum.observed() == {"L1": 0}


def test_state_round_trips() -> None:
    first = LevelCurriculum(["L1", "L2"])
    for passed in (True, True, False):
        first.observe_pass("L1", passed)
    second = LevelCurriculum(["L1", "L2"])
    second.load_state_dict(first.state_dict())
    assert second.pass_rates() == first.pass_rates()


def test_picker_keeps_positions_and_uses_a_pool_before_repeating() -> None:
    curriculum = LevelCurriculum(["L1", "L2"], floor=1.0)  # even weights
    levels = ["L1"] * 5 + ["L2"] * 5
    picker = LevelPicker(levels, curriculum, seed=3)
    rows = [picker.row_for(position) for position in range(10)]
    assert [picker.row_for(position) for position in range(10)] == rows
    by_level = Counter(levels[row] for row in rows)
    for level, count in by_level.items():
        chosen = [row for row in rows if levels[row] == level]
        assert len(set(chosen)) == min(count, 5)
    again = LevelPicker(levels, LevelCurriculum(["L1", "L2"], floor=1.0), seed=3)
    assert [again.row_for(position) for position in range(10)] == rows
    with pytest.raises(ValueError, match="no rows of level L3"):
        LevelPicker(levels, LevelCurriculum(["L1", "L2", "L3"]))


def test_picker_follows_the_weights() -> None:
    curriculum = LevelCurriculum(["easy", "right"], group_size=8, floor=0.0, prior_weight=1)
    for index in range(200):
        curriculum.observe_pass("easy", True)
        curriculum.observe_pass("right", index % 2 == 0)
    picker = LevelPicker(["easy"] * 50 + ["right"] * 50, curriculum, seed=0)
    drawn = Counter("easy" if picker.row_for(p) < 50 else "right" for p in range(100))
    assert drawn["right"] > 90


# ---- TRL ---------------------------------------------------------------------------------------


def test_trl_curriculum_dataset_callback_and_observer(tmp_path: Path) -> None:
    pytest.importorskip("trl", reason="needs the train extra: pip install -e '.[train]'")
    from datasets import load_from_disk
    from trl import GRPOConfig, GRPOTrainer

    from execgym.train.curriculum_trl import STATE_FILE, CurriculumCallback, curriculum_dataset
    from execgym.train.trl import make_reward_function
    from train._train_data import PROGRAMS, execgym, write_jsonl
    from train.test_trl_smoke import LogCapture, tiny_model, tiny_tokenizer

    programs = write_jsonl(tmp_path / "programs.jsonl", PROGRAMS)
    target = tmp_path / "trl-data"
    done = execgym("export", "trl", str(programs), "--as", "output", "-o", str(target))
    assert done.exit_code == 0, done.output
    curriculum = LevelCurriculum(["L1", "L2"], group_size=4)
    dataset = curriculum_dataset(load_from_disk(str(target)), curriculum, seed=0)
    capture = LogCapture()
    tokenizer = tiny_tokenizer()
    trainer = GRPOTrainer(
        model=tiny_model(len(tokenizer)),
        processing_class=tokenizer,
        reward_funcs=[make_reward_function(name="execgym_reward", observer=curriculum)],
        args=GRPOConfig(
            output_dir=str(tmp_path / "run"),
            max_steps=2,
            per_device_train_batch_size=8,
            num_generations=4,
            max_completion_length=1,
            beta=0.0,
            logging_steps=1,
            report_to="none",
            use_cpu=True,
            save_strategy="steps",
            save_steps=2,
            shuffle_dataset=False,
            seed=0,
        ),
        train_dataset=dataset,
        callbacks=[capture, CurriculumCallback(curriculum)],
    )
    trainer.train()
    assert sum(curriculum.observed().values()) == 16  # 2 steps x 2 prompts x 4 completions
    assert all("curriculum/weight/L1" in logs for logs in capture.logs)
    assert (tmp_path / "run" / "checkpoint-2" / STATE_FILE).is_file()


# ---- verl --------------------------------------------------------------------------------------


class StandInRLHFDataset:
    """verl's ``RLHFDataset`` as far as the hook uses it: rows of the parquet files, read
    into ``dataframe``, served by ``__getitem__``."""

    def __init__(
        self,
        data_files: Any,
        tokenizer: Any,
        config: Any,
        processor: Any = None,
        max_samples: int = -1,
    ) -> None:
        import pyarrow.parquet as pq

        files = [data_files] if isinstance(data_files, str) else list(data_files)
        rows: list[dict[str, Any]] = []
        for name in files:
            rows.extend(pq.read_table(name).to_pylist())
        self.dataframe = _Frame(rows)

    def __len__(self) -> int:
        return len(self.dataframe.rows)

    def __getitem__(self, item: int) -> dict[str, Any]:
        return dict(self.dataframe.rows[item])


class _Frame:
    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def __getitem__(self, column: str) -> list[Any]:
        return [row[column] for row in self.rows]


@pytest.fixture
def verl_curriculum(monkeypatch: pytest.MonkeyPatch) -> Any:
    module = types.ModuleType("verl.utils.dataset.rl_dataset")
    module.RLHFDataset = StandInRLHFDataset  # type: ignore[attr-defined]
    for name in ("verl", "verl.utils", "verl.utils.dataset"):
        monkeypatch.setitem(sys.modules, name, types.ModuleType(name))
    monkeypatch.setitem(sys.modules, "verl.utils.dataset.rl_dataset", module)
    monkeypatch.delitem(sys.modules, "execgym.train.verl_curriculum", raising=False)
    return importlib.import_module("execgym.train.verl_curriculum")


def test_verl_dataset_hook_reweights_after_each_batch(verl_curriculum: Any, tmp_path: Path) -> None:
    from execgym.train import TrainingRow, write_verl

    rows = [
        TrainingRow(
            id=f"{level}-{i}",
            data_source="execgym/execq",
            prompt=[{"role": "user", "content": f"{level} {i}"}],
            ability="code-execution",
            ground_truth="{}",
            extra_info={"level": level},
        )
        for level in ("L1", "L2")
        for i in range(20)
    ]
    train = tmp_path / "train.parquet"
    write_verl(rows, train)
    config = {
        "train_files": [str(train)],
        "dataloader_num_workers": 0,
        "curriculum": {"levels": ["L1", "L2"], "group_size": 8, "floor": 0.0, "seed": 1},
    }
    dataset = verl_curriculum.CurriculumDataset([str(train)], None, config)
    assert len(dataset) == 40

    batch = types.SimpleNamespace(
        non_tensor_batch={
            "extra_info": np.array([{"level": "L1"}] * 100 + [{"level": "L2"}] * 100),
            "solved": np.array([1.0] * 100 + [float(i % 2) for i in range(100)]),
        }
    )

    before = Counter(dataset[i]["extra_info"]["level"] for i in range(40))
    assert min(before.values()) >= 12  # no evidence yet: both levels
    dataset.on_batch_end(batch)  # L1 always solved, L2 half the time: L2 keeps variance
    assert dataset.curriculum.weights()["L2"] > 0.8
    served = Counter(dataset[i]["extra_info"]["level"] for i in range(40, 200))
    assert served["L2"] > 3 * served["L1"]
    validation = verl_curriculum.CurriculumDataset(
        [str(train)], None, {**config, "train_files": []}
    )
    assert [validation[i]["extra_info"]["id"] for i in range(3)] == ["L1-0", "L1-1", "L1-2"]
    with pytest.raises(ValueError, match="dataloader_num_workers must be 0"):
        verl_curriculum.CurriculumDataset(
            [str(train)], None, {**config, "dataloader_num_workers": 8}
        )
