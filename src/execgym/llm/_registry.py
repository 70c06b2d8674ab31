"""The registry of model backends: ``openai``, ``vllm``, ``hf``.

Each backend module calls :func:`register_backend` beside its class; the built-in modules
load on the first lookup, third-party backends through the ``execgym.backends`` entry-point
group. A model spec
``"BACKEND:NAME"`` names one (``"vllm:Qwen/Qwen2.5-7B-Instruct"``); a spec whose prefix is
not a registered backend is a model name for the OpenAI-compatible backend, so
``"llama3:8b"`` (an Ollama tag) stays whole.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from execgym.llm._protocol import ChatModel
from execgym.registry import Registry


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


BACKENDS: Registry[Backend] = Registry(
    "model backend",
    builtins=("execgym.llm._openai", "execgym.llm._vllm", "execgym.llm._hf"),
    entry_point_group="execgym.backends",
)
"""Every model backend by name; a plugin's entry point names a :class:`Backend`."""


def register_backend(
    name: str, factory: BackendFactory, *, summary: str, extra: str | None = None
) -> None:
    """Register a backend under ``name``; registering a name twice is an error."""
    BACKENDS.register(name, Backend(name, factory, summary, extra), summary=summary)


def backend_names() -> list[str]:
    """The registered backend names, sorted."""
    return BACKENDS.names()


def get_backend(name: str) -> Backend:
    """The backend registered as ``name``; :class:`~execgym.registry.UnknownName` (a
    ``KeyError``) naming the known ones otherwise."""
    return BACKENDS.get(name)


def split_spec(spec: str) -> tuple[str, str]:
    """``"vllm:path"`` -> ``("vllm", "path")``; anything else -> ``("openai", spec)``."""
    prefix, sep, rest = spec.partition(":")
    if sep and prefix in BACKENDS and rest:
        return prefix, rest
    return "openai", spec
