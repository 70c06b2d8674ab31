"""The response cache: zero calls on a repeat, per-sample entries, resuming interrupted runs."""

from __future__ import annotations

import asyncio
from pathlib import Path

from execgym.llm import (
    CachedChatModel,
    CacheStats,
    ChatMessage,
    OpenAIChatModel,
    RetryPolicy,
    SamplingParams,
    sample_key,
)
from llm.fake_openai import FakeOpenAIServer

FAST = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.01)


def cached(server: FakeOpenAIServer, path: Path, max_concurrency: int = 16) -> CachedChatModel:
    inner = OpenAIChatModel(
        "fake", base_url=server.base_url, retry=FAST, timeout=5.0, max_concurrency=max_concurrency
    )
    return CachedChatModel(inner, path)


def prompt(text: str) -> list[ChatMessage]:
    return [{"role": "user", "content": text}]


async def test_a_repeated_run_makes_no_http_calls(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    params = SamplingParams(n=2, temperature=0.8)
    first_model = cached(fake_openai, tmp_path / "cache.sqlite")
    first = [await first_model.complete(prompt(f"p{i}"), params) for i in range(3)]
    await first_model.aclose()
    assert fake_openai.calls == 3 and not any(r.cached for r in first)

    again_model = cached(fake_openai, tmp_path / "cache.sqlite")
    again = [await again_model.complete(prompt(f"p{i}"), params) for i in range(3)]
    assert fake_openai.calls == 3
    assert all(r.cached for r in again)
    assert [r.texts for r in again] == [r.texts for r in first]
    assert again[0].usage.prompt_tokens == 0 and again[0].model == "fake-model"
    assert again_model.stats == CacheStats(hits=6, misses=0)
    assert len(again_model.cache) == 6
    await again_model.aclose()


async def test_any_sampling_parameter_changes_the_key(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    model = cached(fake_openai, tmp_path / "c.sqlite")
    variants = [
        SamplingParams(),
        SamplingParams(temperature=0.5),
        SamplingParams(top_p=0.5),
        SamplingParams(max_tokens=7),
        SamplingParams(stop=("x",)),
        SamplingParams(seed=1),
        SamplingParams(extra={"top_k": 5}),
    ]
    for params in variants:
        await model.complete(prompt("same"), params)
    assert fake_openai.calls == len(variants)
    await model.complete(prompt("same"), SamplingParams(temperature=0))  # 0 == 0.0
    assert fake_openai.calls == len(variants)
    await model.aclose()


def test_the_key_covers_model_endpoint_messages_and_index() -> None:
    base = {
        "model": "m",
        "endpoint": "http://a/v1",
        "messages": prompt("x"),
        "params": SamplingParams(),
        "index": 0,
    }
    key = sample_key(**base)  # type: ignore[arg-type]
    for field, other in [
        ("model", "m2"),
        ("endpoint", "http://b/v1"),
        ("messages", prompt("y")),
        ("index", 1),
    ]:
        assert sample_key(**{**base, field: other}) != key  # type: ignore[arg-type]
    assert sample_key(**{**base, "params": SamplingParams(n=5)}) == key  # type: ignore[arg-type]


async def test_a_larger_n_later_reuses_the_cached_samples(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    fake_openai.responses = lambda body: [
        f"call{len(fake_openai.requests)}-{i}" for i in range(body["n"])
    ]
    model = cached(fake_openai, tmp_path / "c.sqlite")
    small = await model.complete(prompt("q"), SamplingParams(n=2, temperature=1.0))
    large = await model.complete(prompt("q"), SamplingParams(n=5, temperature=1.0))
    assert large.texts[:2] == small.texts
    assert [b["n"] for b in fake_openai.bodies()] == [2, 3]
    assert not large.cached
    assert model.stats == CacheStats(hits=2, misses=5)
    smaller = await model.complete(prompt("q"), SamplingParams(n=4, temperature=1.0))
    assert smaller.cached and smaller.texts == large.texts[:4]
    assert fake_openai.calls == 2
    await model.aclose()


async def test_a_seeded_request_asks_for_all_n_and_keeps_slots_in_place(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    fake_openai.responses = lambda body: [f"s{body['seed']}-{i}" for i in range(body["n"])]
    model = cached(fake_openai, tmp_path / "c.sqlite")
    small = await model.complete(prompt("q"), SamplingParams(n=2, temperature=1.0, seed=3))
    large = await model.complete(prompt("q"), SamplingParams(n=4, temperature=1.0, seed=3))
    assert small.texts == ["s3-0", "s3-1"]
    assert large.texts == ["s3-0", "s3-1", "s3-2", "s3-3"]
    assert [b["n"] for b in fake_openai.bodies()] == [2, 4]
    await model.aclose()


async def test_an_interrupted_run_resumes_without_repeating_finished_calls(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    fake_openai.delay = 0.02
    prompts = [prompt(f"item {i}") for i in range(12)]
    params = SamplingParams()

    async def run(stop_after: int | None) -> list[str]:
        model = cached(fake_openai, tmp_path / "c.sqlite", max_concurrency=3)
        tasks = [asyncio.create_task(model.complete(p, params)) for p in prompts]
        done: list[str] = []
        try:
            for next_done in asyncio.as_completed(tasks):
                done.append((await next_done).texts[0])
                if stop_after is not None and len(done) == stop_after:
                    raise KeyboardInterrupt
        except KeyboardInterrupt:
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
        await model.aclose()
        return done

    finished = await run(stop_after=5)
    assert len(finished) == 5
    stored = len(cached(fake_openai, tmp_path / "c.sqlite").cache)
    assert stored >= 5
    calls_before = fake_openai.calls
    resumed = await run(stop_after=None)
    assert sorted(resumed) == sorted(f"echo[0]: item {i}" for i in range(12))
    assert fake_openai.calls - calls_before == 12 - stored
    repeated = {p for p in fake_openai.prompts()[calls_before:]}
    assert not repeated & set(finished_prompt[len("echo[0]: ") :] for finished_prompt in finished)


async def test_concurrent_requests_share_one_cache_file(
    fake_openai: FakeOpenAIServer, tmp_path: Path
) -> None:
    model = cached(fake_openai, tmp_path / "c.sqlite")
    results = await asyncio.gather(
        *(model.complete(prompt(f"c{i}"), SamplingParams(n=3)) for i in range(20))
    )
    assert all(len(r.texts) == 3 for r in results)
    assert len(model.cache) == 60
    again = await asyncio.gather(
        *(model.complete(prompt(f"c{i}"), SamplingParams(n=3)) for i in range(20))
    )
    assert all(r.cached for r in again) and fake_openai.calls == 20
    await model.aclose()
