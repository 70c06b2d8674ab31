"""The FixAudit loop end to end through the real sandbox on the shared APPS samples, with a
scripted model: a bug found and fixed, a wrong Auditor expectation kept from breaking a
correct program, regressing fixes rolled back, the budget stopping the loop, and every kind
of contract breach handled."""

from __future__ import annotations

import asyncio

import pytest

from execgym.bench import Problem, judge_solution
from execgym.repair import RepairSettings, Transcript, solve_problem
from execgym.sandbox import Sandbox, StdioTest, Verdict
from repair.apps_programs import (
    MARKERS,
    PRIME_BOTH_BUGS,
    PRIME_RIGHT,
    PRIME_SMALL_BUG,
    PRIME_SQUARES_BUG,
    TREE_RANGE_TEST,
    tree_programs,
)
from repair.scripted import ScriptedModel, call_test, fenced, stdin_test


def solve(
    problem: Problem,
    model: ScriptedModel,
    sandbox: Sandbox,
    *,
    method: str = "fixaudit",
    initial: str | None = None,
    **settings: int,
) -> Transcript:
    options = RepairSettings(**settings)
    return asyncio.run(solve_problem(method, problem, model, sandbox, options, initial=initial))


def hidden_verdict(sandbox: Sandbox, problem: Problem, transcript: Transcript) -> Verdict:
    assert transcript.final is not None
    code = transcript.programs[transcript.final]
    return judge_solution(sandbox, problem, code, tests="hidden", mode="auto").verdict


def actions(transcript: Transcript) -> list[str]:
    return [decision.action for decision in transcript.decisions]


def roles(transcript: Transcript) -> list[str]:
    return [f"{call.role}:{call.purpose}" for call in transcript.calls]


def test_a_bug_the_auditor_finds_is_fixed(apps: dict[str, Problem], sandbox: Sandbox) -> None:
    problem = apps["4184"]
    model = ScriptedModel(
        {
            ("4184", "coder"): [fenced(PRIME_SQUARES_BUG)],
            ("4184", "auditor"): [
                "The loop stops before the square root.\n"
                + call_test("is_prime(25)", "False")
                + call_test("is_prime(7)", "True"),
                call_test("is_prime(11)", "True"),
            ],
            ("4184", "vote"): [call_test("is_prime(25)", "False")],
            ("4184", "fixer"): [fenced(PRIME_RIGHT)],
        },
        MARKERS,
    )
    transcript = solve(problem, model, sandbox)
    assert hidden_verdict(sandbox, problem, transcript) is Verdict.OK
    assert transcript.programs[0] == PRIME_SQUARES_BUG
    assert roles(transcript)[:5] == [
        "coder:candidate",
        "auditor:audit",
        "auditor:vote",
        "auditor:vote",
        "fixer:repair",
    ]
    assert actions(transcript)[:3] == ["start", "keep-test", "accept-repair"]
    keep = transcript.decisions[1]
    assert keep.test == "a1" and "3 of 3 expectations agree" in keep.reason
    assert transcript.stop == "3 audit rounds in a row kept no failing test"
    # the candidate after each call gives Pass@1 at every smaller budget
    assert [transcript.program_at_budget(b) for b in range(1, 8)] == [0, 0, 0, 0, 1, 1, 1]
    assert transcript.program_at_budget(20) == transcript.final == 1
    failing = [run for run in transcript.runs if run.test == "a1" and run.program == 0]
    assert failing[0].verdict == "WRONG_ANSWER" and failing[0].actual == "True"
    fixer_prompt = transcript.calls[4].messages[-1]["content"]
    assert PRIME_SQUARES_BUG.rstrip() in fixer_prompt and "is_prime(25)" in fixer_prompt
    assert "Verdict: WRONG_ANSWER" in fixer_prompt
    auditor_prompt = transcript.calls[1].messages[-1]["content"]
    assert PRIME_SQUARES_BUG.rstrip() in auditor_prompt  # the Auditor reads the code
    vote_prompt = transcript.calls[2].messages[-1]["content"]
    assert PRIME_SQUARES_BUG.rstrip() not in vote_prompt  # votes do not see the candidate
    for call in transcript.calls:
        assert call.prompt_tokens > 0 and call.completion_tokens > 0


def test_a_stdin_bug_is_fixed_after_a_regressing_fix_is_rolled_back(
    apps: dict[str, Problem], apps_solutions: dict[str, list[str]], sandbox: Sandbox
) -> None:
    problem = apps["2287"]
    right, buggy = tree_programs(apps_solutions["2287"])
    stdin, stdout = TREE_RANGE_TEST
    model = ScriptedModel(
        {
            ("2287", "coder"): [fenced(buggy)],
            ("2287", "auditor"): [
                stdin_test(stdin, stdout),
                stdin_test("2\n1 2\n1\n1 5\n", "Yes\n5\n4\n"),
            ],
            ("2287", "vote"): [stdin_test(stdin, stdout)],
            ("2287", "fixer"): [fenced('print("No")'), fenced(right)],
        },
        MARKERS,
    )
    transcript = solve(problem, model, sandbox)
    assert judge_solution(sandbox, problem, buggy, tests="hidden").verdict is Verdict.WRONG_ANSWER
    assert hidden_verdict(sandbox, problem, transcript) is Verdict.OK
    assert transcript.programs[transcript.final or 0].rstrip() == right.rstrip()
    rollback = next(d for d in transcript.decisions if d.action == "roll-back")
    assert rollback.reason == "the revision passes a1 but breaks p1"
    assert actions(transcript).count("accept-repair") == 1
    # the second Fixer sample answered the same prompt: n grew, the first sample was kept
    fixer_calls = [c for c in transcript.calls if c.role == "fixer"]
    assert len(fixer_calls) == 2 and fixer_calls[0].messages == fixer_calls[1].messages
    # hidden tests never reach a prompt
    prompts = "\n".join(m["content"] for c in transcript.calls for m in c.messages)
    for test in problem.hidden_tests:
        assert isinstance(test, StdioTest) and test.input.strip() not in prompts


def test_a_wrong_auditor_expectation_does_not_break_a_correct_program(
    apps: dict[str, Problem], sandbox: Sandbox
) -> None:
    problem = apps["4184"]
    script = {
        ("4184", "coder"): [fenced(PRIME_RIGHT)],
        ("4184", "auditor"): [call_test("is_prime(2)", "False")],  # wrong: 2 is prime
        ("4184", "vote"): [call_test("is_prime(2)", "True")],
        ("4184", "fixer"): [fenced("def is_prime(n):\n    return n > 2 and " + "n % 2 == 1\n")],
    }
    transcript = solve(problem, ScriptedModel(script, MARKERS), sandbox)
    assert "fixer" not in [call.role for call in transcript.calls]
    assert transcript.final == 0 and hidden_verdict(sandbox, problem, transcript) is Verdict.OK
    rejected = next(d for d in transcript.decisions if d.action == "reject-test")
    assert rejected.test == "a1"
    assert "1 of 3 expectations agree, 2 side with the candidate's output" in rejected.reason
    # without votes such an expectation is never kept, so there is nothing to audit for
    no_votes = solve(problem, ScriptedModel(script, MARKERS), sandbox, audit_votes=1)
    assert [call.role for call in no_votes.calls] == ["coder"]
    assert (
        no_votes.stop == "the public examples pass, and with audit votes 1 no failing test is kept"
    )
    assert no_votes.final == 0


def test_a_fix_that_breaks_an_accepted_test_is_rolled_back(
    apps: dict[str, Problem], sandbox: Sandbox
) -> None:
    problem = apps["4184"]
    model = ScriptedModel(
        {
            ("4184", "coder"): [fenced(PRIME_BOTH_BUGS)],
            ("4184", "auditor"): [
                call_test("is_prime(1)", "False"),
                call_test("is_prime(25)", "False"),
                call_test("is_prime(13)", "True"),
            ],
            ("4184", "vote"): [
                call_test("is_prime(1)", "False"),
                call_test("is_prime(1)", "False"),
                call_test("is_prime(25)", "False"),
            ],
            ("4184", "fixer"): [
                fenced(PRIME_SQUARES_BUG),  # fixes a1 (1 is not prime)
                fenced(PRIME_SMALL_BUG),  # fixes a2 (25) but calls 1 prime again
                fenced(PRIME_RIGHT),
            ],
        },
        MARKERS,
    )
    transcript = solve(problem, model, sandbox)
    assert hidden_verdict(sandbox, problem, transcript) is Verdict.OK
    rollback = next(d for d in transcript.decisions if d.action == "roll-back")
    assert rollback.reason == "the revision passes a2 but breaks a1"
    assert actions(transcript).count("accept-repair") == 2
    final = transcript.programs[transcript.final or 0]
    assert final == PRIME_RIGHT


def test_the_budget_stops_the_loop(apps: dict[str, Problem], sandbox: Sandbox) -> None:
    problem = apps["4184"]
    model = ScriptedModel(
        {
            ("4184", "coder"): [fenced(PRIME_SQUARES_BUG)],
            ("4184", "auditor"): [call_test("is_prime(49)", "False")],
            ("4184", "vote"): [call_test("is_prime(49)", "False")],
            ("4184", "fixer"): [fenced(PRIME_SQUARES_BUG.replace("d = ", "d ="))],
        },
        MARKERS,
    )
    transcript = solve(problem, model, sandbox, budget=6)
    assert len(transcript.calls) == 6
    assert transcript.stop == "budget spent: an audit, its votes and a repair need 4 calls, 0 left"
    assert [d.reason for d in transcript.decisions if d.action == "roll-back"] == [
        "the revision still fails a1 (WRONG_ANSWER)"
    ] * 2
    assert "set-aside" in actions(transcript)
    assert transcript.final == 0
    tight = solve(problem, model, sandbox, budget=4)
    assert len(tight.calls) == 1  # an audit would leave no budget for its votes and a repair
    assert tight.stop == "budget spent: an audit, its votes and a repair need 4 calls, 3 left"


def test_every_contract_breach_is_recorded_and_costs_a_call(
    apps: dict[str, Problem], sandbox: Sandbox
) -> None:
    problem = apps["4184"]
    model = ScriptedModel(
        {
            ("4184", "coder"): ["def is_prime(n): return True", fenced(PRIME_SQUARES_BUG)],
            ("4184", "auditor"): [
                "I believe the code is fine.",
                call_test("other(3)", "True")
                + call_test("is_prime(x)", "False")
                + call_test("is_prime(49)", "False"),
                call_test("is_prime(97)", "True"),
            ],
            ("4184", "vote"): ["False, I think.", call_test("is_prime(49)", "False")],
            ("4184", "fixer"): [
                "```python\ndef is_prime(n):\n    return",
                fenced("def is_prime(n) return False"),
                fenced(PRIME_RIGHT),
            ],
        },
        MARKERS,
    )
    transcript = solve(problem, model, sandbox, repair_attempts=3)
    breaches = [(c.role, c.purpose, c.breach) for c in transcript.calls if c.breach]
    assert breaches == [
        ("coder", "candidate", "no fenced ```python block in the reply"),
        ("auditor", "audit", "no <test>...</test> element in the reply"),
        ("auditor", "vote", "no <test>...</test> element in the reply"),
        ("fixer", "repair", "the last ```python block is not closed (was the reply cut short?)"),
        ("fixer", "repair", "the program is not valid Python: expected ':' (line 1)"),
    ]
    audit = next(c for c in transcript.calls if c.tests)
    assert audit.notes == [
        "test 1 left out: calls other, not the entry point is_prime",
        "test 2 left out: not a literal: argument 1: the name 'x' is not a literal",
    ]
    keep = next(d for d in transcript.decisions if d.action == "keep-test")
    assert "2 of 3 expectations agree" in keep.reason  # the broken vote abstains
    assert actions(transcript).count("roll-back") == 2
    assert hidden_verdict(sandbox, problem, transcript) is Verdict.OK
    assert transcript.breaches == 5


@pytest.mark.parametrize(
    ("method", "shown_code", "shown_test"),
    [("fixaudit-no-code-auditor", False, True), ("fixaudit-no-test-fixer", True, False)],
)
def test_ablations_hide_what_they_say(
    method: str, shown_code: bool, shown_test: bool, apps: dict[str, Problem], sandbox: Sandbox
) -> None:
    problem = apps["4184"]
    model = ScriptedModel(
        {
            ("4184", "coder"): [fenced(PRIME_SQUARES_BUG)],
            ("4184", "auditor"): [call_test("is_prime(25)", "False")],
            ("4184", "vote"): [call_test("is_prime(25)", "False")],
            ("4184", "fixer"): [fenced(PRIME_RIGHT)],
        },
        MARKERS,
    )
    transcript = solve(problem, model, sandbox, method=method)
    audit = next(c for c in transcript.calls if c.purpose == "audit")
    repair = next(c for c in transcript.calls if c.purpose == "repair")
    assert (PRIME_SQUARES_BUG.rstrip() in audit.messages[-1]["content"]) is shown_code
    assert ("is_prime(25)" in repair.messages[-1]["content"]) is shown_test
    assert hidden_verdict(sandbox, problem, transcript) is Verdict.OK


def test_no_auditor_repairs_from_the_public_examples_only(
    apps: dict[str, Problem], apps_solutions: dict[str, list[str]], sandbox: Sandbox
) -> None:
    problem = apps["2287"]
    right, _ = tree_programs(apps_solutions["2287"])
    model = ScriptedModel(
        {("2287", "coder"): [fenced('print("No")')], ("2287", "fixer"): [fenced(right)]},
        MARKERS,
    )
    transcript = solve(problem, model, sandbox, method="fixaudit-no-auditor")
    assert roles(transcript) == ["coder:candidate", "fixer:repair"]
    assert transcript.decisions[-1].action == "accept-repair"
    assert transcript.decisions[-1].test == "p1"
    assert transcript.stop == "every public example passes (no Auditor)"


def test_a_given_candidate_is_repaired_without_asking_the_coder(
    apps: dict[str, Problem], sandbox: Sandbox
) -> None:
    model = ScriptedModel(
        {
            ("4184", "auditor"): [call_test("is_prime(25)", "False")],
            ("4184", "vote"): [call_test("is_prime(25)", "False")],
            ("4184", "fixer"): [fenced(PRIME_RIGHT)],
        },
        MARKERS,
    )
    transcript = solve(apps["4184"], model, sandbox, initial=PRIME_SQUARES_BUG, rounds=1)
    assert roles(transcript)[0] == "auditor:audit"
    assert transcript.programs == [PRIME_SQUARES_BUG, PRIME_RIGHT]
    assert transcript.decisions[0].reason == "the given candidate"
