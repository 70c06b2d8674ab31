"""Makes the scripted policies (``scripted``) and the fake OpenAI server importable, and
gives the agent tests a sandbox with room for several interpreters at once."""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from execgym.sandbox import Sandbox

_HERE = Path(__file__).resolve().parent
for folder in (_HERE, _HERE.parent / "llm"):
    if str(folder) not in sys.path:
        sys.path.insert(0, str(folder))


@pytest.fixture(scope="session")
def agent_sandbox() -> Iterator[Sandbox]:
    """Four fork-servers: an episode's interpreter holds one for the whole episode."""
    with Sandbox(workers=4) as sandbox:
        sandbox.start()
        yield sandbox
