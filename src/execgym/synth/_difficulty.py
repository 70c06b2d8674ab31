"""The optional model-based difficulty filter: keep what a reference model often gets wrong.

The reference model is asked ``samples`` times for the output of the program's call; an
answer is right when its literal equals the recorded output (compared here, as plain data,
with equal types). A program is kept when at most ``max_correct`` answers are right.

The defaults are ExecVerify's setting (its ``difficulty_evaluation`` configuration and
``max_pass_count``): 10 samples at temperature 1.0 and top-p 0.9 with up to 4096 tokens
each, kept when at most 3 are right. ExecVerify counts a sample right when the output's
text appears anywhere in the response; here only the final ``[ANSWER]`` counts, read as a
literal.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from execgym.llm._protocol import ChatMessage, ChatModel, SamplingParams
from execgym.synth._candidate import ValidatedProgram

_ANSWER = re.compile(r"\[ANSWER\](.*?)\[/ANSWER\]", re.DOTALL)


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


def answer_is_right(text: str, expected: str) -> bool:
    """Whether the last ``[ANSWER]`` of ``text`` is the literal ``expected``."""
    found = _ANSWER.findall(text)
    if not found:
        return False
    answer = found[-1].strip()
    if "==" in answer:
        answer = answer.rsplit("==", 1)[1].strip()
    try:
        got = ast.literal_eval(answer)
        want = ast.literal_eval(expected)
    except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        return False
    return type(got) is type(want) and bool(got == want)


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
        return sum(answer_is_right(text, program.output) for text in completion.texts)

    async def keep(self, program: ValidatedProgram) -> bool:
        right = await self.correct_answers(program)
        self.last_scores[program.candidate.code] = right
        return right <= self.max_correct
