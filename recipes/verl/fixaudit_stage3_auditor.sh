#!/usr/bin/env bash
# FixAudit Stage 3 on verl: Auditor prompts (statement, buggy candidate).
#   MODEL=/path/to/policy AUDITOR_DATA=rows.jsonl bash recipes/verl/fixaudit_stage3_auditor.sh [hydra overrides...]
exec bash "$(dirname "$0")/_fixaudit_rl.sh" fixaudit_stage3_auditor AUDITOR_DATA "$@"
