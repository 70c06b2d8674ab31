"""Class 2: the channel trusts nothing the child sends. A forged, malformed, out-of-order,
duplicated, oversized or over-deep frame is a verdict against the program (RUNTIME_ERROR,
"protocol violation"); no frame can make a run SANDBOX_ERROR, nor cost the judge more than
linear time and bounded memory."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from execgym.cli import app
from execgym.sandbox import Limits, Sandbox, Verdict
from execgym.sandbox._channel import FrameReader, ProtocolViolation, json_depth_within
from execgym.sandbox._protocol import HEADER_CAP
from sandbox.security._support import (
    REPO,
    Outcome,
    both_modes,
    case,
    check_outcome,
    run_case,
)

V = Verdict
SHARED = REPO.parent / "shared" / "data"

# A frame as the harness writes one: a JSON header line, then the blobs it announces.
FRAME = (
    "import json, os\n"
    "def frame(header, *blobs):\n"
    "    if blobs:\n"
    "        header['blobs'] = [len(b) for b in blobs]\n"
    "    os.write(3, json.dumps(header).encode() + b'\\n' + b''.join(blobs))\n"
)
DONE = {"ev": "done", "i": 0, "status": "ok", "value": True, "cpu_s": 0, "wall_s": 0}


def violation(outcome: Outcome) -> None:
    assert "protocol violation" in outcome.detail, outcome.detail


CASES = [
    case(
        "forged_sandbox_error",
        'import os\nos.write(3, b\'{"ev":"sandbox_error","error":"x"}\\n\')\nprint(1)',
        V.RUNTIME_ERROR,
        mode="stdio",
        check=violation,
    ),
    case(
        "forged_setup_error_after_start",
        'import os\nos.write(3, b\'{"ev":"setup_error","error":"x"}\\n\')\nprint(1)',
        V.RUNTIME_ERROR,
        mode="stdio",
        check=violation,
    ),
    case(
        "header_nested_100k_deep",
        "import os\nos.write(3, b'[' * 100000 + b'\\n')",
        V.RUNTIME_ERROR,
        mode="stdio",
        check=violation,
    ),
    case(
        "value_nested_700_deep",
        FRAME + f"def f(x):\n    frame({DONE!r}, b'', b'', b'[' * 700 + b']' * 700, b'')\n"
        "    frame({'ev': 'end'})\n    os._exit(0)",
        V.RUNTIME_ERROR,
        mode="call",
        check=violation,
    ),
    case(
        "480_mb_of_compiled_frames",
        'import os\nline = b\'{"ev":"compiled"}\\n\' * 100000\n'
        "for _ in range(300):\n    os.write(3, line)",
        V.RUNTIME_ERROR,
        mode="stdio",
        limits=Limits(time_s=5, wall_s=10, output_mb=1),
        check=violation,
    ),
    # (the judging process's memory during this case is checked below)
    case(
        "header_without_newline_32_mb",
        "import os\nchunk = b'x' * 65536\nfor _ in range(512):\n    os.write(3, chunk)",
        V.RUNTIME_ERROR,
        mode="stdio",
        check=violation,
    ),
    case(
        "blob_over_its_cap",
        FRAME + f"def f(x):\n    frame({DONE!r}, b'x' * (2 << 20), b'', b'1', b'')\n    return 2",
        V.RUNTIME_ERROR,
        mode="call",
        check=violation,
    ),
    case(
        "unknown_fields_and_garbage",
        'import os\nos.write(3, b\'{"ev":"start","i":0,"x":1}\\n\\xff\\xfe garbage\\n\')',
        V.RUNTIME_ERROR,
        mode="stdio",
        check=violation,
    ),
    case(
        "forged_colliding_set",
        # A set of 60,000 ints of one hash value: quadratic to build, so it is refused.
        FRAME
        + "def f(x):\n"
        + "    items = [k * (2**61 - 1) for k in range(60000)]\n"
        + "    value = json.dumps({'$': 'set', 'v': [{'$': 'int', 'hex': hex(i)} if i > 2**62"
        " else i for i in items]}).encode()\n"
        + f"    frame({DONE!r}, b'', b'', value, b'')\n"
        + "    frame({'ev': 'end'})\n    os._exit(0)",
        V.WRONG_ANSWER,
        mode="call",
        limits=Limits(time_s=5, wall_s=10, output_mb=16),
        check=lambda o: None if "share one hash value" in o.detail else pytest.fail(o.detail),
    ),
    case(
        "forged_done_then_real_done",
        FRAME + f"def f(x):\n    frame({DONE!r}, b'', b'', b'2', b'')\n    return 3",
        V.RUNTIME_ERROR,
        mode="call",
        check=violation,
    ),
    case(
        "closed_channel",
        "import os\nos.close(3)\nos.close(4)\nprint(2)",
        V.RUNTIME_ERROR,
        mode="stdio",
    ),
]


ordinary_user_outcomes, test_as_the_judging_user, test_as_an_ordinary_user = both_modes(CASES)


def peak_memory_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise AssertionError("no VmHWM")


def test_a_flood_on_the_channel_costs_the_judge_no_memory(own_sandbox: Sandbox) -> None:
    flood = next(c for c in CASES if c.id == "480_mb_of_compiled_frames")
    before = peak_memory_mb()
    check_outcome(flood, run_case(own_sandbox, flood))
    assert peak_memory_mb() - before < 50


def test_the_next_program_is_judged_normally(own_sandbox: Sandbox) -> None:
    for item in CASES:
        run_case(own_sandbox, item)
        assert own_sandbox.run("print(6 * 7)").stdout == "42\n", item.id


def test_reader_buffers_no_more_than_a_header_cap() -> None:
    reader = FrameReader({})
    chunk = b"x" * 65536
    with pytest.raises(ProtocolViolation, match="header line longer"):
        for _ in range(HEADER_CAP // len(chunk) + 2):
            reader.feed(chunk)
            assert len(reader._buffer) <= HEADER_CAP + len(chunk)


def test_reader_takes_frames_split_anywhere() -> None:
    header = json.dumps({"ev": "done", "i": 0, "status": "ok", "blobs": [3, 0, 1, 0]}).encode()
    stream = header + b"\nabc2" + b'{"ev":"end"}\n'
    frames = []
    reader = FrameReader({"stdout": 10, "stderr": 10, "value": 10, "extra": 10})
    for byte in range(len(stream)):
        frames += reader.feed(stream[byte : byte + 1])
    assert [f.header["ev"] for f in frames] == ["done", "end"]
    assert frames[0].blobs == {"stdout": b"abc", "stderr": b"", "value": b"2", "extra": b""}


def test_depth_is_checked_on_the_bytes() -> None:
    assert json_depth_within(b"[" * 128 + b"]" * 128, 128)
    assert not json_depth_within(b"[" * 129 + b"]" * 129, 128)
    assert json_depth_within(b'["' + b"[" * 5000 + b'"]', 2)  # brackets inside a string
    assert not json_depth_within(b"[" * 100_000, 128)  # unbalanced: refused, not parsed


def test_forged_errors_do_not_hide_wrong_answers_from_scoring(tmp_path: Path) -> None:
    """``execgym score humaneval``: wrong samples that forge a sandbox failure still count as
    wrong (before the fix they were dropped as unjudged and pass@1 rose from 0.25 to 1)."""
    with gzip.open(SHARED / "HumanEval.jsonl.gz", "rt") as f:
        problems = [json.loads(line) for line in f][:4]
    forge = '    import os\n    os.write(3, b\'{"ev":"sandbox_error","error":"x"}\\n\')\n'
    generations = {
        p["task_id"]: [p["canonical_solution"] if i == 0 else forge + "    return None\n"]
        for i, p in enumerate(problems)
    }
    data = tmp_path / "HumanEval.jsonl"
    data.write_text("".join(json.dumps(p) + "\n" for p in problems))
    path = tmp_path / "generations.json"
    path.write_text(json.dumps(generations))
    result = CliRunner().invoke(
        app,
        [
            "score",
            "humaneval",
            "--generations",
            str(path),
            "--data",
            str(data),
            "-o",
            str(tmp_path / "run"),
        ],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((tmp_path / "run" / "summary.json").read_text())
    assert summary["pass@1"] == 0.25 and summary["unjudged_samples"] == 0, summary
