"""One module per benchmark: each registers its dataset loader (where it has a dataset of
its own) and its eval task, so adding a benchmark is adding one module here (plus its test).

Every public module of this package (a name without a leading underscore) is a built-in of
both the dataset registry (:data:`execgym.bench.DATASETS`) and the eval-task registry
(:data:`execgym.bench.EVAL_TASKS`): looking either up imports them all, once.
"""

from __future__ import annotations

import pkgutil
from pathlib import Path


def benchmark_modules() -> tuple[str, ...]:
    """The dotted names of the benchmark modules of this package, sorted."""
    here = str(Path(__file__).resolve().parent)
    return tuple(
        f"{__name__}.{module.name}"
        for module in sorted(pkgutil.iter_modules([here]), key=lambda found: found.name)
        if not module.name.startswith("_")
    )
