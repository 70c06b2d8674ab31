"""Building a model from what a command line says: a spec, a server, a cache, a replay."""

from __future__ import annotations

from pathlib import Path

from execgym.llm._cache import CachedChatModel
from execgym.llm._protocol import ChatModel
from execgym.llm._registry import BackendOptions, get_backend, split_spec
from execgym.llm._replay import ReplayChatModel


def make_model(spec: str, options: BackendOptions | None = None) -> ChatModel:
    """The backend a spec names: ``"vllm:MODEL"``, ``"hf:MODEL"``, ``"openai:MODEL"``, or a
    bare model name for the OpenAI-compatible backend."""
    backend, name = split_spec(spec)
    return get_backend(backend).factory(name, options or BackendOptions())


def open_model(
    model: str,
    base_url: str | None = None,
    api_key: str | None = None,
    cache_path: Path | None = None,
    replay: Path | None = None,
    max_concurrency: int = 16,
) -> ChatModel:
    """The model a CLI asked for.

    With ``replay``, a :class:`ReplayChatModel` over that file (named ``model``) and nothing
    else: no server, no cache. Otherwise ``make_model(model, ...)``, wrapped in a
    :class:`CachedChatModel` when ``cache_path`` is given (``None`` bypasses the cache).
    Close it with :func:`~execgym.llm.aclose_model`.
    """
    if replay is not None:
        return ReplayChatModel(replay, model=model)
    inner = make_model(model, BackendOptions(base_url, api_key, max_concurrency))
    if cache_path is None:
        return inner
    return CachedChatModel(inner, cache_path)
