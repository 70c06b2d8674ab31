"""The model client: one :class:`ChatModel` protocol and the backends behind it.

:class:`OpenAIChatModel` talks to any OpenAI-compatible server (vLLM, SGLang, Ollama,
llama.cpp, hosted APIs) with bounded concurrency, retries and token accounting;
:class:`CachedChatModel` adds a SQLite response cache (one entry per sample, so runs resume
and ``n`` can grow); :class:`ReplayChatModel` answers from a recorded JSONL file and
:class:`RecordingChatModel` writes one; :class:`VLLMChatModel` and :class:`HFChatModel` run
a model in-process when their extras are installed. :func:`open_model` builds what a CLI
asks for.
"""

from execgym.llm._cache import CachedChatModel, CachedSample, ResponseCache
from execgym.llm._closing import aclose_model
from execgym.llm._errors import (
    BackendNotInstalled,
    MissingRecording,
    ModelError,
    ModelRequestError,
    ModelUnavailable,
    ReplayFormatError,
)
from execgym.llm._factory import make_model, open_model
from execgym.llm._hf import HFChatModel
from execgym.llm._keys import CACHE_KEY_VERSION, prompt_key, sample_key
from execgym.llm._openai import RETRY_FAILURE, OpenAIChatModel
from execgym.llm._protocol import (
    ChatMessage,
    ChatModel,
    Completion,
    SamplingParams,
    Usage,
)
from execgym.llm._registry import (
    BACKENDS,
    Backend,
    BackendOptions,
    backend_names,
    get_backend,
    register_backend,
)
from execgym.llm._replay import (
    RecordingChatModel,
    ReplayChatModel,
    read_recordings,
    record,
)
from execgym.llm._retry import RetryPolicy
from execgym.llm._usage import CacheStats, RunUsage
from execgym.llm._vllm import VLLMChatModel

__all__ = [
    "BACKENDS",
    "CACHE_KEY_VERSION",
    "RETRY_FAILURE",
    "Backend",
    "BackendNotInstalled",
    "BackendOptions",
    "CacheStats",
    "CachedChatModel",
    "CachedSample",
    "ChatMessage",
    "ChatModel",
    "Completion",
    "HFChatModel",
    "MissingRecording",
    "ModelError",
    "ModelRequestError",
    "ModelUnavailable",
    "OpenAIChatModel",
    "RecordingChatModel",
    "ReplayChatModel",
    "ReplayFormatError",
    "ResponseCache",
    "RetryPolicy",
    "RunUsage",
    "SamplingParams",
    "Usage",
    "VLLMChatModel",
    "aclose_model",
    "backend_names",
    "get_backend",
    "make_model",
    "open_model",
    "prompt_key",
    "read_recordings",
    "record",
    "register_backend",
    "sample_key",
]
