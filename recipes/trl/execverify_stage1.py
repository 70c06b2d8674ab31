"""ExecVerify Stage I on one node with TRL's GRPOTrainer (execution reasoning, GRPO).

    execgym synth --levels 1-6 --per-level 2000 --seed 0 -o programs.jsonl
    execgym export trl programs.jsonl -o stage1-data
    accelerate launch recipes/trl/execverify_stage1.py --model PATH --data stage1-data \
        --output-dir runs/stage1 [--curriculum] [--vllm]

The reward is execgym's dispatching one (``execgym.train.trl``): each completion is scored by
its row's data source (ExecVerify's combined reward for these rows); a completion the sandbox
could not judge gets ``None``, which TRL leaves out of its group. ``--curriculum`` draws the
rows level by level by the policy's measured pass rate (``execgym.train.curriculum_trl``).

Sources of the hyper-parameters, named beside each:
  [EV-paper]  the ExecVerify paper (8 rollouts, 128 prompts a batch, lr 1e-6, no KL, 4096 tokens)
  [EV-code]   ExecVerify's verl launch script, train/verl/examples/grpo_trainer/stage_one_rl.sh
  [execgym]   execgym's choice where neither says (the reason is given)
"""

from __future__ import annotations

import argparse
from pathlib import Path

LEVELS = ["L1", "L2", "L3", "L4", "L5", "L6"]
"""ExecVerify's six synthesis levels. [EV-paper]"""


def grpo_config(output_dir: Path, use_vllm: bool, curriculum: bool) -> object:
    import torch
    from trl import GRPOConfig

    return GRPOConfig(
        output_dir=str(output_dir),
        # 8 rollouts per prompt (the GRPO group). [EV-paper] [EV-code]
        num_generations=8,
        # 128 prompts a batch: 1024 completions per generation step over every process.
        # [EV-paper] [EV-code]
        generation_batch_size=128 * 8,
        # 64 prompts per policy update, two updates per generated batch. [EV-code]
        per_device_train_batch_size=8,
        # Reach 64 x 8 = 512 completions per update on 8 processes with 8 each. [execgym]
        gradient_accumulation_steps=8,
        # Learning rate 1e-6. [EV-paper] [EV-code]
        learning_rate=1e-6,
        # No KL term (no reference model is loaded). [EV-paper] [EV-code]
        beta=0.0,
        # Responses up to 4096 tokens. [EV-paper] [EV-code]
        max_completion_length=4096,
        # Sample at temperature 1.0 (verl's rollout default, which ExecVerify keeps). [EV-code]
        temperature=1.0,
        # 4 epochs over the data. [EV-code]
        num_train_epochs=4,
        # A checkpoint every 500 steps. [EV-code]
        save_steps=500,
        # Recompute activations to fit a 7B model. [EV-code]
        gradient_checkpointing=True,
        # bf16 on GPUs, the usual precision for 7B models (fp32 on a CPU, for a dry run). [execgym]
        bf16=torch.cuda.is_available(),
        # Generate with vLLM when asked (colocated). [EV-code uses vLLM; execgym: optional here]
        use_vllm=use_vllm,
        # The curriculum's stream is already random; shuffling would buffer 1000 rows ahead
        # of it. [execgym]
        shuffle_dataset=not curriculum,
        # Log every step. [execgym]
        logging_steps=1,
        # Where metrics go (TRL's default integrations). [execgym]
        report_to="all",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True, help="The policy to train (path or hub id).")
    parser.add_argument("--data", type=Path, required=True, help="An `execgym export trl` dir.")
    parser.add_argument("--output-dir", type=Path, required=True)
    parser.add_argument("--curriculum", action="store_true", help="Weigh levels by pass rate.")
    parser.add_argument("--vllm", action="store_true", help="Generate with vLLM.")
    parser.add_argument("--max-steps", type=int, default=-1, help="Stop after N steps.")
    args = parser.parse_args()

    from datasets import load_from_disk
    from trl import GRPOTrainer

    from execgym.train import LevelCurriculum
    from execgym.train.curriculum_trl import CurriculumCallback, curriculum_dataset
    from execgym.train.trl import make_reward_function

    config = grpo_config(args.output_dir, args.vllm, args.curriculum)
    dataset = load_from_disk(str(args.data))
    steps = args.max_steps
    if args.curriculum and steps <= 0:
        # A stream has no epochs: the steps of 4 epochs of 128 prompts. [EV-code] [EV-paper]
        steps = max(1, 4 * len(dataset) // 128)
    config.max_steps = steps  # type: ignore[attr-defined]
    callbacks = []
    observer = None
    if args.curriculum:
        # Weigh levels by the chance a group of 8 differs; a tenth spread evenly. [execgym]
        observer = LevelCurriculum(LEVELS, group_size=8, floor=0.1)
        dataset = curriculum_dataset(dataset, observer, seed=0)
        callbacks.append(CurriculumCallback(observer))
    trainer = GRPOTrainer(
        model=args.model,
        reward_funcs=[make_reward_function(observer=observer)],
        args=config,
        train_dataset=dataset,
        callbacks=callbacks,
    )
    trainer.train()
    trainer.save_model(str(args.output_dir))


if __name__ == "__main__":
    main()
