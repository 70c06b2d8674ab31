"""ReCode and its baselines: agents that act in text environments, their runs and data."""

from execgym.agent._environment import (
    ENVIRONMENTS,
    ActionSpec,
    Environment,
    EnvironmentFactory,
    EnvironmentNotInstalled,
    EnvironmentOptionError,
    EpisodeStart,
    StepResult,
    make_environment,
)

__all__ = [
    "ENVIRONMENTS",
    "ActionSpec",
    "Environment",
    "EnvironmentFactory",
    "EnvironmentNotInstalled",
    "EnvironmentOptionError",
    "EpisodeStart",
    "StepResult",
    "make_environment",
]
