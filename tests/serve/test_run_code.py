"""``POST /run_code``: SandboxFusion's request and response shapes and the meaning of each
status, over real HTTP."""

from __future__ import annotations

import base64
from typing import Any

import httpx
import pytest

from serve.service_process import Service

RESPONSE_KEYS = {
    "status",
    "message",
    "compile_result",
    "run_result",
    "executor_pod_name",
    "files",
}
RUN_RESULT_KEYS = {"status", "execution_time", "return_code", "stdout", "stderr"}


def run_code(service: Service, **request: Any) -> httpx.Response:
    return httpx.post(f"{service.url}/run_code", json={"language": "python", **request}, timeout=60)


def test_a_successful_run_has_sandbox_fusions_shape(service: Service) -> None:
    response = run_code(service, code="print(input()[::-1])", stdin="abc")
    assert response.status_code == 200
    answer = response.json()
    assert set(answer) == RESPONSE_KEYS
    assert set(answer["run_result"]) == RUN_RESULT_KEYS
    assert answer["status"] == "Success" and answer["message"] == ""
    assert answer["compile_result"] is None
    run = answer["run_result"]
    assert (run["status"], run["return_code"], run["stdout"], run["stderr"]) == (
        "Finished",
        0,
        "cba\n",
        "",
    )
    assert isinstance(run["execution_time"], float) and run["execution_time"] >= 0
    assert answer["files"] == {}


def test_the_defaults_and_unknown_keys_are_sandbox_fusions(service: Service) -> None:
    # Only code and language are required; stdin may be null; other keys are ignored.
    response = run_code(service, code="print('hi')", stdin=None, extra_key=1)
    assert response.json()["run_result"]["stdout"] == "hi\n"


def test_a_non_zero_exit_fails_with_its_return_code(service: Service) -> None:
    answer = run_code(service, code="import sys\nprint('x')\nsys.exit(3)").json()
    assert answer["status"] == "Failed"
    assert answer["run_result"]["status"] == "Finished"
    assert answer["run_result"]["return_code"] == 3
    assert answer["run_result"]["stdout"] == "x\n"


def test_an_exception_fails_with_return_code_1_and_its_traceback(service: Service) -> None:
    answer = run_code(service, code="raise KeyError('k')").json()
    assert (answer["status"], answer["run_result"]["return_code"]) == ("Failed", 1)
    assert "KeyError: 'k'" in answer["run_result"]["stderr"]
    assert answer["message"].startswith("RUNTIME_ERROR")


def test_a_time_out_has_no_return_code(service: Service) -> None:
    answer = run_code(service, code="while True:\n    pass", run_timeout=1).json()
    assert answer["status"] == "Failed"
    assert answer["run_result"]["status"] == "TimeLimitExceeded"
    assert answer["run_result"]["return_code"] is None
    assert answer["run_result"]["execution_time"] >= 0.9


def test_memory_over_the_limit_fails(service: Service) -> None:
    answer = run_code(service, code="b = bytearray(1 << 30)", memory_limit_MB=128).json()
    assert answer["status"] == "Failed"
    assert answer["run_result"]["return_code"] != 0
    assert answer["message"].startswith("MEMORY_LIMIT")


def test_files_land_in_the_working_directory_and_fetched_files_come_back(
    service: Service,
) -> None:
    code = (
        "import os\n"
        "print(os.getcwd(), open('data/in.txt').read())\n"
        "open('out.bin', 'wb').write(bytes([0, 255, 7]))\n"
    )
    answer = run_code(
        service,
        code=code,
        files={"data/in.txt": base64.b64encode(b"payload").decode(), "skipped": None},
        fetch_files=["out.bin", "not-written.txt"],
    ).json()
    assert answer["status"] == "Success", answer
    assert answer["run_result"]["stdout"] == "/tmp payload\n"
    assert answer["files"] == {"out.bin": base64.b64encode(bytes([0, 255, 7])).decode()}


@pytest.mark.parametrize(
    ("request_body", "named"),
    [
        ({"code": "int main(){}", "language": "cpp"}, "'cpp' is not supported"),
        ({"language": "python"}, "code"),
        ({"code": "print(1)", "language": "python", "run_timeout": -1}, "run_timeout"),
        ({"code": "1", "language": "python", "run_timeout": 10_000}, "run_timeout"),
        ({"code": "1", "language": "python", "files": {"a": "@@"}}, "files['a']: not base64"),
        ({"code": "1", "language": "python", "files": {"../a": ""}}, "file path '../a'"),
    ],
)
def test_a_request_that_cannot_run_is_400_failed_with_the_reason(
    service: Service, request_body: dict[str, Any], named: str
) -> None:
    response = httpx.post(f"{service.url}/run_code", json=request_body, timeout=30)
    assert response.status_code == 400
    answer = response.json()
    assert set(answer) == RESPONSE_KEYS
    assert answer["status"] == "Failed" and answer["run_result"] is None
    assert named in answer["message"]


def test_a_body_that_is_not_json_is_400(service: Service) -> None:
    response = httpx.post(f"{service.url}/run_code", content=b"{not json", timeout=30)
    assert response.status_code == 400
    assert response.json()["status"] == "Failed"


def test_output_a_program_controls_reads_back_unchanged(service: Service) -> None:
    # Control characters and line separators come back as the program wrote them.
    code = "import sys\nsys.stdout.buffer.write(b'\\xff \\x1b[31m \\xe2\\x80\\xa8 \\xc3\\xa9')"
    answer = run_code(service, code=code).json()
    assert answer["status"] == "Success", answer
    assert answer["run_result"]["stdout"] == "\ufffd \x1b[31m \u2028 é"
