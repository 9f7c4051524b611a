"""Question records, their scorer, and question families as data.

A family is an id, a phrasing, a parameter space and an answer rule over a Scene.
The rule returns None when the question would be ambiguous or degenerate for that
scene (a tie for "biggest", say); such questions are never asked.
"""

from __future__ import annotations

import re
from typing import Any, Callable, Mapping, Protocol, Sequence

import attrs
import numpy as np

from priors.scene import Scene


@attrs.frozen
class Question:
    """One question with its answer; the record every prior produces."""

    prior: str
    family: str
    params: Mapping[str, Any]
    question: str
    answer: str

    def as_dict(self) -> dict:
        return {"prior": self.prior, "family": self.family, "params": dict(self.params), "question": self.question, "answer": self.answer}


_SPACES = re.compile(r"\s+")
_COMMAS = re.compile(r"\s*,\s*")


def normalize(text: str) -> str:
    """Fold what a reader would not call a different answer: case, spacing, a final full stop."""
    text = _SPACES.sub(" ", str(text).strip().lower()).rstrip(".").strip()
    return _COMMAS.sub(", ", text)


def score(prediction: str, answer: str) -> int:
    """Normalised exact match: 1 or 0."""
    return int(normalize(prediction) == normalize(answer))


class ParamSpace(Protocol):
    def choose(self, scene: Scene, rng: np.random.Generator) -> dict | None: ...

    def domain(self, scene: Scene) -> Sequence[dict]: ...


@attrs.frozen
class NoParams:
    def choose(self, scene: Scene, rng: np.random.Generator) -> dict:
        return {}

    def domain(self, scene: Scene) -> Sequence[dict]:
        return ({},)


@attrs.frozen
class ColorParam:
    """A colour other than the background. Absent colours are chosen at `absent_rate`,
    so that zero answers appear at a controlled rate instead of by accident."""

    absent_rate: float = attrs.field(default=0.15, validator=attrs.validators.and_(attrs.validators.ge(0.0), attrs.validators.le(1.0)))

    def domain(self, scene: Scene) -> Sequence[dict]:
        return tuple({"color": c} for c in range(10) if c != scene.background)

    def choose(self, scene: Scene, rng: np.random.Generator) -> dict | None:
        counts = scene.color_counts
        present = [c for c in range(10) if counts[c] and c != scene.background]
        absent = [c for c in range(10) if not counts[c] and c != scene.background]
        u, v = rng.random(2)
        pool = absent if (u < self.absent_rate or not present) else present
        if not pool:
            return None
        return {"color": pool[int(v * len(pool))]}


NO_PARAMS = NoParams()

AnswerRule = Callable[[Scene, Mapping[str, Any]], "str | None"]


@attrs.frozen
class Family:
    """A question family: `template` is formatted with the params and `grid` (the scene's name)."""

    id: str = attrs.field(validator=attrs.validators.matches_re(r"^[a-z0-9_]+\.[a-z0-9_.]+$"))
    template: str
    answer: AnswerRule
    params: ParamSpace = NO_PARAMS
    keep: Mapping[str, float] = attrs.field(factory=dict)
    """Answer -> probability of asking when sampling; thins out answers that would dominate."""

    def ask(self, prior: str, scene: Scene, params: Mapping[str, Any]) -> Question | None:
        answer = self.answer(scene, params)
        if answer is None:
            return None
        text = self.template.format(grid=scene.name, **params)
        return Question(prior, self.id, dict(params), text, answer)


def join_numbers(values) -> str:
    """The list format of answers: `1, 1, 7`."""
    return ", ".join(str(v) for v in values)


def unique_argmax(values: Sequence[int]) -> int | None:
    """Index of the largest value, or None when it is tied (an ambiguous question)."""
    if not values:
        return None
    best = max(values)
    return values.index(best) if values.count(best) == 1 else None
