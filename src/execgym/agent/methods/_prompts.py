"""Prompt pieces every method shares: the action list and worked examples per environment."""

from __future__ import annotations

from collections.abc import Sequence

from execgym.agent._environment import ActionSpec


def action_list(actions: Sequence[ActionSpec]) -> str:
    return "\n".join(f"- {spec.template}: {spec.description}" for spec in actions)


HOUSEHOLD_ENVS = ("household", "alfworld")
"""Environments speaking ALFWorld's protocol, which share worked examples."""

RECODE_EXAMPLES = {
    "household": """\
Function to implement:
solve(instruction, observation)
Its inputs:
- instruction (str): put a hot potato in countertop.
- observation (str): You are in the middle of a room. Looking quickly around you, you see a \
cabinet 1, a countertop 1, a fridge 1, a microwave 1, and a sinkbasin 1.
It returns nothing.

<think>A potato must be found and picked up, heated with the microwave, then placed on the \
countertop. Where the potato is I do not know yet, so finding it is a function of its own.</think>
<execute>
obj = 'potato'
places = re.findall(r'[a-z]+ \\d+', observation)
obj_id = find_and_take(obj, places)
heat_with(obj_id, 'microwave 1')
put_in(obj_id, 'countertop 1')
</execute>

Function to implement:
obj_id = find_and_take(obj, places)
Its inputs:
- obj (str): potato
- places (list[str]): ['cabinet 1', 'countertop 1', 'fridge 1', 'microwave 1', 'sinkbasin 1']
It must assign: obj_id

<think>Visit each place, open it when it is closed, and take the first potato seen.</think>
<execute>
obj_id = None
for place in places:
    seen = run(f'go to {place}')
    if 'is closed' in seen:
        seen = run(f'open {place}')
    found = re.search(rf'\\b{obj} \\d+', seen)
    if found:
        obj_id = found.group()
        run(f'take {obj_id} from {place}')
        break
</execute>

Function to implement:
heat_with(obj_id, arg2)
Its inputs:
- obj_id (str): potato 1
- arg2 (str): microwave 1
It returns nothing.

<think>Two actions: go to the microwave and heat the potato with it.</think>
<execute>
run(f'go to {arg2}')
run(f'heat {obj_id} with {arg2}')
</execute>""",
}

REACT_EXAMPLES = {
    "household": """\
Your task is to: put some spraybottle on toilet.
Thought: A spraybottle is likely in a cabinet. I will look in cabinet 1 first.
Action: go to cabinet 1
Observation: You arrive at cabinet 1. The cabinet 1 is closed.
Action: open cabinet 1
Observation: You open the cabinet 1. The cabinet 1 is open. In it, you see a spraybottle 2.
Thought: Found it; take it and bring it to the toilet.
Action: take spraybottle 2 from cabinet 1
Observation: You pick up the spraybottle 2 from the cabinet 1.
Action: go to toilet 1
Observation: You arrive at toilet 1. On the toilet 1, you see nothing.
Action: move spraybottle 2 to toilet 1""",
}


def examples_for(table: dict[str, str], environment: str) -> str:
    key = "household" if environment in HOUSEHOLD_ENVS else environment
    return table.get(key, "(no examples for this environment)")
