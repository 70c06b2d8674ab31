"""CodeAct: one block of code per turn in a persistent interpreter, no recursion.

Each reply holds one code block (``<execute>`` or a fenced Python block) that acts through
``run(action)``; it runs in the episode's sandboxed interpreter, whose variables and
functions persist between turns. The next message shows the actions the block performed
with their observations, what it printed, and its error if it failed. A reply without a
usable block is answered with the problem (never skipped). An interpreter that is lost (a
block that would not stop) is restarted, and the model is told its variables are gone.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from typing import Any

from execgym.agent._analysis import BlockRules, InvalidBlock, analyse_block
from execgym.agent._episode import Episode, EpisodeEnd
from execgym.agent._executor import Interpreter, InterpreterLost, abandon, start_soon
from execgym.agent._method import METHODS
from execgym.agent._replies import ReplyProblem, parse_code_reply
from execgym.agent.methods._prompts import action_list
from execgym.llm import ChatMessage, ModelRequestError

RULES = BlockRules(placeholders=False, definitions=True)
PROMPT = """\
Interact with the environment to solve a task by writing Python code. Each turn, reply with \
your reasoning and then one block of code in <execute> and </execute>. In the code, \
run(action) performs one action and returns what the environment answers, as a string. \
Variables and functions you define stay available in later turns, and so do instruction \
and observation, the task and the first observation. The modules re and math are available \
without import; nothing else can be imported. After each block you see the actions it \
performed with their answers, what it printed, and its error if it failed.

Actions for run():
{actions}

{intro}"""


@dataclass(frozen=True)
class CodeAct:
    name: str = "codeact"
    uses_sandbox: bool = True

    async def play(self, episode: Episode) -> dict[str, Any] | None:
        actions = action_list(episode.env.actions())
        prompt = PROMPT.format(actions=actions, intro=episode.start.intro)
        messages: list[ChatMessage] = [{"role": "user", "content": prompt}]
        interpreter: Interpreter | None = None
        starting: asyncio.Task[Interpreter] | None = None
        try:
            while True:
                if interpreter is None and starting is None:
                    starting = _start(episode)  # while the model writes the block
                call = await episode.ask(messages)
                messages.append({"role": "assistant", "content": call.reply})
                try:
                    code = parse_code_reply(call.reply).code
                    analyse_block(code, frozenset(), RULES)
                except (ReplyProblem, InvalidBlock) as problem:
                    call.note = f"rejected: {problem}"
                    messages.append(
                        {"role": "user", "content": f"That reply cannot be run: {problem}."}
                    )
                    continue
                if interpreter is None:
                    assert starting is not None
                    interpreter, starting = await starting, None
                try:
                    feedback, call.kept = await _run_block(episode, interpreter, code)
                except InterpreterLost as exc:
                    reason = f"the interpreter was stopped and restarted: {exc}"
                    episode.notes.append(reason)
                    call.note = reason
                    interpreter = None
                    feedback = f"{reason}. Variables and functions from earlier turns are gone."
                messages.append({"role": "user", "content": feedback})
        except EpisodeEnd as end:
            episode.finish(end.reason, end.detail)
        except ModelRequestError as exc:
            episode.finish("model_rejected", str(exc))
        finally:
            if starting is not None:
                await abandon(starting)
            if interpreter is not None:
                await interpreter.close()
        return None


def _start(episode: Episode) -> asyncio.Task[Interpreter]:
    assert episode.sandbox is not None, "CodeAct runs model code: the episode needs a sandbox"
    inputs = {"instruction": episode.start.instruction, "observation": episode.start.observation}
    return start_soon(episode.sandbox, episode.executor, inputs, persistent=True)


async def _run_block(episode: Episode, interpreter: Interpreter, code: str) -> tuple[str, bool]:
    """Run one turn's block; the feedback message and whether it completed."""
    first_step = len(episode.steps)
    await interpreter.send(
        {
            "op": "exec",
            "name": "turn",
            "code": code,
            "sites": [],
            "params": [],
            "outputs": [],
            "limit_s": episode.executor.block_s,
        }
    )
    while True:
        message = await interpreter.receive()
        if message["op"] == "run":
            observation = await episode.act(message["action"])
            await interpreter.send({"op": "observation", "text": observation})
        elif message["op"] in ("done", "error"):
            break
        else:
            raise InterpreterLost(f"protocol: an unexpected {message['op']} message")
    parts = [
        "\n".join(f"> {step.action}\n{step.observation}" for step in episode.steps[first_step:])
        or "No actions were performed."
    ]
    if message["stdout"].strip():
        parts.append(f"Printed:\n{message['stdout'].rstrip()}")
    if message["op"] == "error":
        error = message["error"]
        parts.append(f"Error:\n{(error['traceback'] or error['type'] + ': ' + error['message'])}")
    return "\n".join(parts), message["op"] == "done"


METHODS.register(
    "codeact", CodeAct(), summary="one code block per turn in a persistent interpreter"
)
