"""CRUXEval: prompts, answer extraction and CRUXEval's own judging rules; bad rows."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from test_eval_data import cli_app, cruxeval_rows
from typer.testing import CliRunner

from execgym.bench._eval_task import DatasetError, EvalItem, get_eval_task
from execgym.bench.benchmarks.cruxeval import cruxeval_answer, judge_cruxeval
from execgym.sandbox import Sandbox

CODE = "def f(s):\n    return s + 'a'"


@pytest.mark.parametrize(
    ("response", "output", "call"),
    [
        ("[ANSWER]\nassert f('x') == 'xa'\n[/ANSWER]", "'xa'", "f('x')"),
        ("assert f('x') == 'xa'\n[/ANSWER]", "'xa'", "f('x')"),  # continuation of [ANSWER]
        ("'xa'", "'xa'", "'xa'"),  # already extracted
        ("f('x')", "f('x')", "f('x')"),
        ("[THOUGHT]\nit adds an a\n[/THOUGHT]\n[ANSWER]\nassert f('x') == 'xa'\n[/ANSWER]",
         "'xa'", "f('x')"),
        ("[ANSWER]\nassert f('a==b') == 'a==ba', 'message'\n[/ANSWER]", "'a==ba'", "f('a==b')"),
        ("[ANSWER]\n```python\nassert f('x') == 'xa'\n```\n[/ANSWER]", "'xa'", "f('x')"),
        ("[ANSWER]\nassert f(1) == [1,\n    2]\n[/ANSWER]", "[1,\n    2]", "f(1)"),
        ("Let's see. [ANSWER]\nassert f('x') == 'xa'", "'xa'", "f('x')"),  # cut by the stop word
    ],
)  # fmt: skip
def test_extraction_follows_cruxeval(response: str, output: str, call: str) -> None:
    assert cruxeval_answer(response, "output") == output
    assert cruxeval_answer(response, "input") == call


def test_judging_rules_of_evaluate_score(sandbox: Sandbox) -> None:
    def judge(mode: str, response: str) -> tuple[bool | None, str]:
        j = judge_cruxeval(mode, CODE, "'x'", "'xa'", response, sandbox)  # type: ignore[arg-type]
        return j.correct, j.verdict

    assert judge("output", "'xa'") == (True, "OK")
    assert judge("output", '"xa"') == (True, "OK")
    assert judge("output", "'xb'") == (False, "WRONG_ANSWER")
    # an output answer that restates the call is not run; the item's skip rule counts it
    assert judge("output", "f('x')") == (False, "SKIPPED")
    assert judge("output", "'x' + 'a'")[0] is True  # CRUXEval executes the answer as written
    assert judge("output", "'xa' (") == (False, "COMPILE_ERROR")
    assert judge("output", "") == (False, "NO_ANSWER")
    # an input answer must call f; any input giving the output is right
    assert judge("input", "f('x')") == (True, "OK")
    assert judge("input", "[ANSWER]\nassert f('x') == 'xa'\n[/ANSWER]") == (True, "OK")
    assert judge("input", "'x'") == (False, "SKIPPED")
    assert judge("input", "") == (False, "SKIPPED")  # CRUXEval: "f(" not in ""
    assert judge("input", "f('y')") == (False, "WRONG_ANSWER")
    assert judge("input", "f(1)") == (False, "RUNTIME_ERROR")


@pytest.mark.parametrize(
    ("mode", "responses", "expected"),
    [
        # another answer passes: the restated call is left out of the count
        ("output", ["f('x')", "'xa'", "'xb'"],
         [("SKIPPED", False), ("OK", True), ("WRONG_ANSWER", True)]),
        # none passes: every answer counts, as wrong
        ("output", ["f('x')", "'xb'"], [("WRONG_ANSWER", True), ("WRONG_ANSWER", True)]),
        ("output", ["f('x')"], [("WRONG_ANSWER", True)]),
        # input mode skips answers without "f(", an empty one too
        ("input", ["'x'", "", "f('x')"], [("SKIPPED", False), ("SKIPPED", False), ("OK", True)]),
        ("input", ["'x'", "f('y')"], [("WRONG_ANSWER", True), ("WRONG_ANSWER", True)]),
    ],
)  # fmt: skip
def test_cruxevals_skip_rule_per_item(
    sandbox: Sandbox, mode: str, responses: list[str], expected: list[tuple[str, bool]]
) -> None:
    task = get_eval_task(f"cruxeval-{mode[0]}")
    item = EvalItem("s", mode, "", payload={"code": CODE, "input": "'x'", "output": "'xa'"})
    judgements = task.judge(item, responses, sandbox)
    assert [(j.verdict, j.counted) for j in judgements] == expected
    assert all(j.correct is (j.verdict == "OK") for j in judgements)


def test_prompts_are_cruxevals(shared_data: Path) -> None:
    output_task, input_task = get_eval_task("cruxeval-o"), get_eval_task("cruxeval-i")
    item = output_task.load(shared_data / "cruxeval.jsonl", cot=False)[0]
    row = cruxeval_rows(shared_data, 1)[0]
    assert item.id == "sample_0" and item.kind == "output"
    assert item.system == (
        "You are an expert at Python programming, code execution, test case generation, "
        "and fuzzing."
    )
    assert item.prompt.startswith("You are given a Python function and an assertion")
    assert item.prompt.endswith(
        f"[PYTHON]\n{row['code']}\nassert f({row['input']}) == ??\n[/PYTHON]\n[ANSWER]\n"
    )
    cot = input_task.load(shared_data / "cruxeval.jsonl", cot=True)[0]
    assert cot.prompt.endswith(f"assert f(??) == {row['output']}\n[/PYTHON]\n[THOUGHT]\n")
    assert "First, think step by step." in cot.prompt


@pytest.mark.parametrize(
    ("line", "field", "problem"),
    [
        ('{"id": "s2", "code": "def f(x): return x", "input": "1"}', "output", "is missing"),
        ('{"id": "s2", "code": "def f(x) return x", "input": "1", "output": "1"}', "code",
         "not valid Python"),
        ('{"id": "s2", "code": "def f(x): return x", "input": 1, "output": "1"}', "input",
         "expected a string"),
        ('{"id": "s0", "code": "def f(x): return x", "input": "1", "output": "1"}', "id",
         "repeats"),
        ('{"id": "s2", "code": ', "<row>", "not valid JSON"),
    ],
)  # fmt: skip
def test_a_bad_row_names_file_line_and_field(
    tmp_path: Path, line: str, field: str, problem: str
) -> None:
    good = '{"id": "s0", "code": "def f(x):\\n    return x", "input": "1", "output": "1"}'
    path = tmp_path / "data.jsonl"
    path.write_text(f"{good}\n\n{line}\n", encoding="utf-8")
    with pytest.raises(DatasetError) as caught:
        get_eval_task("cruxeval-o").load(path, cot=False)
    message = str(caught.value)
    assert message.startswith(f"{path}:3: field {field!r}")
    assert problem in message
    result = CliRunner().invoke(
        cli_app(),
        ["eval", "cruxeval-o", "--model", "m", "--base-url", "http://127.0.0.1:9/v1",
         "--data", str(path), "-o", str(tmp_path / "run")],
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"{path}:3" in result.output and repr(field) in result.output
    assert not (tmp_path / "run" / "items.jsonl").exists()


def test_hub_loading_needs_the_datasets_package(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "datasets", None)
    with pytest.raises(DatasetError, match=r"'datasets' package .* or pass --data"):
        get_eval_task("cruxeval-o").load(None, cot=False)
