"""Code-generation metrics over judged samples.

Every metric takes :class:`SampleScore` records: one per judged sample (a problem may have
several samples). Definitions:

``pass_at_k(n, c, k)``
    The unbiased estimator of Chen et al. (2021, the HumanEval paper): the probability that
    at least one of ``k`` samples drawn without replacement from ``n``, of which ``c`` are
    correct, is correct: ``1 - C(n-c, k) / C(n, k)``, computed as the numerically stable
    product ``1 - prod_{i=n-c+1}^{n} (1 - k / i)``; 1.0 when ``n - c < k``.
    :func:`mean_pass_at_k` averages it over problems (a sample is correct when it passed all
    its tests).

``strict_accuracy``
    APPS's "strict accuracy": the fraction of samples that pass all of their tests, averaged
    per problem, then over problems (with one sample per problem: the fraction of problems
    solved).

``avg_pass_ratio``
    APPS's "test case average" (hendrycks/apps ``eval/test_one_solution.py``,
    ``print_results``), also called AvgPassRatio: per sample the fraction of its tests that
    passed, where a compile error counts as 0 for every test (APPS records ``[-2]``); averaged
    per problem, then over problems, so every problem weighs the same whatever its number of
    tests.

``micro_pass_ratio``
    The micro-averaged variant (reported by CURE, Wang et al. 2025, as execgym reads it; not
    confirmed from CURE's evaluation code, which is not public): total tests passed over total
    tests run, summed over every sample of every problem, so problems with many tests weigh
    more.

``by_difficulty``
    Any of these per difficulty label (problems without one fall under ``"unknown"``).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from execgym.sandbox import JudgeResult, Verdict

UNKNOWN_DIFFICULTY = "unknown"


@dataclass(frozen=True)
class SampleScore:
    """One judged sample: how many of its tests passed, of how many, and whether it compiled."""

    problem_id: str
    passed: int
    total: int
    compiled: bool = True
    difficulty: str | None = None

    def __post_init__(self) -> None:
        if self.total < 0 or not 0 <= self.passed <= self.total:
            raise ValueError(f"need 0 <= passed <= total, got {self.passed}/{self.total}")

    @property
    def pass_ratio(self) -> float:
        """Fraction of tests passed; 0 for a compile error or a sample without tests."""
        if not self.compiled or self.total == 0:
            return 0.0
        return self.passed / self.total

    @property
    def all_passed(self) -> bool:
        """Passed every test (and had at least one)."""
        return self.compiled and self.total > 0 and self.passed == self.total

    @property
    def passed_tests(self) -> int:
        """Tests passed, counting 0 for a compile error."""
        return self.passed if self.compiled else 0

    @classmethod
    def from_result(
        cls, result: JudgeResult, *, problem_id: str | None = None, difficulty: str | None = None
    ) -> SampleScore:
        """The score of a sandbox judgement (a ``COMPILE_ERROR`` verdict: nothing passed)."""
        return cls(
            problem_id=problem_id if problem_id is not None else (result.id or ""),
            passed=result.passed,
            total=result.total,
            compiled=result.verdict is not Verdict.COMPILE_ERROR,
            difficulty=difficulty,
        )


def pass_at_k(n: int, c: int, k: int) -> float:
    """Unbiased pass@k for one problem with ``n`` samples of which ``c`` are correct."""
    if not 0 <= c <= n:
        raise ValueError(f"need 0 <= c <= n, got n={n}, c={c}")
    if k < 1 or k > n:
        raise ValueError(f"need 1 <= k <= n, got n={n}, k={k}")
    if n - c < k:
        return 1.0
    product = 1.0
    for i in range(n - c + 1, n + 1):
        product *= 1.0 - k / i
    return 1.0 - product


def mean_pass_at_k(scores: Iterable[SampleScore], k: int) -> float:
    """pass@k averaged over problems; every problem needs at least ``k`` samples."""
    groups = _by_problem(scores)
    if not groups:
        return 0.0
    values = []
    for problem_id, samples in groups.items():
        if len(samples) < k:
            raise ValueError(f"problem {problem_id!r} has {len(samples)} samples, fewer than k={k}")
        values.append(pass_at_k(len(samples), sum(s.all_passed for s in samples), k))
    return sum(values) / len(values)


def strict_accuracy(scores: Iterable[SampleScore]) -> float:
    """Fraction of samples passing all tests, averaged per problem, then over problems."""
    return _macro(scores, lambda s: 1.0 if s.all_passed else 0.0)


def avg_pass_ratio(scores: Iterable[SampleScore]) -> float:
    """APPS's test case average (AvgPassRatio): mean per-problem fraction of tests passed."""
    return _macro(scores, lambda s: s.pass_ratio)


def micro_pass_ratio(scores: Iterable[SampleScore]) -> float:
    """Total tests passed over total tests, across all samples of all problems."""
    items = list(scores)
    total = sum(s.total for s in items)
    return sum(s.passed_tests for s in items) / total if total else 0.0


def by_difficulty(
    scores: Iterable[SampleScore], metric: Callable[[Sequence[SampleScore]], float]
) -> dict[str, float]:
    """``metric`` computed separately for each difficulty label, sorted by label."""
    groups: dict[str, list[SampleScore]] = defaultdict(list)
    for score in scores:
        groups[score.difficulty or UNKNOWN_DIFFICULTY].append(score)
    return {label: metric(groups[label]) for label in sorted(groups)}


def _by_problem(scores: Iterable[SampleScore]) -> dict[str, list[SampleScore]]:
    groups: dict[str, list[SampleScore]] = defaultdict(list)
    for score in scores:
        groups[score.problem_id].append(score)
    return dict(groups)


def _macro(scores: Iterable[SampleScore], value: Callable[[SampleScore], float]) -> float:
    groups = _by_problem(scores)
    if not groups:
        return 0.0
    means = [sum(value(s) for s in samples) / len(samples) for samples in groups.values()]
    return sum(means) / len(means)
