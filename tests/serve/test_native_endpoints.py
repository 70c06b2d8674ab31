"""The native endpoints answer in the JSON shapes of the Python API and the command line:
``/v1/run`` is ``Sandbox.run``'s result, ``/v1/judge`` and ``/v1/judge/batch`` are
``execgym judge``'s records, ``/v1/trace`` is ``execgym trace --json``'s trace."""

from __future__ import annotations

import base64
import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from execgym.bench import BatchJob, judge_batch
from execgym.sandbox import RunResult, Sandbox
from execgym.trace import TraceOptions, trace_call, trace_script
from serve.service_process import Service

MEASURED = ("cpu_s", "wall_s", "peak_memory_mb")
"""What a run measures, different on every run: left out where records are compared."""

BATCH_LINES = [
    {"id": "double", "code": "print(int(input()) * 2)", "tests": [{"input": "2\n", "output": "4"}]},
    {"id": "wrong", "code": "print(0)", "tests": [{"input": "", "output": "1"}]},
    {"id": "bad", "code": "print(1)", "tests": []},
    {
        "id": "add",
        "code": "def add(a, b):\n    return a + b",
        "checker": "exact",
        "tests": [
            {"fn_name": "add", "args": [1, 2], "expected": 3},
            {"fn_name": "add", "args": [1, 2], "expected": 3.0},
        ],
    },
    {"id": "crash", "code": "raise SystemExit(4)", "tests": [{"input": "", "output": ""}]},
]


def without_measurements(record: dict[str, Any]) -> dict[str, Any]:
    tests = [{k: v for k, v in test.items() if k not in MEASURED} for test in record["tests"]]
    return {**record, "tests": tests}


def post(service: Service, path: str, **kw: Any) -> httpx.Response:
    return httpx.post(f"{service.url}{path}", timeout=60, **kw)


def cli_records(tmp_path: Path, lines: list[str]) -> list[dict[str, Any]]:
    """What ``execgym judge`` writes for ``lines``, in line order."""
    batch, output = tmp_path / "batch.jsonl", tmp_path / "out.jsonl"
    batch.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    judge_batch(BatchJob(batch, output, workers=1, max_output_chars=100_000))
    records = [json.loads(text) for text in output.read_text(encoding="utf-8").splitlines()]
    return sorted(records, key=lambda record: int(record["line"]))


def test_run_answers_sandbox_runs_result(service: Service, sandbox: Sandbox) -> None:
    code = "import sys\nprint(open('in').read()); open('out', 'w').write('o'); sys.exit(2)"
    body = {
        "code": code,
        "stdin": "",
        "limits": {"time_s": 1, "memory_mb": 256},
        "files": {"in": base64.b64encode(b"x").decode()},
        "fetch_files": ["out"],
    }
    response = post(service, "/v1/run", json=body)
    assert response.status_code == 200
    served = RunResult.model_validate(response.json())
    assert set(response.json()) == set(RunResult.model_fields)
    local = sandbox.run(code, files={"in": b"x"}, fetch_files=["out"])
    assert served.model_dump(exclude=set(MEASURED)) == local.model_dump(exclude=set(MEASURED))
    assert served.files == {"out": b"o"} and served.exit_code == 2


@pytest.mark.parametrize(
    ("body", "named"),
    [
        ({"stdin": ""}, "code"),
        ({"code": "1", "limits": {"time_limit": 1}}, "limits.time_limit"),
        ({"code": "1", "limits": {"time_s": 10_000}}, "limits"),
        ({"code": "1", "limits": {"output_mb": 100}}, "limits.output_mb"),
        ({"code": "1", "fetch_files": ["/etc/passwd"]}, "is absolute"),
    ],
)
def test_run_refuses_a_bad_body_naming_the_field(
    service: Service, body: dict[str, Any], named: str
) -> None:
    response = post(service, "/v1/run", json=body)
    assert response.status_code == 400
    assert response.json()["error"] == "bad_request"
    assert named in response.json()["detail"]


def test_judge_answers_execgym_judges_record_for_the_line(service: Service, tmp_path: Path) -> None:
    for line in (BATCH_LINES[0], BATCH_LINES[3], BATCH_LINES[4]):
        text = json.dumps(line)
        response = post(service, "/v1/judge", content=text.encode())
        assert response.status_code == 200
        (expected,) = cli_records(tmp_path, [text])
        del expected["line"]
        assert without_measurements(response.json()) == without_measurements(expected)


def test_judge_refuses_a_malformed_line_naming_the_field(service: Service) -> None:
    response = post(service, "/v1/judge", content=json.dumps(BATCH_LINES[2]).encode())
    assert response.status_code == 400
    assert "field 'tests': must hold at least one test" in response.json()["detail"]
    response = post(service, "/v1/judge", json={"code": "1", "tests": [], "time_limt": 1})
    assert "field 'time_limt': unknown key" in response.json()["detail"]


def test_judge_batch_answers_execgym_judges_output_in_line_order(
    service: Service, tmp_path: Path
) -> None:
    lines = [json.dumps(line) for line in BATCH_LINES]
    body = "\n".join(lines[:2]) + "\n\n" + "\n".join(lines[2:]) + "\n"  # a blank line too
    response = post(service, "/v1/judge/batch", content=body.encode())
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/x-ndjson"
    served = [json.loads(text) for text in response.text.splitlines()]
    assert [record["line"] for record in served] == [1, 2, 4, 5, 6]
    expected = cli_records(tmp_path, [*lines[:2], "", *lines[2:]])
    for got, want in zip(served, expected, strict=True):
        if "verdict" in want:
            assert without_measurements(got) == without_measurements(want)
        else:  # a malformed line: the same record, the body named where the file was
            assert {k: got[k] for k in ("id", "line", "field")} == {
                k: want[k] for k in ("id", "line", "field")
            }
            assert got["error"].split(": ", 1)[1] == want["error"].split(": ", 1)[1]


def test_trace_answers_execgym_trace_json(service: Service, sandbox: Sandbox) -> None:
    code = "def total(xs):\n    s = 0\n    for x in xs:\n        s += x\n    return s\n"
    response = post(service, "/v1/trace", json={"code": code, "call": "total([1, 2])"})
    assert response.status_code == 200
    local = trace_call(sandbox, code, "total", "[1, 2]", TraceOptions())
    assert response.json() == local.model_dump(mode="json")
    script = post(service, "/v1/trace", json={"code": "x = input()\nprint(x)", "stdin": "7\n"})
    local_script = trace_script(sandbox, "x = input()\nprint(x)", "7\n", TraceOptions())
    assert script.json() == local_script.model_dump(mode="json")


def test_trace_refuses_a_call_that_is_not_a_call(service: Service) -> None:
    response = post(service, "/v1/trace", json={"code": "f = 1", "call": "f +"})
    assert response.status_code == 400
    assert response.json()["detail"].startswith("call: ")
