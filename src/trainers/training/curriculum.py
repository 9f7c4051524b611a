"""A curriculum over difficulty levels, in the shape reasoning-gym's curricula have.

Each prior sits at a level (easy, then medium, then hard). Scored answers go in; once a
prior's rolling accuracy over its last `window` questions reaches `threshold`, it moves up
one level and its window starts over. The current levels make a mixture (`chat_config`),
which is how `train --curriculum` draws its next chats; any RL loop can do the same.

    curriculum = Curriculum(("counting", "area"))
    curriculum.record("counting", correct=True)
    chats = curriculum.chat_config(ChatConfig(priors=parse_weights("counting,area")))
"""

from __future__ import annotations

from collections import deque
from typing import Iterable, Mapping

import attrs

from priors.settings import LEVELS
from priors.validation import number, whole
from trainers.data.mixture import ChatConfig, ChatConfigError


@attrs.define
class Curriculum:
    priors: tuple[str, ...] = attrs.field(converter=tuple)
    threshold: float = attrs.field(default=0.8, validator=number(ChatConfigError, 0.0, 1.0))
    window: int = attrs.field(default=64, validator=whole(ChatConfigError, 1))
    levels: tuple[str, ...] = attrs.field(default=LEVELS, converter=tuple)
    _at: dict[str, int] = attrs.field(init=False)
    _scores: dict[str, deque] = attrs.field(init=False)
    moves: list[tuple[int, str, str]] = attrs.field(init=False, factory=list)
    """(questions seen, prior, new level), in order: the curriculum's history."""
    _seen: int = attrs.field(init=False, default=0)

    def __attrs_post_init__(self) -> None:
        self._at = {name: 0 for name in self.priors}
        self._scores = {name: deque(maxlen=self.window) for name in self.priors}

    def level(self, prior: str) -> str:
        return self.levels[self._at[prior]]

    def accuracy(self, prior: str) -> float | None:
        scores = self._scores[prior]
        return sum(scores) / len(scores) if scores else None

    def record(self, prior: str, correct: bool) -> bool:
        """Score one answer of `prior`'s; True when that moved the prior up a level."""
        self._seen += 1
        if prior not in self._at:
            return False
        scores = self._scores[prior]
        scores.append(1 if correct else 0)
        if len(scores) == self.window and sum(scores) / self.window >= self.threshold:
            return self.increment(prior)
        return False

    def record_many(self, scored: Iterable[tuple[str, bool]]) -> list[str]:
        """Record (prior, correct) pairs; returns the priors that moved up."""
        return [prior for prior, correct in scored if self.record(prior, correct)]

    def increment(self, prior: str) -> bool:
        """Move `prior` up a level (reasoning-gym: increment_attr_level); False at the top."""
        if self._at[prior] + 1 >= len(self.levels):
            return False
        self._at[prior] += 1
        self._scores[prior].clear()
        self.moves.append((self._seen, prior, self.level(prior)))
        return True

    def current(self) -> Mapping[str, str]:
        return {name: self.level(name) for name in self.priors}

    def chat_config(self, base: ChatConfig) -> ChatConfig:
        """`base` with every curriculum prior at its current level."""
        return attrs.evolve(base, prior_levels={**base.prior_levels, **self.current()})

    def as_dict(self) -> dict:
        return {
            "threshold": self.threshold,
            "window": self.window,
            "levels": dict(self.current()),
            "moves": [{"after_questions": n, "prior": p, "level": lv} for n, p, lv in self.moves],
        }
