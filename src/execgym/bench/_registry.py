"""The dataset registry: every benchmark module (:mod:`execgym.bench.benchmarks`) registers a
:class:`DatasetSpec` beside its definition, and :func:`load_dataset` reads a dataset from a
local path in its native format or, without a path, from the Hugging Face hub when the
optional ``datasets`` package is installed.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from execgym.bench._problem import Problem
from execgym.bench._rows import DatasetUnavailableError, Row
from execgym.bench.benchmarks import benchmark_modules
from execgym.registry import Registry


@dataclass(frozen=True, kw_only=True)
class HubSource:
    """Where a dataset lives on the Hugging Face hub, for ``datasets.load_dataset``."""

    dataset_id: str
    split: str = "test"
    config: str | None = None
    options: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, kw_only=True)
class DatasetSpec:
    """One benchmark: how to read it from a local path, and optionally from the hub.

    ``from_path(path, **options)`` reads the native local format; ``from_rows(rows,
    **options)`` turns hub rows into problems. Both return problems in dataset order.
    """

    name: str
    description: str
    from_path: Callable[..., list[Problem]]
    from_rows: Callable[..., list[Problem]] | None = None
    hub: HubSource | None = None


DATASETS: Registry[DatasetSpec] = Registry(
    "dataset", builtins=benchmark_modules(), entry_point_group="execgym.datasets"
)
"""Every dataset by name; a plugin's entry point names a :class:`DatasetSpec`."""


def register(spec: DatasetSpec) -> DatasetSpec:
    """Add ``spec`` under ``spec.name`` (its description as the summary); a duplicate name is
    an error."""
    return DATASETS.register(spec.name, spec, summary=spec.description)


def dataset_names() -> list[str]:
    """Names of all registered datasets, sorted."""
    return DATASETS.names()


def get_dataset(name: str) -> DatasetSpec:
    """The spec registered as ``name``; an unknown name raises
    :class:`~execgym.registry.UnknownName` (a ``KeyError``) naming the known."""
    return DATASETS.get(name)


def load_dataset(
    name: str,
    path: str | Path | None = None,
    *,
    difficulty: str | Iterable[str] | None = None,
    limit: int | None = None,
    hub_options: Mapping[str, Any] | None = None,
    **options: Any,
) -> list[Problem]:
    """The problems of dataset ``name``.

    With ``path``, read the native format there (each loader's docstring says which files it
    reads). Without one, fetch the dataset from the Hugging Face hub through the optional
    ``datasets`` package; when that is not installed (or the dataset has no hub source) this
    raises :class:`DatasetUnavailableError` telling the user to pass a path.

    ``difficulty`` keeps only problems of that difficulty (or any of several); ``limit`` keeps
    the first ``limit`` problems after filtering. ``hub_options`` go to
    ``datasets.load_dataset`` (e.g. ``{"version_tag": "release_v5"}`` for LiveCodeBench);
    other keyword ``options`` go to the loader.
    """
    spec = get_dataset(name)
    if path is not None:
        problems = spec.from_path(Path(path), **options)
    else:
        if spec.hub is None or spec.from_rows is None:
            raise DatasetUnavailableError(
                f"dataset {name!r} has no Hugging Face hub source; download it and pass its "
                "local path (--data PATH)"
            )
        hub = spec.hub
        if hub_options:
            hub = replace(hub, options={**hub.options, **hub_options})
        problems = spec.from_rows(hub_rows(name, hub), **options)
    if difficulty is not None:
        wanted = {difficulty} if isinstance(difficulty, str) else set(difficulty)
        problems = [p for p in problems if p.difficulty in wanted]
    if limit is not None:
        problems = problems[:limit]
    return problems


def hub_rows(name: str, hub: HubSource) -> list[Row]:
    """The rows of ``hub`` through ``datasets.load_dataset`` (imported only here)."""
    try:
        datasets = importlib.import_module("datasets")
    except ImportError:
        raise DatasetUnavailableError(
            f"dataset {name!r}: no local path was given and the optional 'datasets' package "
            f"is not installed, so {hub.dataset_id!r} cannot be fetched from the Hugging Face "
            "hub. Pass a local copy in the native format (--data PATH), or install it "
            "(pip install datasets)."
        ) from None
    table = datasets.load_dataset(hub.dataset_id, hub.config, split=hub.split, **hub.options)
    where = f"hf://{hub.dataset_id}" + (f"/{hub.config}" if hub.config else "") + f"[{hub.split}]"
    return [Row(dict(row), where=where, index=index) for index, row in enumerate(table, 1)]
