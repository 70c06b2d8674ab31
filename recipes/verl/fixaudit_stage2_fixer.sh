#!/usr/bin/env bash
# FixAudit Stage 2 on verl: Fixer prompts (statement, buggy candidate, one failing test).
#   MODEL=/path/to/policy FIXER_DATA=rows.jsonl bash recipes/verl/fixaudit_stage2_fixer.sh [hydra overrides...]
exec bash "$(dirname "$0")/_fixaudit_rl.sh" fixaudit_stage2_fixer FIXER_DATA "$@"
