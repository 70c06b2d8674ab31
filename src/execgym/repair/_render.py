"""One problem's record as text a person reads: the answer and how it was judged, every call
in order with its reply and the decisions taken after it, the tests and their verdicts, and
each program (a repair as a diff against the candidate it revised).

The text is plain; what a model or a program wrote is copied as it is, and the command line
shows it verbatim (``execgym._verbatim``).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from execgym.repair._transcript import CallRecord, Transcript

_INDENT = "    "


def render_record(record: Mapping[str, Any], *, prompts: bool = False) -> str:
    """``record`` (an ``items.jsonl`` line of a repair run) as text; ``prompts`` adds each
    call's prompt."""
    transcript = Transcript.model_validate(record["transcript"])
    hidden: Mapping[str, Any] = record.get("hidden", {})
    lines = [
        f"problem {record['id']} · method {transcript.method} · model {record.get('model')}",
        _answer_line(transcript.final, hidden),
        f"calls {len(transcript.calls)} of budget {transcript.budget} · tokens "
        f"{transcript.prompt_tokens} prompt + {transcript.completion_tokens} completion · "
        f"{transcript.breaches} contract breaches",
        f"stopped: {transcript.stop}",
        f"Pass@1 by budget: {_budget_line(record.get('at_budget', []), hidden)}",
        "",
    ]
    decisions: dict[int | None, list[str]] = {}
    for decision in transcript.decisions:
        about = [f"test {decision.test}"] if decision.test else []
        if decision.program is not None:
            about.append(f"program {decision.program}")
        subject = f" ({', '.join(about)})" if about else ""
        decisions.setdefault(decision.after_call, []).append(
            f"=> {decision.action}{subject}: {decision.reason}"
        )
    lines += decisions.get(None, [])
    previous: int | None = None
    for call in transcript.calls:
        lines += _call_lines(call, transcript, previous, prompts)
        lines += decisions.get(call.index, [])
        lines.append("")
        previous = call.candidate_after
    lines += _test_lines(transcript)
    return "\n".join(lines).rstrip() + "\n"


def _answer_line(final: int | None, hidden: Mapping[str, Any]) -> str:
    if final is None:
        return "answer: none (no program)"
    judged = hidden.get(str(final))
    if judged is None:
        return f"answer: program {final} (not judged)"
    return (
        f"answer: program {final} · hidden tests {judged['verdict']} "
        f"{judged['passed']}/{judged['total']}"
    )


def _budget_line(at_budget: list[int | None], hidden: Mapping[str, Any]) -> str:
    spans: list[tuple[int, int, str]] = []
    for budget, program in enumerate(at_budget, start=1):
        judged = hidden.get(str(program)) if program is not None else None
        mark = "no answer" if program is None else "?" if judged is None else judged["verdict"]
        label = mark if program is None else f"program {program} {mark}"
        if spans and spans[-1][2] == label:
            spans[-1] = (spans[-1][0], budget, label)
        else:
            spans.append((budget, budget, label))
    return "; ".join(
        f"{start}{'' if start == end else f'-{end}'}: {label}" for start, end, label in spans
    )


def _call_lines(
    call: CallRecord, transcript: Transcript, previous: int | None, prompts: bool
) -> list[str]:
    header = (
        f"#{call.index} {call.role} · {call.purpose} · {call.prompt_tokens}+"
        f"{call.completion_tokens} tokens · {call.latency_s:.2f} s"
        f"{' · cached' if call.cached else ''} · candidate after: "
        f"{'none' if call.candidate_after is None else call.candidate_after}"
    )
    lines = [header]
    if prompts:
        for message in call.messages:
            lines.append(f"{_INDENT}[{message['role']} prompt]")
            lines += _indented(message["content"], 2)
    lines.append(f"{_INDENT}[reply]")
    lines += _indented(call.reply, 2)
    if call.breach is not None:
        lines.append(f"{_INDENT}contract breach: {call.breach}")
    lines += [f"{_INDENT}note: {note}" for note in call.notes]
    if call.tests:
        lines.append(f"{_INDENT}tests proposed: {', '.join(call.tests)}")
    if call.vote is not None:
        lines.append(f"{_INDENT}vote: expected output {call.vote!r}")
    if call.program is not None:
        code = transcript.programs[call.program]
        if previous is not None and previous != call.program and call.role in ("fixer", "debugger"):
            lines.append(f"{_INDENT}program {call.program}, as a change to program {previous}:")
            diff = difflib.unified_diff(
                transcript.programs[previous].splitlines(),
                code.splitlines(),
                f"program {previous}",
                f"program {call.program}",
                lineterm="",
            )
            lines += _indented("\n".join(diff), 2)
        else:
            lines.append(f"{_INDENT}program {call.program} (the reply's last block)")
    return lines


def _test_lines(transcript: Transcript) -> list[str]:
    if not transcript.tests:
        return []
    verdicts: dict[str, list[str]] = {}
    for run in transcript.runs:
        verdicts.setdefault(run.test, []).append(f"program {run.program} {run.verdict}")
    lines = ["tests (never a hidden one):"]
    for test in transcript.tests:
        origin = test.origin if test.call is None else f"{test.origin}, call {test.call}"
        lines.append(f"{_INDENT}{test.id} ({origin}):")
        label = "input" if test.kind == "stdin" else "call"
        lines += _indented(f"{label}: {test.input.rstrip()}", 2)
        lines += _indented(f"expected: {test.expected.rstrip()}", 2)
        if test.id in verdicts:
            lines += _indented(f"runs: {', '.join(verdicts[test.id])}", 2)
    return lines


def _indented(text: str, depth: int) -> list[str]:
    prefix = _INDENT * depth
    return [prefix + line if line else "" for line in text.split("\n")]
