"""The layer contracts (pyproject.toml, ``[tool.importlinter]``) hold, and fail on a private
cross-package import planted in a copy of the package."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "src" / "execgym"


def _lint_imports(python_path: Path) -> subprocess.CompletedProcess[str]:
    tool = Path(sys.executable).with_name("lint-imports")
    assert tool.exists(), "lint-imports is not installed; install the 'dev' extra"
    env = {**os.environ, "PYTHONPATH": str(python_path)}
    return subprocess.run(
        [str(tool), "--config", str(ROOT / "pyproject.toml"), "--no-cache"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )


def test_the_layer_contracts_hold() -> None:
    result = _lint_imports(ROOT / "src")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "BROKEN" not in result.stdout


def test_a_private_import_across_packages_breaks_a_contract(tmp_path: Path) -> None:
    copy = tmp_path / "execgym"
    shutil.copytree(PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__"))
    (copy / "bench" / "_planted.py").write_text(
        "from execgym.sandbox._harness import __name__ as harness\n", encoding="utf-8"
    )
    result = _lint_imports(tmp_path)
    assert result.returncode != 0
    assert "execgym.bench._planted -> execgym.sandbox._harness" in result.stdout
