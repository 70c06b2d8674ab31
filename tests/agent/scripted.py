"""Scripted model replies for the household world: a ChatModel whose replies a policy writes
from the prompt, and policies that play ReCode, ReAct and CodeAct the way a capable model
would (or, on request, the way a careless one would)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable, Sequence

from execgym.llm import ChatMessage, Completion, SamplingParams, Usage

Policy = Callable[[Sequence[ChatMessage]], str]

_TASKS = [
    (r"put a clean (\w+) in (\w+)", "clean"),
    (r"clean some (\w+) and put it in (\w+)", "clean"),
    (r"put a hot (\w+) in (\w+)", "heat"),
    (r"heat some (\w+) and put it in (\w+)", "heat"),
    (r"put a cool (\w+) in (\w+)", "cool"),
    (r"cool some (\w+) and put it in (\w+)", "cool"),
    (r"put two (\w+) in (\w+)", "two"),
    (r"find two (\w+) and put them in (\w+)", "two"),
    (r"look at (\w+) under the (\w+)", "look"),
    (r"examine the (\w+) with the (\w+)", "look"),
    (r"put a (\w+) in (\w+)", "pick"),
    (r"put some (\w+) on (\w+)", "pick"),
]


def read_task(instruction: str) -> tuple[str, str, str]:
    """(object kind, target kind, task short name) of a household instruction."""
    for pattern, kind in _TASKS:
        match = re.search(pattern, instruction)
        if match:
            return match.group(1), match.group(2), kind
    raise ValueError(f"not a household task: {instruction!r}")


class ScriptedChatModel:
    """A ChatModel answering each request with ``policy(messages)``; it records every
    request, can wait ``latency`` seconds per call, and counts tokens as words."""

    def __init__(self, policy: Policy, latency: float = 0.0, name: str = "scripted") -> None:
        self.policy = policy
        self.latency = latency
        self._name = name
        self.requests: list[list[ChatMessage]] = []
        self.in_flight = 0
        self.max_in_flight = 0

    @property
    def name(self) -> str:
        return self._name

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        self.requests.append(list(messages))
        self.in_flight += 1
        self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            if self.latency:
                await asyncio.sleep(self.latency)
        finally:
            self.in_flight -= 1
        text = self.policy(messages)
        words = sum(len(m["content"].split()) for m in messages)
        return Completion(
            texts=[text] * params.n,
            finish_reasons=["stop"] * params.n,
            usage=Usage(words, len(text.split()) * params.n),
            model=self._name,
        )


def code_reply(code: str, thought: str = "Scripted plan.") -> str:
    return f"<think>{thought}</think>\n<execute>\n{code.strip()}\n</execute>"


# ---- ReCode ----------------------------------------------------------------------------


def expanded_function(messages: Sequence[ChatMessage]) -> tuple[str, dict[str, str]]:
    """The function a ReCode prompt asks for (its name) and its inputs' shown values."""
    prompt = messages[0]["content"]
    section = prompt.rsplit("Function to implement:\n", 1)[1]
    signature = section.split("\n", 1)[0]
    name = re.search(r"(\w+)\(", signature)
    assert name is not None, signature
    inputs = dict(re.findall(r"^- (\w+) \([^)]*\): (.*)$", section.split("Reply with")[0], re.M))
    return name.group(1), inputs


ROOT = """\
obj, target, kind = read_task(instruction)
places = re.findall(r'[a-z]+ \\d+', observation)
sources = [p for p in places if not p.startswith(target + ' ')]
obj_id = find_and_take(obj, sources)
if kind in ('clean', 'heat', 'cool'):
    treat(obj_id, kind, places)
if kind == 'look':
    light_up(places)
else:
    put_in(obj_id, target, places)
if kind == 'two':
    second = find_and_take(obj, sources)
    put_in(second, target, places)
"""

FIND_AND_TAKE = """\
obj_id = None
for place in sources:
    seen = run(f'go to {place}')
    if seen == 'Nothing happens.':
        seen = run(f'examine {place}')
    if 'is closed' in seen:
        seen = run(f'open {place}')
    found = re.search(rf'\\b{obj} \\d+', seen)
    if found:
        obj_id = found.group()
        run(f'take {obj_id} from {place}')
        break
"""

TREAT = """\
station = {'clean': 'sinkbasin', 'heat': 'microwave', 'cool': 'fridge'}[kind]
where = [p for p in places if p.startswith(station + ' ')][0]
run(f'go to {where}')
run(f'{kind} {obj_id} with {where}')
"""

PUT_IN = """\
dest = [p for p in places if p.startswith(target + ' ')][0]
seen = run(f'go to {dest}')
if 'is closed' in seen:
    run(f'open {dest}')
run(f'move {obj_id} to {dest}')
"""

LIGHT_UP = """\
for place in places:
    seen = run(f'go to {place}')
    if seen == 'Nothing happens.':
        seen = run(f'examine {place}')
    lamp = re.search(r'desklamp \\d+', seen)
    if lamp:
        run(f'use {lamp.group()}')
        break
"""

RECODE_BODIES = {
    "find_and_take": FIND_AND_TAKE,
    "treat": TREAT,
    "put_in": PUT_IN,
    "light_up": LIGHT_UP,
}


def recode_policy(overrides: dict[str, list[str]] | None = None) -> Policy:
    """ReCode replies that solve every household task type. ``overrides`` maps a function
    name to replies given, in order, the first times it is asked for (to script failures)."""
    queue = {name: list(replies) for name, replies in (overrides or {}).items()}

    def policy(messages: Sequence[ChatMessage]) -> str:
        name, inputs = expanded_function(messages)
        if queue.get(name):
            return queue[name].pop(0)
        if name == "solve":
            return code_reply(ROOT, "Read the task, find the object, treat it, deliver it.")
        if name == "read_task":
            obj, target, kind = read_task(inputs["instruction"])
            return code_reply(f"obj = {obj!r}\ntarget = {target!r}\nkind = {kind!r}")
        return code_reply(RECODE_BODIES[name])

    return policy


# ---- ReAct and CodeAct -------------------------------------------------------------------


def react_policy(plan: Sequence[str]) -> Policy:
    """ReAct replies that take ``plan``'s actions in order (one per turn, with a thought),
    then repeat its last action."""

    def policy(messages: Sequence[ChatMessage]) -> str:
        taken = sum(1 for m in messages if m["content"].startswith("Observation:"))
        action = plan[min(taken, len(plan) - 1)]
        return f"Thought: step {taken + 1} of the plan.\nAction: {action}"

    return policy


def _function(name: str, params: str, body: str, returns: str | None = None) -> str:
    lines = [f"def {name}({params}):", *("    " + line for line in body.splitlines())]
    if returns:
        lines.append(f"    return {returns}")
    return "\n".join(lines) + "\n"


CODEACT_TURN = (
    _function("find_and_take", "obj, sources", FIND_AND_TAKE, "obj_id")
    + _function("treat", "obj_id, kind, places", TREAT)
    + _function("put_in", "obj_id, target, places", PUT_IN)
    + _function("light_up", "places", LIGHT_UP)
    + """
places = re.findall(r'[a-z]+ \\d+', observation)
obj, target, kind = TASK
sources = [p for p in places if not p.startswith(target + ' ')]
obj_id = find_and_take(obj, sources)
if kind in ('clean', 'heat', 'cool'):
    treat(obj_id, kind, places)
if kind == 'look':
    light_up(places)
else:
    put_in(obj_id, target, places)
if kind == 'two':
    put_in(find_and_take(obj, sources), target, places)
"""
)


def codeact_policy() -> Policy:
    """CodeAct replies: one turn that defines helpers and solves the task."""

    def policy(messages: Sequence[ChatMessage]) -> str:
        task = read_task(messages[0]["content"].rsplit("Your task is to:", 1)[1])
        code = CODEACT_TURN.replace("TASK", repr(task))
        if len(messages) > 1:
            return code_reply("print('nothing left to do')")
        return code_reply(code, "Define helpers, then solve the task in one go.")

    return policy


def table_policy(table: dict[str, str | list[str]]) -> Policy:
    """ReCode replies from a table: function name → one reply (always), or a list of
    replies used in order (the last one repeats)."""
    used: dict[str, int] = {}

    def policy(messages: Sequence[ChatMessage]) -> str:
        name, _ = expanded_function(messages)
        replies = table[name]
        if isinstance(replies, str):
            return replies
        position = used.get(name, 0)
        used[name] = position + 1
        return replies[min(position, len(replies) - 1)]

    return policy
