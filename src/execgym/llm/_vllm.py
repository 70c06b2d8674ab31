"""In-process vLLM (offline ``vllm.LLM``), for when no server is wanted.

Needs ``pip install 'execgym[vllm]'`` and a GPU. vLLM is imported inside the constructor, so
importing :mod:`execgym.llm` never needs it.

Requests made concurrently on one event loop are batched: each :meth:`complete` queues its
conversation, and one worker hands every queued conversation (up to ``max_batch``) to a
single ``LLM.chat(conversations, sampling_params=[...])`` call in a worker thread, which
is how vLLM wants offline work; raw completions (``params.raw_prompt``) go, in the same
batch, to ``LLM.generate`` with the prompt text and no chat template. Sampling maps one to
one onto ``vllm.SamplingParams``
(``n``, ``temperature``, ``top_p``, ``max_tokens``, ``stop``, ``seed``, then
``params.extra`` such as ``top_k``). Usage is the prompt's token count and the sum of the
samples' token counts.
"""

from __future__ import annotations

import asyncio
import importlib
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from execgym.llm._errors import BackendNotInstalled
from execgym.llm._protocol import (
    ChatMessage,
    Completion,
    SamplingParams,
    Usage,
    raw_prompt_text,
)
from execgym.llm._registry import BackendOptions, register_backend


@dataclass
class _Pending:
    messages: list[dict[str, Any]]
    params: SamplingParams
    future: asyncio.Future[Completion]
    prompt: str | None = None
    """The text of a raw completion (``None``: a chat request)."""


class VLLMChatModel:
    """A :class:`~execgym.llm.ChatModel` running ``vllm.LLM`` in this process.

    ``llm_kwargs`` go to ``vllm.LLM`` (``tensor_parallel_size``, ``dtype``,
    ``gpu_memory_utilization``, ``max_model_len``...). Use it from one event loop at a time.
    """

    def __init__(self, model: str, *, max_batch: int = 1024, **llm_kwargs: Any) -> None:
        try:
            vllm = importlib.import_module("vllm")
        except ImportError as exc:
            raise BackendNotInstalled("vllm", "vllm") from exc
        if max_batch < 1:
            raise ValueError(f"max_batch must be at least 1, got {max_batch}")
        self._vllm = vllm
        self._llm = vllm.LLM(model=model, **llm_kwargs)
        self._name = model
        self._max_batch = max_batch
        self._pending: list[_Pending] = []
        self._worker: asyncio.Task[None] | None = None

    @property
    def name(self) -> str:
        return self._name

    @property
    def endpoint(self) -> str:
        """What identifies this backend in cache keys."""
        return "vllm-offline"

    def sampling_params(self, params: SamplingParams) -> Any:
        """The ``vllm.SamplingParams`` for ``params``."""
        return self._vllm.SamplingParams(
            n=params.n,
            temperature=params.temperature,
            top_p=params.top_p,
            max_tokens=params.max_tokens,
            stop=list(params.stop) or None,
            seed=params.seed,
            **dict(params.extra),
        )

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        if params.n < 1:
            raise ValueError(f"n must be at least 1, got {params.n}")
        prompt = raw_prompt_text(messages) if params.raw_prompt else None
        future: asyncio.Future[Completion] = asyncio.get_running_loop().create_future()
        self._pending.append(_Pending([dict(m) for m in messages], params, future, prompt))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[: self._max_batch]
            del self._pending[: self._max_batch]
            try:
                results = await asyncio.to_thread(self._run, batch)
            except Exception as exc:
                for item in batch:
                    if not item.future.done():
                        item.future.set_exception(exc)
                continue
            for item, result in zip(batch, results, strict=True):
                if not item.future.done():
                    item.future.set_result(result)

    def _run(self, batch: list[_Pending]) -> list[Completion]:
        chats = [item for item in batch if item.prompt is None]
        raws = [item for item in batch if item.prompt is not None]
        outputs: dict[int, Any] = {}
        for group, method, inputs in (
            (chats, "chat", [item.messages for item in chats]),
            (raws, "generate", [item.prompt for item in raws]),
        ):
            if group:
                params = [self.sampling_params(item.params) for item in group]
                found = getattr(self._llm, method)(inputs, sampling_params=params, use_tqdm=False)
                outputs.update(zip(map(id, group), found, strict=True))
        return [self._completion(outputs[id(item)]) for item in batch]

    def _completion(self, output: Any) -> Completion:
        samples = list(output.outputs)
        prompt_ids = output.prompt_token_ids or []
        return Completion(
            texts=[str(sample.text) for sample in samples],
            finish_reasons=[str(sample.finish_reason or "stop") for sample in samples],
            usage=Usage(
                prompt_tokens=len(prompt_ids),
                completion_tokens=sum(len(sample.token_ids) for sample in samples),
            ),
            model=self._name,
        )

    async def aclose(self) -> None:
        """Nothing to release before the process ends (vLLM frees the GPU at exit)."""


def _make_vllm(name: str, options: BackendOptions) -> VLLMChatModel:
    return VLLMChatModel(name)


register_backend(
    "vllm", _make_vllm, summary="vLLM offline inference in this process (GPU)", extra="vllm"
)
