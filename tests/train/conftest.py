"""Fixtures of the training tests: exported questions and benchmark rows, a broken sandbox."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from execgym.sandbox import Sandbox, SandboxConfig
from execgym.train import TrainingRow, benchmark_rows, read_rows
from train._train_data import PROGRAMS, execgym, write_jsonl


@pytest.fixture(scope="session")
def train_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("train")


@pytest.fixture(scope="session")
def programs_file(train_dir: Path) -> Path:
    return write_jsonl(train_dir / "programs.jsonl", PROGRAMS)


@pytest.fixture(scope="session")
def questions_file(train_dir: Path, programs_file: Path) -> Path:
    """ExecVerify's combined questions about the four programs (``execgym questions``)."""
    out = train_dir / "questions.jsonl"
    done = execgym("questions", str(programs_file), "-o", str(out))
    assert done.exit_code == 0, done.output
    return out


@pytest.fixture(scope="session")
def question_rows(questions_file: Path) -> list[TrainingRow]:
    rows, problems = read_rows(questions_file, "questions")
    assert not problems
    return rows


@pytest.fixture(scope="session")
def apps_rows(shared_data: Path) -> list[TrainingRow]:
    """The APPS samples as code-generation rows (each with its reference solution)."""
    rows, problems = benchmark_rows("apps", shared_data / "apps_coderl")
    assert not problems and rows
    return rows


@pytest.fixture(scope="module")
def broken_sandbox() -> Iterator[Sandbox]:
    """A sandbox whose fork-servers cannot start: every run is a SANDBOX_ERROR."""
    with Sandbox(workers=1, config=SandboxConfig(python="/nonexistent/python")) as sb:
        yield sb
