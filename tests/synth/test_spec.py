"""Constraint specs and levels: built-ins, files (TOML, YAML), selection and errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from execgym.synth import (
    BUILTIN_LEVELS,
    ConstraintSpec,
    SpecError,
    builtin_levels,
    load_levels,
    select_levels,
)


def test_builtin_levels_add_one_thing_each() -> None:
    levels = builtin_levels()
    assert list(levels) == ["L1", "L2", "L3", "L4", "L5", "L6", "L2-strict", "L6-strict"]
    l1, l2, l3, l4, l5, l6 = (levels[f"L{n}"] for n in range(1, 7))
    assert l1.call_nesting >= 2 and l1.max_extra_methods == 0 and l1.control_depth == 0
    assert l2.extra_methods >= 1 and l2.control_depth == 0
    assert [l3.control_depth, l4.control_depth, l5.control_depth] == [1, 2, 3]
    assert l6.control_depth == 3 and l6.helper_chain >= 1 and l5.helper_chain == 0


def test_select_levels_ranges_lists_and_names() -> None:
    levels = builtin_levels()
    assert [s.name for s in select_levels("1-6", levels)] == list(BUILTIN_LEVELS)[:6]
    assert [s.name for s in select_levels("L6-strict", levels)] == ["L6-strict"]
    assert [s.name for s in select_levels("2,4", levels)] == ["L2", "L4"]
    assert [s.name for s in select_levels("L3", levels)] == ["L3"]
    with pytest.raises(SpecError, match="L9"):
        select_levels("9", levels)


def test_levels_from_toml_with_a_base(tmp_path: Path) -> None:
    path = tmp_path / "levels.toml"
    path.write_text(
        '[levels.strings]\nbase = "L4"\nmethods = ["str.replace"]\n'
        'control_flow = ["for", "if"]\n\n'
        "[levels.tiny]\ncall_nesting = 3\nmax_extra_methods = 0\nmax_statements = 2\n"
    )
    loaded = load_levels(path, bases=builtin_levels())
    strings = loaded["strings"]
    assert strings.methods == ("str.replace",)
    assert strings.control_flow == ("for", "if") and strings.control_depth == 2
    assert strings.extra_methods == BUILTIN_LEVELS["L4"].extra_methods
    assert loaded["tiny"].call_nesting == 3


def test_levels_from_yaml(tmp_path: Path) -> None:
    path = tmp_path / "levels.yaml"
    path.write_text("levels:\n  loops:\n    control_depth: 1\n    control_kinds: [for]\n")
    assert load_levels(path)["loops"].control_kinds == ("for",)


@pytest.mark.parametrize(
    ("text", "field"),
    [
        ('[levels.x]\ncontrol_depth = "deep"\n', "control_depth"),
        ("[levels.x]\nnesting = 2\n", "nesting"),
        ('[levels.x]\ncontrol_depth = 1\ncontrol_kinds = ["loop"]\n', "control_flow"),
        ('[levels.x]\nbase = "L99"\n', "base"),
    ],
)
def test_bad_level_files_name_the_file_level_and_field(
    tmp_path: Path, text: str, field: str
) -> None:
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(SpecError) as caught:
        load_levels(path, bases=builtin_levels())
    assert caught.value.field == field
    assert str(path) in str(caught.value) and "'x'" in str(caught.value)


def test_blueprint_length_must_match_depth() -> None:
    with pytest.raises(SpecError, match="control_flow"):
        ConstraintSpec(name="bad", control_depth=1, control_flow=("for", "if"))
