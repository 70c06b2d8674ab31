"""The Ray actor of the pool: a warm sandbox on one node, judging what the driver sends.

Its methods run in parallel threads (the actor's ``max_concurrency``) on one
:class:`~execgym.sandbox.Sandbox` of ``workers`` fork-servers. Nothing here imports Ray: the
pool wraps this class with ``ray.remote`` when it starts actors.
"""

from __future__ import annotations

import os
import socket
from collections.abc import Sequence
from typing import Any

from execgym.bench import EvalItem, EvalTask, Judgement, safe_judge
from execgym.sandbox import JudgeRequest, JudgeResult, Sandbox, SandboxConfig


class JudgeActor:
    """A warm sandbox of ``workers`` fork-servers in one Ray worker process."""

    def __init__(self, workers: int, config: SandboxConfig | None = None) -> None:
        self.sandbox = Sandbox(workers, config)
        self.sandbox.start()

    def describe(self) -> dict[str, Any]:
        """Where this actor runs: host, process id, sandbox workers (ready once it answers)."""
        return {"host": socket.gethostname(), "pid": os.getpid(), "workers": self.sandbox.workers}

    def judge(self, request: JudgeRequest) -> JudgeResult:
        """``Sandbox.judge``: one program of a batch."""
        return self.sandbox.judge(request)

    def judge_item(
        self, task: EvalTask, item: EvalItem, responses: Sequence[str]
    ) -> list[Judgement]:
        """:func:`execgym.bench.safe_judge`: an eval item's answers."""
        return safe_judge(task, item, responses, self.sandbox)
