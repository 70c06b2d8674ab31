"""A curriculum over synthesis levels that keeps GRPO groups informative.

GRPO learns only from groups whose rewards differ: a prompt all of whose G rollouts are
right, or all wrong, gives every rollout advantage 0. With ``p`` the policy's pass rate on
a level (the fraction of its responses that reach their row's best reward), a group on that
level differs with probability ``1 - p**G - (1 - p)**G``. :class:`LevelCurriculum` measures
``p`` per level over a sliding window of recent responses (with a prior of
``prior_pass_rate`` worth ``prior_weight`` responses, so an unseen level is tried) and
weighs each level by that probability, mixed with a ``floor`` share spread evenly so that no
level is ever dropped for good (its pass rate could change). Responses that could not be
judged (infrastructure failures) are not observed.

:class:`LevelPicker` turns the weights into rows: position ``i`` of an epoch draws a level
by the weights and then the next row of that level's shuffled pool (every row of a level is
used before one repeats), from a random source seeded by hashing ``(seed, epoch, i)``; a
position keeps the row it was given for the rest of its epoch (GRPO asks for the same
position once per rollout). Both are plain Python: the TRL callback
(:mod:`execgym.train.curriculum_trl`) and the verl dataset hook
(:mod:`execgym.train.verl_curriculum`) wrap them.
"""

from __future__ import annotations

import hashlib
import random
import threading
from collections import deque
from collections.abc import Mapping, Sequence
from typing import Any

from execgym.train._dispatch import RewardOutcome

__all__ = ["LevelCurriculum", "LevelPicker", "variance_probability"]


def variance_probability(pass_rate: float, group_size: int) -> float:
    """The probability that a group of ``group_size`` rollouts has both a right and a wrong
    response, when each is right with ``pass_rate``."""
    p = min(max(pass_rate, 0.0), 1.0)
    return max(0.0, 1.0 - p**group_size - (1.0 - p) ** group_size)


class LevelCurriculum:
    """Pass rates per level and the level weights they give (see the module docstring)."""

    def __init__(
        self,
        levels: Sequence[str],
        *,
        group_size: int = 8,
        window: int = 512,
        floor: float = 0.1,
        prior_pass_rate: float = 0.5,
        prior_weight: float = 4.0,
    ) -> None:
        if not levels:
            raise ValueError("a curriculum needs at least one level")
        if group_size < 2:
            raise ValueError("group_size: GRPO groups have at least 2 rollouts")
        if not 0.0 <= floor <= 1.0:
            raise ValueError("floor: a share in [0, 1]")
        self.levels = tuple(dict.fromkeys(str(level) for level in levels))
        self.group_size = group_size
        self.floor = floor
        self.prior_pass_rate = prior_pass_rate
        self.prior_weight = prior_weight
        self._window = window
        self._seen: dict[str, deque[float]] = {level: deque(maxlen=window) for level in self.levels}
        self._lock = threading.Lock()

    # ---- observing ---------------------------------------------------------------------------
    def observe_pass(self, level: str, passed: bool) -> None:
        """One response on ``level``: did it reach its row's best reward?"""
        if level in self._seen:
            with self._lock:
                self._seen[level].append(1.0 if passed else 0.0)

    def observe(
        self,
        extra_infos: Sequence[Mapping[str, Any] | None],
        outcomes: Sequence[RewardOutcome],
    ) -> None:
        """A scored batch (rows without a level, and unjudged responses, are passed over);
        the reward functions of :mod:`execgym.train.trl` call this as their observer."""
        for info, outcome in zip(extra_infos, outcomes, strict=True):
            level = info.get("level") if info is not None else None
            if level is not None and outcome.infra_error is None:
                self.observe_pass(str(level), outcome.solved)

    # ---- what it makes of them ---------------------------------------------------------------
    def pass_rates(self) -> dict[str, float]:
        """The estimated pass rate of each level."""
        with self._lock:
            return {
                level: (sum(seen) + self.prior_pass_rate * self.prior_weight)
                / (len(seen) + self.prior_weight)
                for level, seen in self._seen.items()
            }

    def observed(self) -> dict[str, int]:
        """How many responses each level's pass rate is measured on (within the window)."""
        with self._lock:
            return {level: len(seen) for level, seen in self._seen.items()}

    def weights(self) -> dict[str, float]:
        """The share of prompts each level should get (they sum to 1)."""
        useful = {
            level: variance_probability(rate, self.group_size)
            for level, rate in self.pass_rates().items()
        }
        total = sum(useful.values())
        even = 1.0 / len(self.levels)
        if total <= 0.0:
            return dict.fromkeys(self.levels, even)
        return {
            level: self.floor * even + (1.0 - self.floor) * value / total
            for level, value in useful.items()
        }

    def choose(self, rng: random.Random) -> str:
        """A level drawn by :meth:`weights`."""
        weights = self.weights()
        return rng.choices(list(weights), weights=list(weights.values()))[0]

    def plan(self, count: int) -> dict[str, int]:
        """``count`` prompts shared out by the weights (largest remainders), e.g. how many
        programs to synthesize at each level for the next refresh."""
        weights = self.weights()
        exact = {level: weight * count for level, weight in weights.items()}
        shares = {level: int(value) for level, value in exact.items()}
        rest = count - sum(shares.values())
        for level in sorted(exact, key=lambda name: exact[name] - shares[name], reverse=True)[
            :rest
        ]:
            shares[level] += 1
        return shares

    def log_values(self) -> dict[str, float]:
        """Figures for a trainer's log: ``curriculum/pass_rate/<level>`` and
        ``curriculum/weight/<level>``."""
        values = {f"curriculum/pass_rate/{k}": v for k, v in self.pass_rates().items()}
        values.update({f"curriculum/weight/{k}": v for k, v in self.weights().items()})
        return values

    # ---- checkpoints -------------------------------------------------------------------------
    def state_dict(self) -> dict[str, Any]:
        with self._lock:
            return {
                "levels": list(self.levels),
                "seen": {k: list(v) for k, v in self._seen.items()},
            }

    def load_state_dict(self, state: Mapping[str, Any]) -> None:
        seen = state.get("seen", {})
        with self._lock:
            for level in self.levels:
                self._seen[level] = deque(
                    (float(x) for x in seen.get(level, [])), maxlen=self._window
                )


def _rng(seed: int, *parts: int) -> random.Random:
    text = "\x00".join(str(part) for part in (seed, *parts))
    return random.Random(int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "big"))


class LevelPicker:
    """Maps epoch positions to rows of the level the curriculum picks (module docstring)."""

    def __init__(
        self, row_levels: Sequence[str | None], curriculum: LevelCurriculum, seed: int = 0
    ) -> None:
        self.curriculum = curriculum
        self.seed = seed
        self._pools: dict[str, list[int]] = {}
        for row, level in enumerate(row_levels):
            if level is None:
                raise ValueError(f"row {row} has no level (extra_info.level)")
            if str(level) not in curriculum.levels:
                raise ValueError(f"row {row}: level {level!r} is not one of the curriculum's")
            self._pools.setdefault(str(level), []).append(row)
        missing = [level for level in curriculum.levels if level not in self._pools]
        if missing:
            raise ValueError(f"no rows of level {', '.join(missing)}")
        self._size = len(row_levels)
        self._epoch = 0
        self._given: dict[int, int] = {}
        self._orders: dict[str, list[int]] = {}
        self._next: dict[str, int] = {}
        self._lock = threading.Lock()
        self.start_epoch(0)

    def __len__(self) -> int:
        return self._size

    def start_epoch(self, epoch: int) -> None:
        """Forget the rows given to positions; reshuffle each level's pool for ``epoch``."""
        with self._lock:
            self._epoch = epoch
            self._given.clear()
            for index, (level, rows) in enumerate(sorted(self._pools.items())):
                order = list(rows)
                _rng(self.seed, epoch, -1 - index).shuffle(order)
                self._orders[level] = order
                self._next[level] = 0

    def row_for(self, position: int) -> int:
        """The row served at ``position`` of the current epoch."""
        with self._lock:
            given = self._given.get(position)
            if given is not None:
                return given
            level = self.curriculum.choose(_rng(self.seed, self._epoch, position))
            order = self._orders[level]
            row = order[self._next[level] % len(order)]
            self._next[level] += 1
            self._given[position] = row
            return row
