"""TRL's GRPOTrainer, two steps on the CPU, on execgym's exported data and reward function.

The model is a tiny randomly initialised Llama and the tokenizer a word-level one built here
(no download). Its vocabulary holds the two numbers the programs return, so its one-token
completions are sometimes the right output and sometimes not: the rewards TRL logs at each
step must be the mean of what execgym's scorer gives the completions TRL generated.
"""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("trl", reason="needs the train extra: pip install -e '.[train]'")

import torch
from datasets import load_from_disk
from tokenizers import Tokenizer, models, pre_tokenizers
from transformers import LlamaConfig, LlamaForCausalLM, PreTrainedTokenizerFast, TrainerCallback
from trl import GRPOConfig, GRPOTrainer

from execgym.rewards import reward as execgym_score
from execgym.tasks import Question
from execgym.train.trl import completion_text, make_reward_function
from train._train_data import PROGRAMS, execgym, write_jsonl

WORDS = ["3", "4"]
CHAT_TEMPLATE = (
    "{% for m in messages %}{{ m['role'] }} {{ m['content'] }} {% endfor %}"
    "{% if add_generation_prompt %}assistant {% endif %}"
)


def tiny_tokenizer() -> PreTrainedTokenizerFast:
    vocab = {"[PAD]": 0, "[UNK]": 1, "[EOS]": 2}
    for word in WORDS:
        vocab[word] = len(vocab)
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="[UNK]", pad_token="[PAD]", eos_token="[EOS]"
    )
    tokenizer.chat_template = CHAT_TEMPLATE
    return tokenizer


def tiny_model(vocab_size: int) -> LlamaForCausalLM:
    torch.manual_seed(0)
    config = LlamaConfig(
        vocab_size=vocab_size,
        hidden_size=16,
        intermediate_size=32,
        num_hidden_layers=1,
        num_attention_heads=2,
        num_key_value_heads=2,
        max_position_embeddings=2048,
        pad_token_id=0,
        eos_token_id=2,
        bos_token_id=2,
    )
    return LlamaForCausalLM(config)


def export(tmp_path: Path) -> Path:
    programs = write_jsonl(tmp_path / "programs.jsonl", PROGRAMS)
    target = tmp_path / "trl-data"
    done = execgym(
        "export", "trl", str(programs), "--as", "output", "--reward", "output", "-o", str(target)
    )
    assert done.exit_code == 0, done.output
    return target


class Recorder:
    """Wraps execgym's reward function and keeps what it was asked and what it gave."""

    def __init__(self) -> None:
        self.inner = make_reward_function(name="execgym_reward")
        self.calls: list[tuple[list[str], list[str], list[float | None]]] = []
        self.__name__ = "execgym_reward"

    def __call__(self, completions: list[Any], **columns: Any) -> list[float | None]:
        rewards = self.inner(completions=completions, **columns)
        texts = [completion_text(c) for c in completions]
        self.calls.append((texts, list(columns["ground_truth"]), rewards))
        return rewards


class LogCapture(TrainerCallback):  # type: ignore[misc]  # TrainerCallback is Any to mypy
    def __init__(self) -> None:
        self.logs: list[dict[str, float]] = []

    def on_log(self, args: Any, state: Any, control: Any, logs: Any = None, **kw: Any) -> None:
        if logs and "rewards/execgym_reward/mean" in logs:
            self.logs.append(dict(logs))


def test_grpo_two_steps_log_execgym_rewards(tmp_path: Path) -> None:
    dataset = load_from_disk(str(export(tmp_path)))
    assert set(dataset.column_names) >= {"prompt", "data_source", "ground_truth"}
    exported_ids = {json.loads(truth)["id"] for truth in dataset["ground_truth"]}
    tokenizer = tiny_tokenizer()
    recorder = Recorder()
    capture = LogCapture()
    config = GRPOConfig(
        output_dir=str(tmp_path / "run"),
        max_steps=2,
        per_device_train_batch_size=8,
        num_generations=4,
        max_completion_length=1,
        learning_rate=1e-6,
        beta=0.0,
        temperature=1.0,
        logging_steps=1,
        report_to="none",
        use_cpu=True,
        save_strategy="no",
        seed=0,
        dataloader_num_workers=0,
    )
    trainer = GRPOTrainer(
        model=tiny_model(len(tokenizer)),
        processing_class=tokenizer,
        reward_funcs=[recorder],
        args=config,
        train_dataset=dataset,
        callbacks=[capture],
    )
    trainer.train()

    assert len(recorder.calls) == 2 and len(capture.logs) == 2
    seen: set[float] = set()
    for (texts, truths, rewards), logged in zip(recorder.calls, capture.logs, strict=True):
        for text, truth, value in zip(texts, truths, rewards, strict=True):
            data = json.loads(truth)
            assert data["id"] in exported_ids
            # the same completion scored by execgym's scorer directly, not through the trainer
            assert value == execgym_score("output", _question(tmp_path, data["id"]), text)
            seen.add(float(value or 0.0))
        assert math.isclose(
            logged["rewards/execgym_reward/mean"], sum(r or 0.0 for r in rewards) / len(rewards)
        )
        assert logged["execgym/infra_errors"] == 0.0
    assert seen == {0.0, 1.0}, "the completions should be right and wrong"


def _question(tmp_path: Path, question_id: str) -> Question:
    """The question as ``execgym questions`` writes it."""
    out = tmp_path / "questions.jsonl"
    if not out.exists():
        programs = str(tmp_path / "programs.jsonl")
        done = execgym("questions", programs, "-o", str(out), "--kinds", "output")
        assert done.exit_code == 0, done.output
    for line in out.read_text().splitlines():
        question = Question.model_validate_json(line)
        if question.id == question_id:
            return question
    raise AssertionError(f"no question {question_id}")
