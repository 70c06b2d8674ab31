"""The OpenAI-compatible client over real HTTP to the fake server: bodies, retries, limits."""

from __future__ import annotations

import asyncio
import socket
import time

import pytest

from execgym.llm import (
    ChatMessage,
    ModelRequestError,
    ModelUnavailable,
    OpenAIChatModel,
    RetryPolicy,
    RunUsage,
    SamplingParams,
)
from llm.fake_openai import FakeOpenAIServer, Fault

FAST = RetryPolicy(max_attempts=4, backoff_base=0.001, backoff_max=0.01)
HELLO: list[ChatMessage] = [{"role": "user", "content": "hello there"}]


def client(server: FakeOpenAIServer, **kwargs: object) -> OpenAIChatModel:
    options: dict[str, object] = {"retry": FAST, "timeout": 5.0, **kwargs}
    return OpenAIChatModel("fake", base_url=server.base_url, **options)  # type: ignore[arg-type]


async def test_request_body_carries_every_sampling_parameter(
    fake_openai: FakeOpenAIServer,
) -> None:
    model = client(fake_openai, api_key="sk-test")
    params = SamplingParams(
        n=2, temperature=0.7, top_p=0.9, max_tokens=64, stop=("\n\n",), seed=5,
        extra={"top_k": 20, "repetition_penalty": 1.1},
    )  # fmt: skip
    result = await model.complete(HELLO, params)
    assert result.texts == ["echo[0]: hello there", "echo[1]: hello there"]
    assert result.finish_reasons == ["stop", "stop"]
    assert result.model == "fake-model" and not result.cached
    (request,) = fake_openai.requests
    assert request.body == {
        "model": "fake",
        "messages": HELLO,
        "n": 2,
        "temperature": 0.7,
        "top_p": 0.9,
        "max_tokens": 64,
        "stop": ["\n\n"],
        "seed": 5,
        "top_k": 20,
        "repetition_penalty": 1.1,
    }
    assert request.headers["Authorization"] == "Bearer sk-test"
    await model.aclose()


async def test_unset_stop_and_seed_are_left_out_and_extra_may_replace_max_tokens(
    fake_openai: FakeOpenAIServer,
) -> None:
    model = client(fake_openai)
    await model.complete(HELLO, SamplingParams(extra={"max_completion_tokens": 9}))
    body = fake_openai.bodies()[0]
    assert "stop" not in body and "seed" not in body and "max_tokens" not in body
    assert body["max_completion_tokens"] == 9
    with pytest.raises(ValueError, match="may not set"):
        await model.complete(HELLO, SamplingParams(extra={"n": 3}))
    await model.aclose()


@pytest.mark.parametrize(
    "fault",
    [
        Fault.rate_limited("0"),
        Fault.http(500),
        Fault.http(502),
        Fault.http(503),
        Fault.malformed(),
        Fault.truncated(),
        Fault.drop(),
        Fault.slow(2.0),
    ],
    ids=["429", "500", "502", "503", "malformed", "truncated", "dropped", "timeout"],
)
async def test_each_retryable_fault_is_retried_and_the_result_is_right(
    fake_openai: FakeOpenAIServer, fault: Fault
) -> None:
    fake_openai.faults_by_call = {0: fault, 1: fault}
    model = client(fake_openai, timeout=0.3)
    result = await model.complete(HELLO, SamplingParams())
    assert result.texts == ["echo[0]: hello there"]
    assert fake_openai.calls == 3
    assert model.usage.requests == 3 and model.usage.retries == 2
    await model.aclose()


async def test_a_bad_request_is_not_retried_and_names_the_servers_message(
    fake_openai: FakeOpenAIServer,
) -> None:
    fake_openai.faults_by_call = {0: Fault.bad_request("max_tokens is too large: 99999")}
    model = client(fake_openai)
    with pytest.raises(ModelRequestError, match="max_tokens is too large: 99999") as caught:
        await model.complete(HELLO, SamplingParams())
    assert caught.value.status == 400
    assert "HTTP 400" in str(caught.value)
    assert fake_openai.calls == 1
    await model.aclose()


@pytest.mark.parametrize("status", [401, 403, 404, 422])
async def test_no_other_4xx_is_retried(fake_openai: FakeOpenAIServer, status: int) -> None:
    fake_openai.faults_by_call = {0: Fault.http(status, "nope")}
    model = client(fake_openai)
    with pytest.raises(ModelRequestError):
        await model.complete(HELLO, SamplingParams())
    assert fake_openai.calls == 1
    await model.aclose()


async def test_attempts_are_bounded_then_the_server_is_unavailable(
    fake_openai: FakeOpenAIServer,
) -> None:
    fake_openai.faults_by_prompt = {"hello there": [Fault.http(503, "overloaded")] * 10}
    model = client(fake_openai)
    with pytest.raises(ModelUnavailable, match=r"after 4 attempts.*HTTP 503: overloaded"):
        await model.complete(HELLO, SamplingParams())
    assert fake_openai.calls == 4
    assert model.usage == RunUsage(requests=4, retries=3)
    await model.aclose()


async def test_retry_after_is_honoured(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.faults_by_call = {0: Fault.rate_limited("0.3")}
    model = client(fake_openai)
    started = time.monotonic()
    await model.complete(HELLO, SamplingParams())
    assert time.monotonic() - started >= 0.3
    assert fake_openai.calls == 2
    await model.aclose()


async def test_faults_can_target_one_prompt(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.faults_by_prompt = {"b": [Fault.http(500), Fault.drop()]}
    model = client(fake_openai)
    results = await asyncio.gather(
        *(model.complete([{"role": "user", "content": p}], SamplingParams()) for p in "abc")
    )
    assert [r.texts[0] for r in results] == ["echo[0]: a", "echo[0]: b", "echo[0]: c"]
    assert sorted(fake_openai.prompts()) == ["a", "b", "b", "b", "c"]
    await model.aclose()


async def test_concurrency_limit_is_honoured(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.delay = 0.05
    model = client(fake_openai, max_concurrency=3)
    prompts: list[list[ChatMessage]] = [[{"role": "user", "content": f"q{i}"}] for i in range(12)]
    results = await asyncio.gather(*(model.complete(p, SamplingParams()) for p in prompts))
    assert [r.texts[0] for r in results] == [f"echo[0]: q{i}" for i in range(12)]
    assert fake_openai.max_in_flight == 3
    await model.aclose()


async def test_token_accounting_sums_over_requests(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.responses = {"one two three": ["a b", "c"]}
    fake_openai.faults_by_call = {1: Fault.http(500)}
    model = client(fake_openai)
    messages: list[ChatMessage] = [
        {"role": "system", "content": "be brief"},
        {"role": "user", "content": "one two three"},
    ]
    first = await model.complete(messages, SamplingParams(n=2))
    second = await model.complete(messages, SamplingParams(n=1))
    assert (first.usage.prompt_tokens, first.usage.completion_tokens) == (5, 3)
    assert (second.usage.prompt_tokens, second.usage.completion_tokens) == (5, 2)
    assert model.usage == RunUsage(prompt_tokens=10, completion_tokens=5, requests=3, retries=1)
    assert model.usage.total_tokens == 15
    await model.aclose()


async def test_a_server_ignoring_n_gets_single_requests_with_distinct_seeds(
    fake_openai: FakeOpenAIServer,
) -> None:
    fake_openai.ignore_n = True
    fake_openai.responses = lambda body: [f"seed {body.get('seed')}"]
    model = client(fake_openai)
    result = await model.complete(HELLO, SamplingParams(n=3, temperature=1.0, seed=10))
    assert result.texts == ["seed 10", "seed 11", "seed 12"]
    assert [b["n"] for b in fake_openai.bodies()] == [3, 1, 1]
    assert model.n_supported is False
    again = await model.complete(HELLO, SamplingParams(n=2, temperature=1.0, seed=10))
    assert again.texts == ["seed 10", "seed 11"]
    assert [b["n"] for b in fake_openai.bodies()[3:]] == [1, 1]
    assert again.usage.completion_tokens == 4
    await model.aclose()


async def test_a_reply_with_fewer_choices_is_completed(fake_openai: FakeOpenAIServer) -> None:
    fake_openai.faults_by_call = {0: Fault.fewer_choices()}
    model = client(fake_openai)
    result = await model.complete(HELLO, SamplingParams(n=3))
    assert len(result.texts) == 3 and fake_openai.calls == 3
    await model.aclose()


def test_one_model_serves_several_event_loops(fake_openai: FakeOpenAIServer) -> None:
    model = client(fake_openai)

    async def once() -> list[str]:
        try:
            return (await model.complete(HELLO, SamplingParams())).texts
        finally:  # each loop's connections are closed with it, not left to the collector
            await model.aclose()

    for _ in range(2):
        assert asyncio.run(once()) == ["echo[0]: hello there"]
    assert fake_openai.calls == 2


def test_base_url_and_key_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_BASE_URL", "http://openai.example/v1/")
    monkeypatch.setenv("OPENAI_API_KEY", "from-openai")
    monkeypatch.delenv("EXECGYM_BASE_URL", raising=False)
    monkeypatch.delenv("EXECGYM_API_KEY", raising=False)
    assert OpenAIChatModel("m").base_url == "http://openai.example/v1"
    monkeypatch.setenv("EXECGYM_BASE_URL", "http://execgym.example/v1")
    monkeypatch.setenv("EXECGYM_API_KEY", "from-execgym")
    model = OpenAIChatModel("m")
    assert model.base_url == "http://execgym.example/v1"
    assert model._headers["Authorization"] == "Bearer from-execgym"
    explicit = OpenAIChatModel("m", base_url="http://arg.example/v1", api_key="arg")
    assert explicit.base_url == "http://arg.example/v1"
    assert explicit._headers["Authorization"] == "Bearer arg"


def test_no_server_configured_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("EXECGYM_BASE_URL", "OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    with pytest.raises(ValueError, match="EXECGYM_BASE_URL or OPENAI_BASE_URL"):
        OpenAIChatModel("m")


async def test_a_server_that_is_down_is_unavailable_after_bounded_attempts() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    model = OpenAIChatModel("m", base_url=f"http://127.0.0.1:{port}/v1", retry=FAST)
    with pytest.raises(ModelUnavailable, match="after 4 attempts; last error: connection failed"):
        await model.complete(HELLO, SamplingParams())
    assert model.usage == RunUsage(requests=4, retries=3)
    await model.aclose()
