#!/usr/bin/env bash
# FixAudit Stage 1 on verl: execution-aligned SFT on verified execution questions and on the
# reference solutions of a code-generation benchmark's training split.
#   MODEL=/path/to/base QUESTIONS=questions.jsonl TRAIN_DATASET=apps TRAIN_DATA=/path/to/APPS/train \
#   bash recipes/verl/fixaudit_stage1_sft.sh
# QUESTIONS is `execgym questions` output (or `execgym pipeline`'s questions.jsonl).
set -euo pipefail
: "${MODEL:?set MODEL to the base model}"
: "${QUESTIONS:?set QUESTIONS to an execgym questions file}"
: "${TRAIN_DATASET:?set TRAIN_DATASET (apps, codecontests, xcodeeval) and TRAIN_DATA}"
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${DATA:-$HOME/data/execgym/fixaudit}
mkdir -p "$DATA"
execgym export sft "$QUESTIONS" -o "$DATA/sft-questions.parquet"
execgym export sft --dataset "$TRAIN_DATASET" ${TRAIN_DATA:+--data "$TRAIN_DATA"} \
    -o "$DATA/sft-solutions.parquet"
python3 -m verl.trainer.sft_trainer --config-path "$HERE" --config-name fixaudit_stage1_sft \
    data.train_files="[$DATA/sft-questions.parquet,$DATA/sft-solutions.parquet]" \
    model.path="$MODEL" \
    "$@"
