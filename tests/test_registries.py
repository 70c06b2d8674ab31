"""Every registry of the checkers, question kinds and rewards: each built-in resolves, an
unknown name gives the one error listing the known ones, a plugin loads through its entry
point, and the README's tables are the registries' own summaries."""

from __future__ import annotations

import re
from importlib.metadata import EntryPoint
from pathlib import Path
from typing import Any

import pytest

from execgym import registry as registry_module
from execgym.registry import Registry, UnknownName
from execgym.rewards import REWARDS, Reward, get_reward, reward_names
from execgym.sandbox import CHECKERS, Checker, checker_names, get_checker
from execgym.tasks import (
    KINDS,
    STYLES,
    Kind,
    QuestionKind,
    Reference,
    generator_for,
    question_kinds,
    style_kinds,
)

README = Path(__file__).resolve().parents[1] / "README.md"

FAMILIES: list[tuple[Registry[Any], str, set[str]]] = [
    (
        CHECKERS,
        "execgym.checkers",
        {"apps", "codecontests", "evalplus", "exact", "float", "lcb", "tokens", "xcodeeval"},
    ),
    (KINDS, "execgym.question_kinds", {kind.value for kind in Kind}),
    (REWARDS, "execgym.rewards", {"execverify", "whitebox", "output", "accuracy"}),
]


@pytest.mark.parametrize(("family", "group", "builtins"), FAMILIES)
def test_every_builtin_resolves_with_a_summary(
    family: Registry[Any], group: str, builtins: set[str]
) -> None:
    assert family.entry_point_group == group
    assert builtins <= set(family.names())
    for entry in family.entries():
        assert family.get(entry.name) is entry.value
        summary = entry.metadata["summary"]
        assert isinstance(summary, str) and summary and "\n" not in summary


@pytest.mark.parametrize(("family", "group", "builtins"), FAMILIES)
def test_an_unknown_name_lists_the_known_ones(
    family: Registry[Any], group: str, builtins: set[str]
) -> None:
    with pytest.raises(UnknownName) as caught:
        family.get("no-such-member")
    assert isinstance(caught.value, KeyError) and isinstance(caught.value, ValueError)
    for name in family.names():
        assert name in str(caught.value)


def test_the_views_are_the_registries() -> None:
    assert checker_names() == CHECKERS.names()
    assert all(get_checker(name) is CHECKERS.get(name) for name in checker_names())
    assert reward_names() == REWARDS.names()
    assert all(get_reward(name) is REWARDS.get(name) for name in reward_names())
    assert question_kinds()[: len(Kind)] == tuple(Kind)  # the built-ins first, in their order
    for kind in question_kinds():
        member = KINDS.get(kind)
        assert member.name == kind and issubclass(member.reference, Reference)
        assert generator_for(kind) is member.select
        assert any(member.wording(style) is not None for style in STYLES)
    with pytest.raises(UnknownName, match="known checkers: apps"):
        get_checker("nope")
    with pytest.raises(KeyError, match="known rewards: accuracy"):
        get_reward("nope")


class _Plain:
    """A stand-in checker: ``==`` on both."""

    name = "stand-in"

    def compare_stdout(self, actual: str, expected: str) -> bool:
        return actual == expected

    def compare_value(self, actual: object, expected: object) -> bool:
        return actual == expected


STAND_IN_CHECKER: Checker = _Plain()
STAND_IN_REWARD = Reward("stand-in", "always half", lambda score: 0.5, lambda score: 0.5)
STAND_IN_KIND = QuestionKind(
    name="stand-in",
    summary="a kind no style asks",
    reference=Reference,
    select=lambda execution, rng: [],
    score=lambda reference, text, context: None,  # type: ignore[arg-type,return-value]
    order=99,
)


@pytest.mark.parametrize(
    ("family", "group", "value"),
    [
        (CHECKERS, "execgym.checkers", "STAND_IN_CHECKER"),
        (KINDS, "execgym.question_kinds", "STAND_IN_KIND"),
        (REWARDS, "execgym.rewards", "STAND_IN_REWARD"),
    ],
)
def test_a_plugin_loads_through_its_entry_point(
    family: Registry[Any], group: str, value: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A fresh registry of the same family (its group comes from the family's name), so the
    # process's own is left as it is.
    fresh: Registry[Any] = Registry(family.family)
    assert fresh.entry_point_group == group
    points = [
        EntryPoint("stand-in", f"{__name__}:{value}", group),
        EntryPoint("broken", "execgym_no_such_plugin:X", group),
    ]
    monkeypatch.setattr(
        registry_module, "entry_points", lambda group: [p for p in points if p.group == group]
    )
    assert fresh.get("stand-in") is globals()[value]
    assert fresh.entry("stand-in").metadata["plugin"] == f"{__name__}:{value}"
    with pytest.raises(UnknownName, match="its plugin failed to load"):
        fresh.get("broken")


# ---- the README's tables ---------------------------------------------------------------------


def _table(header: str, rows: list[str]) -> str:
    columns = header.count("|") - 1
    return "\n".join([header, "|" + " --- |" * columns, *rows])


def checker_table() -> str:
    # Checkers registered on demand (another tolerance of a built-in rule) are not listed.
    listed = [entry for entry in CHECKERS.entries() if entry.metadata["listed"]]
    rows = [f"| `{entry.name}` | {entry.metadata['summary']} |" for entry in listed]
    return _table("| checker | semantics |", rows)


def kind_table() -> str:
    rows = []
    for kind in question_kinds():
        styles = ", ".join(f"`{style}`" for style in STYLES if kind in style_kinds(style))
        rows.append(f"| `{kind}` | {KINDS.entry(kind).metadata['summary']} | {styles} |")
    return _table("| kind | asks | styles |", rows)


def reward_table() -> str:
    rows = [f"| `{entry.name}` | {entry.metadata['summary']} |" for entry in REWARDS.entries()]
    return _table("| reward | value |", rows)


@pytest.mark.parametrize("render", [checker_table, kind_table, reward_table])
def test_the_readme_tables_are_generated_from_the_registries(render: Any) -> None:
    table = render()
    text = README.read_text(encoding="utf-8")
    header = re.escape(table.splitlines()[0])
    assert re.search(header, text), f"the README has no table headed {table.splitlines()[0]}"
    assert table in text, f"the README's table is stale; it should read:\n\n{table}\n"
