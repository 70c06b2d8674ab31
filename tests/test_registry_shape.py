"""The one registry shape: registration, lookup, the one unknown-name error, plugins."""

from __future__ import annotations

import importlib
import sys
import types
from concurrent.futures import ThreadPoolExecutor
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from execgym import registry as registry_module
from execgym.registry import DuplicateName, Registry, UnknownName


def test_register_get_and_names_sorted() -> None:
    family = Registry[int]("number")
    family.register("two", 2, summary="the second")
    family.register("one", 1)
    assert family.get("one") == 1
    assert family.names() == ["one", "two"]
    assert family.entry("two").metadata == {"summary": "the second"}
    assert "two" in family and "three" not in family
    assert len(family) == 2


def test_unknown_name_lists_the_known_and_is_a_key_and_value_error() -> None:
    family = Registry[int]("number")
    family.register("one", 1)
    with pytest.raises(UnknownName) as caught:
        family.get("eleven")
    assert str(caught.value) == "unknown number 'eleven'; known numbers: one"
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ValueError)


def test_duplicates_are_refused_unless_replaced() -> None:
    family = Registry[int]("number")
    family.register("one", 1)
    with pytest.raises(DuplicateName):
        family.register("one", 11)
    family.register("one", 11, replace=True)
    assert family.get("one") == 11


def test_builtins_load_lazily_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "execgym_test_family.py").write_text(
        "from execgym.registry import Registry\n"
        "NUMBERS = Registry('lazy number', builtins=('execgym_test_members',))\n"
    )
    (tmp_path / "execgym_test_members.py").write_text(
        "from execgym_test_family import NUMBERS\nLOADS = 1\nNUMBERS.register('seven', 7)\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    family_module = importlib.import_module("execgym_test_family")
    assert "execgym_test_members" not in sys.modules  # nothing loaded at definition time
    assert family_module.NUMBERS.get("seven") == 7
    assert family_module.NUMBERS.names() == ["seven"]
    assert sys.modules["execgym_test_members"].LOADS == 1


def test_plugins_come_from_the_entry_point_group(monkeypatch: pytest.MonkeyPatch) -> None:
    module = types.ModuleType("execgym_test_plugin")
    module.THIRTEEN = 13  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "execgym_test_plugin", module)
    points = [
        EntryPoint("thirteen", "execgym_test_plugin:THIRTEEN", "execgym.numbers"),
        EntryPoint("broken", "execgym_test_missing_module:X", "execgym.numbers"),
    ]

    def fake_entry_points(group: str) -> list[EntryPoint]:
        return [p for p in points if p.group == group]

    monkeypatch.setattr(registry_module, "entry_points", fake_entry_points)
    family: Registry[Any] = Registry("number")
    assert family.entry_point_group == "execgym.numbers"
    assert family.get("thirteen") == 13
    assert family.entry("thirteen").metadata["plugin"] == "execgym_test_plugin:THIRTEEN"
    with pytest.raises(UnknownName, match="its plugin failed to load"):
        family.get("broken")


def test_a_lookup_from_another_thread_waits_for_the_builtins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "execgym_test_slow_family.py").write_text(
        "from execgym.registry import Registry\n"
        "SLOW = Registry('slow number', builtins=('execgym_test_slow_members',))\n"
    )
    (tmp_path / "execgym_test_slow_members.py").write_text(
        "import time\n"
        "from execgym_test_slow_family import SLOW\n"
        "time.sleep(0.2)\n"
        "SLOW.register('eight', 8)\n"
        "assert SLOW.get('eight') == 8  # a built-in module may look itself up\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    family = importlib.import_module("execgym_test_slow_family").SLOW
    with ThreadPoolExecutor(max_workers=4) as pool:
        found = list(pool.map(lambda _: family.get("eight"), range(8)))
    assert found == [8] * 8
