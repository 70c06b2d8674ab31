"""Raw completions (``SamplingParams(raw_prompt=True)``, ``/v1/completions``): the
OpenAI-compatible client, the response cache, replay and recording, and vLLM offline."""

from __future__ import annotations

import asyncio
import json
import sys
import types
from pathlib import Path
from typing import Any, ClassVar

import pytest

from execgym.llm import (
    CachedChatModel,
    ChatMessage,
    MissingRecording,
    OpenAIChatModel,
    RecordingChatModel,
    ReplayChatModel,
    RetryPolicy,
    SamplingParams,
    VLLMChatModel,
    prompt_key,
    sample_key,
)
from llm.fake_openai import FakeOpenAIServer, Fault

FAST = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.01)
PROMPT = "[PYTHON]\ndef f(x):\n    return x\n[/PYTHON]\n[ANSWER]"
RAW = SamplingParams(n=2, temperature=0.8, max_tokens=256, stop=("[/ANSWER]",), raw_prompt=True)


def user(text: str) -> list[ChatMessage]:
    return [{"role": "user", "content": text}]


def client(server: FakeOpenAIServer) -> OpenAIChatModel:
    return OpenAIChatModel("fake", base_url=server.base_url, retry=FAST, timeout=5.0)


async def test_a_raw_prompt_goes_to_completions_as_text(fake_openai: FakeOpenAIServer) -> None:
    model = client(fake_openai)
    result = await model.complete(user(PROMPT), RAW)
    assert result.texts == [f"echo[0]: {PROMPT}", f"echo[1]: {PROMPT}"]
    assert result.finish_reasons == ["stop", "stop"] and result.model == "fake-model"
    assert result.usage.prompt_tokens == len(PROMPT.split())
    (request,) = fake_openai.requests
    assert request.path == "/v1/completions"
    assert request.body == {
        "model": "fake", "prompt": PROMPT, "n": 2, "temperature": 0.8, "top_p": 1.0,
        "max_tokens": 256, "stop": ["[/ANSWER]"],
    }  # fmt: skip
    await model.complete(user(PROMPT), SamplingParams())  # the same text as a chat request
    assert fake_openai.requests[1].path == "/v1/chat/completions"
    assert fake_openai.requests[1].body["messages"] == user(PROMPT)
    await model.aclose()


async def test_a_raw_prompt_is_one_user_message() -> None:
    model = OpenAIChatModel("fake", base_url="http://127.0.0.1:9/v1")
    with_system: list[ChatMessage] = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": PROMPT},
    ]
    with pytest.raises(ValueError, match=r"exactly one user message.*'system', 'user'"):
        await model.complete(with_system, RAW)
    await model.aclose()


async def test_raw_completions_retry_and_fall_back_to_single_samples(
    fake_openai: FakeOpenAIServer,
) -> None:
    fake_openai.faults_by_call = {0: Fault.http(503), 1: Fault.fewer_choices()}
    model = client(fake_openai)
    result = await model.complete(user(PROMPT), RAW)
    assert result.texts == [f"echo[0]: {PROMPT}"] * 2  # the second came from a single request
    assert [r.path for r in fake_openai.requests] == ["/v1/completions"] * 3
    assert model.usage.retries == 1 and model.n_supported is False
    fake_openai.faults_by_call = {3: Fault.malformed(), 4: Fault.raw(200, '{"choices": [{}]}')}
    one = SamplingParams(raw_prompt=True)
    assert (await model.complete(user("again"), one)).texts == ["echo[0]: again"]
    assert fake_openai.calls == 6  # a choice without "text" is malformed, and retried
    await model.aclose()


async def test_the_cache_keeps_raw_and_chat_samples_apart(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    chat = SamplingParams(n=2, temperature=0.8, max_tokens=256, stop=("[/ANSWER]",))
    where = {"model": "fake", "endpoint": fake_openai.base_url}
    raw_key = sample_key(**where, messages=user(PROMPT), params=RAW, index=0)
    assert raw_key != sample_key(**where, messages=user(PROMPT), params=chat, index=0)
    for _ in range(2):
        model = CachedChatModel(client(fake_openai), tmp_path / "cache.sqlite")
        raw_result = await model.complete(user(PROMPT), RAW)
        chat_result = await model.complete(user(PROMPT), chat)
        await model.aclose()
        assert raw_result.texts == chat_result.texts  # the fake answers both alike
    # The first round asked once for each protocol; the second came from the cache.
    assert [r.path for r in fake_openai.requests] == ["/v1/completions", "/v1/chat/completions"]


async def test_recording_and_replaying_raw_completions(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    path = tmp_path / "rec.jsonl"
    live = RecordingChatModel(client(fake_openai), path)
    recorded = await live.complete(user(PROMPT), RAW)
    await live.aclose()
    (line,) = [json.loads(text) for text in path.read_text(encoding="utf-8").splitlines()]
    assert line["raw_prompt"] == PROMPT and "messages" not in line
    assert line["params"]["raw_prompt"] is True
    assert line["key"] == prompt_key(user(PROMPT), raw_prompt=True) != prompt_key(user(PROMPT))
    replay = ReplayChatModel(path)
    assert (await replay.complete(user(PROMPT), RAW)).texts == recorded.texts
    with pytest.raises(MissingRecording):  # a chat request never matches a raw record
        await replay.complete(user(PROMPT), SamplingParams())
    by_hand = tmp_path / "hand.jsonl"
    by_hand.write_text(json.dumps({"raw_prompt": "x", "completions": ["1"]}) + "\n")
    one = SamplingParams(raw_prompt=True)
    assert (await ReplayChatModel(by_hand).complete(user("x"), one)).texts == ["1"]


class _FakeLLM:
    """Stands in for ``vllm.LLM``: ``chat`` and ``generate`` each answer with their input."""

    calls: ClassVar[list[tuple[str, list[Any]]]] = []

    def __init__(self, model: str, **kwargs: Any) -> None:
        self.model = model

    @staticmethod
    def _outputs(prompts: list[str], sampling_params: list[Any]) -> list[Any]:
        return [
            types.SimpleNamespace(
                prompt_token_ids=[1],
                outputs=[
                    types.SimpleNamespace(text=f"{p}#{i}", token_ids=[7], finish_reason="stop")
                    for i in range(sp.kwargs["n"])
                ],
            )
            for p, sp in zip(prompts, sampling_params, strict=True)
        ]

    def chat(self, conversations: list[Any], sampling_params: list[Any], use_tqdm: bool) -> Any:
        _FakeLLM.calls.append(("chat", conversations))
        return self._outputs([f"chat:{c[-1]['content']}" for c in conversations], sampling_params)

    def generate(self, prompts: list[str], sampling_params: list[Any], use_tqdm: bool) -> Any:
        _FakeLLM.calls.append(("generate", prompts))
        return self._outputs([f"raw:{p}" for p in prompts], sampling_params)


async def test_vllm_offline_sends_raw_prompts_to_generate(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fake = types.ModuleType("vllm")
    fake.LLM = _FakeLLM  # type: ignore[attr-defined]
    fake.SamplingParams = lambda **kwargs: types.SimpleNamespace(kwargs=kwargs)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vllm", fake)
    _FakeLLM.calls = []
    model = VLLMChatModel("tiny")
    raw, chat = SamplingParams(raw_prompt=True), SamplingParams()
    results = await asyncio.gather(
        model.complete(user("a"), raw),
        model.complete(user("b"), chat),
        model.complete(user("c"), raw),
    )
    assert [r.texts for r in results] == [["raw:a#0"], ["chat:b#0"], ["raw:c#0"]]
    assert sorted(kind for kind, _ in _FakeLLM.calls) == ["chat", "generate"]
    assert ("generate", ["a", "c"]) in _FakeLLM.calls
