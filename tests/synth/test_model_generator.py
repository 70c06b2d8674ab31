"""The model-driven generator with scripted responses, and the difficulty filter."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from execgym.synth import (
    Candidate,
    ConstraintSpec,
    DatasetBuilder,
    ExtractionError,
    GenerationFailure,
    ModelDifficultyFilter,
    ModelGenerator,
    ProgramFilter,
    SynthConfig,
    builtin_levels,
    extract_program,
    render_prompt,
)
from synth.scripted_model import ScriptedModel

GOOD = """Here is the program:

```python
def f(text):
    return text.replace('a', 'e').replace('o', 'u')  # swap vowels

print(f('banana boat'))
```
"""
NESTED_ONCE = "```python\ndef f(text):\n    return text.replace('a', 'e')\n\nprint(f('abc'))\n```"
NO_PRINT = "```python\ndef f(text):\n    return text.replace('a', 'e').replace('e', 'i')\n```"
LOOPS_FOREVER = (
    "```python\ndef f(n):\n    while n.replace('a', 'b').replace('b', 'c'):\n        pass\n\n"
    "print(f('a'))\n```"
)

L1 = builtin_levels()["L1"]
REPLACE = ConstraintSpec(**{**L1.__dict__, "name": "replace", "methods": ("str.replace",)})


def test_prompt_has_the_fixed_rules_and_the_switched_constraints() -> None:
    text = render_prompt(builtin_levels()["L6"], "str.split")[-1]["content"]
    assert "`str.split`" in text and "default value" in text and "print" in text
    assert "nested exactly 3 deep" in text and "exactly two functions: one helper" in text
    strict = render_prompt(builtin_levels()["L6-strict"], "str.split")[-1]["content"]
    assert "2 helper functions" in strict
    assert "nested exactly" not in render_prompt(L1, "str.split")[-1]["content"]


def test_extraction_keeps_definitions_and_the_call_arguments() -> None:
    program = extract_program(GOOD)
    assert program.input == "'banana boat'"
    assert program.code.startswith("def f(text):") and "#" not in program.code
    with pytest.raises(ExtractionError, match="print"):
        extract_program(NO_PRINT)


async def test_generate_sends_the_prompt_and_extracts() -> None:
    model = ScriptedModel([GOOD, "no code here"])
    generator = ModelGenerator(model, temperature=0.5)
    candidate = await generator.generate(REPLACE, 7)
    assert isinstance(candidate, Candidate) and candidate.method == "str.replace"
    messages, params = model.calls[0]
    assert "`str.replace`" in messages[-1]["content"] and params.temperature == 0.5
    failure = await generator.generate(REPLACE, 8)
    assert isinstance(failure, GenerationFailure) and failure.reason == "no_code"


def test_model_programs_pass_through_the_same_filters(
    program_filter: ProgramFilter, tmp_path: Path
) -> None:
    model = ScriptedModel([NESTED_ONCE, NO_PRINT, LOOPS_FOREVER, GOOD, GOOD])
    config = SynthConfig(levels=(REPLACE,), per_level=1, seed=0)
    builder = DatasetBuilder(ModelGenerator(model), program_filter, config)
    path = tmp_path / "model.jsonl"
    summary = builder.run(path)
    rows = [json.loads(line) for line in path.read_text().splitlines()]
    assert [row["input"] for row in rows] == ["'banana boat'"]
    assert rows[0]["output"] == "'benene buet'" and rows[0]["generator"] == "model"
    rejected = summary.levels[0].rejections
    # Nested once, and a loop in a level without control flow: the constraint checker.
    assert rejected == {"constraints": 2, "generation": 1}


async def test_difficulty_filter_keeps_what_the_reference_model_misses(
    program_filter: ProgramFilter,
) -> None:
    candidate = Candidate("def f(n):\n    return [n, n * 2]\n", ("3",), "list.append", "test")
    program = program_filter.validate(candidate, ConstraintSpec(name="x"))
    right, wrong = "[ANSWER][3, 6][/ANSWER]", "[ANSWER]f(3) == (3, 6)[/ANSWER]"

    easy = ModelDifficultyFilter(ScriptedModel([right, right, right, wrong]), 4, max_correct=2)
    hard = ModelDifficultyFilter(ScriptedModel([right, wrong, wrong, wrong]), 4, max_correct=2)
    assert not await easy.keep(program)  # type: ignore[arg-type]
    assert await hard.keep(program)  # type: ignore[arg-type]
    assert easy.last_scores[candidate.code] == 3


def test_the_difficulty_filter_reads_answers_with_the_project_readers() -> None:
    from execgym.synth import answer_is_right

    assert answer_is_right("thinking\n[ANSWER]\nassert f(1) == [1, 2]\n[/ANSWER]", "[1, 2]")
    assert answer_is_right("[ANSWER]\n```\n{2, 1}\n```\n[/ANSWER]", "{1, 2}")
    assert not answer_is_right("[ANSWER][1, 2][/ANSWER]", "(1, 2)")  # types differ
    assert not answer_is_right("the answer is [1, 2]", "[1, 2]")  # no [ANSWER] block
    # Never evaluated: a call is not a literal.
    assert not answer_is_right("[ANSWER]__import__('os').getpid()[/ANSWER]", "1")
    assert not answer_is_right("[ANSWER]" + "9" * 10_000 + "[/ANSWER]", "9")
