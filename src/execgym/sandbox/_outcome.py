"""Turn a fork-server response into per-test results, before any comparison.

Verdicts decided here are the ones that need no expected output: ``COMPILE_ERROR``,
``RUNTIME_ERROR``, ``TIME_LIMIT``, ``MEMORY_LIMIT``, ``OUTPUT_LIMIT``, ``SANDBOX_ERROR``; a
test that ran to completion gets ``OK`` here and is compared by the judge afterwards.
A test that never started (the child died on an earlier one) is ``None``: run it again.
"""

from __future__ import annotations

import json
import signal
from typing import Any

from execgym.sandbox._models import ErrorInfo, TestResult, Verdict

_TIME_SIGNALS = {signal.SIGXCPU}
_STATUS_VERDICT = {
    "timeout": Verdict.TIME_LIMIT,
    "memory": Verdict.MEMORY_LIMIT,
    "exception": Verdict.RUNTIME_ERROR,
}


def test_outcomes(
    response: dict[str, Any], kinds: list[str], time_s: float
) -> tuple[list[TestResult | None], str | None]:
    """Per-test results for the tests of one request, and a note on how the child ended."""
    n = len(kinds)
    if not response.get("ok") and response.get("oom_killed"):
        # The run filled its memory cgroup and the kernel's OOM killer chose the fork-server:
        # the program's doing, so its verdict, not a sandbox failure.
        detail = "the process tree exceeded its memory limit (the kernel ended the run)"
        return [TestResult(verdict=Verdict.MEMORY_LIMIT, detail=detail) for _ in range(n)], detail
    if not response.get("ok"):
        detail = f"sandbox failure: {response.get('error', 'unknown')}"
        return [_sandbox_error(detail) for _ in range(n)], detail
    if response.get("protocol_error"):
        # The program wrote to the harness's channel: none of the run's reports can be trusted.
        detail = f"protocol violation: {response['protocol_error']}"
        return [
            TestResult(verdict=Verdict.RUNTIME_ERROR, detail=detail[:500]) for _ in range(n)
        ], detail
    events: list[dict[str, Any]] = response["events"]
    results: list[TestResult | None] = [None] * n
    last_done: int | None = None
    for position, event in enumerate(events):
        kind = event.get("ev")
        if kind == "setup_error" and position == 0:
            # Only the child's own set-up, before any untrusted code, can send this.
            detail = f"sandbox failure in the child's set-up: {str(event.get('error', ''))[-400:]}"
            return [_sandbox_error(detail) for _ in range(n)], detail
        if kind == "compile_error":
            error = _error(event.get("error"))
            return [
                TestResult(verdict=Verdict.COMPILE_ERROR, error=error, detail="does not compile")
                for _ in range(n)
            ], None
        if kind == "load_error":
            result = _from_done(event, call=True, time_s=time_s)
            result.detail = "failed while loading the program: " + result.detail
            return [result.model_copy() for _ in range(n)], None
        if kind == "done":
            index = event.get("i")
            if isinstance(index, int) and 0 <= index < n:
                results[index] = _from_done(event, call=kinds[index] == "call", time_s=time_s)
                last_done = index
    current = response.get("current")
    death = _tree_limit(response) or _death(response)
    if death is None:
        return results, None
    if isinstance(current, int) and 0 <= current < n and results[current] is None:
        results[current] = death
    elif not any(e.get("ev") in ("loaded", "start") for e in events):
        # Died before any test started (e.g. os._exit while loading): every test fails.
        return [death.model_copy() for _ in range(n)], death.detail
    elif last_done is not None:
        # The harness reported a test, then the process ended without finishing the run: a
        # forged report followed by an exit looks exactly like this, so the test fails.
        death.detail = "the process ended abnormally after this test reported: " + death.detail
        results[last_done] = death
    return results, death.detail


def _from_done(event: dict[str, Any], call: bool, time_s: float) -> TestResult:
    status = event.get("status")
    # CPU time as the fork-server measured it over the test's whole process tree; the
    # harness's own figure only where the fork-server had none.
    kernel_cpu = event.get("kernel_cpu_s")
    result = TestResult(
        verdict=Verdict.OK,
        cpu_s=_number(kernel_cpu if kernel_cpu is not None else event.get("cpu_s")),
        wall_s=_number(event.get("wall_s")),
        peak_memory_mb=_number(event.get("rss_mb")),
        stdout=_text(event.get("stdout")),
        stderr=_text(event.get("stderr")),
        exit_code=event.get("exit_code") if type(event.get("exit_code")) is int else None,
        actual=_json(event.get("value"), "value") if event.get("value") else None,
        error=_error(event.get("error")) if event.get("error") else None,
        extra=_record(event),
    )
    if event.get("oom_killed"):
        result.verdict = Verdict.MEMORY_LIMIT
        result.detail = "the process tree exceeded its memory limit (a process was killed)"
    elif event.get("stdout_over") or event.get("stderr_over"):
        result.verdict = Verdict.OUTPUT_LIMIT
        result.detail = "output exceeded the limit"
    elif status in _STATUS_VERDICT:
        result.verdict = _STATUS_VERDICT[status]
        result.detail = _describe(result)
    elif _over_kernel_cpu(event, time_s):
        result.verdict = Verdict.TIME_LIMIT
        result.detail = "time limit exceeded (CPU time measured by the fork-server)"
    elif status == "exit":
        code = result.exit_code
        if call or code:
            result.verdict = Verdict.RUNTIME_ERROR
            result.detail = f"the program called exit({code}) during the test"
    elif status != "ok":
        result.verdict = Verdict.RUNTIME_ERROR
        result.detail = f"unexpected status {status!r} from the harness"
    return result


def _text(data: Any) -> str:
    return data.decode("utf-8", "replace") if isinstance(data, bytes) else ""


def _json(data: Any, what: str) -> Any:
    """A JSON blob from the child (its nesting already bounded by the fork-server)."""
    if not isinstance(data, bytes):
        return None
    try:
        return json.loads(data)
    except ValueError as exc:
        return {"$": "invalid", "reason": f"the {what} is not valid JSON: {exc}"}


def _record(event: dict[str, Any]) -> dict[str, Any] | None:
    if event.get("extra_error"):
        return {"error": str(event["extra_error"])}
    if not event.get("extra"):
        return None
    record = _json(event.get("extra"), "record")
    return record if isinstance(record, dict) else None


def _tree_limit(response: dict[str, Any]) -> TestResult | None:
    """The verdict of a test stopped because its whole process tree broke a limit."""
    reason = response.get("tree_limit")
    oom = response.get("oom_killed") and isinstance(response.get("current"), int)
    if not reason and not oom:
        return None
    common: dict[str, Any] = {
        "cpu_s": _number(response.get("cpu_s")),
        "wall_s": _number(response.get("wall_s")),
        "stdout": _text(response.get("partial_stdout")),
        "stderr": _text(response.get("partial_stderr")),
    }
    if isinstance(reason, str) and reason.startswith("time"):
        return TestResult(
            verdict=Verdict.TIME_LIMIT, detail=f"time limit exceeded ({reason})", **common
        )
    detail = (
        f"memory limit exceeded ({reason})"
        if reason
        else "the process tree exceeded its memory limit"
    )
    return TestResult(verdict=Verdict.MEMORY_LIMIT, detail=detail, **common)


def _over_kernel_cpu(event: dict[str, Any], time_s: float) -> bool:
    """Whether the kernel's CPU accounting of the test's whole process tree puts it clearly
    over its limit (the fork-server reads it when events arrive, a little late, hence the
    margin)."""
    kernel = event.get("kernel_cpu_s")
    return isinstance(kernel, (int, float)) and kernel > time_s * 1.2 + 0.05


def _describe(result: TestResult) -> str:
    if result.verdict is Verdict.TIME_LIMIT:
        return "time limit exceeded"
    if result.verdict is Verdict.MEMORY_LIMIT:
        return "memory limit exceeded (MemoryError)"
    if result.error:
        return f"{result.error.type}: {result.error.message}"[:300]
    return ""


def _death(response: dict[str, Any]) -> TestResult | None:
    """The result for a test that was running when the child ended, if it ended abnormally."""
    common: dict[str, Any] = {
        "cpu_s": _number(response.get("cpu_s")),
        "wall_s": _number(response.get("wall_s")),
        "peak_memory_mb": _number(response.get("rss_mb")),
        "stdout": _text(response.get("partial_stdout")),
        "stderr": _text(response.get("partial_stderr")),
    }
    signum = response.get("signal")
    if response.get("caller_closed"):
        return TestResult(
            verdict=Verdict.RUNTIME_ERROR,
            exit_code=-signal.SIGKILL,
            detail="stopped: the caller closed the interaction",
            **common,
        )
    if response.get("watchdog"):
        return TestResult(
            verdict=Verdict.TIME_LIMIT,
            exit_code=-signal.SIGKILL,
            detail="killed at the wall-time limit",
            **common,
        )
    cpu_limit = response.get("cpu_limit_s")
    hit_cpu_limit = isinstance(cpu_limit, (int, float)) and common["cpu_s"] >= cpu_limit - 0.05
    if isinstance(signum, int):
        if signum in _TIME_SIGNALS or (signum == signal.SIGKILL and hit_cpu_limit):
            return TestResult(
                verdict=Verdict.TIME_LIMIT,
                exit_code=-signum,
                detail="CPU-time limit (SIGXCPU)",
                **common,
            )
        name = _signal_name(signum)
        return TestResult(
            verdict=Verdict.RUNTIME_ERROR, exit_code=-signum, detail=f"killed by {name}", **common
        )
    code = response.get("exit_code")
    if isinstance(response.get("current"), int) or not response.get("ended"):
        return TestResult(
            verdict=Verdict.RUNTIME_ERROR,
            exit_code=code if isinstance(code, int) else None,
            detail=f"the process exited (code {code}) before the harness finished",
            **common,
        )
    return None


def _signal_name(signum: int) -> str:
    try:
        return signal.Signals(signum).name
    except ValueError:
        return f"signal {signum}"


def _error(data: Any) -> ErrorInfo | None:
    if not isinstance(data, dict):
        return None
    return ErrorInfo(
        type=str(data.get("type", "?")),
        message=str(data.get("message", "")),
        traceback=str(data.get("traceback", "")),
    )


def _number(value: Any) -> float:
    return float(value) if isinstance(value, (int, float)) else 0.0


def _sandbox_error(detail: str) -> TestResult:
    return TestResult(verdict=Verdict.SANDBOX_ERROR, detail=detail)
