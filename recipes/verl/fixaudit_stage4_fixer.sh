#!/usr/bin/env bash
# FixAudit Stage 4 on verl: Fixer prompts on the failures the stage-3 Auditor found.
#   MODEL=/path/to/policy FIXER_DATA=rows.jsonl bash recipes/verl/fixaudit_stage4_fixer.sh [hydra overrides...]
exec bash "$(dirname "$0")/_fixaudit_rl.sh" fixaudit_stage4_fixer FIXER_DATA "$@"
