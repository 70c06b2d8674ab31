"""In-process Hugging Face transformers (``AutoModelForCausalLM`` + the chat template).

Needs ``pip install 'execgym[hf]'``. transformers and torch are imported inside the
constructor. Slow but dependency-light: meant for small models and checks, not throughput.
Requests run one at a time in a worker thread.

Mapping: the conversation goes through ``tokenizer.apply_chat_template(...,
add_generation_prompt=True)`` (a raw completion, ``params.raw_prompt``: the prompt text as
it is, tokenized with the model's special tokens, as a completions server does);
``temperature == 0`` is greedy decoding (one generation, repeated ``n`` times), otherwise
sampling with ``temperature``/``top_p`` and ``num_return_sequences = n``; ``max_tokens`` is
``max_new_tokens``; ``stop`` strings end generation (``stop_strings``) and are cut from the
text, as OpenAI servers do; ``seed`` calls ``transformers.set_seed``; ``params.extra`` goes
to ``generate``. A sample that used all ``max_tokens`` without reaching end-of-sequence or
a stop string ends with ``"length"``.
"""

from __future__ import annotations

import asyncio
import importlib
import threading
from collections.abc import Sequence
from typing import Any

from execgym.llm._errors import BackendNotInstalled
from execgym.llm._protocol import ChatMessage, Completion, SamplingParams, Usage, raw_prompt_text
from execgym.llm._registry import BackendOptions, register_backend


def cut_at_stop(text: str, stop: Sequence[str]) -> tuple[str, bool]:
    """``text`` up to the earliest stop string, and whether one was found."""
    cut = min((i for i in (text.find(s) for s in stop if s) if i >= 0), default=-1)
    return (text[:cut], True) if cut >= 0 else (text, False)


class HFChatModel:
    """A :class:`~execgym.llm.ChatModel` running a transformers causal LM in this process.

    ``device`` (``"cuda"``, ``"cpu"``...) is where the model is moved; ``model_kwargs`` go to
    ``AutoModelForCausalLM.from_pretrained`` (``torch_dtype``, ``device_map``...).
    """

    def __init__(self, model: str, *, device: str | None = None, **model_kwargs: Any) -> None:
        try:
            self._torch = importlib.import_module("torch")
            self._transformers = importlib.import_module("transformers")
        except ImportError as exc:
            raise BackendNotInstalled("transformers", "hf") from exc
        self._name = model
        self._tokenizer = self._transformers.AutoTokenizer.from_pretrained(model)
        self._model = self._transformers.AutoModelForCausalLM.from_pretrained(model, **model_kwargs)
        if device is not None:
            self._model.to(device)
        self._model.eval()
        self._lock = threading.Lock()

    @property
    def name(self) -> str:
        return self._name

    @property
    def endpoint(self) -> str:
        """What identifies this backend in cache keys."""
        return "hf-transformers"

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        if params.n < 1:
            raise ValueError(f"n must be at least 1, got {params.n}")
        prompt = raw_prompt_text(messages) if params.raw_prompt else None
        return await asyncio.to_thread(self._generate, [dict(m) for m in messages], params, prompt)

    def _generate(
        self, messages: list[dict[str, Any]], params: SamplingParams, prompt: str | None = None
    ) -> Completion:
        tokenizer = self._tokenizer
        if prompt is None:
            text = tokenizer.apply_chat_template(
                messages, tokenize=False, add_generation_prompt=True
            )
        else:
            text = prompt
        inputs = tokenizer(text, return_tensors="pt", add_special_tokens=prompt is not None)
        inputs = inputs.to(self._model.device)
        sample = params.temperature > 0
        eos = tokenizer.eos_token_id
        pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else eos
        kwargs: dict[str, Any] = {
            "max_new_tokens": params.max_tokens,
            "do_sample": sample,
            "num_return_sequences": params.n if sample else 1,
            "pad_token_id": pad,
        }
        if sample:
            kwargs.update(temperature=params.temperature, top_p=params.top_p)
        if params.stop:
            kwargs.update(stop_strings=list(params.stop), tokenizer=tokenizer)
        kwargs.update(params.extra)
        with self._lock:
            if params.seed is not None:
                self._transformers.set_seed(params.seed)
            with self._torch.no_grad():
                output = self._model.generate(**inputs, **kwargs)
        prompt_length = int(inputs["input_ids"].shape[1])
        ends = {token for token in (eos, pad) if token is not None}
        texts: list[str] = []
        reasons: list[str] = []
        completion_tokens = 0
        for row in output[:, prompt_length:].tolist():
            end = next((i for i, token in enumerate(row) if token in ends), None)
            length = len(row) if end is None else end + 1
            completion_tokens += length
            decoded = str(tokenizer.decode(row[:length], skip_special_tokens=True))
            decoded, stopped = cut_at_stop(decoded, params.stop)
            texts.append(decoded)
            finished = stopped or end is not None or length < params.max_tokens
            reasons.append("stop" if finished else "length")
        if not sample:
            texts, reasons = texts * params.n, reasons * params.n
            completion_tokens *= params.n
        return Completion(
            texts=texts,
            finish_reasons=reasons,
            usage=Usage(prompt_length, completion_tokens),
            model=self._name,
        )

    async def aclose(self) -> None:
        """Nothing to release before the process ends."""


def _make_hf(name: str, options: BackendOptions) -> HFChatModel:
    return HFChatModel(name)


register_backend("hf", _make_hf, summary="Hugging Face transformers in this process", extra="hf")
