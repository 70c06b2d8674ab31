"""The model-driven generator: the spec as a prompt, sent through a :class:`ChatModel`.

The method under test is drawn from ``spec.methods`` (or from the catalog's methods that
fit the spec) with the item seed; the answer's program and call are extracted, and the
dataset builder then runs the same filters as for the grammar generator, plus the
constraint checker, since a model's program satisfies nothing by construction. Sampling
passes the item seed to the backend; whether the answer repeats depends on the backend.
"""

from __future__ import annotations

import random

from execgym.llm import ChatModel, SamplingParams
from execgym.synth._candidate import Candidate, GenerationFailure
from execgym.synth._grammar import eligible_methods
from execgym.synth._prompt import ExtractionError, extract_program, render_prompt
from execgym.synth._spec import ConstraintSpec


class ModelGenerator:
    """Asks ``model`` for one program per item."""

    def __init__(self, model: ChatModel, temperature: float = 0.8, max_tokens: int = 1024):
        self.model = model
        self.temperature = temperature
        self.max_tokens = max_tokens

    @property
    def name(self) -> str:
        return "model"

    def method_for(self, spec: ConstraintSpec, item_seed: int) -> str | None:
        choices = spec.methods or eligible_methods(spec)
        if not choices:
            return None
        return choices[random.Random(item_seed).randrange(len(choices))]

    async def generate(self, spec: ConstraintSpec, item_seed: int) -> Candidate | GenerationFailure:
        method = self.method_for(spec, item_seed)
        if method is None:
            return GenerationFailure("no_method", f"no method fits {spec.name}")
        params = SamplingParams(
            n=1,
            temperature=self.temperature,
            max_tokens=self.max_tokens,
            seed=item_seed % (1 << 31),
        )
        try:
            completion = await self.model.complete(render_prompt(spec, method), params)
        except Exception as exc:  # a backend error is this item's failure, not the run's
            return GenerationFailure("model_error", f"{type(exc).__name__}: {exc}")
        if not completion.texts:
            return GenerationFailure("no_answer", "the model returned no completion")
        try:
            program = extract_program(completion.texts[0])
        except ExtractionError as error:
            return GenerationFailure("no_code", str(error))
        return Candidate(
            code=program.code, inputs=(program.input,), method=method, generator=self.name
        )
