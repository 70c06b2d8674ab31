"""Replaying recorded responses, recording them, and the replay file's format."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from execgym.llm import (
    CachedChatModel,
    ChatMessage,
    MissingRecording,
    OpenAIChatModel,
    RecordingChatModel,
    ReplayChatModel,
    ReplayFormatError,
    SamplingParams,
    prompt_key,
    record,
)
from llm.fake_openai import FakeOpenAIServer


def prompt(text: str) -> list[ChatMessage]:
    return [{"role": "user", "content": text}]


def write_lines(path: Path, *rows: object) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


async def test_replay_returns_the_recorded_completions(tmp_path: Path) -> None:
    path = write_lines(
        tmp_path / "r.jsonl",
        {"model": "m1", "messages": prompt("What is 2+2?"), "completions": ["4", "four"]},
        {"prompt": "shorthand", "completions": ["ok"], "finish_reasons": ["length"]},
        {"key": prompt_key(prompt("by key")), "completions": ["keyed"]},
    )
    model = ReplayChatModel(path)
    assert model.name == "m1" and len(model) == 3
    two = await model.complete(prompt("What is 2+2?"), SamplingParams(n=2))
    assert two.texts == ["4", "four"] and two.finish_reasons == ["stop", "stop"]
    assert (await model.complete(prompt("What is 2+2?"), SamplingParams())).texts == ["4"]
    short = await model.complete(prompt("shorthand"), SamplingParams())
    assert short.texts == ["ok"] and short.finish_reasons == ["length"]
    assert (await model.complete(prompt("by key"), SamplingParams())).texts == ["keyed"]


async def test_a_missing_recording_names_the_prompt(tmp_path: Path) -> None:
    model = ReplayChatModel(
        write_lines(tmp_path / "r.jsonl", {"prompt": "a", "completions": ["x"]})
    )
    long_prompt = "Explain this program: " + "z" * 500
    with pytest.raises(MissingRecording) as caught:
        await model.complete(prompt(long_prompt), SamplingParams())
    message = str(caught.value)
    assert "no recorded response" in message and "r.jsonl" in message
    assert long_prompt[:200] in message and long_prompt[:201] not in message
    with pytest.raises(MissingRecording, match="only 1 recorded completions, 3 asked"):
        await model.complete(prompt("a"), SamplingParams(n=3))


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ("not json", "not valid JSON"),
        ("[1, 2]", "must be a JSON object"),
        ('{"prompt": "p"}', "'completions' must be a list of strings"),
        ('{"completions": ["x"]}', "needs 'messages', 'prompt', 'raw_prompt' or 'key'"),
        ('{"messages": [], "completions": ["x"]}', "non-empty list of messages"),
        ('{"prompt": "p", "completions": ["x"], "finish_reasons": []}', "one per completion"),
    ],
)
def test_a_bad_line_names_the_file_and_line(tmp_path: Path, line: str, problem: str) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"prompt": "ok", "completions": ["x"]}\n\n' + line + "\n", encoding="utf-8")
    with pytest.raises(ReplayFormatError, match=problem) as caught:
        ReplayChatModel(path)
    assert caught.value.line == 3 and str(caught.value).startswith(f"{path}, line 3:")


async def test_the_largest_record_of_a_prompt_wins(tmp_path: Path) -> None:
    path = tmp_path / "r.jsonl"
    record(path, prompt("q"), ["a", "b"])
    record(path, prompt("q"), ["a", "b", "c"])
    record(path, prompt("q"), ["a"])
    result = await ReplayChatModel(path).complete(prompt("q"), SamplingParams(n=3))
    assert result.texts == ["a", "b", "c"]


async def test_recording_then_replaying_gives_the_same_answers(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    path = tmp_path / "rec" / "run.jsonl"
    live = RecordingChatModel(OpenAIChatModel("fake", base_url=fake_openai.base_url), path)
    messages: list[list[ChatMessage]] = [
        [{"role": "system", "content": "terse"}, {"role": "user", "content": f"q{i}"}]
        for i in range(4)
    ]
    params = SamplingParams(n=2, temperature=0.7, stop=("END",))
    recorded = [await live.complete(m, params) for m in messages]
    await live.aclose()
    lines = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 4
    assert lines[0]["params"]["stop"] == ["END"] and lines[0]["model"] == "fake-model"
    assert lines[0]["key"] == prompt_key(messages[0])

    replay = ReplayChatModel(path)
    replayed = [await replay.complete(m, params) for m in messages]
    assert [r.texts for r in replayed] == [r.texts for r in recorded]
    assert fake_openai.calls == 4


async def test_recording_a_cached_run_that_grows_n_replays_the_larger_set(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    inner = OpenAIChatModel("fake", base_url=fake_openai.base_url)
    live = RecordingChatModel(CachedChatModel(inner, tmp_path / "c.sqlite"), tmp_path / "r.jsonl")
    await live.complete(prompt("q"), SamplingParams(n=2, temperature=1.0))
    grown = await live.complete(prompt("q"), SamplingParams(n=4, temperature=1.0))
    await live.aclose()
    replayed = await ReplayChatModel(tmp_path / "r.jsonl").complete(
        prompt("q"), SamplingParams(n=4)
    )
    assert replayed.texts == grown.texts
