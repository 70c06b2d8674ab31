"""FixAudit's stage data (built by ``execgym.repair``) through ``execgym export`` and the
training entry points: the Fixer and Auditor rewards dispatched by data source."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest

from execgym.bench import load_dataset
from execgym.repair import auditor_rows, fixer_rows, mutation_candidates, solution_sft_rows
from execgym.sandbox import Sandbox
from execgym.train import metric_keys
from execgym.train import openrlhf as openrlhf_entry
from execgym.train import trl as trl_entry
from execgym.train import verl as verl_entry
from train._train_data import execgym, write_jsonl


@pytest.fixture(scope="module")
def stage_rows(sandbox: Sandbox, shared_data: Path) -> dict[str, list[dict[str, Any]]]:
    """Stage 1 SFT, stage 2 Fixer and stage 3 Auditor rows of the APPS samples, built by
    FixAudit's own builders from mutants of the reference solutions."""
    problems = load_dataset("apps", shared_data / "apps_coderl")
    candidates = mutation_candidates(sandbox, problems, per_problem=1)
    assert candidates
    return {
        "sft": solution_sft_rows(problems, sandbox),
        "fixer": fixer_rows(candidates),
        "auditor": auditor_rows(candidates),
    }


def fence(code: str) -> str:
    return f"```python\n{code}\n```"


def test_rl_rows_export_to_verl_and_keep_their_ground_truths(
    stage_rows: dict[str, list[dict[str, Any]]], tmp_path: Path
) -> None:
    rows = stage_rows["fixer"] + stage_rows["auditor"]
    source = write_jsonl(tmp_path / "fixaudit.jsonl", rows)
    out = tmp_path / "fixaudit.parquet"
    done = execgym("export", "verl", str(source), "-o", str(out))
    assert done.exit_code == 0, done.output
    exported = pq.read_table(out).to_pylist()
    assert [r["data_source"] for r in exported] == [r["data_source"] for r in rows]
    assert {r["data_source"] for r in exported} == {"fixaudit-fixer", "fixaudit-auditor"}
    assert [r["reward_model"]["ground_truth"] for r in exported] == [
        r["reward_model"]["ground_truth"] for r in rows
    ]
    broken = dict(rows[0], reward_model={"style": "rule", "ground_truth": '{"execgym_repair": 9}'})
    bad = write_jsonl(tmp_path / "bad.jsonl", [broken])
    done = execgym("export", "verl", str(bad), "-o", str(tmp_path / "bad.parquet"))
    assert done.exit_code == 1
    assert "bad.jsonl:1: field 'ground_truth': ground_truth.execgym_repair" in " ".join(
        done.output.split()
    )


def test_sft_rows_export(stage_rows: dict[str, list[dict[str, Any]]], tmp_path: Path) -> None:
    source = write_jsonl(tmp_path / "sft-rows.jsonl", stage_rows["sft"])
    out = tmp_path / "sft.jsonl"
    done = execgym("export", "sft", str(source), "-o", str(out))
    assert done.exit_code == 0, done.output
    chats = [json.loads(line) for line in out.open()]
    assert [c["messages"] for c in chats] == [r["messages"] for r in stage_rows["sft"]]


def test_fixer_and_auditor_rewards_through_every_entry_point(
    stage_rows: dict[str, list[dict[str, Any]]], shared_data: Path
) -> None:
    problems = {p.id: p for p in load_dataset("apps", shared_data / "apps_coderl")}
    fixer = stage_rows["fixer"][0]
    truth = fixer["reward_model"]["ground_truth"]
    problem = problems[json.loads(truth)["problem"]["id"]]
    repaired = fence(problem.reference_solutions[0])
    right = verl_entry.compute_score("fixaudit-fixer", repaired, truth)
    wrong = verl_entry.compute_score("fixaudit-fixer", "no program", truth)
    assert right["score"] == 1.0 and right["solved"] == 1.0 and right["pass_ratio"] == 1.0
    assert wrong["score"] == 0.0 and wrong["parse_failure"] == 1.0
    assert list(right) == list(wrong) == list(metric_keys())

    auditor = stage_rows["auditor"][0]
    auditor_truth = auditor["reward_model"]["ground_truth"]
    rewards = trl_entry.execgym_reward(
        completions=[repaired, "no tests at all"],
        data_source=["fixaudit-fixer", "fixaudit-auditor"],
        ground_truth=[truth, auditor_truth],
    )
    assert rewards == [1.0, 0.0]
    scored = openrlhf_entry.reward_func(
        ["P" + repaired, "P" + "no tests"], ["P", "P"], [truth, auditor_truth]
    )
    assert list(scored["rewards"]) == [1.0, 0.0]
    assert scored["extra_logs"]["fixaudit-fixer/pass_ratio"] == 1.0
