"""Fixtures of the repair tests: the APPS samples of the shared data, and the scripted model."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from execgym.bench import Problem, load_dataset

_HERE = str(Path(__file__).resolve().parent)
if _HERE not in sys.path:
    sys.path.insert(0, _HERE)


@pytest.fixture(scope="session")
def apps_dir(shared_data: Path) -> Path:
    return shared_data / "apps_coderl"


@pytest.fixture(scope="session")
def apps(apps_dir: Path) -> dict[str, Problem]:
    return {problem.id: problem for problem in load_dataset("apps", apps_dir)}


@pytest.fixture(scope="session")
def apps_solutions(apps_dir: Path) -> dict[str, list[str]]:
    return {
        path.name: json.loads((path / "solutions.json").read_text(encoding="utf-8"))
        for path in sorted(apps_dir.iterdir())
    }
