#!/usr/bin/env bash
# ExecVerify Stage II on verl: code generation rewarded by the fraction of unit tests passed
# (ExecVerify's released reward), from the Stage I policy.
#   MODEL=/path/to/stage1/policy TRAIN_DATASET=apps TRAIN_DATA=/path/to/APPS/train \
#   VAL_DATASET=humaneval VAL_DATA=/path/to/HumanEval.jsonl.gz bash recipes/verl/execverify_stage2.sh
# Any code-generation benchmark execgym loads works (execgym eval -h lists them); REWARD=all_pass
# rewards only programs that pass every test.
set -euo pipefail
: "${MODEL:?set MODEL to the Stage I policy}"
: "${TRAIN_DATASET:?set TRAIN_DATASET (apps, codecontests, ...) and TRAIN_DATA}"
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${DATA:-$HOME/data/execgym/execverify}
mkdir -p "$DATA"
execgym export verl --dataset "$TRAIN_DATASET" ${TRAIN_DATA:+--data "$TRAIN_DATA"} \
    --reward "${REWARD:-pass_rate}" --split train -o "$DATA/codegen-train.parquet"
execgym export verl --dataset "${VAL_DATASET:-humaneval}" ${VAL_DATA:+--data "$VAL_DATA"} \
    --reward all_pass --split test -o "$DATA/codegen-val.parquet"
python3 -m verl.trainer.main_ppo --config-path "$HERE" --config-name execverify_stage2 \
    data.train_files="$DATA/codegen-train.parquet" \
    data.val_files="$DATA/codegen-val.parquet" \
    actor_rollout_ref.model.path="$MODEL" \
    reward.custom_reward_function.path="$(python3 -m execgym.train.verl)" \
    "$@"
