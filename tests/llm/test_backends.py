"""The backend registry, the factory, and the optional in-process backends."""

from __future__ import annotations

import asyncio
import sys
import types
from pathlib import Path
from typing import Any, ClassVar

import pytest

from execgym.llm import (
    BackendNotInstalled,
    BackendOptions,
    CachedChatModel,
    ChatModel,
    HFChatModel,
    OpenAIChatModel,
    ReplayChatModel,
    SamplingParams,
    VLLMChatModel,
    backend_names,
    get_backend,
    make_model,
    open_model,
    record,
)
from execgym.llm._hf import cut_at_stop
from execgym.llm._registry import split_spec
from llm.fake_openai import FakeOpenAIServer


@pytest.fixture
def without_optional_libraries(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("vllm", "torch", "transformers"):
        monkeypatch.setitem(sys.modules, name, None)  # makes `import name` fail


@pytest.mark.usefixtures("without_optional_libraries")
def test_every_backend_builds_a_chat_model_or_names_its_extra(
    fake_openai: FakeOpenAIServer,
) -> None:
    assert backend_names() == ["hf", "openai", "vllm"]
    for name in backend_names():
        backend = get_backend(name)
        assert backend.summary
        try:
            model = backend.factory("some-model", BackendOptions(base_url=fake_openai.base_url))
        except BackendNotInstalled as exc:
            assert backend.extra is not None
            assert f"pip install 'execgym[{backend.extra}]'" in str(exc)
        else:
            assert isinstance(model, ChatModel) and model.name == "some-model"


@pytest.mark.usefixtures("without_optional_libraries")
def test_optional_backends_give_the_install_hint() -> None:
    with pytest.raises(ImportError, match=r"pip install 'execgym\[vllm\]'"):
        VLLMChatModel("Qwen/Qwen2.5-0.5B-Instruct")
    with pytest.raises(ImportError, match=r"pip install 'execgym\[hf\]'"):
        HFChatModel("Qwen/Qwen2.5-0.5B-Instruct")


def test_specs_pick_a_backend_only_by_a_registered_prefix() -> None:
    assert split_spec("vllm:Qwen/Qwen2.5-7B") == ("vllm", "Qwen/Qwen2.5-7B")
    assert split_spec("hf:gpt2") == ("hf", "gpt2")
    assert split_spec("openai:gpt-4o-mini") == ("openai", "gpt-4o-mini")
    assert split_spec("llama3:8b") == ("openai", "llama3:8b")
    assert split_spec("Qwen/Qwen2.5-7B") == ("openai", "Qwen/Qwen2.5-7B")
    with pytest.raises(KeyError, match="unknown model backend 'nope'"):
        get_backend("nope")


def test_open_model_composes_server_cache_and_replay(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    plain = open_model("m", base_url=fake_openai.base_url, max_concurrency=2)
    assert isinstance(plain, OpenAIChatModel) and plain.name == "m"
    with_cache = open_model("m", base_url=fake_openai.base_url, cache_path=tmp_path / "c.db")
    assert isinstance(with_cache, CachedChatModel)
    assert isinstance(with_cache.inner, OpenAIChatModel)
    assert with_cache.endpoint == fake_openai.base_url
    record(tmp_path / "r.jsonl", [{"role": "user", "content": "hi"}], ["hello"])
    replay = open_model("m", cache_path=tmp_path / "c.db", replay=tmp_path / "r.jsonl")
    assert isinstance(replay, ReplayChatModel) and replay.name == "m"
    assert isinstance(make_model("openai:x", BackendOptions(fake_openai.base_url)), ChatModel)


class _FakeLLM:
    """Stands in for ``vllm.LLM``: records ``chat`` calls, answers deterministically."""

    calls: ClassVar[list[tuple[list[Any], list[Any]]]] = []

    def __init__(self, model: str, **kwargs: Any) -> None:
        self.model = model
        self.kwargs = kwargs

    def chat(self, conversations: list[Any], sampling_params: list[Any], use_tqdm: bool) -> Any:
        _FakeLLM.calls.append((conversations, sampling_params))
        return [
            types.SimpleNamespace(
                prompt_token_ids=[1, 2, 3],
                outputs=[
                    types.SimpleNamespace(
                        text=f"{conv[-1]['content']}#{i}",
                        token_ids=[7] * (i + 1),
                        finish_reason="stop",
                    )
                    for i in range(sp.kwargs["n"])
                ],
            )
            for conv, sp in zip(conversations, sampling_params, strict=True)
        ]


async def test_vllm_backend_batches_concurrent_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    fake = types.ModuleType("vllm")
    fake.LLM = _FakeLLM  # type: ignore[attr-defined]
    fake.SamplingParams = lambda **kwargs: types.SimpleNamespace(kwargs=kwargs)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vllm", fake)
    _FakeLLM.calls = []
    model = VLLMChatModel("tiny", max_batch=3, gpu_memory_utilization=0.5)
    assert model._llm.kwargs == {"gpu_memory_utilization": 0.5}
    params = SamplingParams(n=2, temperature=0.6, stop=("\n",), seed=4, extra={"top_k": 10})
    results = await asyncio.gather(
        *(model.complete([{"role": "user", "content": f"q{i}"}], params) for i in range(5))
    )
    assert [r.texts for r in results] == [[f"q{i}#0", f"q{i}#1"] for i in range(5)]
    assert results[0].usage.prompt_tokens == 3 and results[0].usage.completion_tokens == 3
    assert [len(conversations) for conversations, _ in _FakeLLM.calls] == [3, 2]
    assert _FakeLLM.calls[0][1][0].kwargs == {
        "n": 2, "temperature": 0.6, "top_p": 1.0, "max_tokens": 1024,
        "stop": ["\n"], "seed": 4, "top_k": 10,
    }  # fmt: skip


def test_stop_strings_are_cut_at_the_earliest() -> None:
    assert cut_at_stop("abc STOP def END", ("END", "STOP")) == ("abc ", True)
    assert cut_at_stop("abc", ("x",)) == ("abc", False)
    assert cut_at_stop("abc", ()) == ("abc", False)
