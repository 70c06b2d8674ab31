"""Small hand-made datasets in each benchmark's native format, shared by the eval tests.

(No tests here: the helpers live in a ``test_eval_*`` module so the eval tests can share
them without a conftest of their own.)
"""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import typer

from execgym.cli.eval import eval_ as eval_command
from execgym.cli.score import score as score_command
from execgym.llm import Completion, SamplingParams, Usage

# ------------------------------------------------------------------------------ CLI


def cli_app() -> typer.Typer:
    """A fresh app with the two commands, as ``execgym.cli`` will register them."""
    app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)

    @app.callback()
    def main() -> None:
        """execgym (test app)."""

    app.command("eval")(eval_command)
    app.command("score")(score_command)
    return app


# ------------------------------------------------------------------------------ data


def write_jsonl(path: Path, rows: Sequence[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    return path


def cruxeval_rows(shared_data: Path, count: int) -> list[dict[str, Any]]:
    lines = (shared_data / "cruxeval.jsonl").read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines[:count]]


LCB_ROWS = [
    {
        "question_id": 2777,
        "id": "sample_0",
        "function_name": "distinctDifferenceArray",
        "code": (
            "def distinctDifferenceArray(nums: List[int]) -> List[int]:\n"
            "    return [len(set(nums[:i + 1])) - len(set(nums[i + 1:])) for i in range(len(nums))]"
        ),
        "input": "distinctDifferenceArray(nums = [1, 2, 3, 4, 5])",
        "output": "[-3, -1, 1, 3, 5]",
        "numsteps": 678,
        "problem_id": [0, 2, 0],
        "contest_id": "weekly-contest-344",
        "contest_date": "2023-05-07T00:00:00",
        "difficulty": "easy",
    },
    {
        "question_id": 2800,
        "id": "sample_1",
        "function_name": "minLength",
        "code": (
            "def minLength(s: str) -> int:\n"
            "    while 'AB' in s or 'CD' in s:\n"
            "        s = s.replace('AB', '').replace('CD', '')\n"
            "    return len(s)"
        ),
        "input": "minLength(s = 'ABFCACDB')",
        "output": "2",
        "numsteps": 115,
        "problem_id": [1, 0, 1],
        "contest_id": "weekly-contest-346",
        "contest_date": "2023-05-21T00:00:00",
        "difficulty": "easy",
    },
]

REVAL_CLASS = (
    "class Counter:\n"
    "    def __init__(self, start):\n"
    "        self.count = start\n"
    "\n"
    "    def add(self, n):\n"
    "        if n > 0:\n"
    "            self.count += n\n"
    "        return self.count\n"
)
REVAL_CLASS_TESTS = """import unittest

class CounterTestAdd(unittest.TestCase):
    def setUp(self):
        self.counter = Counter(1)

    def test_add(self):
        self.assertEqual(self.counter.add(2), 3)

    def test_add_2(self):
        self.assertEqual(self.counter.add(0), 1)


class Helper:
    pass


class CounterTestZero(unittest.TestCase):
    def test_zero(self):
        counter = Counter(0)
        self.assertEqual(counter.add(-1), 0)

if __name__ == '__main__':
    unittest.main()
"""

REVAL_DATA: list[dict[str, Any]] = [
    {
        "task_id": "DREval/0",
        "entry_point": "count_up",
        "code": (
            "def count_up(n):\n"
            "    total = 0\n"
            "    for i in range(n):\n"
            "        if i % 2 == 0:\n"
            "            total += i\n"
            "    return total\n"
        ),
        "inputs": ["(4,)", "(0,)"],
        "outputs": ["2", "0"],
        "test": None,
    },
    {
        "task_id": "DREval/1",
        "entry_point": "pairs",
        "code": (
            "def double(x):\n"
            "    return x * 2\n"
            "\n"
            "\n"
            "def pairs(words):\n"
            "    out = {}\n"
            "    for w in words:\n"
            "        out[w] = double(len(w))\n"
            "    return sorted(out.items())\n"
        ),
        "inputs": ["(['ab', 'c'],)"],
        "outputs": ["[('ab', 4), ('c', 2)]"],
        "test": None,
    },
    {  # a ClassEval row: the class, its unittest module, one test body per test class
        "task_id": "DREval/85",
        "entry_point": "Counter",
        "code": REVAL_CLASS,
        "inputs": [
            "assertEqual(self.counter.add(2), 3)\n",
            "counter = Counter(0)\nassertEqual(counter.add(-1), 0)\n",
        ],
        "outputs": [],
        "test": REVAL_CLASS_TESTS,
    },
]

REVAL_TASKS: list[dict[str, Any]] = [
    {
        "task_id": "DREval/0",
        "idx": 0,
        "tasks": [
            {
                "input_idx": 0,
                "task": [{"lineno": 5, "var": "total"}, {"lineno": 2, "var": "total"}],
                "output_pred": "assert count_up(4) == ??",
            },
            {
                "input_idx": 1,
                "task": [{"lineno": 5, "var": "total"}],
                "output_pred": "assert count_up(0) == ??",
            },
        ],
    },
    {
        "task_id": "DREval/1",
        "idx": 1,
        "tasks": [
            {
                "input_idx": 0,
                "task": [{"lineno": 8, "var": "out"}, {"lineno": 2, "var": "x"}],
                "output_pred": "assert pairs(['ab', 'c']) == ??",
            }
        ],
    },
    {
        "task_id": "DREval/85",
        "idx": 85,
        "tasks": [
            {
                "input_idx": 0,
                "task": [{"lineno": 7, "var": "self.count"}, {"lineno": 8, "var": "self.count"}],
                "output_pred": "assertEqual(self.counter.add(2), ??)",
            },
            {
                "input_idx": 1,
                "task": [{"lineno": 7, "var": "self.count"}],
                "output_pred": "counter = Counter(0)\nassertEqual(counter.add(-1), ??)",
            },
        ],
    },
]


def reval_dir(root: Path) -> Path:
    root.mkdir(parents=True, exist_ok=True)
    write_jsonl(root / "DREval_data.jsonl", REVAL_DATA)
    write_jsonl(root / "DREval_tasks.jsonl", REVAL_TASKS)
    return root


EXECQ_PROGRAMS = [
    {
        "id": "p1",
        "code": "def f(xs):\n    out = []\n    for x in xs:\n        out.append(x * 2)\n"
        "    return out",
        "input": "[1, 2]",
    },
    {
        "id": "p2",
        "code": "def f(s):\n    if s:\n        return s[::-1]\n    return 'empty'",
        "input": "'abc'",
    },
]


def execq_questions(path: Path, sandbox: Any) -> Path:
    """A questions file in every style, as ``execgym questions`` writes it."""
    from execgym.tasks import STYLE_KINDS, STYLES, Kind, questions_for_file

    programs = write_jsonl(path.with_name("programs.jsonl"), EXECQ_PROGRAMS)
    lines = []
    for style in STYLES:
        kinds = [kind for kind in Kind if kind in STYLE_KINDS[style]]
        questions, _ = questions_for_file(sandbox, programs, kinds, style)
        lines += [question.model_dump_json() for question in questions]
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# ------------------------------------------------------------------------------ models


class ScriptedModel:
    """A tiny in-process :class:`~execgym.llm.ChatModel`: ``answer(prompt, n)`` gives the
    texts; every call is logged; ``fail_after`` raises the given error from that call on."""

    def __init__(
        self,
        answer: Any,
        *,
        name: str = "scripted",
        fail_after: int | None = None,
        error: Exception | None = None,
    ) -> None:
        self.answer = answer
        self._name = name
        self.calls: list[str] = []
        self.fail_after = fail_after
        self.error = error

    @property
    def name(self) -> str:
        return self._name

    async def complete(self, messages: Sequence[Any], params: SamplingParams) -> Completion:
        prompt = str(messages[-1]["content"])
        if self.fail_after is not None and len(self.calls) >= self.fail_after:
            assert self.error is not None
            raise self.error
        self.calls.append(prompt)
        texts = list(self.answer(prompt, params.n))
        return Completion(texts, ["stop"] * len(texts), Usage(3, 4), self._name)


def fake_openai_module() -> Any:
    """``tests/llm/fake_openai.py`` (the module ``llm.fake_openai``), importable from here."""
    here = str(Path(__file__).resolve().parents[1])
    if here not in sys.path:
        sys.path.insert(0, here)
    from llm import fake_openai

    return fake_openai
