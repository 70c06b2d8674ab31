"""ReCode and its baselines: agents that act in text environments, their runs and data.

* Environments (:class:`Environment`, registry :data:`ENVIRONMENTS`): the built-in
  ``household`` world speaking ALFWorld's text protocol, and adapters for ``alfworld``,
  ``scienceworld`` and ``webshop`` (optional extras).
* Methods (:class:`AgentMethod`, registry :data:`METHODS`): ``recode`` (placeholders
  expanded recursively until only actions remain), ``react`` and ``codeact``, playing an
  :class:`Episode` under the same :class:`Budgets`.
* Model code runs in an :class:`Interpreter`: a sandboxed interactive run that keeps the
  episode's state and asks the trusted side for every action.
* :func:`run_agent` plays many episodes into a run directory; :func:`export_sft` turns kept
  model calls into chat examples; :func:`render_episode` shows one episode.
"""

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
from execgym.agent._export import ExportReport, export_sft, sft_examples
from execgym.agent._method import METHODS, AgentMethod
from execgym.agent._render import render_episode
from execgym.agent._replies import (
    ActionReply,
    CodeReply,
    ReplyProblem,
    parse_action_reply,
    parse_code_reply,
)
from execgym.agent._runner import (
    EPISODES_FILE,
    AgentReport,
    AgentSettings,
    episode_seed,
    finished_episodes,
    run_agent,
)
from execgym.agent._summary import summarize_episodes, summary_table

__all__ = [
    "BUILTINS",
    "ENVIRONMENTS",
    "EPISODES_FILE",
    "METHODS",
    "MODULES",
    "ActionReply",
    "ActionSpec",
    "AgentMethod",
    "AgentReport",
    "AgentSettings",
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
    "ExportReport",
    "Interpreter",
    "InterpreterLost",
    "InvalidBlock",
    "ModelCall",
    "ReplyProblem",
    "SandboxUnavailable",
    "Step",
    "StepResult",
    "analyse_block",
    "episode_seed",
    "export_sft",
    "finished_episodes",
    "make_environment",
    "parse_action_reply",
    "parse_code_reply",
    "render_episode",
    "run_agent",
    "sft_examples",
    "summarize_episodes",
    "summary_table",
]
