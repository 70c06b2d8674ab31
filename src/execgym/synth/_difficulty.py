"""The optional model-based difficulty filter: keep what a reference model often gets wrong.

The reference model is asked ``samples`` times for the output of the program's call; an
answer is right when its literal equals the recorded output (compared here, as plain data,
with equal types). A program is kept when at most ``max_correct`` answers are right.

The defaults are ExecVerify's setting (its ``difficulty_evaluation`` configuration and
``max_pass_count``): 10 samples at temperature 1.0 and top-p 0.9 with up to 4096 tokens
each, kept when at most 3 are right. ExecVerify counts a sample right when the output's
text appears anywhere in the response; here only the last complete ``[ANSWER]`` block counts,
read as CRUXEval's output answers are (:func:`~execgym.tasks.extract_item_answers`: the value
of an assertion, or the block's text) and parsed by the project's literal reader, never
evaluated.
"""

from __future__ import annotations

from dataclasses import dataclass

from execgym.llm import ChatMessage, ChatModel, SamplingParams
from execgym.synth._candidate import ValidatedProgram
from execgym.tasks import (
    Kind,
    LiteralError,
    extract_item_answers,
    last_answer_block,
    parse_literal,
    values_match,
)


def output_prompt(program: ValidatedProgram) -> list[ChatMessage]:
    """Ask for the output of ``f(<input>)``, answered as ``[ANSWER]literal[/ANSWER]``."""
    candidate = program.candidate
    call = f"{candidate.entry}({program.input})"
    text = (
        f"```python\n{candidate.code}```\n\n"
        f"What does `{call}` return? Think it through, then give the returned value as a "
        f"Python literal between [ANSWER] and [/ANSWER]."
    )
    return [{"role": "user", "content": text}]


def answer_is_right(text: str, expected: str, entry: str = "f") -> bool:
    """Whether the last ``[ANSWER]`` block of ``text`` holds the value of the literal
    ``expected`` (type-aware, as ``strict`` output answers are compared)."""
    if last_answer_block(text, "[ANSWER]") is None:
        return False
    (answer,) = extract_item_answers("cruxeval", [Kind.OUTPUT], entry, text)
    if answer.text is None:
        return False
    try:
        got = parse_literal(answer.text)
        want = parse_literal(expected)
    except LiteralError:
        return False
    return values_match(got, want)


@dataclass
class ModelDifficultyFilter:
    """Keeps programs the reference model answers right in at most ``max_correct`` of
    ``samples`` samples. ``last_scores`` maps program code to its count of right answers."""

    model: ChatModel
    samples: int = 10
    max_correct: int = 3
    temperature: float = 1.0
    top_p: float = 0.9
    max_tokens: int = 4096

    def __post_init__(self) -> None:
        if not 0 <= self.max_correct <= self.samples or self.samples < 1:
            raise ValueError("need 1 <= samples and 0 <= max_correct <= samples")
        self.last_scores: dict[str, int] = {}

    async def correct_answers(self, program: ValidatedProgram) -> int:
        """How many of the samples give the recorded output."""
        if program.output is None:
            return 0
        params = SamplingParams(
            n=self.samples,
            temperature=self.temperature,
            top_p=self.top_p,
            max_tokens=self.max_tokens,
        )
        completion = await self.model.complete(output_prompt(program), params)
        entry = program.candidate.entry
        return sum(answer_is_right(text, program.output, entry) for text in completion.texts)

    async def keep(self, program: ValidatedProgram) -> bool:
        right = await self.correct_answers(program)
        self.last_scores[program.candidate.code] = right
        return right <= self.max_correct
