"""Where an OpenAI-compatible server is and how to authenticate to it.

An explicit argument wins; then ``EXECGYM_BASE_URL`` / ``EXECGYM_API_KEY``; then
``OPENAI_BASE_URL`` / ``OPENAI_API_KEY``. Empty variables count as unset. There is no default
base URL: prompts go nowhere unless a server is named.
"""

from __future__ import annotations

import os

BASE_URL_VARIABLES = ("EXECGYM_BASE_URL", "OPENAI_BASE_URL")
API_KEY_VARIABLES = ("EXECGYM_API_KEY", "OPENAI_API_KEY")


def _first_set(names: tuple[str, ...]) -> str | None:
    for name in names:
        value = os.environ.get(name, "").strip()
        if value:
            return value
    return None


def resolve_base_url(base_url: str | None) -> str:
    """The server's base URL (the part before ``/chat/completions``, usually ending ``/v1``)."""
    found = base_url.strip() if base_url else _first_set(BASE_URL_VARIABLES)
    if not found:
        raise ValueError(
            "no model server given: pass base_url (e.g. http://localhost:8000/v1) or set "
            "EXECGYM_BASE_URL or OPENAI_BASE_URL"
        )
    if not found.startswith(("http://", "https://")):
        raise ValueError(f"base URL must start with http:// or https://, got {found!r}")
    return found.rstrip("/")


def resolve_api_key(api_key: str | None) -> str | None:
    """The API key, or ``None`` to send no ``Authorization`` header (a local vLLM needs none)."""
    if api_key:
        return api_key
    return _first_set(API_KEY_VARIABLES)
