"""Answer tables: the families of counting, area and colors asked of a whole chunk at once.

Asking a family of one scene costs a few microseconds of Python (choosing parameters,
the rule, the Question record); a chat asks four, so that alone caps generation far
below its goal. Here each family is asked of every grid of a chunk with a few numpy
calls over `priors.batch.Parsed`'s object tables: for each grid, whether it is asked,
its answer as a number, and its parameters. The rules and parameter choices repeat those
of the families' own modules (`counting`, `area`, `colors`, `questions.ColorParam`,
`kinds.SoleColorParam`) in array form, which speed forces; a test holds every answer
here equal to the family's own rule and to the BFS reference, and the parameter choices
to the same law.
"""

from __future__ import annotations

import functools
from typing import Callable

import attrs
import numpy as np

from priors.batch import NO_BACKGROUND, Parsed
from priors.builtin import area, colors, counting
from priors.kinds import SoleColorParam
from priors.questions import ColorParam, Family, NoParams

COLORS = 10
_A, _B = (np.array(x) for x in zip(*[(a, b) for a in range(COLORS) for b in range(a + 1, COLORS)]))


@attrs.frozen
class Asked:
    """One family asked of every grid: `ok` where a question is asked, its answer code
    (`text` turns it into the answer), and each parameter's value."""

    ok: np.ndarray
    value: np.ndarray
    params: dict[str, np.ndarray]


class Tables:
    """Per-grid and per-object arrays of a parsed chunk, each computed on first use."""

    def __init__(self, parsed: Parsed):
        self.parsed = parsed
        self.n = len(parsed)
        self.background = parsed.backgrounds
        self.color_counts = parsed.color_counts
        self.cells_by_color = parsed.cells_by_color
        self.first = parsed.first

    @functools.cached_property
    def objects(self) -> np.ndarray:
        return np.diff(self.first)

    @functools.cached_property
    def owner(self) -> np.ndarray:
        return np.repeat(np.arange(self.n), self.objects)

    @functools.cached_property
    def areas(self) -> np.ndarray:
        return self.cells_by_color.sum(axis=1)

    @functools.cached_property
    def pure(self) -> np.ndarray:
        """Objects of one colour."""
        return self.cells_by_color.max(axis=1) == self.areas

    @functools.cached_property
    def object_colors(self) -> np.ndarray:
        return self.cells_by_color.argmax(axis=1)

    @functools.cached_property
    def per_color(self) -> np.ndarray:
        """Objects containing each colour, per grid (`count_with_color`)."""
        present = (self.cells_by_color > 0).ravel()
        keys = (self.owner[:, None] * COLORS + np.arange(COLORS)).ravel()
        return np.bincount(keys[present], minlength=self.n * COLORS).reshape(self.n, COLORS)

    @functools.cached_property
    def not_background(self) -> np.ndarray:
        return np.arange(COLORS)[None, :] != self.background[:, None]

    def extreme_area(self, sign: int) -> tuple[np.ndarray, np.ndarray]:
        """(grid has a unique largest (sign 1) or smallest (-1) object, that object's index)."""
        key = sign * self.areas
        best = np.full(self.n, np.iinfo(np.int64).min)
        np.maximum.at(best, self.owner, key)
        top = key == best[self.owner]
        ties = np.bincount(self.owner[top], minlength=self.n)
        index = np.zeros(self.n, dtype=np.int64)
        index[self.owner[top]] = np.flatnonzero(top)
        return ties == 1, index


def kth(mask: np.ndarray, k: np.ndarray) -> np.ndarray:
    """Per row, the column of its k-th (0-based) True."""
    return np.argmax(np.cumsum(mask, axis=1) > k[:, None], axis=1)


def unique_best(values: np.ndarray, valid: np.ndarray, sign: int) -> tuple[np.ndarray, np.ndarray]:
    """(row has a unique largest (sign 1) or smallest (-1) valid value, its column): `unique_argmax`."""
    key = np.where(valid, sign * values, np.iinfo(np.int64).min)
    best = key.max(axis=1)
    unique = (key == best[:, None]).sum(axis=1) == 1
    return unique & valid.any(axis=1), key.argmax(axis=1)


def color_param(t: Tables, family: Family, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """`ColorParam.choose` for every grid: (chosen, colour)."""
    present = (t.color_counts > 0) & t.not_background
    absent = (t.color_counts == 0) & t.not_background
    u, v = rng.random((2, t.n))
    pool = np.where(((u < family.params.absent_rate) | ~present.any(axis=1))[:, None], absent, present)
    size = pool.sum(axis=1)
    return size > 0, kth(pool, (v * size).astype(np.int64))


def _colors_with_objects(t: Tables) -> np.ndarray:
    """`counting._object_counts`' colours: other than the background, in some object."""
    return (t.per_color > 0) & t.not_background


def objects(t, family, rng):
    return Asked(np.ones(t.n, dtype=bool), t.objects, {})


def color_objects(t, family, rng):
    ok, color = color_param(t, family, rng)
    return Asked(ok, t.per_color[np.arange(t.n), color], {"color": color})


def most_objects_color(t, family, rng):
    has = _colors_with_objects(t)
    unique, color = unique_best(t.per_color, has, 1)
    return Asked(unique & (has.sum(axis=1) >= 2), color, {})


def same_count(t, family, rng):
    has = _colors_with_objects(t)
    valid = has[:, _A] & has[:, _B]
    equal = valid & (t.per_color[:, _A] == t.per_color[:, _B])
    unequal = valid & ~equal
    u, v = rng.random((2, t.n))
    pool = np.where((((u < family.params.equal_rate) & equal.any(axis=1)) | ~unequal.any(axis=1))[:, None], equal, unequal)
    size = pool.sum(axis=1)
    pair = kth(pool, (v * size).astype(np.int64))
    return Asked(size > 0, equal[np.arange(t.n), pair].astype(np.int64), {"a": _A[pair], "b": _B[pair]})


def sorted_areas(t, family, rng):
    return Asked(t.objects > 0, np.arange(t.n), {})


def _area_extreme(t, reduce) -> np.ndarray:
    value = np.zeros(t.n, dtype=np.int64)
    some = np.flatnonzero(t.objects > 0)
    value[some] = reduce.reduceat(t.areas, t.first[some])
    return value


def max_area(t, family, rng):
    return Asked(t.objects > 0, _area_extreme(t, np.maximum), {})


def min_area(t, family, rng):
    return Asked(t.objects > 0, _area_extreme(t, np.minimum), {})


def _extreme_color(t, sign):
    unique, index = t.extreme_area(sign)
    ok = unique & (t.objects > 0)
    ok[ok] = t.pure[index[ok]]
    return Asked(ok, t.object_colors[index] if len(t.areas) else index, {})


def max_color(t, family, rng):
    return _extreme_color(t, 1)


def min_color(t, family, rng):
    return _extreme_color(t, -1)


def same_size(t, family, rng):
    """`SoleColorParam` then `area.same_size`: the colour names the only object holding it,
    a single-colour one; the answer counts the other objects of its area."""
    owner_of = np.zeros((t.n, COLORS), dtype=np.int64)
    held = t.cells_by_color > 0
    rows, cols = np.nonzero(held)
    owner_of[t.owner[rows], cols] = rows
    named = (t.per_color == 1) & t.pure[owner_of] if len(t.areas) else t.per_color == 1
    size = named.sum(axis=1)
    color = kth(named, (rng.random(t.n) * size).astype(np.int64))
    _, where, counts = np.unique(t.owner * (t.areas.max(initial=0) + 1) + t.areas, return_inverse=True, return_counts=True)
    same = counts[where] - 1
    index = owner_of[np.arange(t.n), color]
    return Asked(size > 0, same[index] if len(same) else index, {"color": color})


def cells(t, family, rng):
    ok, color = color_param(t, family, rng)
    return Asked(ok, t.color_counts[np.arange(t.n), color], {"color": color})


def background(t, family, rng):
    return Asked(t.background != NO_BACKGROUND, t.background, {})


def _foreground(t):
    return (t.color_counts > 0) & t.not_background


def _extreme_cells(t, sign):
    present = _foreground(t)
    unique, color = unique_best(t.color_counts, present, sign)
    return Asked(unique & (present.sum(axis=1) >= 2), color, {})


def most(t, family, rng):
    return _extreme_cells(t, 1)


def least(t, family, rng):
    return _extreme_cells(t, -1)


def distinct(t, family, rng):
    return Asked(np.ones(t.n, dtype=bool), _foreground(t).sum(axis=1), {})


NUMBER, YES_NO, AREAS = "number", "yes_no", "areas"
"""How an answer code becomes answer text: str(code); yes (1) or no (0); the grid's sorted areas."""


@attrs.frozen
class Spec:
    rule: Callable
    params: type
    table: Callable[[Tables, Family, np.random.Generator], Asked]
    text: str = NUMBER


SPECS = {
    "counting.objects": Spec(counting.count_objects, NoParams, objects),
    "counting.color": Spec(counting.count_color, ColorParam, color_objects),
    "counting.most_objects_color": Spec(counting.most_objects_color, NoParams, most_objects_color),
    "counting.same_count": Spec(counting.same_count, counting.ColorPairParam, same_count, YES_NO),
    "area.sorted": Spec(area.sorted_areas, NoParams, sorted_areas, AREAS),
    "area.max": Spec(area.max_area, NoParams, max_area),
    "area.min": Spec(area.min_area, NoParams, min_area),
    "area.max_color": Spec(area.max_color, NoParams, max_color),
    "area.min_color": Spec(area.min_color, NoParams, min_color),
    "area.same_size": Spec(area.same_size, SoleColorParam, same_size),
    "colors.cells": Spec(colors.cells_of_color, ColorParam, cells),
    "colors.background": Spec(colors.background, NoParams, background),
    "colors.most": Spec(colors.most_color, NoParams, most),
    "colors.least": Spec(colors.least_color, NoParams, least),
    "colors.distinct": Spec(colors.distinct_colors, NoParams, distinct),
}


def spec_for(family: Family) -> Spec | None:
    """The table of a family, if it is one of these families exactly (same rule, same kind of
    parameters) and its `keep` names answers a code can stand for; otherwise None."""
    spec = SPECS.get(family.id)
    if spec is None or family.answer is not spec.rule or type(family.params) is not spec.params:
        return None
    if any(keep_code(spec, answer) is None for answer in family.keep):
        return None
    return spec


def keep_code(spec: Spec, answer: str) -> int | None:
    """The answer code of an answer text named in `keep` (None: no code stands for it)."""
    if spec.text == YES_NO:
        return {"yes": 1, "no": 0}.get(answer)
    return int(answer) if spec.text == NUMBER and answer.isdigit() and answer == str(int(answer)) else None


def keep_rates(spec: Spec, family: Family, value: np.ndarray) -> np.ndarray:
    """Per answer, the probability that `Prior.question` keeps it (`Family.keep`)."""
    rate = np.ones(len(value))
    for answer, p in family.keep.items():
        rate[value == keep_code(spec, answer)] = p
    return rate


def answer_text(spec: Spec, t: Tables, value: int) -> str:
    if spec.text == YES_NO:
        return "yes" if value else "no"
    if spec.text == AREAS:
        return ", ".join(map(str, sorted(t.areas[t.first[value] : t.first[value + 1]].tolist())))
    return str(value)
