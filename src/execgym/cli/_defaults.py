"""Defaults the command line shows in its help.

They live apart from the modules that use them so that building ``execgym --help`` imports
nothing heavy (pydantic, the sandbox, the benchmarks): every command imports what it needs
when it runs.
"""

from __future__ import annotations

from pathlib import Path

RUN_TIME_LIMIT_S = 4.0
"""``execgym run --time-limit``: the sandbox's default CPU seconds (``Limits().time_s``)."""
RUN_MEMORY_MB = 1024
"""``execgym run --memory-mb``: the sandbox's default memory limit (``Limits().memory_mb``)."""
MAX_OUTPUT_CHARS = 1000
"""``execgym judge --max-output-chars``: each test's stdout, stderr and traceback are cut
to this many characters in the output file."""
PIPELINE_DIR = Path("runs/pipeline")
"""``execgym pipeline -o``: where the main job writes."""
THROUGHPUT_PROGRAMS = 200
"""``execgym pipeline --throughput-programs``: programs in the throughput batch."""
SERVE_HOST = "127.0.0.1"
"""``execgym serve sandbox --host``: loopback only unless asked (``ServiceSettings.host``)."""
SERVE_PORT = 8080
"""``execgym serve sandbox --port``: SandboxFusion's port (``execgym.serve.DEFAULT_PORT``)."""
SERVE_MAX_QUEUE = 128
"""``execgym serve sandbox --max-queue`` (``ServiceSettings.max_queue``)."""
