"""Run security cases in a sandbox of whoever runs this (an ordinary user, for the suite).

Reads ``{"cases": [...], "config": {...}}`` on stdin, prints the outcomes as a JSON list.
Started by ``_support.run_as_ordinary_user``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # tests/

from execgym.sandbox import Limits, Sandbox, SandboxConfig, Verdict
from sandbox.security._support import Case, outcome_record, run_case


def main() -> None:
    job = json.load(sys.stdin)
    rows = []
    with Sandbox(workers=1, config=SandboxConfig(**job["config"])) as sandbox:
        for raw in job["cases"]:
            item = Case(
                id=raw["id"],
                code=raw["code"],
                expect=frozenset({Verdict.OK}),
                mode=raw["mode"],
                stdin=raw["stdin"],
                inputs=tuple(raw["inputs"]),
                expected_stdout=raw["expected_stdout"],
                expected=raw["expected"],
                limits=Limits(**raw["limits"]),
            )
            rows.append({"id": item.id, **outcome_record(run_case(sandbox, item))})
    json.dump(rows, sys.stdout)


if __name__ == "__main__":
    main()
