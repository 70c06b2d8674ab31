"""Programs and statement markers for the APPS samples of the shared data (``apps_coderl``):
4184 (``is_prime``, call-based, 8 hidden tests), 2287 (a tree, standard input, one public
example and 2 hidden tests) and 2404 (``findKthPositive``, call-based, one hidden test)."""

from __future__ import annotations

MARKERS = {
    "4184": "preset array/list with the first few `primes`",
    "2287": "Takahashi wrote integers into K of the vertices",
    "2404": "integer that is missing from this array",
    "0001": "Mikhail walks on a Cartesian plane",
    "0111": "You are given an image, that can be represented",
}

PRIME_RIGHT = """def is_prime(n):
    if n < 2:
        return False
    for d in range(2, int(n ** 0.5) + 1):
        if n % d == 0:
            return False
    return True
"""

PRIME_SQUARES_BUG = PRIME_RIGHT.replace("int(n ** 0.5) + 1", "int(n ** 0.5)")
"""Misses the square root as a divisor: 25, 49, 143 and 529 come out prime."""

PRIME_SMALL_BUG = PRIME_RIGHT.replace("    if n < 2:\n        return False\n", "")
"""Calls 1 (and every n below 2) prime."""

PRIME_BOTH_BUGS = PRIME_SQUARES_BUG.replace("    if n < 2:\n        return False\n", "")

KTH_RIGHT = """class Solution:
    def findKthPositive(self, arr, k):
        present = set(arr)
        n = 0
        while k:
            n += 1
            if n not in present:
                k -= 1
        return n
"""


def tree_programs(solutions: list[str]) -> tuple[str, str]:
    """2287's reference (its fourth solution) and a copy that forgets that two fixed values
    too far apart for their distance make the answer No (it keeps only the parity check)."""
    right = solutions[3]
    buggy = right.replace("if i>j or (i-j)%2==1:", "if (i-j)%2==1:")
    assert buggy != right
    return right, buggy


TREE_RANGE_TEST = ("3\n1 2\n2 3\n2\n1 0\n3 4\n", "No\n")
"""Vertices 1 and 3, two edges apart, hold 0 and 4: same parity, too far apart."""
