"""The one run log: records written exactly as built, the files of today's runs read back
and written out unchanged, a torn last line dropped, other settings refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from execgym.bench import (
    ItemRecord,
    ResponseRecord,
    ResumeMismatch,
    RunDirectory,
    RunLog,
    RunUsage,
)

# Lines as `execgym eval` and `execgym score execq` wrote them before the run log existed.
EVAL_LINE = (
    '{"id": "sample_0", "group": "sample_0", "kind": "output", "system": "sys", '
    '"prompt": "p", "model": "m", "cached": false, "finish_reasons": ["stop"], "samples": '
    '[{"response": "r", "extracted": "1", "correct": true, "verdict": "OK", "reason": ""}, '
    '{"response": "s", "extracted": null, "correct": false, "verdict": "NO_ANSWER", '
    '"reason": "none", "counted": false}]}'
)
SCORED_LINE = (
    '{"id": "sample_1", "group": "sample_1", "kind": "output", "system": null, "prompt": "p", '
    '"model": null, "samples": [{"response": "\\ud800", "extracted": "x", "correct": null, '
    '"verdict": "SANDBOX_ERROR", "reason": "died", "detail": {"passed": 0, "total": 1}}]}'
)
EXECQ_LINES = [
    '{"question_id": "q1", "sample": 0, "style": "cruxeval", "kind": "output", "response": '
    '"r", "extracted": ["1"], "items": [{"id": "i1", "kind": "output", "correct": true, '
    '"reason": ""}], "rewards": {"execverify": 1.0, "accuracy": 1}}',
    '{"question_id": "q1", "sample": 1, "style": "cruxeval", "kind": "input", "response": '
    '"r", "extracted": [null], "sandbox_error": "the sandbox failed"}',
]


def _write(path: Path, lines: list[str], tail: str = "") -> None:
    path.mkdir(parents=True, exist_ok=True)
    (path / "items.jsonl").write_text("\n".join(lines) + "\n" + tail, encoding="utf-8")


@pytest.mark.parametrize(
    ("record_type", "lines"),
    [(ItemRecord, [EVAL_LINE, SCORED_LINE]), (ResponseRecord, EXECQ_LINES)],
)
def test_todays_lines_read_back_and_write_out_unchanged(
    tmp_path: Path, record_type: type[ItemRecord] | type[ResponseRecord], lines: list[str]
) -> None:
    _write(tmp_path / "old", lines)
    log = RunDirectory(tmp_path / "old", record_type)
    records = list(log.read_records().values())
    assert [json.loads(line) for line in lines] == [record.as_json() for record in records]
    copy = RunDirectory(tmp_path / "copy", record_type)
    with copy.open_records(append=False) as writer:
        for record in records:
            writer.write(record)
    assert copy.items_path.read_text(encoding="utf-8") == "".join(f"{line}\n" for line in lines)


def test_records_are_typed_and_keyed() -> None:
    record = ItemRecord.model_validate_json(EVAL_LINE)
    assert record.key == "sample_0" and not record.needs_judging
    assert record.samples[1].counted is False and record.samples[0].correct is True
    assert ItemRecord.model_validate(json.loads(SCORED_LINE)).needs_judging
    scored = ResponseRecord.model_validate_json(EXECQ_LINES[1])
    assert scored.key == "q1#1" and scored.sandbox_error == "the sandbox failed"


def test_a_torn_last_line_is_dropped_and_the_file_repaired(tmp_path: Path) -> None:
    _write(tmp_path, [EVAL_LINE], tail='{"id": "sample_2", "group"')
    log = RunDirectory(tmp_path, ItemRecord)
    assert list(log.read_records()) == ["sample_0"]
    assert log.items_path.read_text(encoding="utf-8") == EVAL_LINE + "\n"
    assert log.count_lines() == 1


def test_the_whole_directory_reads_as_one_log(tmp_path: Path) -> None:
    _write(tmp_path, [EVAL_LINE])
    log = RunDirectory(tmp_path, ItemRecord)
    log.check_settings({"task": "cruxeval-o", "model": "m", "n": 2})
    summary = {"task": "cruxeval-o", "model": "m", "usage": {"prompt_tokens": 3}, "pass@1": 0.5}
    log.write_summary(summary)
    read: RunLog[ItemRecord] = log.read()
    assert (read.spec.task, read.spec.model) == ("cruxeval-o", "m")
    assert read.settings == {"task": "cruxeval-o", "model": "m", "n": 2}
    assert read.usage == RunUsage(prompt_tokens=3) and read.summary == summary
    assert list(read.records) == ["sample_0"]


def test_other_settings_are_refused(tmp_path: Path) -> None:
    log = RunDirectory(tmp_path, ItemRecord)
    log.check_settings({"task": "cruxeval-o", "n": 2})
    log.check_settings({"task": "cruxeval-o", "n": 2})
    with pytest.raises(ResumeMismatch, match="n: 2 there, 3 now"):
        log.check_settings({"task": "cruxeval-o", "n": 3})
