"""``--ray [ADDRESS]``: an option whose value may be left out.

``--ray`` alone means :data:`RAY_LOCAL` (the cluster ``RAY_ADDRESS`` names, else a Ray
instance started on this machine); ``--ray ADDRESS`` or ``--ray=ADDRESS`` names a cluster
(``auto``, ``HOST:6379``, ``ray://HOST:10001``). A bare ``--ray`` is one followed by nothing
or by another option. Commands that take it use :class:`RayOptionCommand` (or a subclass).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from typer.core import TyperCommand

from execgym.cli._common import TaskListCommand, usage_error

if TYPE_CHECKING:
    from execgym.serve import RayJudges

RAY_OPTION = "--ray"
RAY_LOCAL = "local"
"""The value of a bare ``--ray``."""
RAY_HELP = (
    "Judge on a pool of Ray actors (the 'ray' extra): the cluster at ADDRESS ('auto', "
    "HOST:PORT, ray://HOST:10001), or with no ADDRESS the one RAY_ADDRESS names, else a "
    "local one. Same results, output files and resume as a local run."
)


def ray_address(value: str | None) -> str | None:
    """The address to give ``ray.init`` for an option value (``None``: its own lookup)."""
    return None if value in (None, RAY_LOCAL) else value


@contextmanager
def ray_pool(value: str | None, workers: int | None) -> Iterator[RayJudges | None]:
    """The pool ``--ray VALUE`` asks for (``None`` without ``--ray``), closed on exit;
    ``--workers`` with ``--ray``, a missing extra or an unreachable cluster is a usage
    error."""
    if value is None:
        yield None
        return
    if workers is not None:
        raise usage_error(
            "--workers sizes the local sandbox; with --ray each actor's sandbox is sized "
            "to its node's CPUs"
        )
    from execgym.serve import RayJudges, RayOptions, RayUnavailable

    try:
        pool = RayJudges(RayOptions(address=ray_address(value)))
    except RayUnavailable as exc:
        raise usage_error(f"--ray: {exc}") from None
    with pool:
        yield pool


class RayOptionCommand(TyperCommand):
    """A command taking ``--ray [ADDRESS]``: a bare ``--ray`` is read as ``--ray=local``."""

    # click's Context: typer vendors click in some versions, so no import.
    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        rewritten = []
        for index, arg in enumerate(args):
            following = args[index + 1] if index + 1 < len(args) else None
            if arg == RAY_OPTION and (following is None or following.startswith("-")):
                arg = f"{RAY_OPTION}={RAY_LOCAL}"
            rewritten.append(arg)
        result: list[str] = super().parse_args(ctx, rewritten)
        return result


class TaskListRayCommand(RayOptionCommand, TaskListCommand):
    """``execgym eval``: the task list in its help, and ``--ray [ADDRESS]``."""
