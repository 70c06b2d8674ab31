"""HTTP plumbing of the service: the bearer token, size-capped bodies, JSON answers that
hold any text a program wrote, and the refusals every endpoint can give."""

from __future__ import annotations

import hmac
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from execgym._jsonl import json_text
from execgym.serve._requests import RequestError


class Refused(Exception):
    """A request answered without running it: HTTP ``status``, a short ``reason`` (the
    metrics label and the ``error`` field) and extra headers."""

    def __init__(
        self, status: int, reason: str, detail: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(detail)
        self.status = status
        self.reason = reason
        self.detail = detail
        self.headers = headers or {}

    @classmethod
    def bad_request(cls, error: RequestError) -> Refused:
        reason = "too_large" if error.status == 413 else "bad_request"
        return cls(error.status, reason, str(error))


def check_token(request: Request, api_key: str | None) -> None:
    """Refuse (401) a request without ``Authorization: Bearer <api_key>`` when a key is set."""
    if api_key is None:
        return
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), api_key):
        raise Refused(
            401,
            "unauthorized",
            "a bearer token is required: Authorization: Bearer <key>",
            {"WWW-Authenticate": "Bearer"},
        )


async def read_body(request: Request, cap: int) -> bytes:
    """The request body, refused (413) as soon as it is known to pass ``cap`` bytes."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap:
        raise Refused(413, "too_large", f"the body is {declared} bytes, over the cap of {cap}")
    chunks: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise Refused(413, "too_large", f"the body is over the cap of {cap} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


def json_response(value: Any, status: int = 200, headers: dict[str, str] | None = None) -> Response:
    """``value`` as JSON (lone surrogates and control characters escaped, never lost)."""
    return Response(
        json_text(value, compact=True).encode("utf-8"),
        status_code=status,
        media_type="application/json",
        headers=headers,
    )


def jsonl_response(records: list[Any]) -> Response:
    """One JSON object per line, as ``execgym judge`` writes its output file."""
    text = "".join(json_text(record) + "\n" for record in records)
    return Response(text.encode("utf-8"), media_type="application/x-ndjson")
