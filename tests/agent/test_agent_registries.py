"""Every environment and every agent method is a registry member that holds the family's
invariants."""

from __future__ import annotations

import inspect

import pytest

from execgym.agent import ENVIRONMENTS, METHODS, EnvironmentOptionError, make_environment

REQUIRED_OPTIONS = {"alfworld": {"config": "base_config.yaml"}}


def test_the_families_and_their_plugin_groups() -> None:
    assert ENVIRONMENTS.names() == ["alfworld", "household", "scienceworld", "webshop"]
    assert ENVIRONMENTS.entry_point_group == "execgym.environments"
    assert METHODS.names() == ["codeact", "react", "recode"]
    assert METHODS.entry_point_group == "execgym.agent_methods"


def test_every_environment_builds_lazily_under_its_name_and_refuses_unknown_options() -> None:
    for entry in ENVIRONMENTS.entries():
        assert entry.metadata["summary"], entry.name
        env = make_environment(entry.name, REQUIRED_OPTIONS.get(entry.name, {}))
        assert env.name == entry.name
        for method in ("actions", "reset", "step", "close"):
            assert callable(getattr(env, method)), (entry.name, method)
        assert env.actions(), entry.name
        with pytest.raises(EnvironmentOptionError, match="unknown option 'bogus'"):
            make_environment(entry.name, {**REQUIRED_OPTIONS.get(entry.name, {}), "bogus": "1"})


def test_every_method_is_named_as_registered_and_plays_an_episode() -> None:
    for entry in METHODS.entries():
        method = entry.value
        assert method.name == entry.name
        assert isinstance(method.uses_sandbox, bool)
        assert inspect.iscoroutinefunction(method.play)
        assert entry.metadata["summary"]
    assert [m for m in METHODS.names() if METHODS.get(m).uses_sandbox] == ["codeact", "recode"]


def test_the_household_world_conforms_to_the_protocol() -> None:
    from execgym.agent import Environment

    env = make_environment("household")
    assert isinstance(env, Environment)
    assert env.fixed_episodes is None
    start = env.reset(3)
    assert env.reset(3) == start
