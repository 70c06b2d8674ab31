"""What the adapters for external environments share: importing the package on first use,
reading integer options, and the instruction and observation of a first text."""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from types import ModuleType

from execgym.agent._environment import EnvironmentNotInstalled, EnvironmentOptionError


def import_package(module: str, environment: str, setup: str) -> ModuleType:
    """Import ``module`` now; a missing package is :class:`EnvironmentNotInstalled` saying
    how to set it up (``setup``)."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise EnvironmentNotInstalled(
            f"the {environment} environment needs the {module.split('.')[0]!r} package "
            f"({exc}); {setup}"
        ) from None


def int_option(options: Mapping[str, str], name: str, default: int, environment: str) -> int:
    text = options.get(name)
    if text is None:
        return default
    try:
        value = int(text)
    except ValueError:
        value = -1
    if value < 1:
        raise EnvironmentOptionError(
            f"environment option {name} of {environment!r} must be a positive integer, not {text!r}"
        )
    return value


def split_task(text: str, marker: str = "Your task is to:") -> tuple[str, str]:
    """The instruction after ``marker`` in a first text and the text around it (banner
    paragraphs, those starting with ``-=``, dropped)."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    instruction = ""
    kept: list[str] = []
    for paragraph in paragraphs:
        if paragraph.startswith(marker):
            instruction = paragraph[len(marker) :].strip()
        elif not paragraph.startswith("-="):
            kept.append(paragraph)
    return instruction, "\n\n".join(kept)
