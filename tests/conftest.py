"""Shared fixtures: one warm sandbox per test session, and the path of the shared data."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from execgym.sandbox import Sandbox, SandboxConfig
from execgym.synth import INSTRUMENTS

SHARED_DATA = Path(__file__).resolve().parents[1].parent / "shared" / "data"


@pytest.fixture(scope="session")
def sandbox() -> Iterator[Sandbox]:
    # The tracer's and the synthesis filters' instruments are allowed (synth's include the
    # tracer's).
    with Sandbox(workers=2, config=SandboxConfig(instruments=INSTRUMENTS)) as sb:
        sb.start()
        yield sb


@pytest.fixture(scope="session")
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        raise FileNotFoundError(f"shared data not found at {SHARED_DATA}")
    return SHARED_DATA
