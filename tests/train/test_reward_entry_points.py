"""The dispatching entry points, called as verl, TRL and OpenRLHF call them."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from execgym.rewards import DATA_SOURCES, SourceReward, SourceScore
from execgym.sandbox import Sandbox
from execgym.train import (
    COMMON_METRICS,
    InfraError,
    TrainingRow,
    UnknownSource,
    metric_keys,
)
from execgym.train import openrlhf as openrlhf_entry
from execgym.train import trl as trl_entry
from execgym.train import verl as verl_entry


def load_by_path(module: ModuleType) -> ModuleType:
    """Load an entry point's file under another name, as verl and OpenRLHF do."""
    assert module.__file__ is not None
    spec = importlib.util.spec_from_file_location("custom_module", Path(module.__file__))
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def verl_call(module: ModuleType, row: TrainingRow, response: str, **kw: Any) -> Any:
    return module.compute_score(
        data_source=row.data_source,
        solution_str=response,
        ground_truth=row.ground_truth,
        extra_info={**row.extra_info, "num_turns": None, "rollout_reward_scores": {}},
        **kw,
    )


# ---- verl --------------------------------------------------------------------------------------


def test_verl_scores_every_source_with_the_same_keys(
    question_rows: list[TrainingRow], apps_rows: list[TrainingRow]
) -> None:
    module = load_by_path(verl_entry)
    keys = list(metric_keys())
    assert keys[: len(COMMON_METRICS)] == list(COMMON_METRICS)
    assert {"output_correct", "whitebox_fraction", "pass_rate", "compiled"} <= set(keys)
    for row in [*question_rows, *apps_rows]:
        assert row.reference is not None
        right = verl_call(module, row, row.reference)
        wrong = verl_call(module, row, "I do not know.")
        assert list(right) == keys and list(wrong) == keys
        assert all(isinstance(value, float) for value in right.values())
        assert right["solved"] == 1.0 and right["normalized_score"] == 1.0
        assert right["infra_error"] == 0.0 and wrong["score"] == 0.0
        assert wrong["parse_failure"] == 1.0
        if row.data_source == "execgym/execq":
            # ExecVerify's rewards: output + white-box (combined), 2 for a right input
            assert right["score"] == 2.0 and math.isnan(right["pass_rate"])
            combined = row.extra_info["kind"] == "combined"
            assert right["output_correct"] == (1.0 if combined else 0.0)
        else:
            assert right["score"] == 1.0 and right["pass_rate"] == 1.0
            assert math.isnan(right["whitebox_fraction"])


def test_verl_pass_rate_rows_give_partial_credit(shared_data: Path) -> None:
    from execgym.train import benchmark_rows

    rows, _ = benchmark_rows("apps", shared_data / "apps_coderl", reward="pass_rate")
    row = next(r for r in rows if r.id == "apps/4184")  # eight call tests of is_prime
    half = "```python\ndef is_prime(n):\n    return n % 2 == 1\n```"
    result = verl_entry.compute_score(row.data_source, half, row.ground_truth or "")
    assert 0.0 < result["score"] < 1.0 and result["score"] == result["pass_rate"]
    assert result["solved"] == 0.0


def test_verl_infrastructure_failure_is_never_a_wrong_answer(
    apps_rows: list[TrainingRow], broken_sandbox: Sandbox
) -> None:
    row = apps_rows[0]
    assert row.reference is not None
    with pytest.raises(InfraError, match="infra_error_score"):
        verl_call(verl_entry, row, row.reference, sandbox=broken_sandbox, infra_retries=0)
    flagged = verl_call(
        verl_entry, row, row.reference, sandbox=broken_sandbox, infra_error_score=0.5
    )
    assert flagged["score"] == 0.5 and flagged["infra_error"] == 1.0
    assert math.isnan(flagged["solved"]) and math.isnan(flagged["pass_rate"])


def test_the_ground_truths_own_source_wins_and_an_unknown_one_is_named(
    question_rows: list[TrainingRow],
) -> None:
    # verl's data_source column says one thing, the ground truth another: the ground truth's
    row = question_rows[0]
    result = verl_entry.compute_score("openai/gsm8k", row.reference or "", row.ground_truth or "")
    assert result["score"] == 2.0
    with pytest.raises(UnknownSource, match="known data sources: execgym/codegen"):
        verl_entry.compute_score("openai/gsm8k", "42", '{"answer": 42}')


# ---- TRL ---------------------------------------------------------------------------------------


def test_trl_reward_mixes_sources_and_logs_batch_figures(
    question_rows: list[TrainingRow], apps_rows: list[TrainingRow]
) -> None:
    rows = [question_rows[0], apps_rows[0], apps_rows[1]]
    completions = [
        [{"role": "assistant", "content": rows[0].reference}],
        [{"role": "assistant", "content": rows[1].reference}],
        [{"role": "assistant", "content": "no code here"}],
    ]
    logged: dict[str, float] = {}
    rewards = trl_entry.execgym_reward(
        prompts=[row.prompt for row in rows],
        completions=completions,
        completion_ids=[[1], [2], [3]],
        data_source=[row.data_source for row in rows],
        ground_truth=[row.ground_truth for row in rows],
        extra_info=[dict(row.extra_info) for row in rows],
        trainer_state=None,
        log_extra=lambda column, values: None,
        log_metric=lambda name, value: logged.__setitem__(name, value),
    )
    assert rewards == [2.0, 1.0, 0.0]
    assert logged["execgym/infra_errors"] == 0.0
    assert logged["execgym/parse_failure_rate"] == pytest.approx(1 / 3)
    assert logged["execgym/codegen/pass_rate"] == 0.5
    assert logged["execgym/execq/output_correct"] == 1.0


def test_trl_excludes_unjudged_completions_or_raises(
    apps_rows: list[TrainingRow], question_rows: list[TrainingRow], broken_sandbox: Sandbox
) -> None:
    rows = [apps_rows[0], question_rows[0]]
    columns = {
        "data_source": [row.data_source for row in rows],
        "ground_truth": [row.ground_truth for row in rows],
    }
    logged: dict[str, float] = {}
    excluding = trl_entry.make_reward_function(sandbox=broken_sandbox, infra_retries=0)
    rewards = excluding(
        prompts=["p", "p"],
        completions=[rows[0].reference, rows[1].reference],
        log_metric=lambda name, value: logged.__setitem__(name, value),
        **columns,
    )
    assert rewards == [None, 2.0]  # TRL leaves None out of the group's baseline
    assert logged["execgym/infra_errors"] == 1.0 and logged["execgym/infra_error_rate"] == 0.5
    raising = trl_entry.make_reward_function(
        sandbox=broken_sandbox, infra_retries=0, infra_error="raise"
    )
    with pytest.raises(InfraError):
        raising(prompts=["p", "p"], completions=[r.reference for r in rows], **columns)


def test_trl_without_a_data_source_column_reads_the_ground_truths(
    question_rows: list[TrainingRow], apps_rows: list[TrainingRow]
) -> None:
    rows = [question_rows[1], apps_rows[1]]
    rewards = trl_entry.execgym_reward(
        prompts=["p", "p"],
        completions=[row.reference for row in rows],
        ground_truth=[row.ground_truth for row in rows],
    )
    assert rewards == [2.0, 1.0]


# ---- OpenRLHF ----------------------------------------------------------------------------------


def test_openrlhf_reward_func_by_path(
    question_rows: list[TrainingRow], apps_rows: list[TrainingRow]
) -> None:
    module = load_by_path(openrlhf_entry)
    rows = [question_rows[0], apps_rows[2]]
    prompts = ["<|im_start|>user\nQ<|im_end|>\n<|im_start|>assistant\n"] * 2
    queries = [prompts[0] + (row.reference or "") + "<|im_end|>" for row in rows]
    labels = [row.ground_truth for row in rows]  # every ground truth names its reward
    result = module.reward_func(queries, prompts, labels)
    assert list(result["rewards"]) == [2.0, 1.0]
    assert list(result["scores"]) == [1.0, 1.0]
    assert result["extra_logs"]["execgym/solved_rate"] == 1.0


def test_openrlhf_infrastructure_failure(
    apps_rows: list[TrainingRow], broken_sandbox: Sandbox
) -> None:
    row = apps_rows[0]
    label = row.ground_truth
    query = "p" + (row.reference or "")
    with pytest.raises(InfraError):
        openrlhf_entry.reward_func([query], ["p"], [label], sandbox=broken_sandbox)
    scored = openrlhf_entry.reward_func(
        [query], ["p"], [label], sandbox=broken_sandbox, infra_error_score=0.0, infra_retries=0
    )
    assert scored["extra_logs"]["execgym/infra_errors"] == 1.0


# ---- the registry: one registration plugs a family in ----------------------------------------


def length_score(response: str, ground_truth: Any, sandbox: Sandbox | None) -> SourceScore:
    """A stand-in for another package's reward: the length of the response, up to 10."""
    if ground_truth != "any":
        raise ValueError("ground_truth: expected 'any'")
    return SourceScore(min(1.0, len(response) / 10), {"length": float(len(response))})


def test_a_registered_source_is_dispatched_and_logged_by_every_entry_point() -> None:
    DATA_SOURCES.register("test/length", SourceReward(length_score, "length", ("length",)))
    try:
        result = verl_entry.compute_score("test/length", "12345", "any")
        assert result["score"] == 0.5 and result["length"] == 5.0
        assert trl_entry.execgym_reward(
            completions=["1234567890"], data_source=["test/length"], ground_truth=["any"]
        ) == [1.0]
        label = {"data_source": "test/length"}  # a ground truth naming its data source
        with pytest.raises(ValueError, match="expected 'any'"):
            openrlhf_entry.reward_func(["p12"], ["p"], [label])
    finally:
        DATA_SOURCES.unregister("test/length")


def test_every_registered_source_holds_the_contract() -> None:
    assert {"execgym/execq", "execgym/codegen", "fixaudit-fixer", "fixaudit-auditor"} <= set(
        DATA_SOURCES.names()
    )
    for entry in DATA_SOURCES.entries():
        source = entry.value
        assert isinstance(source, SourceReward) and source.high > 0
        assert not set(source.info_keys) & set(COMMON_METRICS), entry.name
        assert source.check is not None, f"{entry.name}: the exports cannot check its rows"
        with pytest.raises(ValueError):
            source.check("not a ground truth")
