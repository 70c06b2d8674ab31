"""Small inputs for the training tests, and the command line run in-process."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner, Result

from execgym.cli import app

PROGRAMS = [
    {"id": "add", "code": "def f(x):\n    return x + 1", "input": "2", "level": "L1"},
    {"id": "double", "code": "def f(x):\n    return x * 2", "input": "2", "level": "L1"},
    {"id": "add-two", "code": "def f(x):\n    return x + 2", "input": "1", "level": "L2"},
    {"id": "halve", "code": "def f(x):\n    return x // 2", "input": "8", "level": "L2"},
]
"""Four one-line programs whose outputs are 3 or 4."""


def execgym(*args: str) -> Result:
    """``execgym ARGS`` through typer's runner."""
    return CliRunner().invoke(app, list(args))


def write_jsonl(path: Path, rows: list[Any]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path
