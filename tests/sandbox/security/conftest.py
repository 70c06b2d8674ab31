"""Fixtures of the security tests: a sandbox of this process, and the host data it hides."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from execgym.sandbox import Sandbox
from sandbox.security._support import (
    HOST_SECRET_DIR,
    ensure_ordinary_user,
    ordinary_user_unavailable,
)


@pytest.fixture(scope="module")
def own_sandbox() -> Iterator[Sandbox]:
    """One worker, so that consecutive runs go through the same fork-server."""
    with Sandbox(workers=1) as sb:
        sb.start()
        yield sb


@pytest.fixture(scope="session")
def host_secrets() -> Iterator[Path]:
    """A world-readable directory of host data no program may see: hidden tests, a unix
    socket's path (the socket is made by the tests that need it)."""
    HOST_SECRET_DIR.mkdir(mode=0o755)
    (HOST_SECRET_DIR / "hidden_tests.json").write_text('{"inputs": ["1"], "outputs": ["42"]}')
    os.chmod(HOST_SECRET_DIR / "hidden_tests.json", 0o644)
    own = HOST_SECRET_DIR / "own_secret"
    own.write_text("the ordinary user's own secret")
    os.chmod(own, 0o600)
    if os.geteuid() == 0 and ordinary_user_unavailable() is None:
        user = ensure_ordinary_user()
        os.chown(own, user.pw_uid, user.pw_gid)
    try:
        yield HOST_SECRET_DIR
    finally:
        for path in sorted(HOST_SECRET_DIR.rglob("*"), reverse=True):
            path.unlink() if not path.is_dir() else path.rmdir()
        HOST_SECRET_DIR.rmdir()
