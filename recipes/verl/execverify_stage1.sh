#!/usr/bin/env bash
# ExecVerify Stage I on verl: synthesize programs at the six levels, export their combined
# questions (output, next statement, variable state) as verl parquet, and train with GRPO.
#   MODEL=/path/to/policy bash recipes/verl/execverify_stage1.sh [hydra overrides...]
# CURRICULUM=1 uses execverify_stage1_curriculum.yaml (levels re-weighted by pass rate).
# Environment: MODEL (required; ExecVerify starts Stage I from its SFT model), DATA (default
# ~/data/execgym/execverify), PER_LEVEL (programs per level, default 2000), VAL_PER_LEVEL (50).
set -euo pipefail
: "${MODEL:?set MODEL to the model to train}"
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${DATA:-$HOME/data/execgym/execverify}
mkdir -p "$DATA"
if [ ! -f "$DATA/train.parquet" ]; then
    execgym synth --levels 1-6 --per-level "${PER_LEVEL:-2000}" --seed 0 -o "$DATA/programs.jsonl"
    execgym export verl "$DATA/programs.jsonl" -o "$DATA/train.parquet" --split train
fi
if [ ! -f "$DATA/val.parquet" ]; then
    execgym synth --levels 1-6 --per-level "${VAL_PER_LEVEL:-50}" --seed 1 -o "$DATA/val-programs.jsonl"
    execgym export verl "$DATA/val-programs.jsonl" -o "$DATA/val.parquet" --split test
fi
CONFIG=execverify_stage1
EXTRA=()
if [ "${CURRICULUM:-0}" = 1 ]; then
    CONFIG=execverify_stage1_curriculum
    EXTRA+=("data.custom_cls.path=$(python3 -m execgym.train.verl_curriculum)")
fi
python3 -m verl.trainer.main_ppo --config-path "$HERE" --config-name "$CONFIG" \
    data.train_files="$DATA/train.parquet" \
    data.val_files="$DATA/val.parquet" \
    actor_rollout_ref.model.path="$MODEL" \
    reward.custom_reward_function.path="$(python3 -m execgym.train.verl)" \
    "${EXTRA[@]}" "$@"
