"""The OpenAI-compatible chat-completions backend (vLLM, SGLang, Ollama, llama.cpp, hosted).

One ``POST {base_url}/chat/completions`` per request, JSON body::

    {"model", "messages", "n", "temperature", "top_p", "max_tokens",
     "stop" (only when non-empty), "seed" (only when set), **params.extra}

``params.extra`` is merged last (vLLM's ``top_k``, ``min_p``, ``repetition_penalty``...); it
may not override ``model``, ``messages``, ``prompt``, ``n`` or ``stream``, and giving
``max_completion_tokens`` there replaces ``max_tokens``.

Raw completions (``params.raw_prompt``): ``POST {base_url}/completions`` with ``"prompt"``
(the one user message's text) in place of ``"messages"``, the rest of the body alike; the
texts are the choices' ``text``. Everything below applies to both.

Failures: 429, every 5xx, timeouts, connection errors, and dropped, truncated or malformed
responses are retried with exponential backoff and jitter (never sooner than the server's
``Retry-After``), up to ``RetryPolicy.max_attempts`` attempts, then
:class:`~execgym.llm.ModelUnavailable`; each retry is a warning on this module's logger
naming the URL, what failed and the wait. Any other 4xx raises
:class:`~execgym.llm.ModelRequestError` at once with the server's message (a 404 from a
base URL without ``/v1`` suggests adding it). An HTML reply is summarised by its title.

Servers that ignore ``n``: when a reply to ``n > 1`` carries fewer choices, the missing
samples are requested one at a time (``n = 1``, concurrently), and from then on this client
always asks for ``n`` samples as ``n`` single requests. With a ``seed``, single request ``i``
uses ``seed + i`` so the samples differ as they would in one ``n``-sample request.

Concurrency: at most ``max_concurrency`` HTTP requests are in flight at once (waits between
retries do not hold a slot). The HTTP client and the semaphore belong to the running event
loop, so one model can serve several ``asyncio.run`` calls in turn.
"""

from __future__ import annotations

import asyncio
import json
import logging
import random
import re
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

import httpx

from execgym.llm._endpoint import resolve_api_key, resolve_base_url
from execgym.llm._errors import ModelError, ModelRequestError, ModelUnavailable
from execgym.llm._keys import message_list
from execgym.llm._protocol import (
    ChatMessage,
    Completion,
    SamplingParams,
    Usage,
    raw_prompt_text,
)
from execgym.llm._registry import BackendOptions, register_backend
from execgym.llm._retry import RetryPolicy, is_retryable_status, retry_after_seconds
from execgym.llm._usage import RunUsage, UsageTally

log = logging.getLogger(__name__)

_RESERVED_EXTRA = frozenset({"model", "messages", "prompt", "n", "stream"})
RETRY_FAILURE = "execgym_retry_failure"
"""The attribute of a retry's log record holding ``(url, what failed)``."""


class MalformedResponse(Exception):
    """A 2xx reply that is not a usable chat completion (retried like a dropped one)."""


@dataclass(frozen=True)
class _Reply:
    texts: list[str]
    finish_reasons: list[str]
    usage: Usage
    model: str


@dataclass
class _LoopState:
    client: httpx.AsyncClient
    semaphore: asyncio.Semaphore


def request_body(
    model: str, messages: Sequence[ChatMessage], params: SamplingParams
) -> dict[str, Any]:
    """The JSON body of a chat-completions request for ``params.n`` samples (of a
    completions request when ``params.raw_prompt``)."""
    clash = _RESERVED_EXTRA.intersection(params.extra)
    if clash:
        raise ValueError(f"SamplingParams.extra may not set {sorted(clash)}")
    body: dict[str, Any] = {"model": model}
    if params.raw_prompt:
        body["prompt"] = raw_prompt_text(messages)
    else:
        body["messages"] = message_list(messages)
    body |= {
        "n": params.n,
        "temperature": params.temperature,
        "top_p": params.top_p,
        "max_tokens": params.max_tokens,
    }
    if params.stop:
        body["stop"] = list(params.stop)
    if params.seed is not None:
        body["seed"] = params.seed
    if "max_completion_tokens" in params.extra:
        del body["max_tokens"]
    body.update(params.extra)
    return body


def _count(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def parse_chat_response(payload: object, default_model: str, raw_prompt: bool = False) -> _Reply:
    """The choices of a chat-completion JSON object (a completion object when
    ``raw_prompt``: each choice's ``text``), ordered by their ``index``."""
    if not isinstance(payload, dict):
        raise MalformedResponse(f"response is not a JSON object: {str(payload)[:200]}")
    choices = payload.get("choices")
    if not isinstance(choices, list) or not choices:
        raise MalformedResponse(f"response has no choices: {json.dumps(payload)[:200]}")
    parsed: list[tuple[int, str, str]] = []
    for position, choice in enumerate(choices):
        message = choice.get("message") if isinstance(choice, dict) else None
        if raw_prompt:
            if not isinstance(choice, dict) or "text" not in choice:
                raise MalformedResponse(f"choice {position} has no text")
            message = {"content": choice["text"]}
        if not isinstance(message, dict):
            raise MalformedResponse(f"choice {position} has no message")
        content = message.get("content")
        if content is None:
            content = ""
        if not isinstance(content, str):
            raise MalformedResponse(f"choice {position} content is not a string")
        reason = choice.get("finish_reason")
        index = choice.get("index")
        parsed.append(
            (
                index if isinstance(index, int) else position,
                content,
                reason if isinstance(reason, str) else "unknown",
            )
        )
    parsed.sort(key=lambda item: item[0])
    usage = payload.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    model = payload.get("model")
    return _Reply(
        texts=[text for _, text, _ in parsed],
        finish_reasons=[reason for _, _, reason in parsed],
        usage=Usage(_count(usage.get("prompt_tokens")), _count(usage.get("completion_tokens"))),
        model=model if isinstance(model, str) and model else default_model,
    )


_HTML_TITLE = re.compile(r"<(title|h1)[^>]*>(.*?)</\1\s*>", re.IGNORECASE | re.DOTALL)
_HTML_TAG = re.compile(r"<[^>]+>")


def html_summary(response: httpx.Response) -> str | None:
    """One line for an HTML reply (a proxy's or web server's error page, a web UI): its
    title or first heading and its size; ``None`` when the reply is not HTML."""
    text = response.text
    head = text.lstrip()[:100].lower()
    content_type = response.headers.get("content-type", "").lower()
    if "html" not in content_type and not head.startswith(("<!doctype html", "<html")):
        return None
    found = _HTML_TITLE.search(text)
    title = " ".join(_HTML_TAG.sub(" ", found.group(2)).split())[:200] if found else ""
    described = f"an HTML page titled {title!r}" if title else "an HTML page"
    return f"{described} ({len(response.content)} bytes), not an OpenAI-compatible reply"


def error_message(response: httpx.Response) -> str:
    """The server's own words for an error reply.

    Reads OpenAI's and newer vLLM's ``{"error": {"message": ...}}``, older vLLM's flat
    ``{"object": "error", "message": ...}``, FastAPI's ``{"detail": ...}``; an HTML page
    is summarised (:func:`html_summary`); else the raw body's first 500 characters.
    """
    text = response.text
    try:
        payload = json.loads(text)
    except ValueError:
        return html_summary(response) or text.strip()[:500] or response.reason_phrase
    if isinstance(payload, dict):
        error = payload.get("error")
        if isinstance(error, dict) and error.get("message"):
            return str(error["message"])
        if isinstance(error, str) and error:
            return error
        if payload.get("message"):
            return str(payload["message"])
        if "detail" in payload:
            detail = payload["detail"]
            return detail if isinstance(detail, str) else json.dumps(detail)[:500]
    return text.strip()[:500]


def base_url_hint(status: int, base_url: str) -> str | None:
    """What to try when a 404 comes from a base URL without the ``/v1`` that
    OpenAI-compatible servers serve under."""
    if status != 404 or httpx.URL(base_url).path.rstrip("/").endswith("/v1"):
        return None
    return (
        f"the base URL {base_url} has no /v1, under which OpenAI-compatible servers "
        f"(vLLM, SGLang, Ollama, llama.cpp) serve: try {base_url}/v1"
    )


class OpenAIChatModel:
    """A :class:`~execgym.llm.ChatModel` talking to an OpenAI-compatible HTTP server."""

    def __init__(
        self,
        model: str,
        *,
        base_url: str | None = None,
        api_key: str | None = None,
        max_concurrency: int = 16,
        timeout: float = 600.0,
        retry: RetryPolicy | None = None,
        headers: Mapping[str, str] | None = None,
        rng: random.Random | None = None,
    ) -> None:
        """``base_url``/``api_key`` fall back to the environment (see
        :mod:`execgym.llm._endpoint`); ``timeout`` is per HTTP request, in seconds."""
        if max_concurrency < 1:
            raise ValueError(f"max_concurrency must be at least 1, got {max_concurrency}")
        self._model = model
        self._base_url = resolve_base_url(base_url)
        self._url = f"{self._base_url}/chat/completions"
        self._raw_url = f"{self._base_url}/completions"
        self._headers = {"Content-Type": "application/json", **(headers or {})}
        key = resolve_api_key(api_key)
        if key:
            self._headers["Authorization"] = f"Bearer {key}"
        self._max_concurrency = max_concurrency
        self._timeout = timeout
        self._retry = retry or RetryPolicy()
        self._rng = rng or random.Random()
        self._tally = UsageTally()
        self._n_supported: bool | None = None
        self._loops: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, _LoopState] = (
            weakref.WeakKeyDictionary()
        )

    @property
    def name(self) -> str:
        """The model name sent in every request."""
        return self._model

    @property
    def base_url(self) -> str:
        """The server's base URL, without a trailing slash."""
        return self._base_url

    @property
    def endpoint(self) -> str:
        """What identifies the server in cache keys: its base URL."""
        return self._base_url

    @property
    def usage(self) -> RunUsage:
        """Tokens, HTTP requests and retries since this client was made."""
        return self._tally.snapshot()

    @property
    def n_supported(self) -> bool | None:
        """Whether the server honoured ``n > 1`` (``None`` until a request has shown it)."""
        return self._n_supported

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        """Sample ``params.n`` completions of ``messages`` (see the module docs)."""
        if params.n < 1:
            raise ValueError(f"n must be at least 1, got {params.n}")
        if not messages:
            raise ValueError("messages must not be empty")
        replies: list[_Reply] = []
        raw = params.raw_prompt
        if params.n == 1 or self._n_supported is not False:
            first = await self._post(request_body(self._model, messages, params), raw)
            if len(first.texts) >= params.n:
                if params.n > 1:
                    self._n_supported = True
                return _completion([first], params.n)
            log.warning(
                "%s returned %d of n=%d choices; requesting the rest one at a time",
                self._raw_url if raw else self._url,
                len(first.texts),
                params.n,
            )
            self._n_supported = False
            replies.append(first)
        have = sum(len(reply.texts) for reply in replies)
        singles = [
            self._post(request_body(self._model, messages, _single(params, index)), raw)
            for index in range(have, params.n)
        ]
        replies.extend(await asyncio.gather(*singles))
        return _completion(replies, params.n)

    async def aclose(self) -> None:
        """Close the HTTP client of the running event loop (others are dropped)."""
        loop = asyncio.get_running_loop()
        state = self._loops.pop(loop, None)
        self._loops.clear()
        if state is not None:
            await state.client.aclose()

    async def __aenter__(self) -> OpenAIChatModel:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    def _state(self) -> _LoopState:
        loop = asyncio.get_running_loop()
        state = self._loops.get(loop)
        if state is None:
            limits = httpx.Limits(
                max_connections=self._max_concurrency,
                max_keepalive_connections=self._max_concurrency,
            )
            client = httpx.AsyncClient(headers=self._headers, timeout=self._timeout, limits=limits)
            state = _LoopState(client, asyncio.Semaphore(self._max_concurrency))
            self._loops[loop] = state
        return state

    async def _post(self, body: dict[str, Any], raw_prompt: bool = False) -> _Reply:
        url = self._raw_url if raw_prompt else self._url
        state = self._state()
        policy = self._retry
        last_error = "no attempt made"
        for attempt in range(1, policy.max_attempts + 1):
            retry_after: float | None = None
            if attempt > 1:
                self._tally.retries += 1
            try:
                async with state.semaphore:
                    self._tally.requests += 1
                    response = await state.client.post(url, json=body)
            except httpx.TimeoutException as exc:
                last_error = f"timed out after {self._timeout:g}s ({type(exc).__name__})"
            except (httpx.NetworkError, httpx.RemoteProtocolError, httpx.DecodingError) as exc:
                last_error = f"connection failed ({type(exc).__name__}: {exc})"
            else:
                status = response.status_code
                if 200 <= status < 300:
                    try:
                        reply = parse_chat_response(response.json(), self._model, raw_prompt)
                    except (ValueError, MalformedResponse) as exc:
                        described = html_summary(response) or str(exc)[:300]
                        last_error = f"malformed response: {described}"
                    else:
                        self._tally.prompt_tokens += reply.usage.prompt_tokens
                        self._tally.completion_tokens += reply.usage.completion_tokens
                        return reply
                elif is_retryable_status(status):
                    last_error = f"HTTP {status}: {error_message(response)[:300]}"
                    retry_after = retry_after_seconds(response.headers)
                else:
                    hint = base_url_hint(status, self._base_url)
                    raise ModelRequestError(status, error_message(response), url, hint)
            if attempt < policy.max_attempts:
                wait = policy.delay(attempt, retry_after, self._rng)
                log.warning(
                    "%s: %s; retrying in %.1f s (attempt %d of %d)",
                    self._url,
                    last_error,
                    wait,
                    attempt + 1,
                    policy.max_attempts,
                    extra={RETRY_FAILURE: (self._url, last_error)},
                )
                await asyncio.sleep(wait)
        raise ModelUnavailable(url, policy.max_attempts, last_error)


def _single(params: SamplingParams, index: int) -> SamplingParams:
    seed = None if params.seed is None else params.seed + index
    return replace(params, n=1, seed=seed)


def _completion(replies: list[_Reply], n: int) -> Completion:
    texts = [text for reply in replies for text in reply.texts][:n]
    reasons = [reason for reply in replies for reason in reply.finish_reasons][:n]
    if len(texts) < n:
        raise ModelError(f"server returned {len(texts)} completions, {n} were asked for")
    return Completion(
        texts=texts,
        finish_reasons=reasons,
        usage=Usage(
            sum(reply.usage.prompt_tokens for reply in replies),
            sum(reply.usage.completion_tokens for reply in replies),
        ),
        model=replies[0].model,
    )


def _make_openai(name: str, options: BackendOptions) -> OpenAIChatModel:
    return OpenAIChatModel(
        name,
        base_url=options.base_url,
        api_key=options.api_key,
        max_concurrency=options.max_concurrency,
    )


register_backend(
    "openai",
    _make_openai,
    summary="an OpenAI-compatible chat-completions server (vLLM, SGLang, Ollama, llama.cpp)",
)
