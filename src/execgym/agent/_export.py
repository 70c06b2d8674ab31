"""Training data from agent runs: one chat example per kept model call.

``export_sft`` reads a run directory's episodes and writes, for each episode whose reward is
at least ``min_reward``, one JSONL line per model call its method kept: the prompt messages
followed by the reply as the assistant's message (the ``messages`` format of TRL's SFT
trainer and of chat fine-tuning APIs), with where it came from::

    {"messages": [{"role": "user", "content": ...}, {"role": "assistant", "content": ...}],
     "episode": "3", "env": "household", "method": "recode", "task_type": "...",
     "reward": 1.0, "function": "find_and_take", "depth": 1}

Which calls are kept: for ReCode, every expansion at every depth whose code was accepted and
never failed (each run of it completed, or the episode ended while it ran); a reply without
usable code, and code that raised or was stopped, are left out, and so is code replaced after
its failure (its replacement is kept when it held). For ReAct, every reply with an action;
for CodeAct, every reply whose block ran without error. ``function`` and ``depth`` (ReCode
only) name the expanded function and its depth (the root ``solve`` is 0).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from execgym._jsonl import JsonLinesWriter
from execgym.agent._runner import finished_episodes


@dataclass(frozen=True)
class ExportReport:
    episodes: int
    """Episodes in the run directory."""
    used: int
    """Episodes at or above the reward threshold."""
    examples: int


def sft_examples(record: dict[str, Any]) -> list[dict[str, Any]]:
    """The chat examples of one episode record (its kept model calls, in order)."""
    nodes = {node["id"]: node for node in (record.get("tree") or {}).get("nodes", [])}
    examples = []
    for call in record.get("model_calls", []):
        if not call.get("kept"):
            continue
        example: dict[str, Any] = {
            "messages": [*call["messages"], {"role": "assistant", "content": call["reply"]}],
            "episode": record["id"],
            "env": record.get("env"),
            "method": record.get("method"),
            "task_type": record.get("task_type"),
            "reward": record.get("reward"),
        }
        node = nodes.get(call.get("node"))
        if node is not None:
            example["function"] = node["name"]
            example["depth"] = node["depth"]
        examples.append(example)
    return examples


def export_sft(run_dir: Path, min_reward: float, output: Path) -> ExportReport:
    """Write the SFT examples of ``run_dir`` to ``output`` (see the module docs)."""
    records = sorted(finished_episodes(run_dir).values(), key=lambda r: int(r.get("index", 0)))
    used = examples = 0
    output.parent.mkdir(parents=True, exist_ok=True)
    with output.open("w", encoding="utf-8") as stream:
        writer = JsonLinesWriter(stream)
        for record in records:
            if float(record.get("reward", 0.0)) < min_reward:
                continue
            used += 1
            for example in sft_examples(record):
                writer.write(example)
                examples += 1
    return ExportReport(len(records), used, examples)
