"""A scripted :class:`~execgym.llm.ChatModel` for the repair tests: it answers each role of
each problem from a script, as a sampling model behind the response cache would.

A prompt's role is read from its opening words and its problem from a piece of its
statement. A script maps ``(problem, role)`` to the replies that role gives on that problem,
in order: each new sample takes the next reply (the last one repeats), and asking a prompt
again with a larger ``n`` returns the same first samples plus new ones, as the cache does.
``role`` is one of ``coder``, ``auditor``, ``vote``, ``fixer``, ``tester``, ``debugger``.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import Mapping, Sequence

from execgym.llm import ChatMessage, Completion, SamplingParams, Usage

OPENINGS = {
    "Solve the following": "coder",
    "You are auditing": "auditor",
    "What is the correct output": "vote",
    "The program below is a candidate": "fixer",
    "Write tests for": "tester",
    "Your program below": "debugger",
}


def role_of(prompt: str) -> str:
    for opening, role in OPENINGS.items():
        if prompt.startswith(opening):
            return role
    raise AssertionError(f"no role opens this prompt: {prompt[:80]!r}")


def fenced(code: str) -> str:
    return f"Here is the program.\n```python\n{code.rstrip()}\n```\n"


def stdin_test(stdin: str, stdout: str) -> str:
    return f"<test><input>\n{stdin.rstrip()}\n</input><output>\n{stdout.rstrip()}\n</output></test>"


def call_test(call: str, output: str) -> str:
    return f"<test><call>{call}</call><output>{output}</output></test>"


class ScriptedModel:
    """Answers from ``script`` (see the module docstring); ``markers`` maps each problem id
    to a piece of its statement; ``latency`` seconds pass in every request."""

    def __init__(
        self,
        script: Mapping[tuple[str, str], Sequence[str]],
        markers: Mapping[str, str],
        *,
        latency: float = 0.0,
    ) -> None:
        self.script = script
        self.markers = markers
        self.latency = latency
        self.samples: dict[str, list[str]] = defaultdict(list)
        self.used: dict[tuple[str, str], int] = defaultdict(int)
        self.requests: list[tuple[str, str, int]] = []

    @property
    def name(self) -> str:
        return "scripted"

    def problem_of(self, prompt: str) -> str:
        found = [pid for pid, marker in self.markers.items() if marker in prompt]
        assert len(found) == 1, f"prompt matches problems {found}"
        return found[0]

    def _next(self, problem: str, role: str) -> str:
        replies = self.script[(problem, role)]
        position = min(self.used[(problem, role)], len(replies) - 1)
        self.used[(problem, role)] += 1
        return replies[position]

    def fresh(self, prompt: str, n: int) -> list[str]:
        """``n`` new replies to ``prompt``, as a sampling server gives them (for a server
        behind the response cache, which asks only for the samples it lacks)."""
        problem = self.problem_of(prompt)
        role = role_of(prompt)
        self.requests.append((problem, role, n))
        return [self._next(problem, role) for _ in range(n)]

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        if self.latency:
            await asyncio.sleep(self.latency)
        prompt = messages[-1]["content"]
        role = role_of(prompt)
        problem = self.problem_of(prompt)
        self.requests.append((problem, role, params.n))
        taken = self.samples[prompt]
        while len(taken) < params.n:
            taken.append(self._next(problem, role))
        texts = taken[: params.n]
        words = len(prompt.split())
        return Completion(
            texts=list(texts),
            finish_reasons=["stop"] * params.n,
            usage=Usage(words * params.n, sum(len(t.split()) for t in texts)),
            model="scripted",
        )
