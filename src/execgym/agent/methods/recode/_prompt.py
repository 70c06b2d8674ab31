"""ReCode's expansion prompt, in ReCode's format: the function to implement with its inputs,
answered with ``<think>`` reasoning and one ``<execute>`` block."""

from __future__ import annotations

from collections.abc import Sequence

from execgym.agent._environment import ActionSpec
from execgym.agent._episode import Step
from execgym.agent.methods._prompts import RECODE_EXAMPLES, action_list, examples_for
from execgym.agent.methods.recode._tree import Attempt, Node

INSTRUCTIONS = """\
You write a plan as Python code, one function at a time. The plan starts as \
solve(instruction, observation). A function that does not exist yet is a placeholder: when \
the code calls it, you are asked to implement it, given the values it was called with.

Implement the function below in one block of code:
- If it takes one or two actions, perform them with run(action), which returns what the \
environment answers as a string.
- Otherwise split it into a few calls of new placeholders with descriptive snake_case names, \
such as obj_id = find_and_take(obj, places). A placeholder receives the values of its \
arguments under the names written in the call (an argument that is not a plain name is \
called arg1, arg2, ... by position), and must assign the names its caller assigns from it.
- Do not guess what you have not observed; when a detail is unknown, leave it to a \
placeholder that finds it out. Check conditions in the observations instead of assuming them.

Rules: no def, class, import or return; assign every name the function must assign; the \
modules re and math are available without import.

Actions for run():
{actions}

Examples:
{examples}
(End of examples.)

Function to implement:
{signature}
Its inputs:
{inputs}
{outputs}

Reply with your reasoning in <think> and </think>, then the code in <execute> and </execute>."""

FAILURE = """

An earlier implementation of this function failed; the world keeps what its actions did:
<execute>
{code}</execute>
Its actions and what they answered:
{steps}
{printed}The failure:
{error}
Write a new implementation that takes this into account."""


def describe_inputs(inputs: dict[str, dict[str, str]]) -> str:
    if not inputs:
        return "(none)"
    return "\n".join(f"- {name} ({d['type']}): {d['value']}" for name, d in inputs.items())


def expand_prompt(
    node: Node, actions: Sequence[ActionSpec], environment: str, steps: Sequence[Step]
) -> str:
    """The prompt asking to implement ``node`` (with its last failure, if its last run
    failed)."""
    outputs = (
        f"It must assign: {', '.join(node.outputs)}" if node.outputs else "It returns nothing."
    )
    text = INSTRUCTIONS.format(
        actions=action_list(actions),
        examples=examples_for(RECODE_EXAMPLES, environment),
        signature=node.signature,
        inputs=describe_inputs(node.inputs),
        outputs=outputs,
    )
    failed = node.attempts[-1] if node.attempts else None
    if failed is not None and failed.outcome in ("error", "aborted"):
        text += failure_section(failed, steps)
    return text


def failure_section(attempt: Attempt, steps: Sequence[Step]) -> str:
    taken = [f"> {steps[i].action}\n{steps[i].observation}" for i in attempt.steps]
    printed = f"It printed:\n{attempt.stdout.rstrip()}\n" if attempt.stdout.strip() else ""
    return FAILURE.format(
        code=attempt.code,
        steps="\n".join(taken) if taken else "(none)",
        printed=printed,
        error=attempt.error.rstrip(),
    )


def rewrite_prompt(problem: str) -> str:
    return (
        f"That reply cannot be run: {problem}. Reply again with your reasoning in <think> and "
        "</think> and the whole code in one <execute> and </execute> block, following the rules."
    )
