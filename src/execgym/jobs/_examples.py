"""Example programs that execgym writes itself, each with the verdict it must get.

``execgym pipeline`` judges them to show that the sandbox and the checkers work end to end:
together they cover every verdict a program can earn (all but ``SANDBOX_ERROR``, which only
an infrastructure failure produces), standard-input and function-call tests, LeetCode-style
``class Solution`` methods, the import preamble, and the ``float`` and ``xcodeeval``
checkers. The programs that must pass are also the workload of the throughput measurement.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from execgym.sandbox import CallTest, JudgeRequest, Limits, StdioTest, Verdict


@dataclass(frozen=True)
class ExampleProgram:
    """One program, its tests and the verdict the judge must give it."""

    id: str
    description: str
    expected: Verdict
    code: str
    tests: Sequence[StdioTest | CallTest]
    checker: str = "tokens"
    limits: Limits = field(default_factory=Limits)

    def request(self, request_id: str | None = None) -> JudgeRequest:
        """The judge request for this program (``request_id`` defaults to the example's id)."""
        return JudgeRequest(
            code=self.code,
            tests=self.tests,
            id=request_id or self.id,
            checker=self.checker,
            limits=self.limits,
        )


def _stdio(*pairs: tuple[str, str | list[str]]) -> list[StdioTest | CallTest]:
    return [StdioTest(input=given, output=wanted) for given, wanted in pairs]


def _calls(fn_name: str, *cases: tuple[list[object], object]) -> list[StdioTest | CallTest]:
    return [CallTest(fn_name=fn_name, args=args, expected=wanted) for args, wanted in cases]


_SUM_TESTS = _stdio(
    ("1 2\n", "3\n"),
    ("10 -4\n", "6\n"),
    ("1000000000 1000000000\n", "2000000000\n"),
)

EXAMPLE_PROGRAMS: tuple[ExampleProgram, ...] = (
    ExampleProgram(
        id="sum_two_numbers",
        description="reads two integers from standard input and prints their sum",
        expected=Verdict.OK,
        code="a, b = map(int, input().split())\nprint(a + b)\n",
        tests=_SUM_TESTS,
    ),
    ExampleProgram(
        id="sum_off_by_one",
        description="the same task, answered one too high",
        expected=Verdict.WRONG_ANSWER,
        code="a, b = map(int, input().split())\nprint(a + b + 1)\n",
        tests=_SUM_TESTS,
    ),
    ExampleProgram(
        id="index_past_the_end",
        description="reads a list and indexes one past its end",
        expected=Verdict.RUNTIME_ERROR,
        code="values = list(map(int, input().split()))\nprint(values[len(values)])\n",
        tests=_stdio(("3 1 2\n", "2\n")),
    ),
    ExampleProgram(
        id="endless_loop",
        description="counts upward forever from its input (1 s CPU limit)",
        expected=Verdict.TIME_LIMIT,
        code="n = int(input())\nwhile n > 0:\n    n += 1\nprint(n)\n",
        tests=_stdio(("1\n", "0\n")),
        limits=Limits(time_s=1.0),
    ),
    ExampleProgram(
        id="memory_bomb",
        description="allocates 1 MiB blocks until memory runs out (128 MB limit)",
        expected=Verdict.MEMORY_LIMIT,
        code="blocks = []\nwhile True:\n    blocks.append(bytearray(1 << 20))\n",
        tests=_stdio(("", "")),
        limits=Limits(time_s=2.0, memory_mb=128),
    ),
    ExampleProgram(
        id="output_flood",
        description="prints without end (1 MB output limit)",
        expected=Verdict.OUTPUT_LIMIT,
        code='while True:\n    print("spam " * 20)\n',
        tests=_stdio(("", "")),
        limits=Limits(time_s=2.0, output_mb=1.0),
    ),
    ExampleProgram(
        id="syntax_error",
        description="a function header missing its closing parenthesis",
        expected=Verdict.COMPILE_ERROR,
        code="def solve(n:\n    return n * 2\n\nprint(solve(int(input())))\n",
        tests=_stdio(("2\n", "4\n")),
    ),
    ExampleProgram(
        id="gcd_function",
        description="a function called with several argument lists",
        expected=Verdict.OK,
        code=("def gcd(a, b):\n    while b:\n        a, b = b, a % b\n    return a\n"),
        tests=_calls("gcd", ([12, 18], 6), ([7, 13], 1), ([0, 5], 5), ([100, 10], 10)),
    ),
    ExampleProgram(
        id="is_prime_wrong",
        description="a function that calls 1 a prime",
        expected=Verdict.WRONG_ANSWER,
        code=("def is_prime(n):\n    return all(n % d for d in range(2, int(n ** 0.5) + 1))\n"),
        tests=_calls("is_prime", ([7], True), ([9], False), ([1], False)),
    ),
    ExampleProgram(
        id="leetcode_two_sum",
        description="a LeetCode-style class Solution method",
        expected=Verdict.OK,
        code=(
            "from typing import List\n"
            "\n"
            "class Solution:\n"
            "    def twoSum(self, nums: List[int], target: int) -> List[int]:\n"
            "        seen = {}\n"
            "        for index, value in enumerate(nums):\n"
            "            if target - value in seen:\n"
            "                return [seen[target - value], index]\n"
            "            seen[value] = index\n"
            "        return []\n"
        ),
        tests=_calls("twoSum", ([[2, 7, 11, 15], 9], [0, 1]), ([[3, 2, 4], 6], [1, 2])),
    ),
    ExampleProgram(
        id="needs_preamble",
        description="uses List and Counter without importing them (the preamble provides them)",
        expected=Verdict.OK,
        code=(
            "def most_common_word(words: List[str]) -> str:\n"
            "    counts = Counter(words)\n"
            "    return min(counts, key=lambda word: (-counts[word], word))\n"
        ),
        tests=_calls(
            "most_common_word",
            ([["b", "a", "b"]], "b"),
            ([["x", "y"]], "x"),
        ),
    ),
    ExampleProgram(
        id="float_average",
        description="prints an average at full precision; the float checker accepts it",
        expected=Verdict.OK,
        code=(
            "n = int(input())\nvalues = list(map(int, input().split()))\nprint(sum(values) / n)\n"
        ),
        tests=_stdio(("3\n1 4 5\n", "3.333333333\n"), ("2\n1 2\n", "1.5\n")),
        checker="float",
    ),
    ExampleProgram(
        id="xcodeeval_any_pair",
        description="prints one of several accepted answers, in its own letter case",
        expected=Verdict.OK,
        code=(
            "n, target = map(int, input().split())\n"
            "values = list(map(int, input().split()))\n"
            "seen = set()\n"
            "for value in values:\n"
            "    if target - value in seen:\n"
            '        print("Yes")\n'
            "        print(target - value, value)\n"
            "        break\n"
            "    seen.add(value)\n"
            "else:\n"
            '    print("No")\n'
        ),
        tests=_stdio(
            ("4 5\n1 2 3 4\n", ["YES\n1 4\n", "YES\n2 3\n"]),
            ("3 100\n1 2 3\n", ["NO\n"]),
        ),
        checker="xcodeeval",
    ),
)


def example_by_id(example_id: str) -> ExampleProgram:
    """The example called ``example_id``; ``KeyError`` if there is none."""
    for example in EXAMPLE_PROGRAMS:
        if example.id == example_id:
            return example
    raise KeyError(example_id)


def passing_examples() -> list[ExampleProgram]:
    """The examples that must be judged ``OK``: the throughput workload."""
    return [example for example in EXAMPLE_PROGRAMS if example.expected is Verdict.OK]
