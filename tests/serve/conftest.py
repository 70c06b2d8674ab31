"""One sandbox service for the tests of this package that need no special settings."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from serve.service_process import Service, running_service


@pytest.fixture(scope="session")
def service() -> Iterator[Service]:
    with running_service("--workers", "2") as started:
        yield started
