"""The Prior: a grid sampler paired with a family of questions about the grids.

`Prior` is the one contract: the registry accepts nothing else, and every command asks
questions through it. A prior is data (families are data too), so a new prior is a module
that builds one `Prior` and an entry point that names it.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Any, Callable, Mapping, Sequence

import attrs
import numpy as np

from generators import Sample, SceneSampler
from priors.questions import Family, Question, Target
from priors.scene import Scene
from priors.settings import SamplerSettings, SettingsError

Sampler = Callable[[np.random.Generator], Sample]


def _check_families(instance, attribute, families) -> None:
    if not all(isinstance(f, Family) for f in families):
        kinds = sorted({type(f).__name__ for f in families if not isinstance(f, Family)})
        raise ValueError(f"prior {instance.name!r}: families must be priors.Family values, got {', '.join(kinds)}")
    ids = [f.id for f in families]
    if not ids:
        raise ValueError(f"prior {instance.name!r} has no question families")
    if len(set(ids)) != len(ids):
        raise ValueError(f"prior {instance.name!r} repeats a family id: {ids}")
    stray = [i for i in ids if not i.startswith(instance.name + ".")]
    if stray:
        raise ValueError(f"family ids must start with '{instance.name}.', got {stray}")


def arity(target: Target) -> int:
    """How many scenes a question target holds: 1 for a Scene, len for a tuple of them."""
    return 1 if isinstance(target, Scene) else len(target)


@attrs.frozen
class Prior:
    """A prior: name, description, families, and the sampler that draws grids for it.

    `questions` asks each family that reads as many scenes as it is given once, with
    parameters drawn from `rng`; it skips the families whose answer would be ambiguous
    on this scene, and thins out answers a family marks as over-represented
    (`Family.keep`). Pass one Scene for single-grid families, or a tuple of scenes for
    the families that compare grids (`Family.scenes`).
    """

    name: str = attrs.field(validator=attrs.validators.matches_re(r"^[a-z][a-z0-9_]*$"))
    description: str
    families: tuple[Family, ...] = attrs.field(converter=tuple, validator=_check_families)
    sampler: Sampler | None = None
    """Draws the prior's grids. Left out when `build` is given: it is then `build(settings)`."""
    settings: SamplerSettings | None = None
    """The sampler's default settings, for priors whose sampler is built from settings."""
    levels: Mapping[str, SamplerSettings] = attrs.field(factory=dict, converter=lambda m: MappingProxyType(dict(m)))
    """Named difficulty levels (easy, medium, hard), each a value of the settings."""
    build: Callable[[Any], Sampler] | None = attrs.field(default=None, repr=False)
    """settings -> sampler; what lets a level or a mixture config change how grids are drawn."""
    notes: str = attrs.field(default="", repr=False)
    """Markdown for the prior's docs page (`arc-priors page`, under "Notes"): what a reader
    of a dataset should know that the tables cannot show, such as why a family is rare."""

    def __attrs_post_init__(self) -> None:
        if (self.build is None) != (self.settings is None):
            raise ValueError(f"prior {self.name!r}: give both build and settings, or neither")
        if self.sampler is None:
            sampler = self.build(self.settings) if self.build is not None else SceneSampler().sample
            object.__setattr__(self, "sampler", sampler)

    def sample(self, rng: np.random.Generator) -> Sample:
        return self.sampler(rng)

    def configured(self, choice: "str | Mapping[str, Any] | SamplerSettings | None") -> "Prior":
        """This prior drawing grids another way: at a named level, with some settings changed
        (a mapping applied over the defaults), or with whole settings. None: unchanged."""
        if choice is None:
            return self
        if self.build is None:
            raise SettingsError(f"prior {self.name!r} has a fixed sampler: it defines no settings or levels")
        if isinstance(choice, str):
            if choice not in self.levels:
                known = ", ".join(self.levels) or "none"
                raise SettingsError(f"prior {self.name!r} has no level {choice!r}; its levels: {known}")
            settings = self.levels[choice]
        elif isinstance(choice, type(self.settings)):
            settings = choice
        elif isinstance(choice, SamplerSettings):  # the common knobs of another settings class
            settings = self.settings.updated(choice.as_dict(), where=f"settings of prior {self.name!r}")
        else:
            settings = self.settings.updated(choice, where=f"settings of prior {self.name!r}")
        return attrs.evolve(self, sampler=None, settings=settings)

    def level_of(self, settings: SamplerSettings | None = None) -> str | None:
        """The name of the level equal to `settings` (by default the prior's own), if any."""
        settings = self.settings if settings is None else settings
        return next((name for name, value in self.levels.items() if value == settings), None)

    def indices(self, scenes: int = 1) -> list[int]:
        """Positions of the families that read `scenes` scenes."""
        return [i for i, f in enumerate(self.families) if f.scenes == scenes]

    @property
    def comparisons(self) -> tuple[Family, ...]:
        """The families that compare several grids."""
        return tuple(f for f in self.families if f.scenes > 1)

    def questions(self, target: Target, rng: np.random.Generator) -> list[Question]:
        asked = (self.question(i, target, rng) for i in self.indices(arity(target)))
        return [q for q in asked if q is not None]

    def question(
        self, index: int, target: Target, rng: np.random.Generator, phrasings: str = "train"
    ) -> Question | None:
        """Family `index` asked once, or None when it has nothing well-posed to ask.
        Lets a chat builder ask only the families it will use."""
        family = self.families[index]
        if family.scenes != arity(target):
            raise ValueError(f"family {family.id} reads {family.scenes} scene(s), got {arity(target)}")
        params = family.params.choose(target, rng)
        if params is None:
            return None
        return self.question_with(index, target, params, rng, phrasings)

    def question_with(
        self,
        index: int,
        target: Target,
        params: Mapping[str, Any],
        rng: np.random.Generator,
        phrasings: str = "train",
    ) -> Question | None:
        """Family `index` asked with parameters already chosen (the chunk engine chooses them
        for a whole chunk where the parameter space can), in a wording of the `phrasings`
        set drawn uniformly (no draw where the set has one), kept by `Family.keep`'s odds."""
        family = self.families[index]
        question = family.ask(self.name, target, params, pick_wording(family.wordings(phrasings), rng))
        if question is None:
            return None
        if family.keep and rng.random() >= family.keep.get(question.answer, 1.0):
            return None
        return question

    def all_questions(self, target: Target) -> list[Question]:
        """Every question this prior can ask about the target, over every parameter value."""
        families: Sequence[Family] = [self.families[i] for i in self.indices(arity(target))]
        asked = (
            family.ask(self.name, target, params) for family in families for params in family.params.domain(target)
        )
        return [q for q in asked if q is not None]


def pick_wording(wordings: Sequence[str], rng: np.random.Generator) -> str:
    """One of `wordings`, uniformly; a family of one wording draws nothing, so its records
    are what they were before families had several."""
    if len(wordings) == 1:
        return wordings[0]
    return wordings[int(wording_index(rng.random(), len(wordings)))]


def wording_index(draw, n: int):
    """Which of n wordings a uniform draw in [0, 1) picks (a number or an array of them): the
    one rule behind `pick_wording` and the chunk path's draws for a whole chunk."""
    return np.minimum((np.asarray(draw) * n).astype(np.int64), n - 1)
