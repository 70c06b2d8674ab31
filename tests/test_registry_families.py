"""Every family of the benchmarks and the model client on the one registry: each built-in
resolves, an unknown name gives the one error listing the known, and a plugin arrives
through a stand-in entry point of the family's group."""

from __future__ import annotations

import sys
import types
from dataclasses import replace
from importlib.metadata import EntryPoint
from typing import Any

import pytest

from execgym import registry as registry_module
from execgym.bench import DATASETS, EVAL_TASKS, EvalTask, get_dataset, get_eval_task
from execgym.llm import BACKENDS, Backend, get_backend
from execgym.registry import Registry, UnknownName

FAMILIES: dict[str, tuple[Registry[Any], str]] = {
    "dataset": (DATASETS, "execgym.datasets"),
    "task": (EVAL_TASKS, "execgym.eval_tasks"),
    "model backend": (BACKENDS, "execgym.backends"),
}


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_every_builtin_resolves_with_a_summary(family: str) -> None:
    members, group = FAMILIES[family]
    assert members.entry_point_group == group
    names = members.names()
    assert names and names == sorted(names)
    for name in names:
        entry = members.entry(name)
        assert entry.name == name and members.get(name) is entry.value
        assert isinstance(entry.metadata["summary"], str) and entry.metadata["summary"]


def test_members_are_what_their_family_holds() -> None:
    for name in EVAL_TASKS.names():
        task = get_eval_task(name)
        assert isinstance(task, EvalTask) and task.name == name
        assert EVAL_TASKS.entry(name).metadata["summary"] == task.description
    for name in DATASETS.names():
        assert get_dataset(name).name == name
    for name in BACKENDS.names():
        backend = get_backend(name)
        assert isinstance(backend, Backend) and backend.name == name


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_an_unknown_name_gives_the_one_error(family: str) -> None:
    members, _ = FAMILIES[family]
    with pytest.raises(UnknownName) as caught:
        members.get("no-such-member")
    assert str(caught.value) == (
        f"unknown {family} 'no-such-member'; known {family}s: {', '.join(members.names())}"
    )


def test_the_lookup_functions_raise_the_one_error() -> None:
    for lookup in (get_dataset, get_eval_task, get_backend):
        with pytest.raises(UnknownName):
            lookup("no-such-member")


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_a_plugin_arrives_through_the_entry_point_group(
    family: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    members, group = FAMILIES[family]
    existing = members.get(members.names()[0])
    module = types.ModuleType("execgym_test_family_plugin")
    plugin: Any = replace(existing, name="plugin-member")  # every member is a dataclass
    module.MEMBER = plugin  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, module.__name__, module)
    points = [EntryPoint("plugin-member", f"{module.__name__}:MEMBER", group)]

    def fake_entry_points(group: str) -> list[EntryPoint]:
        return [point for point in points if point.group == group]

    monkeypatch.setattr(registry_module, "entry_points", fake_entry_points)
    fresh: Registry[Any] = Registry(members.family, entry_point_group=group)
    assert fresh.get("plugin-member") is plugin
    assert fresh.entry("plugin-member").metadata["plugin"] == f"{module.__name__}:MEMBER"
