"""Lazy re-exports for packages whose modules run inside fork-servers and children.

A package ``__init__`` that imported its public names eagerly would drag pydantic and the
judging side into every process that imports one light submodule (the harness, the
tracer's recorder, the synthesis instrument), making forks slower. Such packages map each
public name to the module defining it and resolve it on first access.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str], namespace: dict[str, Any]
) -> Callable[[str], Any]:
    """A module ``__getattr__`` resolving ``exports`` (name → module) into ``namespace``."""

    def resolve(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    return resolve
