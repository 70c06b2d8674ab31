"""verl's sandbox-fusion reward against the service: its request as verl builds it and its
reading of the answer, reproduced from verl's documented format
(``verl/utils/reward_score/sandbox_fusion/utils.py``: ``call_sandbox_api`` and
``_process_single_case``; ``compute_score`` scores the fraction of cases that are ``True``).

Case results as verl defines them: ``True`` passed, ``False`` wrong answer, ``-1`` API or
sandbox error, ``-2`` runtime error, ``-3`` time-out, ``-4`` compile error.
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest

from serve.service_process import Service

API_TIMEOUT = 10
"""verl adds this to the compile and run time-outs for the HTTP request's own time-out."""


def verl_request_body(
    code: str, stdin: str | None, timeout: int, memory_limit_mb: int, language: str = "python"
) -> str:
    """The JSON text verl posts: both time-outs set to the case's time-out, no files."""
    return json.dumps(
        {
            "compile_timeout": timeout,
            "run_timeout": timeout,
            "code": code,
            "stdin": stdin,
            "memory_limit_MB": memory_limit_mb,
            "language": language,
            "files": {},
            "fetch_files": [],
        }
    )


def verl_call(url: str, body: str, timeout: int) -> tuple[dict[str, Any] | None, str | None]:
    """verl's call: JSON headers; a status other than 2xx is an API error (verl retries only
    504, which this service never answers)."""
    try:
        response = httpx.post(
            url,
            content=body,
            headers={"Content-Type": "application/json", "Accept": "application/json"},
            timeout=2 * timeout + API_TIMEOUT,
        )
        response.raise_for_status()
    except httpx.HTTPError as exc:
        return None, f"API Request Error: {exc}"
    answer: dict[str, Any] = response.json()
    return answer, None


def verl_case_result(answer: dict[str, Any] | None, error: str | None, expected: str) -> bool | int:
    """verl's reading of one answer."""
    if error or answer is None:
        return -1
    status = answer.get("status")
    compile_result = answer.get("compile_result")
    run_result = answer.get("run_result")
    if status == "SandboxError":
        return -1
    if status == "Failed":
        if compile_result and (
            compile_result.get("status") in ("Error", "TimeLimitExceeded")
            or (compile_result.get("status") == "Finished" and compile_result.get("return_code"))
        ):
            return -4
        if not run_result:
            return -1
        run_status = run_result.get("status")
        if run_status == "TimeLimitExceeded":
            return -3
        if run_status == "Error" or (
            run_status == "Finished" and run_result.get("return_code") != 0
        ):
            return -2
        return -1
    if status == "Success":
        if not run_result or run_result.get("status") != "Finished":
            return -1
        stdout = run_result.get("stdout") or ""
        return str(stdout).rstrip("\n") == expected.rstrip("\n")
    return -1


def verl_check(
    service: Service, code: str, cases: list[tuple[str, str]], timeout: int = 10, memory: int = 1024
) -> list[bool | int]:
    """verl's ``check_correctness`` over stdin cases: one request per case."""
    results = []
    for stdin, expected in cases:
        body = verl_request_body(code, stdin, timeout, memory)
        answer, error = verl_call(f"{service.url}/run_code", body, timeout)
        results.append(verl_case_result(answer, error, expected))
    return results


def verl_score(results: list[bool | int]) -> float:
    """verl's ``compute_score``: the fraction of cases that are ``True``."""
    return sum(1 for result in results if result is True) / len(results)


CASES = [("3\n", "6"), ("21\n", "42")]


def test_an_accepted_program_passes_every_case(service: Service) -> None:
    results = verl_check(service, "print(int(input()) * 2)", CASES)
    assert results == [True, True]
    assert verl_score(results) == 1.0


def test_a_wrong_program_is_a_wrong_answer(service: Service) -> None:
    results = verl_check(service, "print(int(input()) + 3)", CASES)
    assert results == [True, False]  # 3 + 3 == 6, but 21 + 3 != 42
    assert verl_score(results) == 0.5


def test_a_crashing_program_is_a_runtime_error(service: Service) -> None:
    code = "n = int(input())\nraise ValueError(n)"
    assert verl_check(service, code, CASES) == [-2, -2]


def test_a_syntax_error_is_a_runtime_error_as_sandbox_fusion_reports_python(
    service: Service,
) -> None:
    # Python has no compile step in SandboxFusion: its syntax errors end the run with code 1.
    assert verl_check(service, "print(int(input()) *", CASES[:1]) == [-2]


def test_a_program_that_never_ends_times_out(service: Service) -> None:
    assert verl_check(service, "while True:\n    pass", CASES[:1], timeout=1) == [-3]


def test_a_sleeping_program_times_out_on_the_wall_clock(service: Service) -> None:
    assert verl_check(service, "import time\ntime.sleep(30)", CASES[:1], timeout=1) == [-3]


@pytest.mark.parametrize(
    "code",
    [
        "x = bytearray(1 << 31)\nprint(6)",  # one allocation over the limit: MemoryError
        "xs = []\nwhile True:\n    xs.append(bytearray(1 << 20))",  # grows until stopped
    ],
)
def test_a_memory_hungry_program_fails_as_a_runtime_error(service: Service, code: str) -> None:
    assert verl_check(service, code, CASES[:1], memory=256) == [-2]


def test_another_language_is_an_api_error_never_a_wrong_answer(service: Service) -> None:
    body = verl_request_body("int main() { return 0; }", "", 10, 1024, language="cpp")
    answer, error = verl_call(f"{service.url}/run_code", body, 10)
    assert verl_case_result(answer, error, "") == -1
    assert error is not None and "400" in error
