"""Shape kinds of objects, and "the object of colour c", shared by the shape-aware priors.

A kind names what an ARC solver sees in an object at a glance: a cell, a line, a filled
box, an outline, or anything else. It depends on the object's cells only (never on their
colours), so multicolour objects have kinds too. The documented order is cell, horizontal
line, vertical line, diagonal line, square, rectangle, hollow rectangle, other; the kinds
are disjoint, and `priors.object_kinds.kind_codes` defines them once, for a chunk's objects and
for one mask alike.
"""

from __future__ import annotations

from typing import Sequence

import attrs
import numpy as np

from priors.object_kinds import OBJECT_KINDS, kind_codes
from priors.scene import Scene
from priors.tables import Tables, chosen_for_one, pick

CELL = "cell"
HORIZONTAL = "horizontal line"
VERTICAL = "vertical line"
DIAGONAL = "diagonal line"
SQUARE = "square"
RECTANGLE = "rectangle"
HOLLOW = "hollow rectangle"
OTHER = "other"

KINDS = (CELL, HORIZONTAL, VERTICAL, DIAGONAL, SQUARE, RECTANGLE, HOLLOW, OTHER)
assert KINDS == OBJECT_KINDS  # the codes of `Tables.kinds` are indices into this
LINES = frozenset({HORIZONTAL, VERTICAL, DIAGONAL})
KIND_PATTERN = "(" + "|".join(KINDS) + ")"
"""A regular expression matching exactly one kind name."""


def classify(mask: np.ndarray) -> str:
    """The kind of the object whose cells are `mask`, a boolean array cropped to its
    bounding box: `priors.object_kinds.kind_codes` for one object."""
    rows, cols = np.nonzero(mask)
    return KINDS[int(kind_codes(np.zeros(len(rows), dtype=np.int64), rows, cols, 1)[0])]


def scene_kinds(scene: Scene) -> tuple[str, ...]:
    """The kind of every object of the scene, in `Scene.objects` order (its tables' `kinds`)."""
    return tuple(KINDS[c] for c in scene.tables.kinds.tolist())


def sole_objects(scene: Scene) -> dict[int, int]:
    """Colour -> index of "the object of that colour": the only object containing the colour,
    and made of it alone. Colours with none, several, or one multicolour object are left
    out, since the phrase then names no object. (The background is in no object.) The rule
    is `Tables.sole`'s, read off the scene as a chunk of one."""
    named, index = scene.tables.sole
    return {int(c): int(index[0, c]) for c in np.flatnonzero(named[0])}


def sole_object(scene: Scene, color: int) -> int | None:
    return sole_objects(scene).get(color)


@attrs.frozen
class SoleColorParam:
    """A colour other than the background that names exactly one single-colour object.

    Sampling draws only such colours: any other would make "the object of colour c"
    name nothing, and the question would be skipped anyway."""

    def domain(self, scene: Scene) -> Sequence[dict]:
        return tuple({"color": c} for c in range(10) if c != scene.background)

    def choose(self, scene: Scene, rng: np.random.Generator) -> dict | None:
        return chosen_for_one(self.choose_chunk, scene, rng)

    def choose_chunk(self, t: Tables, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
        ok, color = pick(t.sole[0], rng.random(t.n))
        return ok, {"color": color}
