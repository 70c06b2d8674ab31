"""Scoring speed: microseconds to score one model answer to a combined ExecVerify question.

In one run, on the same synthetic but realistic responses (about 1.5 kB of reasoning, then an
``<answer>`` block with one output, five next-statement and five variable-state answers; a mix
of fully right, one white-box answer wrong, output wrong, missing lines, a second answer block
and a chat special token), it times per response:

(a) ``score_question(ScoringData, response)``: the scoring path trainers use;
(b) ``score_question(Question, response)``: the same from the pydantic question (converts it
    first);
(c) ``verl.compute_score(...)`` with the JSON ground truth (read once per distinct text, as
    several rollouts of one prompt share it);
(d) a baseline floor: find the last ``<answer>`` block with one regex, ``ast.literal_eval``
    every line and compare with ``==`` — no tolerance, no leniency, no reasons.

It prints median and p90 microseconds per response and per item, the ratio of each path to the
baseline, and PASS/FAIL against the target: (a) median under 1000 us per response. Input
prediction (which runs the sandbox) is not part of this benchmark. It reports; it does not
assert. Run: ``.venv/bin/python benchmarks/scoring_speed.py [--questions N] [--repeat R]``.
"""

from __future__ import annotations

import argparse
import ast
import json
import random
import re
import statistics
import time
from collections.abc import Callable

from execgym.rewards import ScoringData, question_ground_truth, score_question
from execgym.rewards.verl import compute_score
from execgym.tasks import (
    Item,
    Kind,
    NextReference,
    OutputReference,
    Question,
    StateReference,
)

TARGET_MEDIAN_US = 1000.0
PROSE = (
    "Let me trace the program step by step. The loop starts with i = 0 and the list is "
    "copied, then the branch on line {n} is taken because the value is larger than the "
    "threshold, so the accumulator grows. "
)


def random_value(rng: random.Random, depth: int = 0) -> object:
    choice = rng.randrange(9 if depth < 2 else 5)
    if choice == 0:
        return rng.randint(-1000, 10**6)
    if choice == 1:
        return round(rng.uniform(-100, 100), rng.randint(0, 6))
    if choice == 2:
        return "".join(rng.choice("abcdefgh xyz'") for _ in range(rng.randint(0, 12)))
    if choice == 3:
        return rng.choice([True, False, None])
    if choice == 4:
        return rng.randint(0, 9)
    if choice == 5:
        return [random_value(rng, depth + 1) for _ in range(rng.randint(0, 8))]
    if choice == 6:
        return tuple(rng.randint(0, 50) for _ in range(rng.randint(1, 4)))
    if choice == 7:
        return {rng.randint(0, 100) for _ in range(rng.randint(0, 6))}
    return {
        "".join(rng.choice("abc") for _ in range(3)): random_value(rng, depth + 1)
        for _ in range(rng.randint(0, 5))
    }


def make_question(rng: random.Random, index: int) -> Question:
    code = "\n".join(f"    x{k} = x{k - 1} + {k}" for k in range(1, 30))
    code = "def f(x0):\n" + code + "\n    return x29\n"
    output = random_value(rng)
    items = [
        Item(
            id=f"{index}-out",
            kind=Kind.OUTPUT,
            text="",
            answer_format="",
            reference=OutputReference(literal=repr(output), type_name=type(output).__name__),
            rendered=repr(output),
        )
    ]
    for k in range(5):
        line = rng.randint(2, 31)
        items.append(
            Item(
                id=f"{index}-next-{k}",
                kind=Kind.NEXT,
                text="",
                answer_format="",
                reference=NextReference(
                    line=line, source=f"x{line - 1} = x{line - 2} + {line - 1}"
                ),
                rendered=str(line),
                line=line - 1,
                occurrence=1,
            )
        )
    for k in range(5):
        value = random_value(rng)
        items.append(
            Item(
                id=f"{index}-state-{k}",
                kind=Kind.STATE,
                text="",
                answer_format="",
                reference=StateReference(literal=repr(value), type_name=type(value).__name__),
                rendered=repr(value),
                line=rng.randint(2, 30),
                occurrence=1,
                variable=f"x{k}",
            )
        )
    block = "<answer>\n" + "\n".join(item.rendered for item in items) + "\n</answer>"
    return Question(
        id=f"q{index}",
        program_id=f"p{index}",
        style="execverify",
        kind="combined",
        prompt="(prompt)",
        code=code,
        entry="f",
        input="1",
        items=items,
        reference_answer=block,
    )


def responses_for(question: Question, rng: random.Random) -> list[str]:
    prose = "".join(PROSE.format(n=rng.randint(1, 30)) for _ in range(8))
    answers = [item.rendered for item in question.items]

    def block(lines: list[str]) -> str:
        return "<answer>\n" + "\n".join(lines) + "\n</answer>"

    one_wrong = list(answers)
    one_wrong[3] = str(int(one_wrong[3]) + 1)
    output_wrong = ["'nope'", *answers[1:]]
    return [
        prose + block(answers),
        prose + block(one_wrong) + "<|im_end|>",
        prose + block(output_wrong),
        prose + block(answers[:7]),
        prose + block(["0"] * 11) + "\nWait.\n" + block(answers),
    ]


_BASELINE_BLOCK = re.compile(r"<answer>(.*)</answer>", re.DOTALL)


def baseline(question: Question, response: str) -> float:
    matches = list(_BASELINE_BLOCK.finditer(response))
    match = matches[-1] if matches else None
    if match is None:
        return 0.0
    lines = [line.strip() for line in match.group(1).split("\n") if line.strip()]
    right = 0
    for item, line in zip(question.items, lines, strict=False):
        try:
            if item.kind is Kind.NEXT:
                right += int(line) == item.reference.line
            else:
                right += ast.literal_eval(line) == ast.literal_eval(item.reference.literal or "")
        except (ValueError, SyntaxError):
            pass
    return right / len(question.items)


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter_ns()
    call()
    return (time.perf_counter_ns() - started) / 1000.0


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--questions", type=int, default=400)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    rng = random.Random(7)
    questions = [make_question(rng, i) for i in range(args.questions)]
    cases = [(q, r) for q in questions for r in responses_for(q, rng)]
    data = {q.id: ScoringData.from_question(q) for q in questions}
    truths = {q.id: question_ground_truth(q) for q in questions}
    items = len(questions[0].items)

    # Sanity: the reference answers score full reward on every path.
    for q in questions:
        assert score_question(data[q.id], q.reference_answer).accuracy == 1.0
        assert compute_score("execgym", q.reference_answer, truths[q.id])["score"] == 2.0

    paths: dict[str, Callable[[Question, str], object]] = {
        "(a) score_question(ScoringData)": lambda q, r: score_question(data[q.id], r),
        "(b) score_question(Question)": lambda q, r: score_question(q, r),
        "(c) verl compute_score(JSON)": lambda q, r: compute_score("execgym", r, truths[q.id]),
        "(d) baseline literal_eval ==": baseline,
    }
    samples: dict[str, list[float]] = {name: [] for name in paths}
    for _ in range(args.repeat):  # interleaved rounds; keep every sample
        for name, path in paths.items():
            for q, r in cases:
                samples[name].append(timed(lambda q=q, r=r, path=path: path(q, r)))

    base = statistics.median(samples["(d) baseline literal_eval =="])
    print(
        f"{len(cases)} responses ({args.questions} questions x 5 variants, {items} items each, "
        f"~{statistics.mean(len(r) for _, r in cases) / 1000:.1f} kB), {args.repeat} rounds"
    )
    print(f"{'path':36} {'median us':>10} {'p90 us':>9} {'us/item':>8} {'x baseline':>11}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(
            f"{name:36} {median:10.1f} {percentile(values, 0.9):9.1f} "
            f"{median / items:8.1f} {median / base:11.2f}"
        )
    median_a = statistics.median(samples["(a) score_question(ScoringData)"])
    verdict = "PASS" if median_a < TARGET_MEDIAN_US else "FAIL"
    print(f"target: (a) median < {TARGET_MEDIAN_US:.0f} us per response: {verdict}")
    print(json.dumps({"median_us": round(median_a, 1), "target_us": TARGET_MEDIAN_US}))


if __name__ == "__main__":
    main()
