"""Fixtures of the synth tests: a second sandbox (another hash seed) and the filter."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from execgym.sandbox import Sandbox, SandboxConfig
from execgym.synth import INSTRUMENTS, FilterOptions, ProgramFilter


@pytest.fixture(scope="session")
def second_sandbox() -> Iterator[Sandbox]:
    with Sandbox(workers=2, config=SandboxConfig(hash_seed=1, instruments=INSTRUMENTS)) as sb:
        sb.start()
        yield sb


@pytest.fixture(scope="session")
def program_filter(sandbox: Sandbox, second_sandbox: Sandbox) -> ProgramFilter:
    return ProgramFilter(sandbox, second_sandbox, FilterOptions(time_s=0.5))
