"""ReCode and its baselines: agents that act in text environments, their runs and data."""

from execgym.agent._analysis import (
    BUILTINS,
    MODULES,
    BlockAnalysis,
    BlockRules,
    CallSite,
    InvalidBlock,
    analyse_block,
)
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
from execgym.agent._episode import Budgets, Episode, EpisodeEnd, ModelCall, Step
from execgym.agent._executor import (
    ExecutorLimits,
    Interpreter,
    InterpreterLost,
    SandboxUnavailable,
)
from execgym.agent._method import METHODS, AgentMethod
from execgym.agent._replies import (
    ActionReply,
    CodeReply,
    ReplyProblem,
    parse_action_reply,
    parse_code_reply,
)

__all__ = [
    "BUILTINS",
    "ENVIRONMENTS",
    "METHODS",
    "MODULES",
    "ActionReply",
    "ActionSpec",
    "AgentMethod",
    "BlockAnalysis",
    "BlockRules",
    "Budgets",
    "CallSite",
    "CodeReply",
    "Environment",
    "EnvironmentFactory",
    "EnvironmentNotInstalled",
    "EnvironmentOptionError",
    "Episode",
    "EpisodeEnd",
    "EpisodeStart",
    "ExecutorLimits",
    "Interpreter",
    "InterpreterLost",
    "InvalidBlock",
    "ModelCall",
    "ReplyProblem",
    "SandboxUnavailable",
    "Step",
    "StepResult",
    "analyse_block",
    "make_environment",
    "parse_action_reply",
    "parse_code_reply",
]
