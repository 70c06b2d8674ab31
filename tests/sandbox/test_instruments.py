"""The instrument allowlist: a test may name only a module its sandbox was configured with."""

from __future__ import annotations

import pytest

from execgym.sandbox import CallTest, Limits, Sandbox, SandboxConfig, Verdict
from execgym.trace import INSTRUMENT, INSTRUMENTS, check_tracing, trace_call

CODE = "def f(x):\n    y = x + 1\n    return y\n"


def test_a_sandbox_allows_no_instrument_by_default() -> None:
    assert SandboxConfig().instruments == ()
    with Sandbox(workers=1) as sandbox:
        test = CallTest(fn_name="f", args=[1], instrument=INSTRUMENT)
        (result,) = sandbox.execute(CODE, [test], Limits(time_s=2.0), preamble=False)
        assert result.verdict is Verdict.RUNTIME_ERROR
        assert result.error is not None
        assert "not one of this sandbox's instruments" in result.error.message
        with pytest.raises(ValueError, match="SandboxConfig\\(instruments="):
            check_tracing(sandbox)
        with pytest.raises(ValueError, match="does not allow the tracer's instrument"):
            trace_call(sandbox, CODE, "f", "1")


def test_only_allowlisted_modules_run_as_instruments() -> None:
    with Sandbox(workers=1, config=SandboxConfig(instruments=INSTRUMENTS)) as sandbox:
        traced = trace_call(sandbox, CODE, "f", "1")
        assert traced.output is not None and traced.output.literal == "2"
        # Another trusted execgym module, importable in the child, is still refused.
        other = CallTest(fn_name="f", args=[1], instrument="execgym.synth._batch_instrument")
        (result,) = sandbox.execute(CODE, [other], Limits(time_s=2.0), preamble=False)
        assert result.verdict is Verdict.RUNTIME_ERROR
        assert (
            result.error is not None and "execgym.synth._batch_instrument" in result.error.message
        )


def test_an_instrument_that_cannot_be_found_is_refused_up_front() -> None:
    with pytest.raises(ValueError, match=r"execgym\.trace\._no_such_recorder"):
        SandboxConfig(instruments=("execgym.trace._no_such_recorder",))
