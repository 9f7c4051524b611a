"""The Prior: a grid sampler paired with a family of questions about the grids."""

from __future__ import annotations

from typing import Callable, Protocol, Sequence, runtime_checkable

import attrs
import numpy as np

from generators import Sample, SceneSampler
from priors.questions import Family, Question
from priors.scene import Scene


@runtime_checkable
class PriorLike(Protocol):
    """What the registry needs from a plugin object. `Prior` below is the easy way to build one."""

    name: str
    description: str

    @property
    def families(self) -> Sequence[Family]: ...

    def sample(self, rng: np.random.Generator) -> Sample: ...

    def questions(self, scene: Scene, rng: np.random.Generator) -> list[Question]: ...


def _check_families(instance, attribute, families) -> None:
    ids = [f.id for f in families]
    if not ids:
        raise ValueError(f"prior {instance.name!r} has no question families")
    if len(set(ids)) != len(ids):
        raise ValueError(f"prior {instance.name!r} repeats a family id: {ids}")
    stray = [i for i in ids if not i.startswith(instance.name + ".")]
    if stray:
        raise ValueError(f"family ids must start with '{instance.name}.', got {stray}")


@attrs.frozen
class Prior:
    """A prior: name, description, families, and the sampler that draws grids for it.

    `questions` asks each family once, with parameters drawn from `rng`, skips the
    families whose answer would be ambiguous on this scene, and thins out answers a
    family marks as over-represented (`Family.keep`).
    """

    name: str = attrs.field(validator=attrs.validators.matches_re(r"^[a-z][a-z0-9_]*$"))
    description: str
    families: tuple[Family, ...] = attrs.field(converter=tuple, validator=_check_families)
    sampler: Callable[[np.random.Generator], Sample] = attrs.field(factory=lambda: SceneSampler().sample)

    def sample(self, rng: np.random.Generator) -> Sample:
        return self.sampler(rng)

    def questions(self, scene: Scene, rng: np.random.Generator) -> list[Question]:
        asked = (self.question(i, scene, rng) for i in range(len(self.families)))
        return [q for q in asked if q is not None]

    def question(self, index: int, scene: Scene, rng: np.random.Generator) -> Question | None:
        """Family `index` asked once, or None when it has nothing well-posed to ask.
        Lets a chat builder ask only the families it will use."""
        family = self.families[index]
        params = family.params.choose(scene, rng)
        if params is None:
            return None
        question = family.ask(self.name, scene, params)
        if question is None:
            return None
        if family.keep and rng.random() >= family.keep.get(question.answer, 1.0):
            return None
        return question

    def all_questions(self, scene: Scene) -> list[Question]:
        """Every question this prior can ask about the scene, over every parameter value."""
        asked = (family.ask(self.name, scene, params) for family in self.families for params in family.params.domain(scene))
        return [q for q in asked if q is not None]
