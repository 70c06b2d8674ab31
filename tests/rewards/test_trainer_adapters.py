"""The trainer entry points, called exactly as verl, TRL and OpenRLHF call them."""

from __future__ import annotations

import importlib.util
import json
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

import numpy as np
import pytest
from _reward_questions import all_questions, combined, perturb, render

from execgym.rewards import (
    GroundTruthError,
    SandboxUnavailable,
    ScoringData,
    UnknownName,
    load_ground_truth,
    question_ground_truth,
)
from execgym.rewards import openrlhf as openrlhf_adapter
from execgym.rewards import trl as trl_adapter
from execgym.rewards import verl as verl_adapter
from execgym.sandbox import Sandbox, SandboxConfig
from execgym.tasks import Kind, Question

METRIC_KEYS = {
    "score",
    "output_correct",
    "whitebox_fraction",
    "accuracy",
    "parse_failures",
    "sandbox_error",
}


@pytest.fixture(scope="module")
def broken_sandbox() -> Iterator[Sandbox]:
    with Sandbox(workers=1, config=SandboxConfig(python="/nonexistent/python")) as sb:
        yield sb


def input_question() -> Question:
    return next(q for q in all_questions() if q.items[0].kind is Kind.INPUT)


def half_right(q: Question) -> str:
    """The combined question with its first white-box answer wrong."""
    answers = [item.rendered for item in q.items]
    answers[1] = perturb(q, q.items[1])
    return render(q, answers)


# ---- ground truth ------------------------------------------------------------------------------


def test_ground_truth_round_trips_for_every_question() -> None:
    for q in all_questions():
        text = question_ground_truth(q, reward="accuracy")
        data = load_ground_truth(text)
        assert data == ScoringData.from_question(q, "accuracy")
        assert load_ground_truth(json.loads(text)) == data
        decoded = json.loads(text)
        assert "prompt" not in decoded and decoded["code"] == q.code
        assert decoded["reward"] == "accuracy" and decoded["entry"] == q.entry


def test_ground_truth_rejects_unknown_rewards_and_malformed_data() -> None:
    with pytest.raises(UnknownName):
        question_ground_truth(combined(), reward="nope")
    good = json.loads(question_ground_truth(combined()))
    cases = [
        ("not json", "not JSON"),
        ("[1, 2]", "expected a JSON object"),
        (json.dumps({**good, "execgym": 99}), "format version"),
        (json.dumps({**good, "style": "mbpp"}), "ground_truth.style"),
        (json.dumps({**good, "items": [{"kind": "guess", "reference": {}}]}), "items[0].kind"),
        (json.dumps({**good, "items": [{"kind": "next", "reference": {"line": "3"}}]}), "line"),
        (json.dumps({k: v for k, v in good.items() if k != "entry"}), "entry: missing"),
    ]
    for text, where in cases:
        with pytest.raises(GroundTruthError, match=where.replace("[", r"\[").replace("]", r"\]")):
            load_ground_truth(text)


def test_ground_truth_with_arrays_from_parquet() -> None:
    q = next(q for q in all_questions() if q.items[0].kind is Kind.PATH and q.style != "reval")
    data = json.loads(question_ground_truth(q))
    data["items"][0]["reference"]["lines"] = np.array(data["items"][0]["reference"]["lines"])
    data["items"] = np.array(data["items"], dtype=object)
    assert load_ground_truth(data) == load_ground_truth(question_ground_truth(q))


# ---- verl --------------------------------------------------------------------------------------


def test_verl_compute_score_as_the_naive_reward_manager_calls_it() -> None:
    q = combined()
    ground_truth = question_ground_truth(q)
    extra_info: dict[str, Any] = {"index": 0, "num_turns": None, "rollout_reward_scores": {}}
    result = verl_adapter.compute_score(
        data_source="execgym/execverify",
        solution_str=q.reference_answer,
        ground_truth=ground_truth,
        extra_info=extra_info,
    )
    assert result == {
        "score": 2.0,
        "output_correct": 1.0,
        "whitebox_fraction": 1.0,
        "accuracy": 1.0,
        "parse_failures": 0.0,
        "sandbox_error": 0.0,
    }
    whitebox = sum(1 for item in q.items if item.kind in (Kind.NEXT, Kind.STATE))
    partial = verl_adapter.compute_score(
        data_source="execgym/execverify",
        solution_str=half_right(q),
        ground_truth=ground_truth,
        extra_info=extra_info,
        # The experimental reward loop adds these; reward_kwargs from the config land here too.
        reward_router_address=None,
        reward_model_tokenizer=None,
    )
    assert set(partial) == METRIC_KEYS
    assert partial["score"] == pytest.approx(1 + (whitebox - 1) / whitebox)
    garbage = verl_adapter.compute_score("execgym", "no idea", ground_truth, None)
    assert garbage["score"] == 0.0 and garbage["parse_failures"] == len(q.items)


def test_verl_reward_kwargs_choose_the_reward() -> None:
    q = combined()
    result = verl_adapter.compute_score(
        data_source="execgym",
        solution_str=half_right(q),
        ground_truth=question_ground_truth(q),
        extra_info={},
        reward="accuracy",
    )
    assert result["score"] == pytest.approx((len(q.items) - 1) / len(q.items))


def test_verl_input_prediction_and_sandbox_failures(
    sandbox: Sandbox, broken_sandbox: Sandbox
) -> None:
    q = input_question()
    ground_truth = question_ground_truth(q)
    ok = verl_adapter.compute_score(
        data_source="execgym",
        solution_str=q.reference_answer,
        ground_truth=ground_truth,
        extra_info={},
        sandbox=sandbox,
    )
    assert ok["score"] == 1.0
    with pytest.raises(SandboxUnavailable):
        verl_adapter.compute_score(
            data_source="execgym",
            solution_str=q.reference_answer,
            ground_truth=ground_truth,
            extra_info={},
            sandbox=broken_sandbox,
        )
    skipped = verl_adapter.compute_score(
        data_source="execgym",
        solution_str=q.reference_answer,
        ground_truth=ground_truth,
        extra_info={},
        sandbox=broken_sandbox,
        sandbox_error_score=0.0,
    )
    assert set(skipped) == METRIC_KEYS and skipped["sandbox_error"] == 1.0


# ---- TRL ---------------------------------------------------------------------------------------


def test_trl_standard_completions() -> None:
    q = combined()
    truth = question_ground_truth(q)
    completions = [q.reference_answer, half_right(q), "I do not know"]
    rewards = trl_adapter.execution_reward(
        prompts=[q.prompt] * 3,
        completions=completions,
        completion_ids=[[1, 2, 3]] * 3,
        ground_truth=[truth] * 3,
        data_source=["execgym"] * 3,
        trainer_state=None,
    )
    assert rewards[0] == 2.0 and 1.0 < rewards[1] < 2.0 and rewards[2] == 0.0  # type: ignore[operator]
    assert trl_adapter.execution_reward.__name__ == "execution_reward"


def test_trl_conversational_completions() -> None:
    q = combined()
    prompts = [[{"role": "user", "content": q.prompt}]] * 2
    completions = [
        [{"role": "assistant", "content": q.reference_answer}],
        [{"role": "assistant", "content": [{"type": "text", "text": q.reference_answer}]}],
    ]
    rewards = trl_adapter.execution_reward(
        prompts=prompts,
        completions=completions,
        completion_ids=[[1], [2]],
        ground_truth=[question_ground_truth(q)] * 2,
    )
    assert rewards == [2.0, 2.0]


def test_trl_fixed_reward_and_reward_model_column() -> None:
    q = combined()
    accuracy = trl_adapter.make_reward_function("accuracy")
    assert accuracy.__name__ == "execgym_accuracy"
    rewards = accuracy(
        prompts=["p"],
        completions=[half_right(q)],
        completion_ids=[[0]],
        reward_model=[{"style": "rule", "ground_truth": question_ground_truth(q)}],
    )
    assert rewards == [pytest.approx((len(q.items) - 1) / len(q.items))]


def test_trl_sandbox_failure_gives_none_not_zero(sandbox: Sandbox, broken_sandbox: Sandbox) -> None:
    q = input_question()
    truth = question_ground_truth(q)
    wrong = render(q, ["'xyz'"])
    working = trl_adapter.make_reward_function(sandbox=sandbox)
    assert working(
        prompts=["p", "p"], completions=[q.reference_answer, wrong], ground_truth=[truth] * 2
    ) == [1.0, 0.0]
    broken = trl_adapter.make_reward_function(sandbox=broken_sandbox)
    mixed = broken(
        prompts=["p", "p"],
        completions=[q.reference_answer, combined().reference_answer],
        ground_truth=[truth, question_ground_truth(combined())],
    )
    assert mixed == [None, 2.0]


def test_trl_missing_column_names_the_columns() -> None:
    with pytest.raises(GroundTruthError, match="columns: answer"):
        trl_adapter.execution_reward(prompts=["p"], completions=["c"], answer=["x"])
    with pytest.raises(GroundTruthError, match="row 1"):
        trl_adapter.execution_reward(
            prompts=["p", "p"],
            completions=["c", "c"],
            ground_truth=[question_ground_truth(combined()), "{}"],
        )


# ---- OpenRLHF ----------------------------------------------------------------------------------


def test_openrlhf_reward_func_as_the_single_turn_executor_calls_it() -> None:
    q = combined()
    prompt = "<|im_start|>user\n" + q.prompt + "<|im_end|>\n<|im_start|>assistant\n"
    query = prompt + q.reference_answer + "<|im_end|>"
    result = openrlhf_adapter.reward_func([query], [prompt], [question_ground_truth(q)])
    assert set(result) == {"rewards", "scores", "extra_logs"}
    assert list(result["rewards"]) == [2.0]
    assert list(result["scores"]) == [1.0]
    assert result["extra_logs"] == {
        "output_correct": 1.0,
        "whitebox_fraction": 1.0,
        "accuracy": 1.0,
        "parse_failures": 0.0,
    }


def test_openrlhf_batches_and_legacy_contract() -> None:
    q = combined()
    truth = question_ground_truth(q)
    prompts = ["PROMPT A", "PROMPT B"]
    queries = ["PROMPT A" + q.reference_answer, "decoded differently " + half_right(q)]
    result = openrlhf_adapter.reward_func(queries, prompts, [truth, truth])
    rewards = list(result["rewards"])
    assert rewards[0] == 2.0 and 1.0 < rewards[1] < 2.0
    assert list(result["scores"]) == [1.0, pytest.approx(rewards[1] / 2)]
    assert list(openrlhf_adapter.reward_tensor(queries, prompts, [truth, truth])) == rewards


def test_openrlhf_sandbox_failure_raises(broken_sandbox: Sandbox) -> None:
    q = input_question()
    with pytest.raises(SandboxUnavailable):
        openrlhf_adapter.reward_func(
            ["p" + q.reference_answer], ["p"], [question_ground_truth(q)], sandbox=broken_sandbox
        )


# ---- loading by file path, as verl and OpenRLHF do -----------------------------------------


def load_by_path(module: ModuleType) -> ModuleType:
    assert module.__file__ is not None
    spec = importlib.util.spec_from_file_location("reward_func", Path(module.__file__))
    assert spec is not None and spec.loader is not None
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def test_adapters_load_by_file_path() -> None:
    q = combined()
    truth = question_ground_truth(q)
    verl_module = load_by_path(verl_adapter)
    assert verl_module.compute_score("execgym", q.reference_answer, truth)["score"] == 2.0
    openrlhf_module = load_by_path(openrlhf_adapter)
    result = openrlhf_module.reward_func(["p" + q.reference_answer], ["p"], [truth])
    assert list(result["rewards"]) == [2.0]
