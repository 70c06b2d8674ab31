"""The model a command's run talks to, opened the one way every model-facing command does."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from execgym.cli._common import usage_error

if TYPE_CHECKING:
    from execgym.llm import ChatModel


def open_run_model(
    model: str,
    output_dir: Path,
    *,
    base_url: str | None,
    api_key: str | None,
    concurrency: int,
    request_timeout: float,
    no_cache: bool,
    replay: Path | None,
) -> ChatModel:
    """Make ``output_dir`` and open ``model`` with its response cache there (none with
    ``no_cache``; recorded answers only with ``replay``); a bad spec, an unreachable cache or
    an unwritable directory is a usage error."""
    from execgym.bench import CACHE_FILE, build_model
    from execgym.llm import ModelError

    try:
        output_dir.mkdir(parents=True, exist_ok=True)
        return build_model(
            model,
            base_url=base_url,
            api_key=api_key,
            concurrency=concurrency,
            request_timeout=request_timeout,
            cache_path=None if no_cache else output_dir / CACHE_FILE,
            replay=replay,
        )
    except (ValueError, ModelError, OSError) as exc:
        raise usage_error(str(exc)) from None
