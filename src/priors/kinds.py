"""Shape kinds of objects, and "the object of colour c", shared by the shape-aware priors.

A kind names what an ARC solver sees in an object at a glance: a cell, a line, a filled
box, an outline, or anything else. It depends on the object's cells only (never on their
colours), so multicolour objects have kinds too. The documented order is cell, horizontal
line, vertical line, diagonal line, square, rectangle, hollow rectangle, other; the kinds
are disjoint, so `classify` may test the cheap arithmetic ones first.
"""

from __future__ import annotations

from typing import Sequence

import attrs
import numpy as np

from priors.scene import Scene, find_objects
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
LINES = frozenset({HORIZONTAL, VERTICAL, DIAGONAL})
KIND_PATTERN = "(" + "|".join(KINDS) + ")"
"""A regular expression matching exactly one kind name."""


def classify(mask: np.ndarray) -> str:
    """The kind of the object whose cells are `mask`, a boolean array cropped to its bounding box."""
    h, w = mask.shape
    area = int(np.count_nonzero(mask))
    if area == 1:
        return CELL
    if area == h * w:  # a filled box: a line when one cell thick
        if h == 1:
            return HORIZONTAL
        if w == 1:
            return VERTICAL
        return SQUARE if h == w else RECTANGLE
    # One cell per row and per column of a square box, all on one of its two diagonals.
    if h == w == area and (mask.diagonal().all() or mask[:, ::-1].diagonal().all()):
        return DIAGONAL
    # The border of an h x w box has 2h + 2w - 4 cells: all of them and nothing else.
    if h >= 3 and w >= 3 and area == 2 * (h + w) - 4:
        if mask[0].all() and mask[-1].all() and mask[:, 0].all() and mask[:, -1].all():
            return HOLLOW
    return OTHER


_last: tuple[Scene | None, tuple[str, ...]] = (None, ())


def scene_kinds(scene: Scene) -> tuple[str, ...]:
    """The kind of every object of the scene, in `Scene.objects` order.

    Reads the label array box by box, which skips building the objects' cell lists. Every
    family of a prior reads the kinds of the same scene in turn, so the last scene's kinds
    are kept (a Scene is frozen, and holding it keeps its identity from being reused)."""
    global _last
    seen, kinds = _last
    if seen is scene:
        return kinds
    boxes = find_objects(scene.labels)
    kinds = tuple(classify(scene.labels[box] == i + 1) for i, box in enumerate(boxes))
    _last = (scene, kinds)
    return kinds


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
