"""Objects: a whole scene described object by object, as colour, area and shape kind.

The description is the parse itself written out, which is what an ARC solver builds
before anything else. Objects are listed in `Scene.objects` order (reading order of
their first cells), so any rotation or flip may reorder them: the family declares no
invariance. It is asked only for scenes of 1 to `MAX_DESCRIBED` objects, each of one
colour: more would make a long answer, and a multicolour object has no one colour to name.
"""

from __future__ import annotations

from generators import SceneSampler, SizeCurriculum
from priors.builtin.shapes import SHAPE_MIX
from priors.kinds import KIND_PATTERN, scene_kinds
from priors.prior import Prior
from priors.questions import Family

MAX_DESCRIBED = 5
_ENTRY = rf"[0-9] [1-9][0-9]* {KIND_PATTERN}"
DESCRIPTION = rf"{_ENTRY}(; {_ENTRY}){{0,{MAX_DESCRIBED - 1}}}"
"""`2 3 horizontal line; 5 1 cell`: colour, area and kind per object, at most MAX_DESCRIBED of them."""


def describe(scene, params) -> str | None:
    n = len(scene.areas)
    if not 1 <= n <= MAX_DESCRIBED or (scene.cells_by_color.max(axis=1) != scene.areas).any():
        return None
    return "; ".join(f"{color} {area} {kind}" for color, area, kind in zip(scene.object_colors, scene.areas, scene_kinds(scene)))


prior = Prior(
    name="objects",
    description="Every object of a grid listed in reading order as colour, area and shape kind.",
    families=(
        Family(
            "objects.describe",
            "Describe every object in {grid}: list them in reading order as color area shape, separated by semicolons",
            describe,
            answer_format=DESCRIPTION,
        ),
    ),
    # Small grids with a few separated shapes of every kind: short answers, and most scenes describable.
    sampler=SceneSampler(sizes=SizeCurriculum(min_side=3, max_side=12), min_objects=1, max_objects=MAX_DESCRIBED, max_area=12,
                         kinds=SHAPE_MIX).sample,
)
