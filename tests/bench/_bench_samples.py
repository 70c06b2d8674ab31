"""Small hand-made datasets in each benchmark's native format, written into a directory.

Every builder returns the path to pass to ``load_dataset`` and, per problem id, a program
that must pass and one that must fail ("full" mode). Hidden test data is chosen to be
distinctive (long numbers), so the prompt-leak test can look for it as a substring.
"""

from __future__ import annotations

import base64
import json
import pickle
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Sample:
    path: Path
    right: dict[str, str]
    wrong: dict[str, str]


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def compressed_tests(tests: list[dict[str, Any]]) -> str:
    """LiveCodeBench's compressed form: base64(zlib(pickle(JSON text)))."""
    return base64.b64encode(zlib.compress(pickle.dumps(json.dumps(tests)))).decode("ascii")


def humaneval_plus(root: Path) -> Sample:
    rows: list[dict[str, Any]] = [
        {
            "task_id": "HumanEval/0",
            "prompt": 'def add(a, b):\n    """Return the sum of a and b.\n\n    >>> add(1, 2)\n'
            '    3\n    """\n',
            "entry_point": "add",
            "canonical_solution": "    return a + b\n",
            "contract": "",
            "base_input": [[1, 2], [3, 4]],
            "plus_input": [[100001, 200002], [-70007, 70007]],
            "atol": 0,
        },
        {
            "task_id": "HumanEval/1",
            "prompt": 'def mean(xs):\n    """The mean of a non-empty list of floats."""\n',
            "entry_point": "mean",
            "canonical_solution": "    return sum(xs) / len(xs)\n",
            "contract": "",
            "base_input": [[[1.0, 2.0]]],
            "plus_input": [[[0.1, 0.2, 0.3]], [[12345.5, 54321.25]]],
            "atol": 1e-9,
        },
        {  # the hub form: a check program with the tests inlined
            "task_id": "HumanEval/2",
            "prompt": 'def double(x):\n    """Twice x."""\n',
            "entry_point": "double",
            "canonical_solution": "    return 2 * x\n",
            "test": "def check(candidate):\n    assert candidate(31415) == 62830\n",
        },
    ]
    return Sample(
        _jsonl(root / "HumanEvalPlus.jsonl", rows),
        right={
            "HumanEval/0": "def add(a, b):\n    return b + a\n",
            "HumanEval/1": "def mean(xs):\n    return sum(xs) / float(len(xs))\n",
            "HumanEval/2": "def double(x):\n    return x + x\n",
        },
        wrong={
            "HumanEval/0": "def add(a, b):\n    return a - b\n",
            "HumanEval/1": "def mean(xs):\n    return sum(xs) / (len(xs) + 1)\n",
            "HumanEval/2": "def double(x):\n    return x * x\n",
        },
    )


def mbpp_plus(root: Path) -> Sample:
    rows = [
        {  # task 2's inputs are tuples: EvalPlus turns each JSON list argument into a tuple
            "task_id": "Mbpp/2",
            "prompt": '"""\nWrite a function to join two tuples.\n'
            'assert join_tuples((1, 2), (3,)) == (1, 2, 3)\n"""\n',
            "entry_point": "join_tuples",
            "canonical_solution": "def join_tuples(a, b):\n    return a + b\n",
            "contract": "",
            "base_input": [[[1, 2], [3]]],
            "plus_input": [[[90001, 90002], [90003, 90004]]],
            "atol": 0,
        }
    ]
    return Sample(
        _jsonl(root / "MbppPlus.jsonl", rows),
        right={"Mbpp/2": "def join_tuples(a, b):\n    return tuple(a) + tuple(b)\n"},
        wrong={"Mbpp/2": "def join_tuples(a, b):\n    return list(a) + list(b)\n"},
    )


def mbpp(root: Path) -> Sample:
    rows = [
        {
            "task_id": 901,
            "text": "Write a function to compute the area of a circle of radius r.",
            "code": "import math\ndef circle_area(r):\n    return math.pi * r * r\n",
            "test_list": [
                "assert math.isclose(circle_area(2), 12.566, rel_tol=0.001)",
                "assert circle_area(0) == 0",
            ],
            "test_setup_code": "import math",
            "challenge_test_list": [
                "assert math.isclose(circle_area(1000), 3141592.65, rel_tol=0.001)"
            ],
        },
        {
            "task_id": 902,
            "text": "Write a function to reverse a list.",
            "code": "def reverse_list(xs):\n    return xs[::-1]\n",
            "test_list": ["assert reverse_list([1, 2, 3]) == [3, 2, 1]"],
            "test_setup_code": "",
            "challenge_test_list": [
                "assert reverse_list([70001, 80002, 90003]) == [90003, 80002, 70001]"
            ],
        },
    ]
    return Sample(
        _jsonl(root / "mbpp.jsonl", rows),
        right={
            "901": "def circle_area(r):\n    return 3.14159265 * r ** 2\n",
            "902": "def reverse_list(xs):\n    return list(reversed(xs))\n",
        },
        wrong={
            "901": "def circle_area(r):\n    return 3.14 * r\n",
            "902": "def reverse_list(xs):\n    return xs\n",
        },
    )


def apps_jsonl(root: Path) -> Sample:
    rows = [
        {
            "problem_id": 7001,
            "question": "Given n, print n squared.\n\n-----Example-----\nInput\n4\n\nOutput\n16\n",
            "solutions": json.dumps(["n = int(input())\nprint(n * n)\n"]),
            "input_output": json.dumps(
                {
                    "inputs": ["4\n", ["70001", ""]],
                    "outputs": ["16\n", ["4900140001"]],
                }
            ),
            "difficulty": "introductory",
            "url": "https://example.invalid/7001",
            "starter_code": "",
        },
        {
            "problem_id": 7002,
            "question": "Return the sum of a list of integers.",
            "solutions": json.dumps(["def total(xs):\n    return sum(xs)\n"]),
            "input_output": json.dumps(
                {
                    "fn_name": "total",
                    "inputs": [[[1, 2, 3]], [[100003, 5]]],
                    "outputs": [[6], [100008]],
                }
            ),
            "difficulty": "interview",
            "url": "https://example.invalid/7002",
            "starter_code": "def total(xs):\n    ",
        },
    ]
    return Sample(
        _jsonl(root / "apps.jsonl", rows),
        right={
            "7001": "print(int(input()) ** 2)\n",
            "7002": "def total(xs):\n    result = 0\n    for x in xs:\n        result += x\n"
            "    return result\n",
        },
        wrong={
            "7001": "print(int(input()) * 2)\n",
            "7002": "def total(xs):\n    return max(xs)\n",
        },
    )


def codecontests(root: Path) -> Sample:
    rows = [
        {
            "name": "1000_A. Sum Pairs",
            "description": "Given two integers a and b, print a + b.\n\nExample\n\nInput\n\n1 2\n\n"
            "Output\n\n3\n",
            "public_tests": {"input": ["1 2\n"], "output": ["3\n"]},
            "private_tests": {"input": ["1000000 2345678\n"], "output": ["3345678\n"]},
            "generated_tests": {"input": ["-50000 17001\n"], "output": ["-32999\n"]},
            "source": 2,
            "difficulty": 7,
            "solutions": {
                "language": [2, 3],
                "solution": [
                    '#include <cstdio>\nint main(){long long a,b;scanf("%lld %lld",&a,&b);'
                    'printf("%lld\\n",a+b);}\n',
                    "a, b = map(int, input().split())\nprint(a + b)\n",
                ],
            },
            "incorrect_solutions": {
                "language": [3],
                "solution": ["a, b = map(int, input().split())\nprint(a - b)\n"],
            },
            "cf_contest_id": 1000,
            "cf_index": "A",
            "cf_points": 500.0,
            "cf_rating": 800,
            "cf_tags": ["math"],
            "is_description_translated": False,
            "untranslated_description": "",
            "time_limit": {"seconds": 2, "nanos": 0},
            "memory_limit_bytes": 268435456,
            "input_file": "",
            "output_file": "",
        }
    ]
    return Sample(
        _jsonl(root / "code_contests_test.jsonl", rows),
        right={"1000_A. Sum Pairs": "print(sum(map(int, input().split())))\n"},
        wrong={"1000_A. Sum Pairs": "a, b = map(int, input().split())\nprint(a * b)\n"},
    )


def xcodeeval(root: Path) -> Sample:
    directory = root / "xcodeeval"
    directory.mkdir()
    descriptions = [
        {
            "src_uid": "0123456789abcdef0123456789abcdef",
            "description": "You are given n integers. Print the largest of them.",
            "input_from": "standard input",
            "output_to": "standard output",
            "time_limit": "1 second",
            "memory_limit": "256 megabytes",
            "input_spec": "The first line contains n. The second line contains n integers.",
            "output_spec": "Print one integer.",
            "notes": "NoteIn the example the largest integer is 5.",
            "sample_inputs": ["3\n1 5 2"],
            "sample_outputs": ["5"],
            "tags": ["implementation"],
            "difficulty": 800,
        },
        {  # no unit tests: skipped
            "src_uid": "fedcba9876543210fedcba9876543210",
            "description": "A problem without unit tests.",
            "sample_inputs": [],
            "sample_outputs": [],
            "difficulty": 1200,
        },
    ]
    _jsonl(directory / "problem_descriptions.jsonl", descriptions)
    unit_tests = {
        "0123456789abcdef0123456789abcdef": [
            {"input": "3\r\n1 5 2\r\n", "output": ["5"]},
            {"input": "4\n-70001 -70002 -70003 -70009\n", "output": ["-70001"]},
            {"input": "2\n98765432 12345678\n", "output": ["98765432", "98765432.0"]},
        ]
    }
    (directory / "unittest_db.json").write_text(json.dumps(unit_tests), encoding="utf-8")
    uid = "0123456789abcdef0123456789abcdef"
    return Sample(
        directory,
        right={uid: "input()\nprint(max(map(int, input().split())))\n"},
        wrong={uid: "input()\nprint(min(map(int, input().split())))\n"},
    )


def livecodebench(root: Path) -> Sample:
    rows = [
        {
            "question_title": "Sum of N",
            "question_content": "Read N and then N integers; print their sum.\n\nSample Input 1\n\n"
            "3\n1 2 3\n\nSample Output 1\n\n6\n",
            "platform": "atcoder",
            "question_id": "abc999_a",
            "contest_id": "abc999",
            "contest_date": "2023-08-01T00:00:00",
            "starter_code": "",
            "difficulty": "easy",
            "public_test_cases": json.dumps(
                [{"input": "3\n1 2 3\n", "output": "6\n", "testtype": "stdin"}]
            ),
            "private_test_cases": compressed_tests(
                [
                    {
                        "input": "4\n10000 20000 30000 40007\n",
                        "output": "100007\n",
                        "testtype": "stdin",
                    }
                ]
            ),
            "metadata": "{}",
        },
        {
            "question_title": "Add Two",
            "question_content": "Return a + b.\n\nExample 1:\nInput: a = 1, b = 2\nOutput: 3\n",
            "platform": "leetcode",
            "question_id": "9001",
            "contest_id": "weekly-contest-999",
            "contest_date": "2024-01-05T00:00:00",
            "starter_code": "class Solution:\n"
            "    def addTwo(self, a: int, b: int) -> int:\n        ",
            "difficulty": "medium",
            "public_test_cases": json.dumps(
                [{"input": "1\n2", "output": "3", "testtype": "functional"}]
            ),
            "private_test_cases": json.dumps(
                [{"input": "123456\n654321", "output": "777777", "testtype": "functional"}]
            ),
            "metadata": json.dumps({"func_name": "addTwo"}),
        },
    ]
    return Sample(
        _jsonl(root / "test.jsonl", rows),
        right={
            "abc999_a": "input()\nprint(sum(map(int, input().split())))\n",
            "9001": "class Solution:\n    def addTwo(self, a, b):\n        return b + a\n",
        },
        wrong={
            "abc999_a": "n = int(input())\nprint(n)\n",
            "9001": "class Solution:\n    def addTwo(self, a, b):\n        return a * b\n",
        },
    )


SAMPLES: dict[str, Callable[[Path], Sample]] = {
    "humaneval+": humaneval_plus,
    "mbpp": mbpp,
    "mbpp+": mbpp_plus,
    "apps": apps_jsonl,
    "codecontests": codecontests,
    "xcodeeval": xcodeeval,
    "lcb-codegen": livecodebench,
}
"""Builders for the datasets that have no copy in the shared data (humaneval has one)."""
