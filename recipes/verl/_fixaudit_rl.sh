#!/usr/bin/env bash
# One FixAudit RL stage on verl (called by fixaudit_stage{2,3,4}_*.sh): export the stage's
# role data as verl parquet and train with the stage's config (DAPO-style settings).
#   _fixaudit_rl.sh CONFIG DATA_VARIABLE [hydra overrides...]
# The role data are training rows ({"data_source", "prompt", "ground_truth", ...}, one a line)
# as FixAudit's data builders write them (execgym.repair); their data sources must be
# registered data sources (execgym.rewards.DATA_SOURCES: fixaudit-fixer, fixaudit-auditor),
# whose ground truths execgym export checks row by row.
set -euo pipefail
CONFIG=$1
VARIABLE=$2
shift 2
: "${MODEL:?set MODEL to the policy}"
ROWS=${!VARIABLE:?set $VARIABLE to the FixAudit role data (training rows, JSONL)}
HERE=$(cd "$(dirname "$0")" && pwd)
DATA=${DATA:-$HOME/data/execgym/fixaudit}
mkdir -p "$DATA"
execgym export verl "$ROWS" --format rows -o "$DATA/$CONFIG.parquet"
python3 -m verl.trainer.main_ppo --config-path "$HERE" --config-name "$CONFIG" \
    data.train_files="$DATA/$CONFIG.parquet" \
    data.val_files="$DATA/$CONFIG.parquet" \
    actor_rollout_ref.model.path="$MODEL" \
    reward.custom_reward_function.path="$(python3 -m execgym.train.verl)" \
    "$@"
