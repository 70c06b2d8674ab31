"""REval: native data files, prompts, ground truth by REval's tracer rules, answer reading, and
the incremental consistency score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_eval_data import (
    REVAL_CLASS,
    REVAL_DATA,
    REVAL_TASKS,
    cli_app,
    fake_openai_module,
    reval_dir,
    write_jsonl,
)
from typer.testing import CliRunner

from execgym.bench._eval_task import DatasetError, EvalItem, get_eval_task
from execgym.bench._runner import score_generations
from execgym.bench._task_reval_classeval import unittest_classes
from execgym.bench._task_reval_truth import (
    EncodedValue,
    TracedCall,
    coverage_answer,
    path_answer,
    run_ground_truth,
    state_answer,
    state_matches,
)
from execgym.bench.benchmarks.reval import incremental_consistency
from execgym.sandbox import Sandbox


def _items(tmp_path: Path, cot: bool = False) -> dict[str, EvalItem]:
    items = get_eval_task("reval").load(reval_dir(tmp_path / "reval"), cot=cot)
    return {item.id: item for item in items}


def test_items_and_prompts_follow_reval(tmp_path: Path) -> None:
    items = _items(tmp_path)
    assert list(items) == [
        *(f"DREval/0/0/{k}/{t}" for t in (0, 1) for k in ("coverage", "state", "path")),
        "DREval/0/0/output",
        *(f"DREval/0/1/{k}/0" for k in ("coverage", "state", "path")),
        "DREval/0/1/output",
        *(f"DREval/1/0/{k}/{t}" for t in (0, 1) for k in ("coverage", "state", "path")),
        "DREval/1/0/output",
        *(f"DREval/85/0/{k}/{t}" for t in (0, 1) for k in ("coverage", "state", "path")),
        "DREval/85/0/output",
        *(f"DREval/85/1/{k}/0" for k in ("coverage", "state", "path")),
        "DREval/85/1/output",
    ]
    code = REVAL_DATA[0]["code"]
    state = items["DREval/0/0/state/0"].prompt
    assert state.startswith('You are given a Python function and a question on the function. '
                            'Answer the question in "value; type" format')  # fmt: skip
    assert state.endswith(
        f"[PYTHON]\n{code}\ncount_up(4)\n[/PYTHON]\n[QUESTION]\nIs Line 5 (            total += "
        "i) executed when count_up(4) is called? If so, what is the value and type of the "
        "variable total after Line 5 is executed? If not, answer Nil.\n[/QUESTION]\n[ANSWER]"
    )
    path = items["DREval/0/0/path/0"].prompt
    assert "1\tdef count_up(n):\n2\t    total = 0\n" in path and "\n7\t\n\ncount_up(4)\n" in path
    output = items["DREval/0/1/output"].prompt
    assert output.endswith(f"[PYTHON]\n{code}\n\nassert count_up(0) == ??\n[/PYTHON]\n[ANSWER]")
    cot = _items(tmp_path / "cot", cot=True)["DREval/0/0/coverage/0"].prompt
    assert cot.endswith("[/QUESTION]\n[THOUGHT]") and "Think step by step." in cot


def _judge(items: dict[str, EvalItem], item_id: str, response: str, sandbox: Sandbox) -> bool:
    (judgement,) = get_eval_task("reval").judge(items[item_id], [response], sandbox)
    assert judgement.correct is not None, judgement.reason
    return judgement.correct


def test_ground_truth_and_answers_follow_revals_rules(tmp_path: Path, sandbox: Sandbox) -> None:
    items = _items(tmp_path)

    def ok(item_id: str, answer: str) -> bool:
        return _judge(items, item_id, f"{answer}\n[/ANSWER]", sandbox)

    # count_up(4): line 5 runs for i = 0 and 2; total after it is 0, then 2 (either counts)
    assert ok("DREval/0/0/coverage/0", "YES") and not ok("DREval/0/0/coverage/0", "NO")
    assert ok("DREval/0/0/state/0", "2; int") and ok("DREval/0/0/state/0", "0; int")
    assert not ok("DREval/0/0/state/0", "2; float") and not ok("DREval/0/0/state/0", "2")
    assert not ok("DREval/0/0/state/0", "Nil") and not ok("DREval/0/0/state/0", "1; int")
    assert ok("DREval/0/0/path/0", "for i in range(n):") and not ok("DREval/0/0/path/0", "3")
    assert not ok("DREval/0/0/path/0", "return total")
    assert ok("DREval/0/0/output", "assert count_up(4) == 2")
    assert not ok("DREval/0/0/output", "assert count_up(4) == 3")
    assert not ok("DREval/0/0/output", "assert True")  # REval's penalty pattern
    # count_up(0): line 5 never runs: NO, Nil, and -1 for its next line
    assert ok("DREval/0/1/coverage/0", "NO") and ok("DREval/0/1/state/0", "Nil")
    assert ok("DREval/0/1/path/0", "-1")
    assert ok("DREval/0/1/output", "assert count_up(0) == 0")
    assert not ok("DREval/0/1/output", "0")  # a bare value drops the test code's assertion
    # REval reads the state after a line in the next recorded state: after `out[w] =
    # double(len(w))` that is double's first line, where `out` is not a local: Nil.
    assert ok("DREval/1/0/state/0", "Nil") and not ok("DREval/1/0/state/0", "{'ab': 4}; dict")
    assert ok("DREval/1/0/path/0", "return x * 2")
    assert ok("DREval/1/0/state/1", "Nil")  # after `return x * 2`: back in pairs, no `x`
    assert ok("DREval/1/0/path/1", "for w in words:")


def test_classeval_prompts_follow_reval(tmp_path: Path) -> None:
    """The class code, the test class's own set-up as comments (REval's coverage and state
    prompts leave the first line without "# ", its path and output prompts do not), then the
    test body; a test class without set-up shows none."""
    items = _items(tmp_path)
    head = f"[PYTHON]\n{REVAL_CLASS}\n"
    setup = "\n# setup code executed previously\n"
    body = "\nassertEqual(self.counter.add(2), 3)\n[/PYTHON]\n[QUESTION]\n"
    coverage = items["DREval/85/0/coverage/0"].prompt
    assert coverage.endswith(
        f"{head}{setup}        self.counter = Counter(1)\n# {body}Is Line 7 (            "
        "self.count += n) executed when the above test code is called?\n[/QUESTION]\n[ANSWER]"
    )
    state = items["DREval/85/0/state/1"].prompt
    assert f"{head}{setup}        self.counter = Counter(1)\n# {body}" in state
    assert "the variable self.count after Line 8 is executed?" in state
    path = items["DREval/85/0/path/0"].prompt  # the class code is not numbered
    assert path.endswith(
        f"{head}{setup}#         self.counter = Counter(1)\n# {body}If the line `            "
        "self.count += n` is executed when the above test code is called, answer with the next "
        "line of code to be executed inside the function. Do NOT answer lines in the test code. "
        "If not or program terminates after this line, answer with -1.\n[/QUESTION]\n[ANSWER]"
    )
    output = items["DREval/85/0/output"].prompt
    assert output.endswith(
        f"{head}{setup}#         self.counter = Counter(1)\n# \n# Test code starts here. Only "
        "write the completed test code in your answer.\nassertEqual(self.counter.add(2), ??)"
        "\n[/PYTHON]\n[ANSWER]"
    )
    no_setup = items["DREval/85/1/coverage/0"].prompt
    assert f"{head}\ncounter = Counter(0)\nassertEqual(counter.add(-1), 0)\n[/PYTHON]" in no_setup


def test_classeval_ground_truth_and_answers(tmp_path: Path, sandbox: Sandbox) -> None:
    items = _items(tmp_path)

    def ok(item_id: str, answer: str) -> bool:
        return _judge(items, item_id, f"{answer}\n[/ANSWER]", sandbox)

    # CounterTestAdd: setUp makes Counter(1) (not traced), test_add runs add(2)
    assert ok("DREval/85/0/coverage/0", "YES") and ok("DREval/85/0/state/0", "3; int")
    assert not ok("DREval/85/0/state/0", "1; int")  # the set-up's value is not asked
    assert ok("DREval/85/0/path/0", "return self.count")
    assert ok("DREval/85/0/path/1", "-1") and ok("DREval/85/0/state/1", "3; int")
    assert ok("DREval/85/0/output", "assertEqual(self.counter.add(2), 3)")
    assert not ok("DREval/85/0/output", "assertEqual(self.counter.add(2), 4)")
    # REval turns every "assert" into "self.assert": an answer already written so fails
    assert not ok("DREval/85/0/output", "self.assertEqual(self.counter.add(2), 3)")
    # the second test class (Helper between them is not a TestCase): add(-1) skips line 7
    assert ok("DREval/85/1/coverage/0", "NO") and ok("DREval/85/1/state/0", "Nil")
    assert ok("DREval/85/1/path/0", "-1")
    assert ok("DREval/85/1/output", "assertEqual(counter.add(-1), 0)")  # padded with line 1
    assert not ok("DREval/85/1/output", "assertEqual(counter.add(-1), -1)")


def test_unittest_classes_follow_revals_lookup() -> None:
    module = (
        "import unittest\n"
        "class Base(unittest.TestCase):\n"
        "    @staticmethod\n"
        "    def setUp():\n"
        "        pass  # kept\n"
        "\n"
        "class BoxTestA(Base):\n"
        "    def test_a(self):\n"
        "        pass\n"
        "class BoxTestB(unittest.TestCase):\n"
        "    def test_b(self):\n"
        "        pass\n"
        "class BoxTestHelper:\n"
        "    pass\n"
    )
    first, second = unittest_classes(module, "Box")
    assert (first.name, second.name) == ("BoxTestA", "BoxTestB")
    # A base's set-up, decorator included, as inspect.getsource gives it
    assert first.setup_source == "    @staticmethod\n    def setUp():\n        pass  # kept\n"
    assert first.setup_comment(hashed_first_line=False) == (
        "\n# setup code executed previously\n    def setUp():\n#         pass  # kept\n# "
    )
    assert second.setup_source is None and second.setup_comment(hashed_first_line=True) == ""


def test_eval_reval_with_raw_completions(tmp_path: Path) -> None:
    """REval's protocol for open models: the prompt alone on /v1/completions, at REval's
    temperature 0.8 and budget; without the flag, a chat with REval's system message."""
    fake = fake_openai_module()
    root = reval_dir(tmp_path / "reval")
    with fake.FakeOpenAIServer(responses=lambda body: ["YES\n"] * body["n"]) as server:
        for flag in (["--raw-completions"], []):
            run = tmp_path / f"run{len(flag)}"
            result = CliRunner().invoke(
                cli_app(),
                ["eval", "reval", "--model", "m", "--base-url", server.base_url,
                 "--data", str(root), "-o", str(run), "--limit", "1", *flag],
            )  # fmt: skip
            assert result.exit_code == 0, result.output
        requests = server.requests
    items = _items(tmp_path / "items")
    prompts = {item.prompt for item_id, item in items.items() if item_id.startswith("DREval/0/")}
    raw = [request for request in requests if request.path == "/v1/completions"]
    chat = [request for request in requests if request.path == "/v1/chat/completions"]
    assert len(raw) == len(chat) == len(prompts) == 11
    assert {request.body["prompt"] for request in raw} == prompts
    assert all("messages" not in request.body for request in raw)
    assert {(r.body["temperature"], r.body["n"], r.body["max_tokens"]) for r in requests} == {
        (0.8, 5, 256)
    }
    assert {tuple(r.body["stop"]) for r in requests} == {("[/ANSWER]",)}
    assert {r.body["messages"][0]["role"] for r in chat} == {"system"}
    records = [
        json.loads(line)
        for line in (tmp_path / "run1" / "items.jsonl").read_text().split("\n")
        if line
    ]
    assert {record["system"] for record in records} == {None}
    assert json.loads((tmp_path / "run1" / "config.json").read_text())["raw_completions"] is True


def test_an_expression_reval_cannot_read_inside_a_variable_reads_as_nil(
    sandbox: Sandbox,
) -> None:
    """REval's VarInterpreter returns an error value for ``i - 1``; inside a subscript or a
    tuple that breaks the reading, which REval reports as Nil (so "Nil" is right)."""
    code = "def f(xs):\n    i = 1\n    return xs[i]\n"
    queries = [(2, "(xs[i], xs[i - 1])"), (2, "xs[i - 1]"), (2, "len(xs)"), (2, "xs[i]")]
    truth = run_ground_truth(sandbox, TracedCall(code, "f", "([1, 2],)"), queries)
    assert truth.values[(2, "(xs[i], xs[i - 1])")] is None
    assert truth.values[(2, "xs[i - 1]")] is None
    assert truth.values[(2, "len(xs)")] == "unsupported"  # never right
    found = truth.values[(2, "xs[i]")]
    assert isinstance(found, tuple) and [value.literal for value in found] == ["2"]


def test_answer_reading() -> None:
    assert coverage_answer("[ANSWER]\nyes\n[/ANSWER]", False) == (True, "")
    assert coverage_answer("YES or NO", False)[0] is True  # REval reads the first 3 letters
    assert coverage_answer("Maybe", False)[0] is False  # neither reads as NO
    assert coverage_answer("[THOUGHT] runs [ANSWER] YES", True)[0] is False  # unfinished CoT
    assert coverage_answer("[THOUGHT]x[/THOUGHT]\n[ANSWER]\nYES\n[/ANSWER]", True)[0] is True
    assert path_answer("  return ans \n more", False) == "return ans"
    assert path_answer("[ANSWER]\n\n[/ANSWER]", False) == -2
    answer = state_answer("[ANSWER]\n\u2018ab\u2019; <class 'str'>\n[/ANSWER]", False)
    assert (answer.value, answer.type_name) == ("ab", "str")
    assert state_answer("[1, 2]; List[int]", False).type_name == "list"
    assert state_answer("(1, 'a'); (int, str)", False).type_name == "tuple"
    assert state_answer("set(); set", False).value == set()
    assert state_answer("None; NoneType", False).type_name == "NoneType"
    assert state_answer("1; Counter", False).error
    # numpy scalars REval reads as numpy.float64(value): by value, without float's tolerance
    float64 = (EncodedValue("numpy.float64", "1.5", "np.float64(1.5)"),)
    assert state_matches(state_answer("1.5; numpy.float64", False), float64) == (True, "")
    assert not state_matches(state_answer("1.5000001; numpy.float64", False), float64)[0]
    assert state_answer("1.5; np.float64", False).error  # REval cannot locate "np."
    assert state_answer("nil", False).nil
    assert state_matches(state_answer("3; integer", False), None) == (
        False,
        "the line does not run (Nil)",
    )


def test_incremental_consistency_by_hand() -> None:
    def record(item_id: str, kind: str, *correct: bool | None) -> dict[str, object]:
        return {"id": item_id, "kind": kind, "samples": [{"correct": c} for c in correct]}

    records = [
        # atom A/0: C S P O all right (1), then C S right, P O wrong (1/4)
        record("T/0/coverage/0", "coverage", True, True),
        record("T/0/state/0", "state", True, True),
        record("T/0/path/0", "path", True, False),
        record("T/0/output", "output", True, False),
        # atom A/1 shares the output: C S P right, O as above -> 1, then 1/2
        record("T/0/coverage/1", "coverage", True, True),
        record("T/0/state/1", "state", True, True),
        record("T/0/path/1", "path", True, True),
        # atom B/0: not incrementally consistent (state right after coverage wrong): 0, 1/8
        record("U/0/coverage/0", "coverage", False, True),
        record("U/0/state/0", "state", True, False),
        record("U/0/path/0", "path", False, False),
        record("U/0/output", "output", False, False),
    ]
    first = (1 + 1 + 0) / 3
    second = (0.25 + 0.5 + 0.125) / 3
    assert incremental_consistency(records) == pytest.approx((first + second) / 2)
    assert incremental_consistency([]) is None


def test_scoring_reval_generations(tmp_path: Path, sandbox: Sandbox) -> None:
    items = _items(tmp_path)
    task = get_eval_task("reval")
    generations = {
        item_id: [task.reference_response(item, sandbox)] for item_id, item in items.items()
    }
    generations["DREval/0/0/path/1"] = ["[ANSWER]\nreturn total\n[/ANSWER]"]  # wrong
    report = score_generations(task, list(items.values()), generations, tmp_path / "run", sandbox)
    summary = report.summary
    assert summary["accuracy_by_kind"]["path"]["accuracy"] == pytest.approx(7 / 8)
    # 8 atoms score 1, except the one with a wrong path and a right output: inconsistent, 0
    assert summary["task_metrics"]["IC score"] == pytest.approx(7 / 8)
    assert summary["task_metrics"]["coverage F1"] == 1.0


def test_bad_reval_rows_name_file_line_and_field(tmp_path: Path) -> None:
    root = reval_dir(tmp_path / "reval")
    tasks = json.loads(json.dumps(REVAL_TASKS))
    tasks[1]["tasks"][0]["task"][1]["lineno"] = 99
    write_jsonl(root / "DREval_tasks.jsonl", tasks)
    with pytest.raises(DatasetError) as caught:
        get_eval_task("reval").load(root, cot=False)
    assert str(caught.value).startswith(
        f"{root / 'DREval_tasks.jsonl'}:2: field 'tasks[0].task[1].lineno'"
    )
    result = CliRunner().invoke(
        cli_app(), ["score", "reval", "--generations", str(root / "x"), "--data", str(tmp_path)]
    )
    assert result.exit_code == 2
