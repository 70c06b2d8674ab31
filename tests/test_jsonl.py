"""The one JSON writer: any string a program can produce, written as valid UTF-8 JSON that
reads back unchanged."""

from __future__ import annotations

import io
import json

import pytest
from hostile_text import HOSTILE_STRINGS
from pydantic import BaseModel

from execgym._jsonl import JsonLinesWriter, json_text


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_any_string_round_trips_through_valid_utf8(text: str) -> None:
    record = {"value": text, text: [text]}
    encoded = json_text(record)
    encoded.encode("utf-8")  # strict: no lone surrogate left in the text
    assert json.loads(encoded) == record
    assert json.loads(json_text(record, indent=2)) == record
    assert json.loads(json_text(record, compact=True)) == record
    # One record is one line, even for str.splitlines, which breaks at U+0085 and U+2028.
    assert len(encoded.splitlines()) == 1


def test_readable_text_stays_as_written() -> None:
    assert json_text({"a": "é \U0001f600"}) == '{"a": "é \U0001f600"}'
    assert json_text({"a": "\ud800"}) == '{"a": "\\ud800"}'
    assert json_text({"a": [1, 2]}, compact=True) == '{"a":[1,2]}'


def test_pydantic_models_are_written_in_their_json_form() -> None:
    class Record(BaseModel):
        text: str
        values: tuple[int, ...]

    record = Record(text="\ud800[/oops]", values=(1, 2))
    with pytest.raises(ValueError):
        record.model_dump_json()  # what the writers used before
    assert json.loads(json_text(record)) == {"text": "\ud800[/oops]", "values": [1, 2]}


def test_writer_writes_one_flushed_line_per_record() -> None:
    stream = io.StringIO()
    writer = JsonLinesWriter(stream, compact=True)
    for text in HOSTILE_STRINGS:
        writer.write({"v": text})
    lines = stream.getvalue().encode("utf-8").decode("utf-8").split("\n")
    assert lines[-1] == ""
    assert [json.loads(line)["v"] for line in lines[:-1]] == list(HOSTILE_STRINGS)
