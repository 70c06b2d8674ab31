"""``execgym repair eval`` and ``execgym repair show``, and the run directory behind them:
records written as problems finish, resume, re-judging, model failures, the summary."""

from __future__ import annotations

import asyncio
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from execgym.bench import ITEMS_FILE, Problem, ResumeMismatch
from execgym.cli import app
from execgym.llm import ChatMessage, Completion, ModelRequestError, ModelUnavailable, SamplingParams
from execgym.repair import RepairSettings, read_repair_records
from execgym.repair._eval import RepairEvalSettings, run_repair_eval
from execgym.sandbox import Sandbox
from repair.apps_programs import MARKERS, PRIME_RIGHT, PRIME_SQUARES_BUG, tree_programs
from repair.scripted import ScriptedModel, call_test, fenced, stdin_test

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "llm"))
from llm.fake_openai import FakeOpenAIServer, last_user_message

BUDGET = 8


def script(solutions: dict[str, list[str]]) -> dict[tuple[str, str], list[str]]:
    """4184: a bug found and fixed; 2287: a right program; 2404: a program with no code."""
    right, _ = tree_programs(solutions["2287"])
    return {
        ("4184", "coder"): [fenced(PRIME_SQUARES_BUG)],
        ("4184", "auditor"): [call_test("is_prime(25)", "False")],
        ("4184", "vote"): [call_test("is_prime(25)", "False")],
        ("4184", "fixer"): [fenced(PRIME_RIGHT)],
        ("2287", "coder"): [fenced(right)],
        ("2287", "auditor"): [stdin_test("2\n1 2\n1\n1 5\n", "Yes\n5\n4\n")],
        ("2404", "coder"): ["I cannot solve this."],
        ("2404", "auditor"): ["No tests."],
    }


def settings(**changes: Any) -> RepairEvalSettings:
    repair = RepairSettings(budget=changes.pop("budget", BUDGET))
    return RepairEvalSettings("apps", "fixaudit", "scripted", repair, **changes)


def run(
    problems: Sequence[Problem], model: Any, run_dir: Path, sandbox: Sandbox, **changes: Any
) -> Any:
    return asyncio.run(run_repair_eval(problems, model, settings(**changes), run_dir, sandbox))


def test_records_summary_and_plot(
    apps: dict[str, Problem],
    apps_solutions: dict[str, list[str]],
    tmp_path: Path,
    sandbox: Sandbox,
) -> None:
    problems = [apps["4184"], apps["2287"], apps["2404"]]
    model = ScriptedModel(script(apps_solutions), MARKERS)
    report = run(problems, model, tmp_path, sandbox)
    summary = report.summary
    assert summary["finished"] == 3 and report.solved == 3
    assert summary["pass@1"] == pytest.approx(2 / 3)
    assert summary["by_difficulty"]["introductory"]["pass@1"] == 0.5
    assert summary["by_difficulty"]["competition"]["pass@1"] == 1.0
    # budget 1: only 2287's first program passes; the fix of 4184 lands at call 5
    curve = [point["pass@1"] for point in summary["pass_at_budget"]]
    assert curve[:4] == [pytest.approx(1 / 3)] * 4 and curve[4:] == [pytest.approx(2 / 3)] * 4
    # 4184's buggy first program passes 6 of its 8 hidden tests
    first = summary["pass_at_budget"][0]["avg_pass_ratio"]
    assert first == pytest.approx((6 / 8 + 1 + 0) / 3)
    assert summary["per_problem"]["calls"] == pytest.approx((5 + 4 + 8) / 3)
    assert summary["per_problem"]["breaches"] == pytest.approx(8 / 3)
    assert (tmp_path / "pass_at_budget.png").read_bytes().startswith(b"\x89PNG")
    records = read_repair_records(tmp_path)
    no_answer = records["2404"]
    assert no_answer["samples"][0]["verdict"] == "COMPILE_ERROR"
    assert no_answer["transcript"]["stop"] == "budget spent before the Coder kept its contract"
    assert "| Pass@1 | 66.7 |" in report.markdown
    assert "| calls per problem | 5.7 |" in report.markdown


def test_a_rerun_resumes_and_other_settings_are_refused(
    apps: dict[str, Problem],
    apps_solutions: dict[str, list[str]],
    tmp_path: Path,
    sandbox: Sandbox,
) -> None:
    problems = [apps["4184"], apps["2287"]]
    run(problems, ScriptedModel(script(apps_solutions), MARKERS), tmp_path, sandbox)
    again = ScriptedModel(script(apps_solutions), MARKERS)
    report = run(problems, again, tmp_path, sandbox)
    assert report.resumed == 2 and report.solved == 0 and again.requests == []
    assert report.summary["runs"] == 2
    with pytest.raises(ResumeMismatch, match="budget: 8 there, 9 now"):
        run(problems, again, tmp_path, sandbox, budget=9)


class FailingOn:
    """Wraps a model; fails every request about one problem with ``error``."""

    def __init__(self, inner: ScriptedModel, problem: str, error: Exception) -> None:
        self.inner = inner
        self.problem = problem
        self.error = error

    @property
    def name(self) -> str:
        return self.inner.name

    async def complete(self, messages: Sequence[ChatMessage], params: SamplingParams) -> Completion:
        if self.inner.problem_of(messages[-1]["content"]) == self.problem:
            raise self.error
        return await self.inner.complete(messages, params)


def test_model_failures_leave_problems_unfinished_and_keep_the_rest(
    apps: dict[str, Problem],
    apps_solutions: dict[str, list[str]],
    tmp_path: Path,
    sandbox: Sandbox,
) -> None:
    problems = [apps["4184"], apps["2287"]]
    rejected = FailingOn(
        ScriptedModel(script(apps_solutions), MARKERS),
        "4184",
        ModelRequestError(400, "prompt too long", "http://x/v1"),
    )
    report = run(problems, rejected, tmp_path, sandbox)
    assert list(report.failures) == ["4184"] and report.solved == 1
    assert set(read_repair_records(tmp_path)) == {"2287"}
    gone = FailingOn(
        ScriptedModel(script(apps_solutions), MARKERS),
        "4184",
        ModelUnavailable("http://x", 3, "503"),
    )
    stopped = run(problems, gone, tmp_path, sandbox)
    assert stopped.aborted is not None and "unavailable" in stopped.aborted
    assert stopped.resumed == 1
    fine = run(problems, ScriptedModel(script(apps_solutions), MARKERS), tmp_path, sandbox)
    assert fine.solved == 1 and fine.summary["finished"] == 2


def test_an_answer_the_sandbox_could_not_judge_is_judged_again_without_the_model(
    apps: dict[str, Problem],
    apps_solutions: dict[str, list[str]],
    tmp_path: Path,
    sandbox: Sandbox,
) -> None:
    problems = [apps["4184"]]
    run(problems, ScriptedModel(script(apps_solutions), MARKERS), tmp_path, sandbox)
    items = tmp_path / ITEMS_FILE
    record = json.loads(items.read_text(encoding="utf-8"))
    record["samples"][0]["correct"] = None
    record["samples"][0]["verdict"] = "SANDBOX_ERROR"
    record["hidden"]["1"]["verdict"] = "SANDBOX_ERROR"
    items.write_text(json.dumps(record) + "\n", encoding="utf-8")
    model = ScriptedModel(script(apps_solutions), MARKERS)
    report = run(problems, model, tmp_path, sandbox)
    assert model.requests == [] and report.summary["pass@1"] == 1.0
    assert read_repair_records(tmp_path)["4184"]["samples"][0]["verdict"] == "OK"


# ---------------------------------------------------------------------------- command line


def invoke(*args: str, columns: int = 80) -> Result:
    return CliRunner().invoke(app, list(args), env={"COLUMNS": str(columns)})


@pytest.mark.parametrize("command", [["repair"], ["repair", "eval"], ["repair", "show"]])
def test_help_reads_well_at_80_columns(command: list[str]) -> None:
    result = invoke(*command, "-h")
    assert result.exit_code == 0, result.output
    for row in result.stdout.splitlines():
        assert len(row) <= 80, row
    assert "<bool>" not in result.stdout


def test_eval_help_lists_every_method() -> None:
    from execgym.repair import REPAIR_METHODS

    listed = invoke("repair", "eval", "-h", columns=100).stdout.split("Methods:", 1)[1]
    for name in REPAIR_METHODS.names():
        assert f"\n  {name} " in listed, name


def test_eval_and_show_through_a_served_model(
    apps_dir: Path, apps_solutions: dict[str, list[str]], tmp_path: Path
) -> None:
    scripted = ScriptedModel(script(apps_solutions), MARKERS)

    def respond(body: dict[str, Any]) -> list[str]:
        return scripted.fresh(last_user_message(body), int(body.get("n") or 1))

    run_dir = tmp_path / "run"
    args = [
        "repair", "eval", "apps", "--method", "fixaudit", "--model", "scripted",
        "--data", str(apps_dir), "--budget", str(BUDGET), "--limit", "3", "-o", str(run_dir),
        "--workers", "1",
    ]  # fmt: skip
    with FakeOpenAIServer(responses=respond) as server:
        first = invoke(*args, "--base-url", server.base_url, columns=120)
        assert first.exit_code == 0, first.output
        asked = server.calls
        again = invoke(*args, "--base-url", server.base_url, columns=120)
        assert again.exit_code == 0, again.output
        assert server.calls == asked  # resumed: nothing asked again
    assert "| problems | 3/3 |" in first.stdout
    assert "| Pass@1 | 66.7 |" in first.stdout  # 2404's Coder never writes a program
    assert "left out 2 problems without hidden tests: 0001, 0111" in first.stderr
    assert "resumed: 3 problems were already finished" in again.stderr
    for name in ("items.jsonl", "summary.json", "config.json", "pass_at_budget.png"):
        assert (run_dir / name).is_file(), name
    shown = invoke("repair", "show", str(run_dir), "4184", columns=120)
    assert shown.exit_code == 0, shown.output
    text = shown.stdout
    assert "answer: program 1 · hidden tests OK 8/8" in text
    assert "=> keep-test (test a1)" in text and "=> accept-repair (test a1, program 1)" in text
    assert "+    for d in range(2, int(n ** 0.5) + 1):" in text
    assert "Pass@1 by budget: 1-4: program 0 WRONG_ANSWER; 5-8: program 1 OK" in text
    with_prompts = invoke("repair", "show", str(run_dir), "4184", "--prompts", columns=120)
    assert "You are auditing a candidate solution" in with_prompts.stdout
    missing = invoke("repair", "show", str(run_dir), "9999")
    assert missing.exit_code == 2
    assert "no problem '9999'" in missing.stderr and "2287" in missing.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["humaneval", "--method", "fixaudit"], "unknown benchmark 'humaneval'"),
        (["apps", "--method", "magic"], "unknown repair method 'magic'; known repair methods: bon"),
        (["apps", "--method", "direct", "--data", "/no/such/dir"], "data not found: /no/such/dir"),
    ],
)
def test_usage_errors_name_what_was_wrong(args: list[str], message: str, tmp_path: Path) -> None:
    result = invoke("repair", "eval", *args, "--model", "m", "-o", str(tmp_path / "r"), columns=200)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
