"""The built-in household world: ALFWorld's text protocol and six task types, generated from
a seed (see :class:`HouseholdEnv`)."""

from execgym.agent._environment import ENVIRONMENTS
from execgym.agent.envs.household._env import ACTIONS, HouseholdEnv, household_factory
from execgym.agent.envs.household._expert import expert_actions
from execgym.agent.envs.household._tasks import TASK_TYPES, Task, TaskType, task_type_named
from execgym.agent.envs.household._world import Item, Receptacle, World

ENVIRONMENTS.register(
    "household",
    household_factory,
    summary="built-in household world speaking ALFWorld's text protocol (six task types)",
)

__all__ = [
    "ACTIONS",
    "TASK_TYPES",
    "HouseholdEnv",
    "Item",
    "Receptacle",
    "Task",
    "TaskType",
    "World",
    "expert_actions",
    "household_factory",
    "task_type_named",
]
