"""Question records, their scorer, and question families as data.

A family is an id, a phrasing, a parameter space and an answer rule over a Scene.
The rule returns None when the question would be ambiguous or degenerate for that
scene (a tie for "biggest", say); such questions are never asked.
"""

from __future__ import annotations

import re
import string
from types import MappingProxyType
from typing import Any, Callable, Mapping, Protocol, Sequence, Union

import attrs
import numpy as np

from priors.scene import Scene
from priors.tables import Tables, chosen_for_one, pick
from priors.transforms import TRANSFORMS


def _frozen_mapping(value) -> Mapping:
    """A read-only copy: records and families are values, shared by everyone who reads them."""
    return MappingProxyType(dict(value))


@attrs.frozen
class Question:
    """One question with its answer; the record every prior produces."""

    prior: str
    family: str
    params: Mapping[str, Any] = attrs.field(converter=_frozen_mapping)
    """Read-only: a record's parameters must not change after it was asked."""
    question: str
    answer: str
    worked: str | None = None
    """The worked answer: steps a reader can check against the grid, one a line, then the
    bare answer on a line of its own (`final_line` gives it back). None when the family
    shows no work."""

    def as_dict(self) -> dict:
        return {
            "prior": self.prior,
            "family": self.family,
            "params": dict(self.params),
            "question": self.question,
            "answer": self.answer,
            "worked": self.worked,
        }

    def reply(self, worked: bool) -> str:
        """What the assistant says: the worked answer when asked for and shown, else the bare one."""
        return self.worked if worked and self.worked is not None else self.answer


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
    """How a family's parameters are drawn (`choose`) and every value they can take (`domain`).

    A space may also draw for a whole chunk, `choose_chunk(tables, rng) -> (ok, {name: array})`
    (`priors.tables`), and derive `choose` from it with `chosen_for_one`: a family whose answer
    is a `TableRule` and whose space chooses by chunk is asked on the fast path."""

    def choose(self, scene: Scene, rng: np.random.Generator) -> dict | None: ...

    def domain(self, scene: Scene) -> Sequence[dict]: ...


@attrs.frozen
class NoParams:
    def choose(self, scene: Scene, rng: np.random.Generator) -> dict:
        return {}

    def domain(self, scene: Scene) -> Sequence[dict]:
        return ({},)

    def choose_chunk(self, t: Tables, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
        return t.every, {}


@attrs.frozen
class ColorParam:
    """A colour other than the background. Absent colours are chosen at `absent_rate`,
    so that zero answers appear at a controlled rate instead of by accident."""

    absent_rate: float = attrs.field(
        default=0.15, validator=attrs.validators.and_(attrs.validators.ge(0.0), attrs.validators.le(1.0))
    )

    def domain(self, scene: Scene) -> Sequence[dict]:
        return tuple({"color": c} for c in range(10) if c != scene.background)

    def choose(self, scene: Scene, rng: np.random.Generator) -> dict | None:
        return chosen_for_one(self.choose_chunk, scene, rng)

    def choose_chunk(self, t: Tables, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
        u, v = rng.random((2, t.n))
        pool = np.where(((u < self.absent_rate) | (t.foreground_colors == 0))[:, None], t.absent, t.foreground)
        ok, color = pick(pool, v)
        return ok, {"color": color}


NO_PARAMS = NoParams()


def worked_text(steps: Sequence[str], answer: str) -> str:
    """The worked form: each step on its own line, then the bare answer on the last."""
    return "\n".join([*steps, answer])


def final_line(text: str) -> str:
    """The bare answer of a worked reply: its last non-empty line (the whole text when it has one line)."""
    lines = [line.strip() for line in str(text).strip().splitlines() if line.strip()]
    return lines[-1] if lines else ""


Target = Union[Scene, "tuple[Scene, ...]"]
"""What a family reads: one scene, or a tuple of scenes for families that compare grids."""
AnswerRule = Callable[[Target, Mapping[str, Any]], "str | None"]
StepRule = Callable[[Target, Mapping[str, Any]], "Sequence[str]"]
StepCheck = Callable[[Target, Mapping[str, Any], str], bool]


@attrs.frozen
class Worked:
    """How a family shows its work: `steps` writes the lines that come before the bare answer,
    and `holds` says whether one such line is true of the target.

    `holds` is written apart from `steps` (from the grid's cells, not from the same object
    table), so that the conformance kit can judge every line a family writes, and a reward
    can judge the lines a model writes: a right trace with a wrong sum still earns credit.
    `ordered` says whether the order of the lines is part of the trace (reading order of
    objects, say) or not. `repeats` lets a trace write one line more than once where the
    grid makes it so (a label grid's empty rows); otherwise every line is a different step.
    """

    steps: StepRule
    holds: StepCheck
    ordered: bool = True
    repeats: bool = False


AnswerFormat = Union[str, frozenset]
"""A regular expression the whole answer must match, or the set of every allowed answer."""

PHRASINGS = ("train", "held-out", "all", "template")
"""Which wordings questions are asked in: the trained ones, the held-out one, every one, or
the template alone (one sentence a family, as before families had several)."""

NUMBER = r"0|[1-9][0-9]*"
NUMBER_LIST = r"(0|[1-9][0-9]*)(, (0|[1-9][0-9]*))*"
COLOR = frozenset("0123456789")
YES_NO = frozenset({"yes", "no"})


def _check_format(instance, attribute, value) -> None:
    if value is None or isinstance(value, frozenset):
        if value is not None and not all(isinstance(a, str) and a for a in value):
            raise ValueError(f"family {instance.id}: every allowed answer must be a non-empty string")
        return
    if not isinstance(value, str):
        raise ValueError(f"family {instance.id}: answer_format must be a regular expression or a frozenset of answers")
    try:
        re.compile(value)
    except re.error as err:
        raise ValueError(f"family {instance.id}: answer_format {value!r} is not a regular expression ({err})") from None


def _check_transforms(instance, attribute, value) -> None:
    unknown = sorted(set(value) - set(TRANSFORMS))
    if unknown:
        raise ValueError(f"family {instance.id}: unknown transforms {unknown}; known: {', '.join(TRANSFORMS)}")


@attrs.frozen
class Family:
    """A question family: `template` is formatted with the params and the grid names.

    A family reads one scene (`scenes=1`, the template names it `{grid}`) or compares
    several (`scenes=2`: `{grid_a}` and `{grid_b}`). `answer_format` declares what every
    answer looks like, `keep` thins out answers that would dominate, and
    `invariant_under` names the rotations and flips (`priors.transforms`) that leave
    every answer unchanged; the conformance kit checks all three.
    """

    id: str = attrs.field(validator=attrs.validators.matches_re(r"^[a-z0-9_]+\.[a-z0-9_.]+$"))
    template: str
    answer: AnswerRule
    params: ParamSpace = NO_PARAMS
    keep: Mapping[str, float] = attrs.field(factory=dict, converter=_frozen_mapping)
    """Answer -> probability of asking when sampling; thins out answers that would dominate."""
    answer_format: AnswerFormat | None = attrs.field(default=None, validator=_check_format)
    invariant_under: frozenset[str] = attrs.field(default=frozenset(), converter=frozenset, validator=_check_transforms)
    scenes: int = attrs.field(
        default=1, validator=attrs.validators.and_(attrs.validators.instance_of(int), attrs.validators.ge(1))
    )
    worked: Worked | None = attrs.field(
        default=None, validator=attrs.validators.optional(attrs.validators.instance_of(Worked))
    )
    """The family's worked answer, when it has a natural one (None: the bare answer only)."""
    phrasings: tuple[str, ...] = attrs.field(default=(), converter=tuple)
    """More wordings of the question, trained on beside `template`: the same fields, the same
    answer. Several wordings let a model learn the question, not one string of it."""
    held_out: str | None = None
    """One more wording kept out of training, so that evaluation can tell a concept learned
    from a sentence learned (the gap between trained and held-out wordings)."""
    _pattern: re.Pattern | None = attrs.field(init=False, eq=False, repr=False)

    @_pattern.default
    def _compile(self):
        return re.compile(self.answer_format) if isinstance(self.answer_format, str) else None

    def accepts(self, answer: str) -> bool:
        """Whether `answer` has this family's declared format (any string when none is declared)."""
        if self._pattern is not None:
            return self._pattern.fullmatch(answer) is not None
        return self.answer_format is None or answer in self.answer_format

    def names(self, target: Target) -> dict[str, str]:
        """The template's grid fields: `grid` for one scene, `grid_a`, `grid_b`, ... for several."""
        if self.scenes == 1:
            return {"grid": target.name}
        return {f"grid_{string.ascii_lowercase[i]}": s.name for i, s in enumerate(target)}

    def wordings(self, which: str = "train") -> tuple[str, ...]:
        """The wordings of `which` set: "train" (`template` and `phrasings`), "held-out"
        (`held_out`, or `template` for a family that declares none), "all", or "template"
        (the template alone)."""
        trained = (self.template, *self.phrasings)
        if which == "train":
            return trained
        if which == "held-out":
            return (self.held_out or self.template,)
        if which == "template":
            return (self.template,)
        if which == "all":
            return trained + ((self.held_out,) if self.held_out else ())
        raise ValueError(f"unknown phrasings {which!r}; choose from {', '.join(PHRASINGS)}")

    def ask(self, prior: str, target: Target, params: Mapping[str, Any], wording: str | None = None) -> Question | None:
        """The question asked with `params` in `wording` (by default `template`); the answer
        never depends on the wording."""
        answer = self.answer(target, params)
        if answer is None:
            return None
        text = (wording or self.template).format(**self.names(target), **params)
        worked = worked_text(self.worked.steps(target, params), answer) if self.worked is not None else None
        return Question(prior, self.id, params, text, answer, worked)


def join_numbers(values) -> str:
    """The list format of answers: `1, 1, 7`."""
    return ", ".join(str(v) for v in values)


def unique_argmax(values: Sequence[int]) -> int | None:
    """Index of the largest value, or None when it is tied (an ambiguous question)."""
    if not values:
        return None
    best = max(values)
    return values.index(best) if values.count(best) == 1 else None
