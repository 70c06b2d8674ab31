"""WebShop's text shopping site (the ``web_agent_site`` package) as an environment.

Setup: WebShop is not on PyPI. Clone princeton-nlp/WebShop, run its ``setup.sh`` (it
installs ``web_agent_site``, fetches the product data and builds the search index) in the
environment execgym runs in, and run from a directory where its data paths resolve. Options:
``--env-option sessions=500`` (how many goals, from goal 0; the usual test set is the first
500).

Episode ``i`` is goal (session) ``i``. The adapter drives WebShop's text environment as its
agents do (``WebAgentTextEnv(observation_mode="text", human_goals=True)``, ``reset(session=i)``,
``step(action)`` with ``search[...]`` and ``click[...]`` actions); the reward is WebShop's
score of the purchase, in [0, 1], and a score of 1 accomplishes the task.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from execgym.agent._environment import (
    ENVIRONMENTS,
    ActionSpec,
    EpisodeStart,
    StepResult,
    check_options,
)
from execgym.agent.envs._adapter import import_package, int_option

SETUP = (
    "install WebShop from its repository (princeton-nlp/WebShop, setup.sh) into this "
    "environment and run from where its data files resolve"
)
ACTIONS = (
    ActionSpec("search[{query}]", "search the shop (on a page with a search bar)"),
    ActionSpec(
        "click[{button}]",
        "click a product, an option, Next >, < Prev, Back to Search "
        "or Buy Now, written as the page shows it",
    ),
)


class WebShopAdapter:
    """WebShop's goals; the package (and its product index) loads with the first use."""

    name = "webshop"

    def __init__(self, sessions: int = 500) -> None:
        self.sessions = sessions
        self._env: Any = None

    def _load(self) -> None:
        if self._env is None:
            module = import_package("web_agent_site.envs", "webshop", SETUP)
            self._env = module.WebAgentTextEnv(observation_mode="text", human_goals=True)

    @property
    def fixed_episodes(self) -> int | None:
        return self.sessions

    def actions(self) -> Sequence[ActionSpec]:
        return ACTIONS

    def reset(self, seed: int) -> EpisodeStart:
        self._load()
        observation, _ = self._env.reset(session=seed % self.sessions)
        instruction = str(self._env.instruction_text)
        return EpisodeStart(instruction, str(observation), "webshop", str(observation))

    def step(self, action: str) -> StepResult:
        if self._env is None:
            raise RuntimeError("no WebShop session is loaded: call reset(seed) first")
        observation, reward, done, _ = self._env.step(action)
        score = float(reward or 0.0)
        return StepResult(str(observation), score, bool(done), score >= 1.0)

    def close(self) -> None:
        closer = getattr(self._env, "close", None)
        if closer is not None:
            closer()
        self._env = None


def webshop_factory(options: Mapping[str, str]) -> WebShopAdapter:
    checked = check_options("webshop", options, ["sessions"])
    return WebShopAdapter(int_option(checked, "sessions", 500, "webshop"))


ENVIRONMENTS.register(
    "webshop", webshop_factory, summary="WebShop's shopping site (installed from its repository)"
)
