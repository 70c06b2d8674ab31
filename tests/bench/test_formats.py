"""Every loader reads a small hand-made file in its native format, and judging it with the
problem's own checker passes a right program and fails a wrong one."""

from __future__ import annotations

import pickle
from pathlib import Path

import pytest
from _bench_samples import SAMPLES, livecodebench

from execgym.bench import (
    DatasetFormatError,
    Problem,
    judge_solution,
    judge_solutions,
    load_dataset,
)
from execgym.bench._lcb_tests import decode_test_cases
from execgym.sandbox import CallTest, Sandbox, StdioTest, Verdict, checker_names


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_right_passes_and_wrong_fails(name: str, sandbox: Sandbox, tmp_path: Path) -> None:
    sample = SAMPLES[name](tmp_path)
    problems = load_dataset(name, sample.path)
    assert sorted(p.id for p in problems) == sorted(sample.right)
    by_id = {p.id: p for p in problems}
    submissions = [(by_id[i], code) for i, code in sample.right.items()]
    submissions += [(by_id[i], code) for i, code in sample.wrong.items()]
    results = judge_solutions(sandbox, submissions)
    right, wrong = results[: len(sample.right)], results[len(sample.right) :]
    assert [r.verdict for r in right] == [Verdict.OK] * len(right), right
    assert all(r.verdict is not Verdict.OK for r in wrong), wrong
    assert all(r.verdict is not Verdict.SANDBOX_ERROR for r in results)
    references = [(p, code) for p in problems for code in p.reference_solutions]
    assert all(r.verdict is Verdict.OK for r in judge_solutions(sandbox, references))
    incorrect = [(p, code) for p in problems for code in p.incorrect_solutions]
    assert all(r.verdict is not Verdict.OK for r in judge_solutions(sandbox, incorrect))


def test_humaneval_plus_native_expected_outputs_come_from_the_reference(
    sandbox: Sandbox, tmp_path: Path
) -> None:
    problems = {p.id: p for p in load_dataset("humaneval+", SAMPLES["humaneval+"](tmp_path).path)}
    add = problems["HumanEval/0"]
    assert add.expected_from_reference
    assert add.metadata["base_tests"] == 2
    # The doctest's call add(1, 2) is public; the other three inputs are hidden.
    assert [t.args for t in add.public_tests if isinstance(t, CallTest)] == [[1, 2]]
    assert len(add.hidden_tests) == 3
    assert all(isinstance(t, CallTest) and not t.compare for t in add.tests())
    # The float task's atol picks a registered evalplus checker with that tolerance.
    assert problems["HumanEval/1"].checker == "evalplus-atol=1e-09"
    assert "evalplus-atol=1e-09" in checker_names()
    # A completion of the prompt (HumanEval style) is judged too.
    result = judge_solution(sandbox, add, "    return a + b\n", mode="completion")
    assert (result.verdict, result.passed, result.total) == (Verdict.OK, 4, 4)
    # base_only keeps the original HumanEval inputs only.
    base = load_dataset("humaneval+", tmp_path / "HumanEvalPlus.jsonl", base_only=True)
    assert [len(p.tests()) for p in base][:2] == [2, 1]


def test_mbpp_plus_inputs_get_their_tuples_back(tmp_path: Path) -> None:
    (problem,) = load_dataset("mbpp+", SAMPLES["mbpp+"](tmp_path).path)
    # The base input the prompt's assert shows is public; the plus input stays hidden.
    assert [t.args_src for t in problem.tests() if isinstance(t, CallTest)] == [
        "(1, 2), (3,)",
        "(90001, 90002), (90003, 90004)",
    ]
    assert len(problem.public_tests) == 1 and len(problem.hidden_tests) == 1


def test_mbpp_asserts_become_call_tests(tmp_path: Path) -> None:
    problems = {p.id: p for p in load_dataset("mbpp", SAMPLES["mbpp"](tmp_path).path)}
    reverse = problems["902"]
    assert reverse.entry_point == "reverse_list"
    (public,) = reverse.public_tests
    assert isinstance(public, CallTest)
    assert (public.fn_name, public.args_src, public.expected_literal) == (
        "reverse_list",
        "[1, 2, 3]",
        "[3, 2, 1]",
    )
    assert "assert reverse_list([1, 2, 3]) == [3, 2, 1]" in reverse.prompt_text()
    area = problems["901"]
    assert area.entry_point == "circle_area"
    assert isinstance(area.public_tests[0], CallTest)
    assert area.public_tests[0].fn_name == "_execgym_holds"
    assert "import math" in area.test_code


def test_apps_jsonl_form(tmp_path: Path) -> None:
    path = SAMPLES["apps"](tmp_path).path
    problems = {p.id: p for p in load_dataset("apps", path)}
    squares = problems["7001"]
    # The example in the question is a public test; the other one is hidden, lines joined.
    assert squares.public_tests == [StdioTest(input="4\n", output="16\n")]
    assert squares.hidden_tests == [StdioTest(input="70001\n", output="4900140001")]
    total = problems["7002"]
    assert total.entry_point == "total" and total.preamble
    assert total.hidden_tests[1] == CallTest(fn_name="total", args=[[100003, 5]], expected=[100008])
    assert [p.id for p in load_dataset("apps", path, difficulty="interview")] == ["7002"]
    assert [p.id for p in load_dataset("apps", path, difficulty=["introductory"])] == ["7001"]


def test_codecontests_fields(tmp_path: Path) -> None:
    (problem,) = load_dataset("codecontests", SAMPLES["codecontests"](tmp_path).path)
    assert problem.difficulty == "A"
    assert problem.metadata["source"] == "CODEFORCES"
    assert len(problem.reference_solutions) == 1  # the C++ solution is not kept
    assert len(problem.incorrect_solutions) == 1
    assert (problem.limits.time_s, problem.limits.memory_mb) == (2.0, 256)
    assert len(problem.hidden_tests) == 2
    path = tmp_path / "code_contests_test.jsonl"
    (no_generated,) = load_dataset("codecontests", path, include_generated=False)
    assert len(no_generated.hidden_tests) == 1


def test_xcodeeval_fields(tmp_path: Path) -> None:
    (problem,) = load_dataset("xcodeeval", SAMPLES["xcodeeval"](tmp_path).path)
    assert problem.difficulty == "800"
    assert problem.limits.time_s == 1.0
    # The unit test equal to the sample (after \r\n -> \n) is not repeated as a hidden test.
    assert len(problem.public_tests) == 1 and len(problem.hidden_tests) == 2
    assert problem.hidden_tests[1] == StdioTest(
        input="2\n98765432 12345678\n", output=["98765432", "98765432.0"]
    )
    assert "Input\nThe first line contains n." in problem.statement


def test_livecodebench_compressed_private_tests(tmp_path: Path) -> None:
    problems = {p.id: p for p in load_dataset("lcb-codegen", livecodebench(tmp_path).path)}
    stdin = problems["abc999_a"]
    assert stdin.hidden_tests == [
        StdioTest(input="4\n10000 20000 30000 40007\n", output="100007\n")
    ]
    functional = problems["9001"]
    assert functional.entry_point == "addTwo"
    assert functional.hidden_tests == [
        CallTest(fn_name="addTwo", args=[123456, 654321], expected=777777)
    ]
    recent = load_dataset("lcb-codegen", tmp_path / "test.jsonl", since="2024-01-01")
    assert [p.id for p in recent] == ["9001"]


class _Exploit:
    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (print, ("the judge unpickled untrusted data",))


def test_livecodebench_never_unpickles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    import base64
    import zlib

    hostile = base64.b64encode(zlib.compress(pickle.dumps(_Exploit()))).decode("ascii")
    with pytest.raises(ValueError, match="refusing to unpickle"):
        decode_test_cases(hostile)
    assert "unpickled" not in capsys.readouterr().out
    with pytest.raises(ValueError, match="neither JSON nor"):
        decode_test_cases("not json, not base64!")


def test_bad_rows_name_the_file_row_and_field(tmp_path: Path) -> None:
    path = tmp_path / "broken.jsonl"
    path.write_text('{"task_id": "HumanEval/0", "prompt": "def f():\\n"}\n', encoding="utf-8")
    with pytest.raises(DatasetFormatError, match=r"broken\.jsonl: row 1: field 'entry_point'"):
        load_dataset("humaneval", path)
    path.write_text("{not json\n", encoding="utf-8")
    with pytest.raises(DatasetFormatError, match=r"row 1: not valid JSON"):
        load_dataset("codecontests", path)


def test_problems_round_trip_through_json(tmp_path: Path) -> None:
    for name, build in SAMPLES.items():
        directory = tmp_path / name.replace("+", "plus")
        directory.mkdir()
        for problem in load_dataset(name, build(directory).path):
            assert Problem.model_validate_json(problem.model_dump_json()) == problem, name
