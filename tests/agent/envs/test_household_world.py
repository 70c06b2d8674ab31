"""The built-in household: ALFWorld's wording and rules, seeded worlds, solvable tasks."""

from __future__ import annotations

import pytest

from execgym.agent import EnvironmentOptionError, make_environment
from execgym.agent.envs.household import (
    TASK_TYPES,
    HouseholdEnv,
    Item,
    Receptacle,
    Task,
    World,
    expert_actions,
)
from execgym.agent.envs.household._commands import apply_command
from execgym.agent.envs.household._tasks import goal_reached


@pytest.mark.parametrize("task_type", list(TASK_TYPES))
def test_the_expert_solves_every_task_type_for_100_seeds(task_type: str) -> None:
    env = HouseholdEnv([task_type])
    for seed in range(100):
        start = env.reset(seed)
        assert start.task_type == task_type
        plan = expert_actions(env.world, env.task)
        results = [env.step(action) for action in plan]
        assert all(r.observation != "Nothing happens." for r in results), (seed, plan)
        assert not any(r.done for r in results[:-1]), (seed, plan)
        last = results[-1]
        assert (last.done, last.success, last.reward) == (True, True, 1.0), (seed, plan)


def test_the_same_seed_gives_the_same_world() -> None:
    first, second = HouseholdEnv(), HouseholdEnv()
    for seed in (0, 7, 123456789):
        assert first.reset(seed) == second.reset(seed)
        assert first.world.snapshot() == second.world.snapshot()
        assert first.task == second.task
    worlds = set()
    for seed in range(30):
        first.reset(seed)
        worlds.add(repr(first.world.snapshot()))
    assert len(worlds) == 30


def test_the_task_type_follows_the_seed() -> None:
    env = HouseholdEnv()
    names = list(TASK_TYPES)
    assert [env.reset(seed).task_type for seed in range(12)] == names + names


def _kitchen() -> World:
    world = World(
        receptacles={
            name: Receptacle(name, name.split()[0])
            for name in (
                "cabinet 2",
                "cabinet 1",
                "countertop 1",
                "fridge 1",
                "microwave 1",
                "sinkbasin 1",
                "sidetable 1",
            )
        }
    )
    for item in (
        Item("apple 1", "apple", "countertop 1"),
        Item("bread 1", "bread", "countertop 1"),
        Item("mug 1", "mug", "cabinet 1"),
        Item("desklamp 1", "desklamp", "sidetable 1"),
    ):
        world.items[item.name] = item
    return world


def test_observations_speak_alfworlds_text_protocol() -> None:
    world = _kitchen()
    said = [
        apply_command(world, action)
        for action in (
            "look",
            "inventory",
            "take apple 1 from countertop 1",
            "go to countertop 1",
            "go to countertop 1",
            "examine countertop 1",
            "take apple 1 from countertop 1",
            "inventory",
            "examine apple 1",
            "go to cabinet 1",
            "take mug 1 from cabinet 1",
            "open cabinet 1",
            "examine mug 1",
            "close cabinet 1",
            "go to microwave 1",
            "heat apple 1 with microwave 1",
            "examine apple 1",
            "go to sinkbasin 1",
            "clean apple 1 with sinkbasin 1",
            "examine apple 1",
            "go to fridge 1",
            "cool apple 1 with fridge 1",
            "examine apple 1",
            "move apple 1 to fridge 1",
            "open fridge 1",
            "move apple 1 to fridge 1",
            "look",
            "go to sidetable 1",
            "examine desklamp 1",
            "use desklamp 1",
            "examine desklamp 1",
            "jump",
        )
    ]
    assert said == [
        "You are in the middle of a room. Looking quickly around you, you see a cabinet 2, "
        "a cabinet 1, a countertop 1, a fridge 1, a microwave 1, a sidetable 1, and a "
        "sinkbasin 1.",
        "You are not carrying anything.",
        "Nothing happens.",
        "You arrive at countertop 1. On the countertop 1, you see a apple 1, and a bread 1.",
        "Nothing happens.",
        "On the countertop 1, you see a apple 1, and a bread 1.",
        "You pick up the apple 1 from the countertop 1.",
        "You are carrying: a apple 1.",
        "There's nothing special about apple 1.",
        "You arrive at cabinet 1. The cabinet 1 is closed.",
        "Nothing happens.",
        "You open the cabinet 1. The cabinet 1 is open. In it, you see a mug 1.",
        "This is a normal mug 1. In it, you see nothing.",
        "You close the cabinet 1.",
        "You arrive at microwave 1. The microwave 1 is closed.",
        "You heat the apple 1 using the microwave 1.",
        "This is a hot apple 1.",
        "You arrive at sinkbasin 1. On the sinkbasin 1, you see nothing.",
        "You clean the apple 1 using the sinkbasin 1.",
        "This is a hot and clean apple 1.",
        "You arrive at fridge 1. The fridge 1 is closed.",
        "You cool the apple 1 using the fridge 1.",
        "This is a cool and clean apple 1.",
        "Nothing happens.",
        "You open the fridge 1. The fridge 1 is open. In it, you see nothing.",
        "You move the apple 1 to the fridge 1.",
        "You are facing the fridge 1. Next to it, you see nothing.",
        "You arrive at sidetable 1. On the sidetable 1, you see a desklamp 1.",
        "This desklamp 1 is off.",
        "You turn on the desklamp 1.",
        "This desklamp 1 is on.",
        "Nothing happens.",
    ]


def test_commands_follow_the_preconditions() -> None:
    world = _kitchen()
    apply_command(world, "go to countertop 1")
    assert apply_command(world, "take desklamp 1 from sidetable 1") == "Nothing happens."
    assert apply_command(world, "Take  Apple 1 from countertop 1") == (
        "You pick up the apple 1 from the countertop 1."
    )
    # One object at a time; an object goes only where its kind fits.
    assert apply_command(world, "take bread 1 from countertop 1") == "Nothing happens."
    apply_command(world, "go to cabinet 1")
    apply_command(world, "open cabinet 1")
    assert apply_command(world, "move apple 1 to cabinet 1") == "Nothing happens."
    # ALFWorld's older put syntax is read as move.
    apply_command(world, "go to countertop 1")
    assert apply_command(world, "put apple 1 in/on countertop 1") == (
        "You move the apple 1 to the countertop 1."
    )
    # Appliances only work for their own verb.
    apply_command(world, "take apple 1 from countertop 1")
    apply_command(world, "go to fridge 1")
    assert apply_command(world, "heat apple 1 with fridge 1") == "Nothing happens."
    # The lamp works only where it stands.
    assert apply_command(world, "use desklamp 1") == "Nothing happens."


@pytest.mark.parametrize(
    ("task", "actions", "reached"),
    [
        (Task("pick_and_place_simple", "apple", "fridge", ""), ["move apple 1 to fridge 1"], True),
        (Task("pick_and_place_simple", "apple", "cabinet", ""), [], False),
        (Task("pick_heat_then_place_in_recep", "apple", "fridge", ""), ["move"], False),
        (
            Task("pick_heat_then_place_in_recep", "apple", "fridge", ""),
            ["go to microwave 1", "heat apple 1 with microwave 1", "go to fridge 1", "move"],
            True,
        ),
        (
            Task("pick_cool_then_place_in_recep", "apple", "fridge", ""),
            ["cool apple 1 with fridge 1", "move"],
            True,
        ),
        (
            Task("pick_clean_then_place_in_recep", "apple", "fridge", ""),
            ["cool apple 1 with fridge 1", "move"],
            False,
        ),
        (Task("look_at_obj_in_light", "apple", "desklamp", ""), ["go to sidetable 1"], False),
        (
            Task("look_at_obj_in_light", "apple", "desklamp", ""),
            ["go to sidetable 1", "use desklamp 1"],
            True,
        ),
        (Task("pick_two_obj_and_place", "apple", "fridge", ""), ["move"], False),
    ],
)
def test_goal_checks(task: Task, actions: list[str], reached: bool) -> None:
    world = _kitchen()
    for action in ["go to countertop 1", "take apple 1 from countertop 1", "go to fridge 1"]:
        apply_command(world, action)
    apply_command(world, "open fridge 1")
    for action in actions:
        apply_command(world, "move apple 1 to fridge 1" if action == "move" else action)
    assert goal_reached(world, task) is reached


def test_two_objects_must_share_one_receptacle() -> None:
    world = _kitchen()
    world.receptacles["fridge 2"] = Receptacle("fridge 2", "fridge", opened=True)
    world.receptacles["fridge 1"].opened = True
    world.items["apple 2"] = Item("apple 2", "apple", "fridge 2")
    world.items["apple 1"].place = "fridge 1"
    task = Task("pick_two_obj_and_place", "apple", "fridge", "")
    assert not goal_reached(world, task)
    world.items["apple 2"].place = "fridge 1"
    assert goal_reached(world, task)


def test_the_factory_reads_its_options() -> None:
    env = make_environment("household", {"task_types": "clean, look_at_obj_in_light"})
    assert isinstance(env, HouseholdEnv)
    assert [t.name for t in env.task_types] == [
        "pick_clean_then_place_in_recep",
        "look_at_obj_in_light",
    ]
    with pytest.raises(EnvironmentOptionError, match="unknown option 'colour'"):
        make_environment("household", {"colour": "red"})
    with pytest.raises(EnvironmentOptionError, match="unknown household task type 'fly'"):
        make_environment("household", {"task_types": "fly"})
