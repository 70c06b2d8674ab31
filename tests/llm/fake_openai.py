"""A small OpenAI-compatible server for tests: real HTTP on 127.0.0.1.

It serves chat completions (``POST /v1/chat/completions``) and raw completions (``POST
/v1/completions``, whose ``prompt`` stands where a chat request's last user message does;
its choices carry ``text`` instead of a ``message``). Any other path gets a 404.

Start one with the ``fake_openai`` fixture (defined here, registered by
``tests/llm/conftest.py``) or by hand::

    with FakeOpenAIServer() as server:
        model = OpenAIChatModel("fake", base_url=server.base_url)

What it answers: ``responses`` maps the last user message to a list of completions (choice
``i`` is ``list[i % len]``), or is a function ``(body) -> list[str]`` returning the ``n``
texts; by default choice ``i`` is ``f"echo[{i}]: {last user message}"``. Usage counts
whitespace-separated words: every message's words as prompt tokens, every choice's words as
completion tokens.

What it records: ``requests`` (every request's index, JSON body, headers, the fault it got
and its path), ``calls``, and ``max_in_flight`` (the most requests it was handling at once).

Faults: ``faults_by_call[i]`` applies to request ``i`` (0-based, counting every request);
``faults_by_prompt[text]`` is a list of faults used up, one per request, by requests whose
last user message is ``text``. ``ignore_n`` makes every reply carry one choice; ``delay``
slows every reply. See :class:`Fault` for the kinds.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Literal

import pytest

FaultKind = Literal["status", "slow", "malformed", "truncated", "drop", "fewer_choices"]


@dataclass(frozen=True)
class Fault:
    """One way a request can go wrong.

    ``status``: reply ``status`` with an OpenAI error body (or ``body`` verbatim) and
    ``headers`` (e.g. ``Retry-After``). ``slow``: wait ``seconds``, then answer normally
    (longer than the client's timeout, it is a hang). ``malformed``: 200 with a body that
    is not JSON. ``truncated``: announce the full length, send half, close. ``drop``: close
    the connection without answering. ``fewer_choices``: answer with one choice whatever
    ``n`` was.
    """

    kind: FaultKind
    status: int = 200
    message: str = ""
    body: str | None = None
    headers: tuple[tuple[str, str], ...] = ()
    seconds: float = 0.0

    @staticmethod
    def http(status: int, message: str = "", *, retry_after: str | None = None) -> Fault:
        headers = (("Retry-After", retry_after),) if retry_after is not None else ()
        return Fault("status", status, message or f"fake error {status}", headers=headers)

    @staticmethod
    def rate_limited(retry_after: str = "0.01") -> Fault:
        return Fault.http(429, "Rate limit reached", retry_after=retry_after)

    @staticmethod
    def bad_request(message: str) -> Fault:
        return Fault.http(400, message)

    @staticmethod
    def raw(status: int, body: str) -> Fault:
        return Fault("status", status, body=body)

    @staticmethod
    def slow(seconds: float) -> Fault:
        return Fault("slow", seconds=seconds)

    @staticmethod
    def malformed() -> Fault:
        return Fault("malformed")

    @staticmethod
    def truncated() -> Fault:
        return Fault("truncated")

    @staticmethod
    def drop() -> Fault:
        return Fault("drop")

    @staticmethod
    def fewer_choices() -> Fault:
        return Fault("fewer_choices")


@dataclass(frozen=True)
class LoggedRequest:
    """One request the server received."""

    index: int
    body: dict[str, Any]
    headers: dict[str, str]
    fault: Fault | None
    path: str = "/v1/chat/completions"


Responder = Callable[[dict[str, Any]], list[str]]


def last_user_message(body: Mapping[str, Any]) -> str:
    """A chat request's last user message, or a raw completion request's ``prompt``."""
    if isinstance(body.get("prompt"), str):
        return str(body["prompt"])
    for message in reversed(body.get("messages") or []):
        if isinstance(message, dict) and message.get("role") == "user":
            return str(message.get("content", ""))
    return ""


def _words(text: str) -> int:
    return len(text.split())


@dataclass
class FakeOpenAIServer:
    """The server; see the module docs. Use as a context manager or ``start``/``stop``."""

    responses: Mapping[str, list[str]] | Responder | None = None
    model: str = "fake-model"
    delay: float = 0.0
    ignore_n: bool = False
    faults_by_call: dict[int, Fault] = field(default_factory=dict)
    faults_by_prompt: dict[str, list[Fault]] = field(default_factory=dict)
    requests: list[LoggedRequest] = field(default_factory=list)
    max_in_flight: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._in_flight = 0
        self._stopping = threading.Event()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- lifecycle ---------------------------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        server = self

        class Handler(_Handler):
            fake = server

        httpd = _Server(("127.0.0.1", 0), Handler)
        httpd.handle_error = lambda request, client_address: None  # type: ignore[method-assign]
        self._httpd = httpd
        self._thread = threading.Thread(
            target=httpd.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stopping.set()
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> FakeOpenAIServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        assert self._httpd is not None, "server not started"
        return int(self._httpd.server_address[1])

    @property
    def base_url(self) -> str:
        """The ``/v1`` base URL to give a client."""
        return f"http://127.0.0.1:{self.port}/v1"

    # -- what was received -------------------------------------------------------------
    @property
    def calls(self) -> int:
        with self._lock:
            return len(self.requests)

    def bodies(self) -> list[dict[str, Any]]:
        with self._lock:
            return [request.body for request in self.requests]

    def prompts(self) -> list[str]:
        """The last user message of every request, in arrival order."""
        return [last_user_message(body) for body in self.bodies()]

    # -- answering ---------------------------------------------------------------------
    def _admit(
        self, body: dict[str, Any], headers: dict[str, str], path: str = "/v1/chat/completions"
    ) -> Fault | None:
        with self._lock:
            index = len(self.requests)
            fault = self.faults_by_call.get(index)
            if fault is None:
                queue = self.faults_by_prompt.get(last_user_message(body))
                if queue:
                    fault = queue.pop(0)
            self.requests.append(LoggedRequest(index, body, headers, fault, path))
            self._in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self._in_flight)
            return fault

    def _leave(self) -> None:
        with self._lock:
            self._in_flight -= 1

    def texts_for(self, body: dict[str, Any], n: int) -> list[str]:
        prompt = last_user_message(body)
        if callable(self.responses):
            return list(self.responses(body))[:n]
        if self.responses is not None and prompt in self.responses:
            scripted = self.responses[prompt]
            return [scripted[i % len(scripted)] for i in range(n)]
        return [f"echo[{i}]: {prompt}" for i in range(n)]

    def completion_body(self, body: dict[str, Any], choices: int) -> dict[str, Any]:
        texts = self.texts_for(body, choices)
        raw = "prompt" in body
        if raw:
            prompt_words = _words(str(body["prompt"]))
        else:
            prompt_words = sum(_words(str(m.get("content", ""))) for m in body.get("messages", []))
        return {
            "id": f"{'cmpl' if raw else 'chatcmpl'}-fake-{len(self.requests)}",
            "object": "text_completion" if raw else "chat.completion",
            "created": 0,
            "model": self.model,
            "choices": [
                {"index": i, "text": text, "logprobs": None, "finish_reason": "stop"}
                if raw
                else {
                    "index": i,
                    "message": {"role": "assistant", "content": text},
                    "finish_reason": "stop",
                }
                for i, text in enumerate(texts)
            ],
            "usage": {
                "prompt_tokens": prompt_words,
                "completion_tokens": sum(_words(text) for text in texts),
                "total_tokens": prompt_words + sum(_words(text) for text in texts),
            },
        }


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256  # the default 5 drops SYNs under bursts, costing 1 s retransmits


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True
    fake: FakeOpenAIServer

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _send(self, status: int, payload: bytes, headers: tuple[tuple[str, str], ...] = ()) -> None:
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in headers:
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)
        self.wfile.flush()

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", "0"))
        raw = self.rfile.read(length)
        if not self.path.rstrip("/").endswith(("/chat/completions", "/v1/completions")):
            self._send(404, json.dumps({"error": {"message": f"no route {self.path}"}}).encode())
            return
        body = json.loads(raw)
        fake = self.fake
        fault = fake._admit(body, dict(self.headers.items()), self.path)
        try:
            self._answer(fake, body, fault)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True
        finally:
            fake._leave()

    def _answer(self, fake: FakeOpenAIServer, body: dict[str, Any], fault: Fault | None) -> None:
        wait = fake.delay + (fault.seconds if fault and fault.kind == "slow" else 0.0)
        if wait and fake._stopping.wait(wait):
            self.close_connection = True
            return
        n = int(body.get("n") or 1)
        if fault is None or fault.kind == "slow":
            choices = 1 if fake.ignore_n else n
            self._send(200, json.dumps(fake.completion_body(body, choices)).encode())
        elif fault.kind == "status":
            error = {"message": fault.message, "type": "fake_error", "param": None}
            payload = fault.body if fault.body is not None else json.dumps({"error": error})
            self._send(fault.status, payload.encode(), fault.headers)
        elif fault.kind == "malformed":
            self._send(200, b'{"choices": [{"message": ')
        elif fault.kind == "truncated":
            whole = json.dumps(fake.completion_body(body, n)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(whole)))
            self.end_headers()
            self.wfile.write(whole[: len(whole) // 2])
            self.wfile.flush()
            self.close_connection = True
        elif fault.kind == "drop":
            self.close_connection = True
        elif fault.kind == "fewer_choices":
            self._send(200, json.dumps(fake.completion_body(body, 1)).encode())


@pytest.fixture
def fake_openai() -> Iterator[FakeOpenAIServer]:
    """A started :class:`FakeOpenAIServer`, stopped after the test."""
    with FakeOpenAIServer() as server:
        yield server
