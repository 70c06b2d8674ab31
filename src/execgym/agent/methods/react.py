"""ReAct: one text action per turn, with a thought before it.

Each reply holds an optional ``Thought:`` and one ``Action:`` line; the action goes to the
environment as it is and its observation comes back as the next message. A reply without an
action is answered with what is missing and counts as a model call (never skipped).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from execgym.agent._episode import Episode, EpisodeEnd
from execgym.agent._method import METHODS
from execgym.agent._replies import ReplyProblem, parse_action_reply
from execgym.agent.methods._prompts import REACT_EXAMPLES, action_list, examples_for
from execgym.llm import ChatMessage, ModelRequestError

PROMPT = """\
Interact with the environment to solve a task. Each turn, reply with a short thought and \
then exactly one action, in this form:
Thought: <your reasoning>
Action: <one action>

Actions:
{actions}

Example:
{example}
(End of example.)

{intro}"""


@dataclass(frozen=True)
class ReAct:
    name: str = "react"
    uses_sandbox: bool = False

    async def play(self, episode: Episode) -> dict[str, Any] | None:
        prompt = PROMPT.format(
            actions=action_list(episode.env.actions()),
            example=examples_for(REACT_EXAMPLES, episode.env.name),
            intro=episode.start.intro,
        )
        messages: list[ChatMessage] = [{"role": "user", "content": prompt}]
        try:
            while True:
                call = await episode.ask(messages)
                messages.append({"role": "assistant", "content": call.reply})
                try:
                    reply = parse_action_reply(call.reply)
                except ReplyProblem as problem:
                    call.note = f"rejected: {problem}"
                    messages.append({"role": "user", "content": f"No action was taken: {problem}."})
                    continue
                call.kept = True
                observation = await episode.act(reply.action)
                messages.append({"role": "user", "content": f"Observation: {observation}"})
        except EpisodeEnd as end:
            episode.finish(end.reason, end.detail)
        except ModelRequestError as exc:
            episode.finish("model_rejected", str(exc))
        return None


METHODS.register("react", ReAct(), summary="one text action per turn, with a thought")
