#!/usr/bin/env bash
# FixAudit Stage 3 on verl: Auditor prompts (statement, buggy candidate), DAPO-style settings.
#   MODEL=/path/to/policy AUDITOR_DATA=rows.jsonl bash recipes/verl/fixaudit_stage3_auditor.sh [hydra overrides...]
# AUDITOR_DATA holds training rows ({"data_source", "prompt", "ground_truth", ...}, one a line) as
# FixAudit's data builders write them (execgym.repair); their data sources must be registered
# reward sources (execgym.rewards.REWARD_SOURCES), which execgym export checks row by row.
set -euo pipefail
: "${MODEL:?set MODEL to the policy}"
: "${AUDITOR_DATA:?set AUDITOR_DATA to the FixAudit role data (training rows, JSONL)}"
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${DATA:-$HOME/data/execgym/fixaudit}
mkdir -p "$DATA"
execgym export verl "$AUDITOR_DATA" --format rows -o "$DATA/fixaudit_stage3_auditor.parquet"
python3 -m verl.trainer.main_ppo --config-path "$HERE" --config-name fixaudit_stage3_auditor \
    data.train_files="$DATA/fixaudit_stage3_auditor.parquet" \
    data.val_files="$DATA/fixaudit_stage3_auditor.parquet" \
    actor_rollout_ref.model.path="$MODEL" \
    reward.custom_reward_function.path="$(python3 -m execgym.train.verl)" \
    "$@"
