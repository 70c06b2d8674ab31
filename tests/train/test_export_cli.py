"""``execgym export verl|trl|sft``: every input, every format, and rows that cannot be."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from execgym.tasks import Question
from execgym.train import TrainingRow
from train._train_data import PROGRAMS, execgym, write_jsonl


def verl_rows(path: Path) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = pq.read_table(path).to_pylist()
    return rows


def test_verl_export_of_questions_has_verls_fields(questions_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "train.parquet"
    done = execgym("export", "verl", str(questions_file), "-o", str(out))
    assert done.exit_code == 0, done.output
    schema = pq.read_schema(out)
    assert schema.names == ["data_source", "prompt", "ability", "reward_model", "extra_info"]
    assert schema.field("prompt").type == pa.list_(
        pa.struct([("role", pa.string()), ("content", pa.string())])
    )
    assert schema.field("reward_model").type == pa.struct(
        [("style", pa.string()), ("ground_truth", pa.string())]
    )
    questions = [Question.model_validate_json(line) for line in questions_file.open()]
    rows = verl_rows(out)
    assert len(rows) == len(questions)
    for index, (row, question) in enumerate(zip(rows, questions, strict=True)):
        assert row["data_source"] == "execgym/execq"
        assert row["prompt"] == [{"role": "user", "content": question.prompt}]
        assert row["reward_model"]["style"] == "rule"
        truth = json.loads(row["reward_model"]["ground_truth"])
        assert truth["id"] == question.id and truth["reward"] == "execverify"
        info = row["extra_info"]
        assert info["id"] == question.id and info["split"] == "train"
        assert info["index"] == index


def test_trl_export_without_the_train_extra_says_what_to_install(
    questions_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)  # import datasets raises ImportError
    out = tmp_path / "trl"
    done = execgym("export", "trl", str(questions_file), "-o", str(out))
    assert done.exit_code != 0
    assert "needs the `datasets` package" in done.output and "execgym[train]" in done.output
    assert not out.exists()


def test_trl_export_has_the_columns_the_reward_reads(questions_file: Path, tmp_path: Path) -> None:
    pytest.importorskip("datasets", reason="needs the train extra: pip install -e '.[train]'")
    from datasets import load_from_disk

    out = tmp_path / "trl"
    done = execgym("export", "trl", str(questions_file), "-o", str(out), "--split", "dev")
    assert done.exit_code == 0, done.output
    dataset = load_from_disk(str(out))
    assert set(dataset.column_names) == {
        "prompt",
        "data_source",
        "ground_truth",
        "extra_info",
        "id",
    }
    first = dataset[0]
    assert first["prompt"][0]["role"] == "user" and first["extra_info"]["split"] == "dev"
    assert first["data_source"] == "execgym/execq"
    assert json.loads(first["ground_truth"])["id"] == first["id"]
    again = execgym("export", "trl", str(questions_file), "-o", str(out))
    assert again.exit_code == 0, again.output  # a dataset directory is replaced
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "notes.txt").write_text("mine")
    refused = execgym("export", "trl", str(questions_file), "-o", str(tmp_path / "other"))
    assert refused.exit_code == 2 and "is not a saved dataset" in refused.output
    assert (tmp_path / "other" / "notes.txt").read_text() == "mine"


def test_sft_export_ends_each_chat_with_the_reference(questions_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "sft.jsonl"
    done = execgym("export", "sft", str(questions_file), "-o", str(out))
    assert done.exit_code == 0, done.output
    questions = [Question.model_validate_json(line) for line in questions_file.open()]
    records = [json.loads(line) for line in out.open()]
    assert [r["messages"] for r in records] == [
        [
            {"role": "user", "content": q.prompt},
            {"role": "assistant", "content": q.reference_answer},
        ]
        for q in questions
    ]


def test_programs_become_combined_or_output_questions_and_failures_are_named(
    tmp_path: Path,
) -> None:
    rows = [*PROGRAMS, {"id": "boom", "code": "def f(x):\n    return 1 / x", "input": "0"}]
    programs = write_jsonl(tmp_path / "programs.jsonl", rows)
    out = tmp_path / "train.parquet"
    done = execgym("export", "verl", str(programs), "-o", str(out))
    assert done.exit_code == 1
    assert f"{programs}:5: field 'code': its call did not run" in " ".join(done.output.split())
    combined = verl_rows(out)
    assert [r["extra_info"]["level"] for r in combined] == ["L1", "L1", "L2", "L2"]
    items = [json.loads(r["reward_model"]["ground_truth"])["items"] for r in combined]
    assert all(len(i) > 1 and i[0]["kind"] == "output" for i in items)
    done = execgym("export", "verl", str(programs), "-o", str(out), "--as", "output")
    outputs = [json.loads(r["reward_model"]["ground_truth"]) for r in verl_rows(out)]
    assert [len(o["items"]) for o in outputs] == [1, 1, 1, 1]


def test_benchmark_export(shared_data: Path, tmp_path: Path) -> None:
    out = tmp_path / "apps.parquet"
    data = str(shared_data / "apps_coderl")
    done = execgym(
        "export",
        "verl",
        "--dataset",
        "apps",
        "--data",
        data,
        "--reward",
        "pass_rate",
        "-o",
        str(out),
    )
    assert done.exit_code == 0, done.output
    rows = verl_rows(out)
    assert len(rows) == 5 and {r["data_source"] for r in rows} == {"execgym/codegen"}
    truth = json.loads(rows[0]["reward_model"]["ground_truth"])
    assert truth["reward"] == "pass_rate" and truth["problem"]["reference_solutions"] == []
    assert rows[0]["extra_info"]["dataset"] == "apps"
    assert "Solve the following programming problem" in rows[0]["prompt"][0]["content"]
    sft = tmp_path / "apps.jsonl"
    done = execgym("export", "sft", "--dataset", "apps", "--data", data, "-o", str(sft))
    assert done.exit_code == 0, done.output
    assert all(
        json.loads(line)["messages"][-1]["content"].startswith("```python") for line in sft.open()
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--dataset", "nope"], "unknown dataset 'nope'"),
        (["--dataset", "apps", "--data", "/no/such/dir"], "--data not found"),
        (["/no/such.jsonl"], "input file not found"),
        (["--dataset", "apps", "--reward", "execverify"], "all_pass or pass_rate"),
    ],
)
def test_usage_errors(args: list[str], message: str, tmp_path: Path) -> None:
    done = execgym("export", "verl", *args, "-o", str(tmp_path / "x.parquet"))
    assert done.exit_code == 2 and message in " ".join(done.output.split())


def test_rows_that_cannot_be_exported_are_named(
    questions_file: Path, apps_rows: list[TrainingRow], tmp_path: Path
) -> None:
    good = json.loads(questions_file.read_text().splitlines()[0])
    truth = apps_rows[0].ground_truth
    generic = write_jsonl(
        tmp_path / "rows.jsonl",
        [
            {"data_source": "execgym/codegen", "prompt": "Solve it.", "ground_truth": truth},
            {"data_source": "nope/nothing", "prompt": "p", "ground_truth": "{}"},
            {"data_source": "execgym/codegen", "prompt": "p", "ground_truth": "{}"},
            {"data_source": "execgym/codegen", "prompt": [{"role": "robot", "content": "x"}]},
        ],
    )
    out = tmp_path / "rows.parquet"
    done = execgym("export", "verl", str(generic), "-o", str(out))
    text = " ".join(done.output.split())
    assert done.exit_code == 1
    assert f"{generic}:2: field 'data_source': no reward registered for 'nope/nothing'" in text
    assert f"{generic}:3: field 'ground_truth': ground_truth.execgym_codegen" in text
    assert f"{generic}:4: field 'prompt[0].role': unknown role 'robot'" in text
    assert len(verl_rows(out)) == 1
    broken = tmp_path / "questions.jsonl"
    broken.write_text(json.dumps(good) + "\n" + json.dumps({**good, "items": "x"}) + "\n{oops\n")
    done = execgym("export", "sft", str(broken), "-o", str(tmp_path / "q.jsonl"))
    text = " ".join(done.output.split())
    assert done.exit_code == 1
    assert f"{broken}:2: field 'items'" in text and f"{broken}:3: field '<row>'" in text
    assert "1 rows written" in text


USER = {"role": "user", "content": "go"}
REPLY = {"role": "assistant", "content": "ok"}


def test_chat_rows_are_sft_only(tmp_path: Path) -> None:
    # the shape of ReCode's SFT export (execgym agent export): messages, and where they came from
    recode = {
        "messages": [{"role": "system", "content": "act"}, USER, REPLY],
        "episode": "3",
        "env": "household",
        "depth": 0,
    }
    chat = write_jsonl(
        tmp_path / "chat.jsonl", [{"messages": [USER, REPLY]}, {"messages": [USER]}, recode]
    )
    done = execgym("export", "sft", str(chat), "-o", str(tmp_path / "sft.jsonl"))
    assert done.exit_code == 1 and "chat.jsonl:2: field 'messages'" in " ".join(done.output.split())
    first, last = [json.loads(line) for line in (tmp_path / "sft.jsonl").open()]
    assert first["messages"] == [USER, REPLY] and last["messages"] == recode["messages"]
    done = execgym("export", "verl", str(chat), "-o", str(tmp_path / "chat.parquet"))
    assert done.exit_code == 1 and "SFT data" in done.output
