"""``execgym score TASK --generations FILE``: published-format generations, no model."""

from __future__ import annotations

import json
from math import comb
from pathlib import Path

import pytest
from test_eval_data import LCB_ROWS, cli_app, cruxeval_rows, execq_questions, write_jsonl
from typer.testing import CliRunner

from execgym.bench import DataRequired, get_eval_task, load_eval_items
from execgym.sandbox import Sandbox


def _unbiased(n: int, c: int, k: int) -> float:
    return 1.0 - comb(n - c, k) / comb(n, k)


def test_score_cruxeval_output_generations_by_hand(shared_data: Path, tmp_path: Path) -> None:
    rows = cruxeval_rows(shared_data, 4)
    right = [row["output"] for row in rows]
    call = [f"f({row['input']})" for row in rows]
    generations = {
        # 5 of 5 right: extracted literals and raw responses alike
        "sample_0": [right[0]] * 3 + [f"[ANSWER]\nassert {call[0]} == {right[0]}\n[/ANSWER]"] * 2,
        # 3 of 5 right
        "sample_1": [right[1]] * 3 + ["{1: None}", "'nope'"],
        # 1 of 4 right: restating the call is left out, since another generation passes
        "sample_2": [right[2], call[2], "None", "'x' +", "[/ANSWER]"],
        # none right
        "sample_3": ["0"] * 5,
        "sample_999": ["0"] * 5,  # no such sample: reported, not scored
    }
    path = tmp_path / "generations.json"
    path.write_text(json.dumps(generations), encoding="utf-8")
    data = write_jsonl(tmp_path / "crux.jsonl", rows)
    run = tmp_path / "run"
    result = CliRunner().invoke(
        cli_app(),
        ["score", "cruxeval-o", "--generations", str(path), "--data", str(data), "-o", str(run)],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((run / "summary.json").read_text())
    pass1 = (1 + _unbiased(5, 3, 1) + 1 / 4 + 0) / 4  # (1 + .6 + .25 + 0) / 4
    pass5 = (1 + 1 + 1 + 0) / 4  # sample_2 has 4 counted samples, one right
    assert pass1 == pytest.approx(0.4625) and pass5 == pytest.approx(0.75)
    assert summary["pass@1"] == pytest.approx(pass1, abs=1e-12)
    assert summary["pass@5"] == pytest.approx(pass5, abs=1e-12)
    assert summary["unknown_ids"] == ["sample_999"]
    records = {r["id"]: r for r in map(json.loads, (run / "items.jsonl").read_text().splitlines())}
    assert [s["correct"] for s in records["sample_2"]["samples"]] == [True] + [False] * 4
    restated = records["sample_2"]["samples"][1]
    assert restated["counted"] is False and restated["verdict"] == "SKIPPED"
    assert restated["reason"].startswith("the answer restates")
    assert "pass@5 | 75.0" in result.output


def test_score_cruxeval_input_generations(shared_data: Path, tmp_path: Path) -> None:
    rows = cruxeval_rows(shared_data, 3)
    data = write_jsonl(tmp_path / "crux.jsonl", rows)
    generations = {
        # the second lacks "f(": left out, since the first passes
        "sample_0": [f"f({rows[0]['input']})", rows[0]["input"]],
        "sample_2": [f"f({rows[2]['input']})", "f('+hbtofdeiequ')"],  # another right input
    }
    path = tmp_path / "generations.json"
    path.write_text(json.dumps(generations), encoding="utf-8")
    run = tmp_path / "run"
    result = CliRunner().invoke(
        cli_app(),
        ["score", "cruxeval-i", "--generations", str(path), "--data", str(data), "-o", str(run)],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((run / "summary.json").read_text())
    assert summary["pass@1"] == pytest.approx((1.0 + 1.0) / 2)
    assert summary["missing"] == ["sample_1"]


def test_score_lcb_exec_counts_like_livecodebench(tmp_path: Path) -> None:
    data = write_jsonl(tmp_path / "lcb.jsonl", LCB_ROWS)
    first, second = LCB_ROWS
    outputs = [
        {
            "id": "sample_0",
            "question_id": 2777,
            "output_list": ["ignored"],
            # right; repeats the call (left out of the count); wrong
            "pred_list": [first["output"], first["input"], "[0]"],
        },
        # every prediction repeats the call: all count as wrong
        {"id": "sample_1", "pred_list": [second["input"], f"print({second['input']})"]},
    ]
    path = tmp_path / "lcb_output.json"
    path.write_text(json.dumps(outputs), encoding="utf-8")
    run = tmp_path / "run"
    result = CliRunner().invoke(
        cli_app(),
        ["score", "lcb-exec", "--generations", str(path), "--data", str(data), "-o", str(run)],
    )
    assert result.exit_code == 0, result.output
    summary = json.loads((run / "summary.json").read_text())
    # sample_0: 1 right of 2 counted; sample_1: 0 of 2
    assert summary["pass@1"] == pytest.approx((1 / 2 + 0) / 2)


def test_score_execq_is_unchanged(sandbox: Sandbox, tmp_path: Path) -> None:
    from execgym.bench import read_questions
    from execgym.cli import app as old_app

    questions = execq_questions(tmp_path / "questions.jsonl", sandbox)
    generations = {
        qid: [question.reference_answer, "nothing useful"]
        for qid, question in read_questions(questions).items()
    }
    path = tmp_path / "generations.json"
    path.write_text(json.dumps(generations), encoding="utf-8")
    outputs = {}
    for name, app in (("old", old_app), ("new", cli_app())):
        run = tmp_path / name
        result = CliRunner().invoke(
            app,
            ["score", "execq", "--data", str(questions), "--generations", str(path),
             "-o", str(run), "--workers", "2"],
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        outputs[name] = (
            result.stdout.replace(str(run), "RUN"),
            (run / "items.jsonl").read_text(),
            (run / "summary.json").read_text(),
        )
    assert outputs["new"] == outputs["old"]
    result = CliRunner().invoke(cli_app(), ["score", "execq", "--generations", str(path)])
    assert result.exit_code == 2 and "execq needs --data" in result.output


def test_score_rejects_unknown_task_and_unmatched_generations(
    shared_data: Path, tmp_path: Path
) -> None:
    path = tmp_path / "generations.json"
    path.write_text(json.dumps({"other": ["1"]}), encoding="utf-8")
    data = write_jsonl(tmp_path / "crux.jsonl", cruxeval_rows(shared_data, 2))
    runner = CliRunner()
    result = runner.invoke(cli_app(), ["score", "nope", "--generations", str(path)])
    assert result.exit_code == 2 and "known tasks:" in result.output
    assert "cruxeval-o" in result.output
    result = runner.invoke(
        cli_app(), ["score", "cruxeval-o", "--generations", str(path), "--data", str(data)]
    )
    assert result.exit_code == 2 and "matches an item id" in result.output


@pytest.mark.parametrize("task", ["execq", "reval"])
def test_a_task_without_a_usual_source_needs_data(task: str, tmp_path: Path) -> None:
    with pytest.raises(DataRequired, match=f"^{task} needs data: ") as caught:
        load_eval_items(get_eval_task(task), None)
    assert "--" not in str(caught.value)  # the library names its argument, not a flag
    result = CliRunner().invoke(cli_app(), ["eval", task, "--model", "m", "-o", str(tmp_path)])
    assert result.exit_code == 2 and f"{task} needs --data: " in result.output
