"""LiveCodeBench code execution: saved predictions scored as they are, custom output files,
LiveCodeBench's order and its runner's sampling defaults."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from test_eval_data import LCB_ROWS, cli_app, fake_openai_module, write_jsonl
from typer.testing import CliRunner

ADD_EQ = {
    "question_id": 9001,
    "id": "sample_2",
    "function_name": "addEq",
    "code": "def addEq(s: str) -> str:\n    return s + '=='",
    "input": 'addEq(s = "a")',
    "output": '"a=="',
    "numsteps": 3,
    "problem_id": [2, 0, 0],
    "contest_id": "weekly-contest-0",
    "contest_date": "2023-05-07T00:00:00",
    "difficulty": "easy",
}


def _score(tmp_path: Path, rows: list[dict[str, Any]], outputs: object) -> dict[str, Any]:
    tmp_path.mkdir(parents=True, exist_ok=True)
    data = write_jsonl(tmp_path / "lcb.jsonl", rows)
    path = tmp_path / "outputs.json"
    path.write_text(json.dumps(outputs), encoding="utf-8")
    run = tmp_path / "run"
    result = CliRunner().invoke(
        cli_app(),
        ["score", "lcb-exec", "--generations", str(path), "--data", str(data), "-o", str(run)],
    )
    assert result.exit_code == 0, result.output
    summary: dict[str, Any] = json.loads((run / "summary.json").read_text())
    summary["records"] = [
        json.loads(line) for line in (run / "items.jsonl").read_text().split("\n") if line
    ]
    return summary


def test_a_saved_pred_list_is_not_extracted_again(tmp_path: Path) -> None:
    """LiveCodeBench scores ``pred_list`` as it is: 50.0 here; extracting ``"a=="`` again
    (at its ``==``) would make both wrong."""
    predictions = ['"a=="', '"b"']
    scored = _score(tmp_path, [ADD_EQ], [{"id": "sample_2", "pred_list": predictions}])
    assert scored["pass@1"] == pytest.approx(0.5)
    (record,) = scored["records"]
    assert [s["extracted"] for s in record["samples"]] == predictions
    # Raw responses (an output_list alone) are extracted first, as LiveCodeBench does.
    raw = _score(tmp_path / "raw", [ADD_EQ], [{"id": "sample_2", "output_list": predictions}])
    assert raw["pass@1"] == 0.0
    assert [s["extracted"] for s in raw["records"][0]["samples"]] == ['"', '"b"']


def test_a_custom_output_file_of_lists_follows_livecodebenchs_order(tmp_path: Path) -> None:
    first, second = LCB_ROWS
    rows = [ADD_EQ, second, first]  # the file's order; LiveCodeBench sorts by sample number
    lists = [
        [first["output"], "[0]"],  # sample_0: 1 of 2
        [second["output"]],  # sample_1: right
        ['"a=="'],  # sample_2: right, taken as it is
    ]
    scored = _score(tmp_path, rows, lists)
    assert scored["pass@1"] == pytest.approx((0.5 + 1 + 1) / 3)
    by_id = {r["id"]: [s["correct"] for s in r["samples"]] for r in scored["records"]}
    assert by_id == {"sample_0": [True, False], "sample_1": [True], "sample_2": [True]}
    data = write_jsonl(tmp_path / "again.jsonl", rows)
    path = tmp_path / "short.json"
    path.write_text(json.dumps(lists[:2]), encoding="utf-8")
    result = CliRunner().invoke(
        cli_app(), ["score", "lcb-exec", "--generations", str(path), "--data", str(data)]
    )
    assert result.exit_code == 2
    assert "it has 2 lists for 3 items" in result.output


def test_eval_lcb_exec_samples_with_livecodebenchs_defaults(tmp_path: Path) -> None:
    fake = fake_openai_module()
    data = write_jsonl(tmp_path / "lcb.jsonl", LCB_ROWS)
    with fake.FakeOpenAIServer(responses=lambda body: ["[ANSWER]x[/ANSWER]"] * body["n"]) as server:
        result = CliRunner().invoke(
            cli_app(),
            ["eval", "lcb-exec", "--model", "m", "--base-url", server.base_url,
             "--data", str(data), "-o", str(tmp_path / "run"), "--limit", "1"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        (body,) = server.bodies()
    assert {key: body[key] for key in ("n", "temperature", "top_p", "max_tokens", "stop")} == {
        "n": 10, "temperature": 0.2, "top_p": 0.95, "max_tokens": 2000, "stop": ["###"],
    }  # fmt: skip
    assert body["messages"][0]["role"] == "system"
    config = json.loads((tmp_path / "run" / "config.json").read_text())
    assert (config["n"], config["top_p"]) == (10, 0.95)
