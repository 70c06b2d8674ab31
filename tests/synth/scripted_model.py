"""A scripted ChatModel for the synth tests (answers from a list, in order)."""

from __future__ import annotations

from collections.abc import Sequence

from execgym.llm._protocol import ChatMessage, Completion, SamplingParams, Usage


class ScriptedModel:
    """A ChatModel that answers from a script: the next texts of a list, in order."""

    def __init__(self, answers: Sequence[str]) -> None:
        self.answers = list(answers)
        self.calls: list[tuple[list[ChatMessage], SamplingParams]] = []

    @property
    def name(self) -> str:
        return "scripted"

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        self.calls.append((list(messages), params))
        texts = [self.answers.pop(0) for _ in range(params.n)]
        return Completion(
            texts=texts,
            finish_reasons=["stop"] * len(texts),
            usage=Usage(),
            model=self.name,
        )
