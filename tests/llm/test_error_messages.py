"""What the model client says when a server misbehaves: the retries it makes, a base URL
missing ``/v1``, and HTML pages where JSON was expected."""

from __future__ import annotations

import logging

import pytest

from execgym.llm import (
    ChatMessage,
    ModelRequestError,
    ModelUnavailable,
    OpenAIChatModel,
    RetryPolicy,
    SamplingParams,
)
from execgym.llm._openai import RETRY_FAILURE
from llm.fake_openai import FakeOpenAIServer, Fault

FAST = RetryPolicy(max_attempts=3, backoff_base=0.001, backoff_max=0.01)
HELLO: list[ChatMessage] = [{"role": "user", "content": "hello"}]
GATEWAY_PAGE = (
    "<!DOCTYPE html>\n<html><head><title>502 Bad Gateway</title>"
    "<style>body { font: 14px sans-serif }</style></head>\n"
    "<body><center><h1>502 Bad Gateway</h1></center><hr><center>nginx</center>"
    + "<!-- padding -->" * 200
    + "</body></html>"
)


async def test_each_retry_is_a_warning_naming_the_server_and_the_failure(
    fake_openai: FakeOpenAIServer, caplog: pytest.LogCaptureFixture
) -> None:
    fake_openai.faults_by_call = {0: Fault.http(503, "engine loading"), 1: Fault.drop()}
    model = OpenAIChatModel("fake", base_url=fake_openai.base_url, retry=FAST)
    with caplog.at_level(logging.WARNING, logger="execgym.llm"):
        result = await model.complete(HELLO, SamplingParams())
    await model.aclose()
    assert result.texts == ["echo[0]: hello"]
    messages = [record.getMessage() for record in caplog.records]
    url = f"{fake_openai.base_url}/chat/completions"
    assert len(messages) == 2
    assert messages[0].startswith(f"{url}: HTTP 503: engine loading; retrying in ")
    assert messages[0].endswith("(attempt 2 of 3)")
    assert "connection failed" in messages[1] and messages[1].endswith("(attempt 3 of 3)")
    assert getattr(caplog.records[0], RETRY_FAILURE) == (url, "HTTP 503: engine loading")


async def test_a_404_from_a_base_url_without_v1_suggests_it(
    fake_openai: FakeOpenAIServer,
) -> None:
    root = fake_openai.base_url.removesuffix("/v1")
    fake_openai.faults_by_call = {0: Fault.http(404, "Not Found"), 1: Fault.http(404, "no")}
    model = OpenAIChatModel("fake", base_url=root, retry=FAST)
    with pytest.raises(ModelRequestError) as without:
        await model.complete(HELLO, SamplingParams())
    await model.aclose()
    assert without.value.status == 404
    assert f"the base URL {root} has no /v1" in str(without.value)
    assert f"try {root}/v1" in str(without.value)
    model = OpenAIChatModel("fake", base_url=fake_openai.base_url, retry=FAST)
    with pytest.raises(ModelRequestError) as with_v1:
        await model.complete(HELLO, SamplingParams())
    await model.aclose()
    assert with_v1.value.hint is None and "/v1, under which" not in str(with_v1.value)


async def test_an_html_error_page_is_summarised_not_pasted(
    fake_openai: FakeOpenAIServer,
) -> None:
    fake_openai.faults_by_call = {i: Fault.raw(502, GATEWAY_PAGE) for i in range(3)}
    model = OpenAIChatModel("fake", base_url=fake_openai.base_url, retry=FAST)
    with pytest.raises(ModelUnavailable) as unavailable:
        await model.complete(HELLO, SamplingParams())
    await model.aclose()
    message = str(unavailable.value)
    assert f"an HTML page titled '502 Bad Gateway' ({len(GATEWAY_PAGE)} bytes)" in message
    assert "<" not in message and "padding" not in message


async def test_an_html_page_in_a_2xx_reply_is_summarised(
    fake_openai: FakeOpenAIServer,
) -> None:
    page = "<html><head><title>\n  Open   WebUI\n</title></head><body>app</body></html>"
    fake_openai.faults_by_call = {i: Fault.raw(200, page) for i in range(3)}
    model = OpenAIChatModel("fake", base_url=fake_openai.base_url, retry=FAST)
    with pytest.raises(ModelUnavailable) as unavailable:
        await model.complete(HELLO, SamplingParams())
    await model.aclose()
    assert "malformed response: an HTML page titled 'Open WebUI'" in str(unavailable.value)


async def test_a_4xx_html_page_without_title_is_still_summarised(
    fake_openai: FakeOpenAIServer,
) -> None:
    page = "<html><body>" + "x" * 5000 + "</body></html>"
    fake_openai.faults_by_call = {0: Fault.raw(403, page)}
    model = OpenAIChatModel("fake", base_url=fake_openai.base_url, retry=FAST)
    with pytest.raises(ModelRequestError) as refused:
        await model.complete(HELLO, SamplingParams())
    await model.aclose()
    assert refused.value.message.startswith(f"an HTML page ({len(page)} bytes)")
