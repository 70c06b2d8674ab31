"""Metrics against values computed by hand."""

from __future__ import annotations

import math

import pytest

from execgym.bench.metrics import (
    SampleScore,
    avg_pass_ratio,
    by_difficulty,
    mean_pass_at_k,
    micro_pass_ratio,
    pass_at_k,
    strict_accuracy,
)
from execgym.sandbox import JudgeResult, Verdict
from execgym.sandbox import TestResult as OneTestResult


@pytest.mark.parametrize(
    ("n", "c", "k", "expected"),
    [
        (1, 1, 1, 1.0),
        (1, 0, 1, 0.0),
        (10, 3, 1, 3 / 10),  # pass@1 = c / n
        (5, 2, 2, 1 - 3 / 10),  # 1 - C(3,2)/C(5,2) = 1 - 3/10
        (10, 3, 5, 1 - 21 / 252),  # 1 - C(7,5)/C(10,5) = 1 - 21/252 = 11/12
        (4, 1, 2, 1 - 3 / 6),  # 1 - C(3,2)/C(4,2)
        (6, 5, 2, 1.0),  # n - c = 1 < k: every draw of 2 contains a correct one
        (20, 0, 10, 0.0),
        (200, 1, 100, 0.5),  # 1 - C(199,100)/C(200,100) = 1 - 100/200
    ],
)
def test_pass_at_k(n: int, c: int, k: int, expected: float) -> None:
    assert pass_at_k(n, c, k) == pytest.approx(expected, abs=1e-12)


def test_pass_at_k_is_stable_for_large_n() -> None:
    # 1 - C(1000, 100) / C(1010, 100): the binomials overflow floats; the product does not.
    expected = 1 - math.prod((1000 - i) / (1010 - i) for i in range(100))
    assert pass_at_k(1010, 10, 100) == pytest.approx(expected, rel=1e-12)


def test_pass_at_k_rejects_impossible_counts() -> None:
    for n, c, k in [(3, 4, 1), (3, 1, 4), (3, 1, 0), (3, -1, 1)]:
        with pytest.raises(ValueError):
            pass_at_k(n, c, k)


def _samples(
    problem: str, outcomes: list[tuple[int, int]], difficulty: str | None = None
) -> list[SampleScore]:
    return [
        SampleScore(problem, passed, total, difficulty=difficulty) for passed, total in outcomes
    ]


def test_mean_pass_at_k_over_problems() -> None:
    # p1: 2 of 4 samples correct; p2: 0 of 4; p3: 4 of 4.
    scores = (
        _samples("p1", [(3, 3), (1, 3), (3, 3), (0, 3)])
        + _samples("p2", [(0, 2)] * 4)
        + _samples("p3", [(5, 5)] * 4)
    )
    assert mean_pass_at_k(scores, 1) == pytest.approx((0.5 + 0 + 1) / 3)
    # pass@2 for p1 = 1 - C(2,2)/C(4,2) = 5/6
    assert mean_pass_at_k(scores, 2) == pytest.approx((5 / 6 + 0 + 1) / 3)
    with pytest.raises(ValueError, match="fewer than k=5"):
        mean_pass_at_k(scores, 5)


def test_avg_pass_ratio_counts_a_compile_error_as_zero() -> None:
    scores = [
        SampleScore("a", 2, 4),  # 0.5
        SampleScore("b", 0, 3, compiled=False),  # compile error: 0 on all 3 tests
        SampleScore("c", 1, 1),  # 1.0
        SampleScore("d", 9, 10),  # 0.9
    ]
    assert avg_pass_ratio(scores) == pytest.approx((0.5 + 0 + 1.0 + 0.9) / 4)  # 0.6
    assert strict_accuracy(scores) == pytest.approx(1 / 4)
    # Micro: (2 + 0 + 1 + 9) / (4 + 3 + 1 + 10) = 12 / 18
    assert micro_pass_ratio(scores) == pytest.approx(12 / 18)


def test_averages_weigh_problems_equally_over_their_samples() -> None:
    # Problem a: two samples with ratios 1.0 and 0.0 -> 0.5; problem b: one sample, 1/4.
    scores = [SampleScore("a", 2, 2), SampleScore("a", 0, 2), SampleScore("b", 1, 4)]
    assert avg_pass_ratio(scores) == pytest.approx((0.5 + 0.25) / 2)
    assert strict_accuracy(scores) == pytest.approx((0.5 + 0) / 2)
    assert micro_pass_ratio(scores) == pytest.approx(3 / 8)


def test_by_difficulty() -> None:
    scores = (
        _samples("e1", [(1, 1)], "easy")
        + _samples("e2", [(0, 2)], "easy")
        + _samples("h1", [(3, 4)], "hard")
        + _samples("x1", [(2, 2)])
    )
    assert by_difficulty(scores, strict_accuracy) == {"easy": 0.5, "hard": 0.0, "unknown": 1.0}
    assert by_difficulty(scores, avg_pass_ratio) == {"easy": 0.5, "hard": 0.75, "unknown": 1.0}
    assert by_difficulty(scores, micro_pass_ratio) == {
        "easy": pytest.approx(1 / 3),
        "hard": 0.75,
        "unknown": 1.0,
    }


def test_empty_inputs_and_zero_tests() -> None:
    assert avg_pass_ratio([]) == strict_accuracy([]) == micro_pass_ratio([]) == 0.0
    empty = SampleScore("z", 0, 0)
    assert empty.pass_ratio == 0.0 and not empty.all_passed
    with pytest.raises(ValueError):
        SampleScore("z", 3, 2)


def test_score_from_a_judge_result() -> None:
    compile_error = JudgeResult(
        id="p",
        verdict=Verdict.COMPILE_ERROR,
        passed=0,
        total=2,
        tests=[OneTestResult(verdict=Verdict.COMPILE_ERROR)] * 2,
    )
    score = SampleScore.from_result(compile_error, difficulty="hard")
    assert (score.problem_id, score.passed, score.total, score.compiled) == ("p", 0, 2, False)
    ok = JudgeResult(id="q", verdict=Verdict.OK, passed=3, total=3, tests=[])
    assert SampleScore.from_result(ok).all_passed
