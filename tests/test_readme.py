"""The README's examples run as printed.

Every ``bash`` and ``python`` block of the README is either run here, in a scratch
directory, with its result checked, or named below with the reason it cannot run in a test
(an install, a model server). A new example must be added to one or the other. Dataset
files the examples name by their upstream names are put in the scratch directory from
``../shared/data``; generations files are made here.
"""

from __future__ import annotations

import gzip
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")
FENCE = re.compile(r"^```(\w+)\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
BLOCKS = [(lang, body) for lang, body in FENCE.findall(README) if lang in ("bash", "python")]

NOT_RUN = {
    "pip install": "installs execgym into a fresh environment (.ci/run does that)",
    "vllm serve": "needs a model server and a GPU",
}


def reason_not_run(body: str) -> str | None:
    return next((why for marker, why in NOT_RUN.items() if marker in body), None)


class Outcome:
    def __init__(self, result: subprocess.CompletedProcess[str], workdir: Path) -> None:
        self.stdout = result.stdout
        self.stderr = result.stderr
        self.workdir = workdir

    def json_lines(self, name: str) -> list[dict[str, object]]:
        text = (self.workdir / name).read_text(encoding="utf-8")
        return [json.loads(line) for line in text.splitlines()]

    def summary(self, run_dir: str) -> dict[str, object]:
        return dict(json.loads((self.workdir / run_dir / "summary.json").read_text()))


def _check_run(outcome: Outcome) -> None:
    assert outcome.stdout == "cba\n"
    assert outcome.stderr.startswith("OK  exit 0")


def _check_judge(outcome: Outcome) -> None:
    results = outcome.json_lines("results.jsonl")
    assert sorted((r["id"], r["verdict"], r["passed"], r["total"]) for r in results) == [
        ("add", "OK", 1, 1),
        ("double", "OK", 2, 2),
    ]


def _check_trace(outcome: Outcome) -> None:
    assert "s += x" in outcome.stdout
    assert "output: 3 (int)" in outcome.stdout


def _check_questions(outcome: Outcome) -> None:
    rows = {row["id"]: row for row in outcome.json_lines("cruxeval.jsonl")}
    questions = outcome.json_lines("questions.jsonl")
    assert len(questions) >= 796
    for question in questions:
        items: Any = question["items"]
        (item,) = items
        assert item["reference"]["literal"] == rows[str(question["program_id"])]["output"]


def _check_synth(outcome: Outcome) -> None:
    programs = outcome.json_lines("programs.jsonl")
    assert [row["level"] for row in programs] == [f"L{n}" for n in range(1, 7) for _ in range(5)]
    assert (outcome.workdir / "synth-report" / "medians.png").stat().st_size > 0
    assert "| L6 | 5 |" in outcome.stdout


def _check_score(outcome: Outcome) -> None:
    crux = outcome.summary("runs/score")
    assert crux["finished"] == 800 and crux["pass@1"] == 0.5  # the test's generations
    humaneval = outcome.summary("runs/he")
    assert humaneval["finished"] == 164 and humaneval["pass@1"] == 1.0


def _check_export(outcome: Outcome) -> None:
    import pyarrow.parquet as pq

    rows = pq.read_table(outcome.workdir / "train.parquet").to_pylist()
    assert len(rows) == 6 and {row["data_source"] for row in rows} == {"execgym/execq"}
    assert [row["extra_info"]["level"] for row in rows] == ["L1"] * 3 + ["L2"] * 3
    chats: list[Any] = outcome.json_lines("sft.jsonl")
    assert len(chats) == 6 and all(c["messages"][-1]["role"] == "assistant" for c in chats)


def _check_sandbox_snippet(outcome: Outcome) -> None:
    assert outcome.stdout == "cba\nOK 1 1\n"


def _check_trainer_imports(outcome: Outcome) -> None:
    assert outcome.stdout == "" and outcome.stderr == ""


def _check_household(outcome: Outcome) -> None:
    assert outcome.stdout == (
        "put a clean dishsponge in toilet.\nYou move the dishsponge 1 to the toilet 1. 1.0\n"
    )


CHECKS: dict[str, Callable[[Outcome], None]] = {
    "execgym run reverse.py": _check_run,
    "execgym judge --batch batch.jsonl": _check_judge,
    "execgym trace total.py": _check_trace,
    "execgym questions cruxeval.jsonl": _check_questions,
    "execgym synth --levels 1-6 --per-level 5": _check_synth,
    "execgym score cruxeval-o": _check_score,
    "with Sandbox(workers=2) as sb:": _check_sandbox_snippet,
    "from execgym.rewards.verl import": _check_trainer_imports,
    "execgym export verl train-programs.jsonl": _check_export,
    "from execgym.train.verl import": _check_trainer_imports,
    "env = HouseholdEnv(": _check_household,
}
"""What each example that runs must produce, keyed by a line of it."""


def _check_for(body: str) -> Callable[[Outcome], None]:
    found = [check for key, check in CHECKS.items() if key in body]
    assert len(found) == 1, f"a README example without exactly one check here:\n{body}"
    return found[0]


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, shared_data: Path) -> Path:
    """A scratch directory holding the dataset and generations files the examples name."""
    directory = tmp_path_factory.mktemp("readme")
    shutil.copy(shared_data / "cruxeval.jsonl", directory / "cruxeval.jsonl")
    shutil.copy(shared_data / "HumanEval.jsonl.gz", directory / "HumanEval.jsonl.gz")
    rows = [json.loads(line) for line in (shared_data / "cruxeval.jsonl").open()]
    generations = {
        row["id"]: [row["output"] if index % 2 == 0 else "'not the output'"]
        for index, row in enumerate(rows)
    }
    (directory / "generations.json").write_text(json.dumps(generations), encoding="utf-8")
    with gzip.open(shared_data / "HumanEval.jsonl.gz", "rt", encoding="utf-8") as stream:
        problems = [json.loads(line) for line in stream]
    completions = {p["task_id"]: [p["prompt"] + p["canonical_solution"]] for p in problems}
    (directory / "completions.json").write_text(json.dumps(completions), encoding="utf-8")
    return directory


def test_the_readme_starts_with_what_execgym_is_and_its_two_commands() -> None:
    head = README.split("\n## ", 1)[0]
    assert head.splitlines()[2].startswith("execgym makes code execution the ground truth")
    main_job, tests = BLOCKS[0][1], BLOCKS[1][1]
    assert main_job.strip().endswith(".venv/bin/execgym pipeline")
    assert "pip install -q -e ." in main_job and "[dev]" not in main_job
    assert ".[dev]" in tests and tests.strip().endswith(".venv/bin/pytest -q")
    assert README.index(tests) < 1000  # both within the first lines


def test_examples_use_upstream_file_names_not_the_development_layout() -> None:
    for _, body in BLOCKS:
        assert "shared/data" not in body, body


def test_every_example_is_run_or_says_why_not() -> None:
    run = [body for _, body in BLOCKS if reason_not_run(body) is None]
    assert len(run) == len(CHECKS)
    for body in run:
        _check_for(body)
    skipped = [why for _, body in BLOCKS if (why := reason_not_run(body)) is not None]
    assert sorted(set(skipped)) == sorted(NOT_RUN.values())


@pytest.mark.parametrize(
    ("lang", "body"),
    [(lang, body) for lang, body in BLOCKS if reason_not_run(body) is None],
    ids=lambda value: value.strip().splitlines()[0][:50] if "\n" in value else value,
)
def test_readme_example_runs_as_printed(lang: str, body: str, workdir: Path) -> None:
    check = _check_for(body)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    env.pop("COLUMNS", None)
    command = ["bash", "-euo", "pipefail", "-c", body] if lang == "bash" else [sys.executable]
    result = subprocess.run(
        command,
        input=None if lang == "bash" else body,
        cwd=workdir,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, (
        f"{body}\n--- stdout\n{result.stdout}\n--- stderr\n{result.stderr}"
    )
    check(Outcome(result, workdir))
