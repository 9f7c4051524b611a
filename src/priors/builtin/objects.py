"""Objects: a whole scene described object by object, as colour, area and shape kind.

The description is the parse itself written out, which is what an ARC solver builds
before anything else. Objects are listed in `Scene.objects` order (reading order of
their first cells), so any rotation or flip may reorder them: the family declares no
invariance. It is asked only for scenes of 1 to `MAX_DESCRIBED` objects, each of one
colour: more would make a long answer, and a multicolour object has no one colour to name.

Levels: easy draws 3-8 cells a side with 1-2 apart shapes in at most 3 colours; medium is
the default (3-12 a side, 1-5 apart shapes); hard draws 12-30 a side with 3-5 shapes that
may touch, so that same-coloured neighbours merge into one object of another kind. No
level adds noise: every noisy cell is an object of its own, and scenes of more than
MAX_DESCRIBED objects are never asked about.
"""

from __future__ import annotations

import functools

import numpy as np

from priors.builtin.shapes import SHAPE_MIX
from priors.kinds import KIND_PATTERN, KINDS
from priors.prior import Prior
from priors.questions import Family
from priors.settings import SamplerSettings, scene_sampler
from priors.tables import Tables, table_rule

MAX_DESCRIBED = 5
_ENTRY = rf"[0-9] [1-9][0-9]* {KIND_PATTERN}"
DESCRIPTION = rf"{_ENTRY}(; {_ENTRY}){{0,{MAX_DESCRIBED - 1}}}"
"""`2 3 horizontal line; 5 1 cell`: colour, area and kind per object, at most MAX_DESCRIBED of them."""


def _descriptions(t: Tables, grids: np.ndarray) -> list[str]:
    """Each grid's objects as colour, area and kind, in the tables' (reading) order."""
    colors, areas, kinds = t.object_colors.tolist(), t.areas.tolist(), t.kinds.tolist()
    entries = [f"{c} {a} {KINDS[k]}" for c, a, k in zip(colors, areas, kinds)]
    return ["; ".join(entries[t.first[g] : t.first[g + 1]]) for g in grids.tolist()]


@table_rule(_descriptions)
def describe(t: Tables, params):
    """Grids of 1 to MAX_DESCRIBED objects, each of one colour; the code is the grid itself."""
    mixed = np.bincount(t.owner, weights=~t.pure, minlength=t.n) > 0
    return (t.objects >= 1) & (t.objects <= MAX_DESCRIBED) & ~mixed, t.rows


EASY = SamplerSettings(min_side=3, max_side=8, min_objects=1, max_objects=2, max_colors=3)
# Small grids with a few separated shapes of every kind: short answers, and most scenes describable.
MEDIUM = SamplerSettings(min_side=3, max_side=12, min_objects=1, max_objects=MAX_DESCRIBED)
HARD = SamplerSettings(min_side=12, max_side=30, min_objects=3, max_objects=MAX_DESCRIBED, touching=True)

prior = Prior(
    name="objects",
    description="Every object of a grid listed in reading order as colour, area and shape kind.",
    families=(
        Family(
            "objects.describe",
            "Describe every object in {grid}: list them in reading order as color area shape, separated by semicolons",
            describe,
            answer_format=DESCRIPTION,
            held_out="List every object of {grid} in reading order, each as color area shape, separated by semicolons",
        ),
    ),
    settings=MEDIUM,
    levels={"easy": EASY, "medium": MEDIUM, "hard": HARD},
    build=functools.partial(scene_sampler, max_area=12, kinds=SHAPE_MIX),
)
