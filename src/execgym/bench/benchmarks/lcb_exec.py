"""LiveCodeBench code execution (``lcb-exec``): predict the output of a LeetCode function.

Data: LiveCodeBench's execution rows (``livecodebench/execution-v2``): ``id`` (e.g.
``sample_0``), ``question_id``, ``function_name``, ``code``, ``input`` — the call itself,
e.g. ``maxSum(nums = [1, 2])`` — and ``output``, a literal; other fields are kept unread.
``--data PATH`` reads a JSONL file of such rows; without it the hub dataset is loaded.

Prompt (``lcb_runner/prompts/code_execution.py``): LiveCodeBench's direct or chain-of-thought
output-prediction prompt, with the CRUXEval system message, no stop word.

Extraction (``lcb_runner/utils/extraction_utils.py`` ``extract_execution_code``): with
chain of thought, the text after the first ``[ANSWER]``; then the text after the first
``==``; then the text before ``[/ANSWER]``, or else only its first line.

Judging (``lcb_runner/evaluation/compute_code_execution_metrics.py`` ``evaluate_score``):
a prediction that contains the call (``input``) is left out of the item's sample count; if
every prediction of an item is left out, all of them count as wrong (the skip rule shared
with CRUXEval, :func:`~execgym.bench.benchmarks.cruxeval.apply_skip_rule`). The others run as
``{BASE_IMPORTS}\\n{code}\\nassert {output} == {prediction}`` (3 seconds) and pass when the
script exits cleanly. ``BASE_IMPORTS`` are LiveCodeBench's standard imports; numpy and
pandas among them are skipped when not installed. Answers that are already extracted (a
saved ``pred_list``, or a custom output file: the item payload's
:data:`~execgym.bench._eval_task.ANSWERS_EXTRACTED`) are judged as they are, as
LiveCodeBench's ``custom_evaluator.py`` and ``--continue_existing_with_eval`` do.

Order and sampling: items are in LiveCodeBench's order (``sample_N`` by ``N``, as
``build_prompt_benchmark`` sorts them; ids of another form keep the file's order), which is
also the order of a custom output file's lists. Defaults are ``lcb_runner/runner/parser.py``'s:
10 samples, temperature 0.2, top_p 0.95, at most 2000 tokens, stop ``###`` (its vLLM
runner sends the stop word; its OpenAI runner does not).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from execgym.bench._eval_task import (
    ANSWERS_EXTRACTED,
    EXPERT_SYSTEM_PROMPT,
    DatasetError,
    EvalItem,
    Judgement,
    SamplingDefaults,
    check_python,
    id_field,
    load_items,
    register_eval_task,
    string_field,
)
from execgym.bench.benchmarks.cruxeval import CHECK_LIMITS, apply_skip_rule, run_assertion, skipped
from execgym.sandbox import Sandbox

HUB_DATASET = "livecodebench/execution-v2"
LCB_SAMPLING = SamplingDefaults(n=10, temperature=0.2, top_p=0.95)
"""``lcb_runner/runner/parser.py``'s defaults: ``--n 10 --temperature 0.2 --top_p 0.95``."""

BASE_IMPORTS = """from itertools import accumulate, chain, combinations, count, permutations, product, groupby, islice, repeat
from copy import deepcopy
from string import ascii_lowercase
from math import floor, log2, log10, sqrt, comb, gcd, ceil, inf, isqrt
from collections import defaultdict, deque, Counter
from bisect import bisect, bisect_left, bisect_right, insort
from heapq import heappush, heappop, heapify, merge
from functools import reduce, cache, lru_cache
from random import randrange, shuffle
from operator import itemgetter, sub
from re import search as re_search
from os.path import commonprefix
from typing import List, Tuple, Dict, Set, Optional, Union, Any, Callable, Iterable, Iterator, Generator
import copy
import string
import math
import collections
import bisect
import heapq
import functools
import random
import itertools
import operator
import re
try:
    import numpy as np
except ImportError:
    pass
try:
    import pandas as pd
except ImportError:
    pass
from math import log, prod
from collections import deque, defaultdict, Counter, OrderedDict
from itertools import accumulate, permutations, combinations, product, groupby, islice, chain, repeat, zip_longest, cycle
from functools import lru_cache, reduce, partial
from operator import iand
import sys"""  # noqa: E501
"""LiveCodeBench's ``BASE_IMPORTS`` (``lcb_runner/evaluation/utils_execute.py``)."""

_INSTRUCTION = (
    "You are given a Python function and an assertion containing an input to the function. "
    "Complete the assertion with a literal (no unsimplified expressions, no function calls) "
    "containing the output when executing the provided code on the given input, even if the "
    "function is incorrect or incomplete. Do NOT output any extra information. "
)
_DIRECT_TAIL = (
    "Provide the full assertion with the correct output in [ANSWER] and [/ANSWER] tags, "
    "following the examples."
)
_COT_TAIL = (
    "Execute the program step by step before arriving at an answer, and provide the full "
    "assertion with the correct output in [ANSWER] and [/ANSWER] tags, following the examples."
)
_DIRECT_EXAMPLES = """[PYTHON]
def repeatNumber(number : int) -> int:
    return number
assert repeatNumber(number = 17) == ??
[/PYTHON]
[ANSWER]
assert repeatNumber(number = 17) == 17
[/ANSWER]

[PYTHON]
def addCharacterA(string : str) -> str:
    return string + "a"
assert addCharacterA(string = "x9j") == ??
[/PYTHON]
[ANSWER]
assert addCharacterA(string = "x9j") == "x9ja"
[/ANSWER]"""
_COT_EXAMPLE = """[PYTHON]
def performOperation(s):
    s = s + s
    return "b" + s + "a"
assert performOperation(s = "hi") == ??
[/PYTHON]
[THOUGHT]
Let's execute the code step by step:

1. The function performOperation is defined, which takes a single argument s.
2. The function is called with the argument "hi", so within the function, s is initially "hi".
3. Inside the function, s is concatenated with itself, so s becomes "hihi".
4. The function then returns a new string that starts with "b", followed by the value of s \
(which is now "hihi"), and ends with "a".
5. The return value of the function is therefore "bhihia".
[/THOUGHT]
[ANSWER]
assert performOperation(s = "hi") == "bhihia"
[/ANSWER]"""


def lcb_execution_prompt(code: str, call: str, cot: bool) -> str:
    """LiveCodeBench's ``make_direct_output_prompt`` / ``make_cot_output_prompt``."""
    tail, examples, opening = (
        (_COT_TAIL, _COT_EXAMPLE, "[THOUGHT]")
        if cot
        else (_DIRECT_TAIL, _DIRECT_EXAMPLES, "[ANSWER]")
    )
    return (
        f"{_INSTRUCTION}{tail}\n\n{examples}\n\n[PYTHON]\n{code}\nassert {call} == ??\n"
        f"[/PYTHON]\n{opening}\n"
    )


def lcb_extract(response: str, cot: bool) -> str:
    """LiveCodeBench's ``extract_execution_code`` (see the module docs)."""
    text = response
    if cot and "[ANSWER]" in text:
        text = text.split("[ANSWER]")[1].strip()
    if "==" in text:
        text = text.split("==")[1].strip()
    if "[/ANSWER]" in text:
        text = text.split("[/ANSWER]")[0].strip()
    else:
        text = text.split("\n")[0].strip()
    return text.strip()


_SAMPLE_NUMBER = re.compile(r"[^_]*_(\d+)")


def lcb_order(items: list[EvalItem]) -> list[EvalItem]:
    """``items`` sorted as LiveCodeBench sorts its benchmark (by the number in ``sample_N``);
    unchanged when some id is not of that form."""
    numbers = [_SAMPLE_NUMBER.fullmatch(item.id) for item in items]
    if not all(numbers):
        return items
    keys = [int(match.group(1)) for match in numbers if match]
    return [item for _, item in sorted(zip(keys, items, strict=True), key=lambda pair: pair[0])]


@dataclass(frozen=True)
class LcbExecutionTask:
    """``lcb-exec``."""

    name: str = "lcb-exec"
    description: str = (
        "LiveCodeBench code execution: predict the output of a LeetCode solution's call"
    )
    stop: tuple[str, ...] = ("###",)
    sampling_defaults: SamplingDefaults = LCB_SAMPLING

    def default_max_tokens(self, cot: bool) -> int:
        return 2000  # lcb_runner's default --max_tokens

    def load(self, data: Path | None, *, cot: bool) -> list[EvalItem]:
        items = load_items(data, HUB_DATASET, lambda row, where: self._item(row, where, cot))
        return lcb_order(items)

    def _item(self, row: Mapping[str, Any], where: str, cot: bool) -> EvalItem:
        item_id = id_field(row, "id", where) if "id" in row else id_field(row, "question_id", where)
        code = string_field(row, "code", where)
        check_python(code, where, "code")
        call = string_field(row, "input", where)
        check_python(call, where, "input", mode="eval")
        output = string_field(row, "output", where)
        check_python(output, where, "output", mode="eval")
        function_name = row.get("function_name")
        if function_name is not None and not isinstance(function_name, str):
            raise DatasetError(where, "function_name", "expected a string")
        return EvalItem(
            id=item_id,
            kind="output",
            prompt=lcb_execution_prompt(code, call, cot),
            system=EXPERT_SYSTEM_PROMPT,
            group=item_id,
            payload={"code": code, "input": call, "output": output, "cot": cot},
        )

    def judge(self, item: EvalItem, responses: Sequence[str], sandbox: Sandbox) -> list[Judgement]:
        code, call, output = (item.payload[key] for key in ("code", "input", "output"))
        cot = bool(item.payload.get("cot", False))
        extracted = bool(item.payload.get(ANSWERS_EXTRACTED, False))
        judgements: list[Judgement] = []
        for response in responses:
            answer = response if extracted else lcb_extract(response, cot)
            if call in answer:
                judgements.append(skipped(answer, "the prediction repeats the call"))
                continue
            script = f"{BASE_IMPORTS}\n{code}\nassert {output} == {answer}"
            judgements.append(run_assertion(script, answer, sandbox, CHECK_LIMITS))
        return apply_skip_rule(judgements, "livecodebench")

    def reference_response(self, item: EvalItem, sandbox: Sandbox) -> str:
        return f"[ANSWER]\nassert {item.payload['input']} == {item.payload['output']}\n[/ANSWER]"

    def task_metrics(self, records: Sequence[Mapping[str, Any]]) -> dict[str, float]:
        return {}


register_eval_task(LcbExecutionTask())
