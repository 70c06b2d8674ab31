"""REval: native data files, prompts, ground truth by REval's tracer rules, answer reading, and
the incremental consistency score."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_eval_data import REVAL_DATA, REVAL_TASKS, cli_app, reval_dir, write_jsonl
from typer.testing import CliRunner

from execgym.bench._eval_task import DatasetError, EvalItem, get_eval_task
from execgym.bench._runner import score_generations
from execgym.bench._task_reval import incremental_consistency
from execgym.bench._task_reval_truth import (
    coverage_answer,
    path_answer,
    state_answer,
    state_matches,
)
from execgym.sandbox import Sandbox


def _items(tmp_path: Path, cot: bool = False) -> dict[str, EvalItem]:
    items = get_eval_task("reval").load(reval_dir(tmp_path / "reval"), cot=cot)
    return {item.id: item for item in items}


def test_items_and_prompts_follow_reval(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    items = _items(tmp_path)
    assert "skipped 1 ClassEval" in caplog.text
    assert list(items) == [
        *(f"DREval/0/0/{k}/{t}" for t in (0, 1) for k in ("coverage", "state", "path")),
        "DREval/0/0/output",
        *(f"DREval/0/1/{k}/0" for k in ("coverage", "state", "path")),
        "DREval/0/1/output",
        *(f"DREval/1/0/{k}/{t}" for t in (0, 1) for k in ("coverage", "state", "path")),
        "DREval/1/0/output",
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
    assert summary["accuracy_by_kind"]["path"]["accuracy"] == pytest.approx(4 / 5)
    # 5 atoms score 1, except the one with a wrong path and a right output: inconsistent, 0
    assert summary["task_metrics"]["IC score"] == pytest.approx(4 / 5)
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
