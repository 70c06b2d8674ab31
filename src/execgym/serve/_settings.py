"""What the sandbox service allows: its address, its workers, its queue and its caps."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_PORT = 8080
"""SandboxFusion's port, so that a client configured for it needs only the host changed."""


@dataclass(frozen=True)
class ServiceSettings:
    """How ``execgym serve sandbox`` runs (the command line sets the first five).

    ``workers`` fork-servers run programs side by side (``None``: one per core); at most
    ``max_queue`` more requests wait for one, and beyond that a request is answered 429
    with ``Retry-After``. ``api_key``: every endpoint but ``/health`` asks for
    ``Authorization: Bearer <api_key>``. A request body over ``max_body_bytes`` is
    answered 413, and so is a batch of more than ``max_batch`` programs. Each run's standard
    output and error are capped at ``max_output_mb`` (a program that writes more gets
    ``OUTPUT_LIMIT``), a judged test's texts at ``max_output_chars`` characters in the
    answer, and a run's time at ``max_time_s`` seconds (a longer one asked for: 400).
    ``memory_mb`` is a run's memory when a SandboxFusion request leaves it unset (``-1``).
    """

    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT
    workers: int | None = None
    api_key: str | None = None
    max_queue: int = 128
    max_body_bytes: int = 16 << 20
    max_batch: int = 1024
    max_output_mb: float = 8.0
    max_output_chars: int = 100_000
    max_time_s: float = 300.0
    memory_mb: int = 1024

    def __post_init__(self) -> None:
        if self.workers is not None and self.workers < 1:
            raise ValueError(f"workers must be at least 1, got {self.workers}")
        if self.max_queue < 0:
            raise ValueError(f"max_queue must be at least 0, got {self.max_queue}")
        if self.api_key == "":
            raise ValueError("api_key must not be empty (leave it unset for no token)")
        for name in ("max_body_bytes", "max_batch", "max_output_chars", "memory_mb"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be at least 1, got {getattr(self, name)}")
        for name in ("max_output_mb", "max_time_s"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)}")
