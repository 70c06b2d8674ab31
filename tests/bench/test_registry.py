"""The dataset registry, and the invariant every loader must hold: a model's prompt never
contains a hidden test (walked over every registered dataset)."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
from _bench_samples import SAMPLES

from execgym.bench import (
    DatasetUnavailableError,
    Problem,
    dataset_names,
    get_dataset,
    load_dataset,
)
from execgym.bench._asserts import HOLDS_HELPER
from execgym.bench._rows import read_rows
from execgym.sandbox import CallTest, StdioTest

MIN_REVEALING = 4
"""Texts shorter than this (``5``, ``No``) appear in statements by coincidence; longer hidden
inputs and outputs must not appear in a prompt."""

EXPECTED_NAMES = [
    "apps",
    "codecontests",
    "humaneval",
    "humaneval+",
    "lcb-codegen",
    "mbpp",
    "mbpp+",
    "xcodeeval",
]


def test_dataset_names() -> None:
    assert dataset_names() == EXPECTED_NAMES
    for name in dataset_names():
        spec = get_dataset(name)
        assert spec.name == name and spec.description
    with pytest.raises(KeyError, match="known datasets: apps"):
        get_dataset("humaneval-")


def _texts(test: StdioTest | CallTest) -> set[str]:
    """What of a test would give it away if a prompt contained it."""
    if isinstance(test, StdioTest):
        outputs = [test.output] if isinstance(test.output, str) else test.output or []
        return {_norm(test.input), *(_norm(o) for o in outputs)}
    texts = set()
    if test.args_src is not None and not test.args_src.isidentifier():
        texts.add(test.args_src)
    if test.args:
        texts.add(json.dumps(test.args)[1:-1])
    if test.compare and test.fn_name != HOLDS_HELPER:
        texts.add(test.expected_literal or json.dumps(test.expected))
    return texts


def _norm(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines())


def _leaks(problem: Problem) -> list[str]:
    prompt = problem.prompt_text()
    flat_prompt = _norm(prompt)
    public = set().union(*(_texts(t) for t in problem.public_tests))
    leaks = []
    for test in problem.hidden_tests:
        for text in _texts(test) - public:
            if len(text) >= MIN_REVEALING and (text in prompt or text in flat_prompt):
                leaks.append(f"{problem.source} {problem.id}: hidden {text!r:.80} in the prompt")
    for line in problem.test_code.splitlines():
        if "assert" in line and line.strip() in prompt:
            leaks.append(f"{problem.source} {problem.id}: test code {line.strip()!r:.80}")
    for solution in problem.reference_solutions:
        body = solution.removeprefix(problem.starter_code).strip()
        if len(body) >= MIN_REVEALING and body in prompt:
            leaks.append(f"{problem.source} {problem.id}: a reference solution is in the prompt")
    return leaks


def _every_dataset(tmp_path: Path, shared_data: Path) -> dict[str, list[Problem]]:
    loaded = {
        "humaneval": load_dataset("humaneval", shared_data / "HumanEval.jsonl.gz"),
    }
    for name, build in SAMPLES.items():
        directory = tmp_path / name.replace("+", "plus")
        directory.mkdir()
        loaded[name] = load_dataset(name, build(directory).path)
    loaded["apps"] += load_dataset("apps", shared_data / "apps_coderl")
    return loaded


def test_hidden_tests_never_appear_in_prompts(tmp_path: Path, shared_data: Path) -> None:
    loaded = _every_dataset(tmp_path, shared_data)
    assert sorted(loaded) == dataset_names(), "every dataset needs sample data in this test"
    leaks = []
    for name, problems in loaded.items():
        assert problems, name
        assert all(p.hidden_tests for p in problems if p.source != "apps"), name
        for problem in problems:
            leaks += _leaks(problem)
    assert not leaks, "\n".join(leaks)


def test_the_leak_check_catches_a_leak(tmp_path: Path) -> None:
    (problem,) = load_dataset("codecontests", SAMPLES["codecontests"](tmp_path).path)
    leaky = problem.model_copy(update={"statement": problem.statement + "\n1000000 2345678\n"})
    assert _leaks(leaky)


def test_without_a_path_the_hub_needs_the_datasets_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)  # makes "import datasets" fail
    with pytest.raises(DatasetUnavailableError, match=r"--data PATH.*pip install datasets"):
        load_dataset("humaneval")
    with pytest.raises(DatasetUnavailableError, match="no Hugging Face hub source"):
        load_dataset("xcodeeval")


def test_limit(shared_data: Path) -> None:
    problems = load_dataset("humaneval", shared_data / "HumanEval.jsonl.gz", limit=3)
    assert [p.id for p in problems] == ["HumanEval/0", "HumanEval/1", "HumanEval/2"]


def test_without_a_path_rows_come_from_the_hub(
    monkeypatch: pytest.MonkeyPatch, shared_data: Path
) -> None:
    rows = [dict(row.data) for row in read_rows(shared_data / "HumanEval.jsonl.gz")][:2]
    calls: list[tuple[str, str | None, dict[str, object]]] = []

    def fake_load_dataset(
        dataset_id: str, config: str | None, **kwargs: object
    ) -> list[dict[str, Any]]:
        calls.append((dataset_id, config, kwargs))
        return rows

    monkeypatch.setitem(sys.modules, "datasets", SimpleNamespace(load_dataset=fake_load_dataset))
    problems = load_dataset("humaneval")
    assert [p.id for p in problems] == ["HumanEval/0", "HumanEval/1"]
    assert calls == [("openai/openai_humaneval", None, {"split": "test"})]
