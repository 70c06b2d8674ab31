"""The selection rules of the sampling baselines, as pure functions over test results.

Each takes one entry per sample in sampling order (``None`` for a sample without a program:
its reply broke the Coder's contract) and returns the index of the chosen sample, or
``None`` when no sample has a program. Ties always go to the earliest sample.

:func:`most_passed`
    The sample passing the most tests. Best-of-N filtered by the public tests is this rule
    on public-test counts (a sample passing them all comes first); CURE's selection is this
    rule on the Tester's tests.
:func:`dual_agreement`
    CodeT's dual execution agreement: samples passing exactly the same set of tests form a
    consensus set, scored by (samples in the set) x (tests the set passes); the first sample
    of the best-scoring set wins (ties: the set whose first sample comes first).
"""

from __future__ import annotations

from collections.abc import Sequence


def most_passed(passed: Sequence[int | None]) -> int | None:
    """The earliest sample with the most tests passed."""
    best: int | None = None
    for index, count in enumerate(passed):
        if count is None:
            continue
        if best is None or count > (passed[best] or 0):
            best = index
    return best


def dual_agreement(passed: Sequence[frozenset[str] | None]) -> int | None:
    """CodeT's choice (see the module docstring)."""
    groups: dict[frozenset[str], list[int]] = {}
    for index, tests in enumerate(passed):
        if tests is not None:
            groups.setdefault(tests, []).append(index)
    best: list[int] | None = None
    best_score = -1
    for tests, members in groups.items():  # in order of each set's first sample
        score = len(members) * len(tests)
        if score > best_score:
            best, best_score = members, score
    return best[0] if best is not None else None
