"""The rules a prior must keep on every grid, checked wherever its code is called.

The registry checks a plugin once, on one smoke sample, when it loads. A plugin can still
break on the hundredth grid, so every command calls priors through `GuardedPrior`: any
exception from the prior's code and any record that breaks a rule becomes one
`PriorFailure` naming the prior, its distribution, the family and the rule.
"""

from __future__ import annotations

import attrs
import numpy as np

from generators import Sample
from generators.chunks import chunk_version, drawn_problem, version_problem, with_drawings
from priors.errors import PriorFailure
from priors.grid import GridError, as_grid
from priors.prior import Prior, arity
from priors.questions import Family, Question, Target
from priors.scene import parse


class RuleBroken(Exception):
    """One broken rule of the Prior contract; `family` is None for the sampler's rules."""

    def __init__(self, rule: str, family: str | None = None):
        super().__init__(rule)
        self.rule, self.family = rule, family


def checked_grid(sample) -> np.ndarray:
    """The sample's grid as a valid read-only uint8 array, or the rule it breaks."""
    if not isinstance(sample, Sample):
        raise RuleBroken(f"the sampler returned a {type(sample).__name__}, not a generators.Sample")
    try:
        return as_grid(sample.grid)
    except GridError as err:
        raise RuleBroken(f"the sampler drew an invalid grid: {err}") from None


def check_question(prior: Prior, family: Family, target: Target, q) -> Question:
    """`q` if it is a well-formed record of `family` about `target`; otherwise the rule it breaks."""
    fid = family.id
    if not isinstance(q, Question):
        raise RuleBroken(f"a question must be a priors.Question, got {type(q).__name__}", fid)
    if q.prior != prior.name or q.family != fid:
        raise RuleBroken(f"the record says prior {q.prior!r}, family {q.family!r}", fid)
    if not isinstance(q.answer, str):
        raise RuleBroken(f"answer {q.answer!r} has type {type(q.answer).__name__}, not str", fid)
    if not q.answer.strip():
        raise RuleBroken("the answer is an empty string", fid)
    if not isinstance(q.question, str) or not q.question.strip():
        raise RuleBroken("the question text is empty", fid)
    scenes = (target,) if arity(target) == 1 else target
    missing = [s.name for s in scenes if s.name not in q.question]
    if missing:
        raise RuleBroken(f"the question does not name {', '.join(map(repr, missing))}: {q.question!r}", fid)
    check_format(family, q.answer)
    return q


def check_format(family: Family, answer: str) -> None:
    """Nothing if `answer` has the family's declared format; otherwise the rule it breaks."""
    if not family.accepts(answer):
        raise RuleBroken(f"answer {answer!r} is not in the family's declared format {_format(family)}", family.id)


def _format(family: Family) -> str:
    fmt = family.answer_format
    return repr(fmt) if isinstance(fmt, str) else "{" + ", ".join(sorted(fmt)) + "}"


@attrs.frozen
class GuardedPrior:
    """A prior as commands call it: every call checked, every failure one PriorFailure."""

    prior: Prior
    distribution: str = "an unknown distribution"

    @property
    def name(self) -> str:
        return self.prior.name

    @property
    def families(self) -> tuple[Family, ...]:
        return self.prior.families

    def failure(self, rule: str, family: str | None = None) -> PriorFailure:
        """The one-line failure of this prior breaking `rule` (in `family`, if one)."""
        return PriorFailure(self.prior.name, self.distribution, rule, family)

    def sample(self, rng: np.random.Generator) -> tuple[Sample, np.ndarray]:
        """A sample and its validated grid."""
        try:
            sample = self.prior.sample(rng)
            return sample, checked_grid(sample)
        except RuleBroken as broken:
            raise self.failure(broken.rule) from None
        except Exception as err:
            raise self.failure(f"the sampler raised {type(err).__name__}: {err}") from err

    def chunk_version(self):
        """The sampler's chunk version (`generators.chunks`), or None; what each drawing of its
        own draws is checked as `sample` checks a grid."""
        try:
            version = chunk_version(self.prior.sampler)
            problem = None if version is None else version_problem(version)
        except Exception as err:
            raise self.failure(f"its chunk_version() raised {type(err).__name__}: {err}") from err
        if problem is not None:
            raise self.failure(f"bad chunk version: {problem}")

        def checked(function):
            def drawing(rng: np.random.Generator, n: int):
                try:
                    drawn = function(rng, n)
                    problem = drawn_problem(drawn, n)
                except Exception as err:
                    raise self.failure(f"its chunk version raised {type(err).__name__}: {err}") from err
                if problem is not None:
                    raise self.failure(problem)
                return drawn

            return drawing

        return None if version is None else with_drawings(version, checked)

    def question(
        self,
        index: int,
        target: Target,
        rng: np.random.Generator,
        params: dict | None = None,
        phrasings: str = "train",
    ) -> Question | None:
        """Family `index` asked once (`Prior.question`), or with `params` already chosen
        (`Prior.question_with`), checked."""
        family = self.prior.families[index]
        try:
            q = (
                self.prior.question(index, target, rng, phrasings)
                if params is None
                else self.prior.question_with(index, target, params, rng, phrasings)
            )
            return None if q is None else check_question(self.prior, family, target, q)
        except RuleBroken as broken:
            raise self.failure(broken.rule, broken.family) from None
        except Exception as err:
            raise self.failure(f"raised {type(err).__name__}: {err}", family.id) from err

    def questions(self, target: Target, rng: np.random.Generator) -> list[Question]:
        """Each family that reads this many scenes, asked once (see `Prior.questions`)."""
        asked = (self.question(i, target, rng) for i in self.prior.indices(arity(target)))
        return [q for q in asked if q is not None]

    def all_questions(self, target: Target) -> list[Question]:
        """Every question over every parameter value, one family at a time so a failure names it."""
        asked = []
        for i in self.prior.indices(arity(target)):
            family = self.prior.families[i]
            try:
                for params in family.params.domain(target):
                    q = family.ask(self.prior.name, target, params)
                    if q is not None:
                        asked.append(check_question(self.prior, family, target, q))
            except RuleBroken as broken:
                raise self.failure(broken.rule, broken.family) from None
            except Exception as err:
                raise self.failure(f"raised {type(err).__name__}: {err}", family.id) from err
        return asked


def level_stats(prior: Prior, samples: int = 300, seed: int = 0) -> dict[str, float]:
    """Mean largest side and mean object count (default conventions) of the prior's grids."""
    rng = np.random.default_rng(seed)
    sides, objects = [], []
    for _ in range(samples):
        grid = checked_grid(prior.sample(rng))
        sides.append(max(grid.shape))
        objects.append(len(parse(grid).areas))
    return {"mean_side": float(np.mean(sides)), "mean_objects": float(np.mean(objects))}
