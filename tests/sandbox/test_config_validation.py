"""A sandbox asked for no workers, or to preload a module that does not exist, is refused
when it is made, naming what is wrong (never silently "every core" or a dropped preload)."""

from __future__ import annotations

import pytest

from execgym.sandbox import Sandbox, SandboxConfig
from execgym.synth import INSTRUMENTS


@pytest.mark.parametrize("workers", [0, -1])
def test_fewer_than_one_worker_is_an_error(workers: int) -> None:
    with pytest.raises(ValueError, match=f"workers must be at least 1.*got {workers}"):
        Sandbox(workers=workers)


def test_no_worker_count_means_one_per_core() -> None:
    sandbox = Sandbox()
    try:
        assert sandbox.workers >= 1
    finally:
        sandbox.close()


def test_a_misspelled_preload_is_named() -> None:
    with pytest.raises(ValueError, match=r"cannot import: nmupy, no_such\.module$"):
        SandboxConfig(preload=("json", "nmupy", "no_such.module"))


def test_importable_preloads_and_instruments_are_accepted() -> None:
    preload = ("json", "decimal")
    config = SandboxConfig(preload=preload, instruments=INSTRUMENTS)
    assert config.preload == preload and config.instruments == INSTRUMENTS


def test_an_instrument_that_cannot_be_found_is_named() -> None:
    with pytest.raises(ValueError, match=r"instrument module 'execgym\.nowhere' cannot be found"):
        SandboxConfig(instruments=("execgym.nowhere",))
