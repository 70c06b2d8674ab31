"""ExecVerify's levels and method pool: the built-in levels match the paper (L2 at least one
other method, L6 exactly a helper and the entry), the stricter variants stay as extra
levels, the catalog covers the paper's pool, and its new entries pass the filters."""

from __future__ import annotations

import ast
import dataclasses

import pytest

from execgym.synth import (
    Candidate,
    ConstraintSpec,
    GenerationFailure,
    GrammarGenerator,
    ModelDifficultyFilter,
    ProgramFilter,
    builtin_levels,
    check_program,
    eligible_methods,
    item_seed,
    select_levels,
)
from execgym.synth._candidate import ValidatedProgram
from execgym.synth._catalog import CONVERSIONS, methods

# ExecVerify's method pool (data/methods/*.txt), its named methods and built-ins (its
# operators, ==, +, [index], slices, &=, ..., are not calls).
PAPER_POOL = {
    "dict": "len clear copy fromkeys get items keys pop popitem setdefault update values",
    "float": "bool int divmod round as_integer_ratio conjugate is_integer",
    "list": "len reversed append clear copy count extend index insert pop remove reverse sort",
    "set": "len add clear copy difference difference_update discard intersection "
    "intersection_update isdisjoint issubset issuperset pop remove symmetric_difference "
    "symmetric_difference_update union update",
    "str": "format len capitalize casefold center count encode endswith expandtabs find "
    "format_map index isalnum isalpha isascii isdecimal isdigit isidentifier islower "
    "isnumeric isprintable isspace istitle isupper join ljust lower lstrip maketrans "
    "partition removeprefix removesuffix replace rfind rindex rjust rpartition rsplit rstrip "
    "split splitlines startswith strip swapcase title translate upper zfill",
    "tuple": "len count index",
    "": "enumerate filter range reversed zip",
}
BUILTINS = {"len", "reversed", "divmod", "round", "format", "enumerate", "filter", "range", "zip"}
NOT_IN_CATALOG = {"math.ceil", "math.floor"}  # a generated program imports nothing

NEW_METHODS = [
    *("str.format", "str.format_map", "format", "str.encode", "str.expandtabs"),
    *("str.translate", "str.maketrans", "str.index", "str.rindex", "list.index", "list.pop"),
    *("list.remove", "list.clear", "dict.items", "dict.pop", "dict.popitem", "dict.setdefault"),
    *("dict.clear", "set.update", "set.copy", "set.difference_update", "set.intersection_update"),
    *("set.symmetric_difference_update", "set.pop", "set.remove", "set.clear", "tuple.index"),
    *("float.as_integer_ratio", "float.conjugate", "enumerate", "range"),
]
NEW_PREDICATES = [
    *("str.isascii", "str.isdecimal", "str.isidentifier", "str.isnumeric", "str.isprintable"),
    *("str.isspace", "str.istitle", "set.issuperset"),
]


def called_names(code: str) -> set[str]:
    return {
        node.func.id if isinstance(node.func, ast.Name) else getattr(node.func, "attr", "")
        for node in ast.walk(ast.parse(code))
        if isinstance(node, ast.Call)
    }


# ---- levels --------------------------------------------------------------------------------


def test_levels_match_the_paper_and_keep_the_strict_variants() -> None:
    levels = builtin_levels()
    assert list(levels) == ["L1", "L2", "L3", "L4", "L5", "L6", "L2-strict", "L6-strict"]
    assert [levels[f"L{n}"].extra_methods for n in range(1, 7)] == [0, 1, 1, 1, 1, 1]
    assert levels["L1"].max_extra_methods == 0
    assert [levels[f"L{n}"].control_depth for n in range(1, 7)] == [0, 0, 1, 2, 3, 3]
    assert [levels[f"L{n}"].helper_chain for n in range(1, 7)] == [0, 0, 0, 0, 0, 1]
    assert (levels["L2-strict"].extra_methods, levels["L2-strict"].control_depth) == (2, 0)
    strict6 = levels["L6-strict"]
    assert (strict6.extra_methods, strict6.control_depth, strict6.helper_chain) == (2, 3, 2)
    assert [s.name for s in select_levels("1-6", levels)] == [f"L{n}" for n in range(1, 7)]
    assert [s.name for s in select_levels("L6-strict,2", levels)] == ["L6-strict", "L2"]


@pytest.mark.parametrize(
    ("level", "functions", "other_methods"),
    [("L2", 1, 1), ("L6", 2, 1), ("L2-strict", 1, 2), ("L6-strict", 3, 2)],
)
def test_functions_and_other_methods_per_level(
    level: str, functions: int, other_methods: int
) -> None:
    spec = builtin_levels()[level]
    fewest = 99
    for index in range(80):
        candidate = GrammarGenerator().candidate(spec, item_seed(11, level, index))
        assert not isinstance(candidate, GenerationFailure), candidate
        tree = ast.parse(candidate.code)
        assert sum(isinstance(node, ast.FunctionDef) for node in tree.body) == functions
        report = check_program(candidate.code, spec, candidate.method, candidate.inputs[0])
        assert report.ok, (candidate.code, report.violations)
        fewest = min(fewest, len(report.measured["extra_methods"]))
    assert fewest >= other_methods
    if spec.control_depth == 0:  # "at least": without control flow the bound itself occurs
        assert fewest == other_methods


# ---- the method pool -----------------------------------------------------------------------


def test_the_catalog_covers_the_paper_pool() -> None:
    known = set(methods()) | CONVERSIONS
    missing = []
    for type_name, names in PAPER_POOL.items():
        for name in names.split():
            qualified = name if not type_name or name in BUILTINS else f"{type_name}.{name}"
            if type_name == "float" and name in ("bool", "int"):
                qualified = name  # conversions: glue, never counted as methods
            if qualified not in known:
                missing.append(qualified)
    assert missing == []
    assert not NOT_IN_CATALOG & set(methods())


def test_enumerate_and_range_can_be_the_method_under_test_at_every_level() -> None:
    for level, spec in builtin_levels().items():
        eligible = eligible_methods(spec)
        assert "enumerate" in eligible and "range" in eligible, level
    for method in ("enumerate", "range"):
        for level, spec in builtin_levels().items():
            chosen = dataclasses.replace(spec, methods=(method,))
            for index in range(5):
                candidate = GrammarGenerator().candidate(chosen, item_seed(3, level, index))
                assert not isinstance(candidate, GenerationFailure), (level, candidate)
                report = check_program(candidate.code, chosen, method, candidate.inputs[0])
                assert report.ok, (candidate.code, report.violations)
                assert report.measured["method_nesting"] >= 2


def test_new_catalog_entries_give_programs_that_pass_the_filters(
    program_filter: ProgramFilter,
) -> None:
    """Every new method in a program the sandboxed filters keep: as the method under test
    where it can nest (L2), else as another method of an L2-L5 program; a new predicate (a
    bool, only ever a last step) as the method under test of a level without nesting."""
    levels = builtin_levels()
    generator = GrammarGenerator()
    found: dict[str, tuple[Candidate, ConstraintSpec]] = {}

    def under_test(method: str, spec: ConstraintSpec) -> None:
        chosen = dataclasses.replace(spec, methods=(method,))
        candidate = generator.candidate(chosen, item_seed(5, method, 0))
        assert not isinstance(candidate, GenerationFailure), (method, candidate)
        found[method] = (candidate, chosen)

    nestable = set(eligible_methods(levels["L2"]))
    for method in NEW_METHODS:
        if method in nestable:
            under_test(method, levels["L2"])
    wanted = {m for m in NEW_METHODS if m not in found}
    for index in range(200):
        for level in ("L2", "L3", "L4", "L5"):
            candidate = generator.candidate(levels[level], item_seed(9, level, index))
            if isinstance(candidate, GenerationFailure):
                continue
            called = called_names(candidate.code)
            for method in sorted(wanted):
                if method.rsplit(".", 1)[-1] in called:
                    found[method] = (candidate, levels[level])
                    wanted.discard(method)
    assert wanted == set()
    unnested = dataclasses.replace(levels["L1"], name="unnested", call_nesting=1)
    for method in NEW_PREDICATES:
        under_test(method, unnested)
    rejected = []
    for method, (candidate, spec) in sorted(found.items()):
        outcome = program_filter.validate(candidate, spec)
        if not isinstance(outcome, ValidatedProgram):
            rejected.append((method, outcome.reason, candidate.code))
    assert rejected == []
    assert len(found) == len(NEW_METHODS) + len(NEW_PREDICATES)


# ---- the difficulty filter -----------------------------------------------------------------


def test_the_difficulty_filter_defaults_to_the_papers_setting() -> None:
    fields = {f.name: f.default for f in dataclasses.fields(ModelDifficultyFilter)}
    assert (fields["samples"], fields["max_correct"]) == (10, 3)
    assert (fields["temperature"], fields["top_p"], fields["max_tokens"]) == (1.0, 0.9, 4096)
