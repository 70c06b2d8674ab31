"""The registry of model backends: ``openai``, ``vllm``, ``hf``.

Each backend module calls :func:`register_backend` beside its class. A model spec
``"BACKEND:NAME"`` names one (``"vllm:Qwen/Qwen2.5-7B-Instruct"``); a spec whose prefix is
not a registered backend is a model name for the OpenAI-compatible backend, so
``"llama3:8b"`` (an Ollama tag) stays whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from execgym.llm._protocol import ChatModel


@dataclass(frozen=True)
class BackendOptions:
    """Options a factory may use; in-process backends ignore the server ones."""

    base_url: str | None = None
    api_key: str | None = None
    max_concurrency: int = 16


BackendFactory = Callable[[str, BackendOptions], ChatModel]


@dataclass(frozen=True)
class Backend:
    """One registered backend: how to build it, what it is, which extra it needs."""

    name: str
    factory: BackendFactory
    summary: str
    extra: str | None = None
    """The ``pip install 'execgym[EXTRA]'`` extra its library comes from, if any."""


_BACKENDS: dict[str, Backend] = {}


def register_backend(
    name: str, factory: BackendFactory, *, summary: str, extra: str | None = None
) -> None:
    """Register a backend under ``name``; registering a name twice is an error."""
    if name in _BACKENDS:
        raise ValueError(f"model backend {name!r} is already registered")
    _BACKENDS[name] = Backend(name, factory, summary, extra)


def backend_names() -> list[str]:
    """The registered backend names, sorted."""
    return sorted(_BACKENDS)


def get_backend(name: str) -> Backend:
    """The backend registered as ``name``."""
    try:
        return _BACKENDS[name]
    except KeyError:
        raise KeyError(
            f"unknown model backend {name!r}; known: {', '.join(backend_names())}"
        ) from None


def split_spec(spec: str) -> tuple[str, str]:
    """``"vllm:path"`` -> ``("vllm", "path")``; anything else -> ``("openai", spec)``."""
    prefix, sep, rest = spec.partition(":")
    if sep and prefix in _BACKENDS and rest:
        return prefix, rest
    return "openai", spec
