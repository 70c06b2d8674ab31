"""The agent tests' sandbox, with room for several interpreters at once."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from execgym.sandbox import Sandbox


@pytest.fixture(scope="session")
def agent_sandbox() -> Iterator[Sandbox]:
    """Four fork-servers: an episode's interpreter holds one for the whole episode."""
    with Sandbox(workers=4) as sandbox:
        sandbox.start()
        yield sandbox
