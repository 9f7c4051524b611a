"""Containment: which objects an outline closes in.

Inside is decided by 4-paths to the grid's border: object O is inside object L when no
path of 4-neighbour steps through cells that are not L's leads from O to the border. An
outline with a diagonal step still closes (4-paths cannot squeeze through a corner), one
with a gap does not, and an object with a cell on the border is inside nothing. The rule
depends only on which cells are 4-neighbours and which lie on the border, and rotations
and flips keep both, so every answer is invariant under all of them.

Each question costs one 4-connected labelling of the grid without the candidate outline's
cells, and only for the outlines the question needs: an outline's inside lies strictly
within its bounding box, so only objects whose box strictly contains the asked object's box
are tried.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import attrs
import numpy as np
from scipy import ndimage

from arc_priors_containment.sampler import sample
from priors import COLOR, DIHEDRAL, NUMBER, YES_NO, ColorParam, Family, Prior

_CROSS = ndimage.generate_binary_structure(2, 1)

INSIDE = (
    "An object is inside an outline (any other object) when no path of cells joined through their 4 neighbours "
    "leads from it to the border of the grid without crossing the outline."
)


def single_object(scene, color: int) -> int | None:
    """The index of the only object holding `color`, when that object has no other colour:
    otherwise "the object of color c" names no one object."""
    holding = np.flatnonzero(scene.cells_by_color[:, color])
    if holding.size != 1:
        return None
    index = int(holding[0])
    return index if scene.cells_by_color[index, color] == scene.areas[index] else None


def enclosed(scene, wall: int) -> np.ndarray:
    """The cells that object `wall` cuts off from the border: those in a 4-connected region
    of the other cells that touches no border cell."""
    regions, n = ndimage.label(scene.labels != wall + 1, _CROSS)
    reached = np.zeros(n + 1, dtype=bool)
    reached[0] = True  # the wall's own cells
    for edge in (regions[0], regions[-1], regions[:, 0], regions[:, -1]):
        reached[edge] = True
    return ~reached[regions]


def outlines_around(scene, index: int) -> Iterator[int]:
    """The objects that object `index` is inside, in object order."""
    boxes = ndimage.find_objects(scene.labels)
    rows, cols = boxes[index]
    mine = scene.labels == index + 1
    for other, (r, c) in enumerate(boxes):
        if r.start < rows.start and r.stop > rows.stop and c.start < cols.start and c.stop > cols.stop:
            if enclosed(scene, other)[mine].all():
                yield other


def could_enclose(scene, index: int) -> bool:
    """Whether some cell strictly within the object's bounding box is not its own: the only
    place an enclosed cell can be, so a shape without one is no outline at all."""
    rows, cols = ndimage.find_objects(scene.labels, max_label=index + 1)[index]
    core = scene.labels[rows.start + 1 : rows.stop - 1, cols.start + 1 : cols.stop - 1]
    return bool((core != index + 1).any())


@attrs.frozen
class OutlineColor:
    """The colour of an object that could be an outline. Any present colour, as ColorParam
    draws, would pick the outline of a grid with few objects far more often than that of a
    crowded one, and so favour outlines with little inside."""

    def domain(self, scene) -> tuple[dict, ...]:
        return tuple({"color": c} for c in range(10) if c != scene.background)

    def choose(self, scene, rng: np.random.Generator) -> dict | None:
        candidates = []
        for color in range(10):
            index = single_object(scene, color) if color != scene.background else None
            if index is not None and could_enclose(scene, index):
                candidates.append(color)
        return {"color": candidates[int(rng.random() * len(candidates))]} if candidates else None


def inside_count(scene, params) -> str | None:
    index = single_object(scene, params["color"])
    if index is None or not could_enclose(scene, index):
        return None
    cut_off = np.bincount(scene.labels[enclosed(scene, index)], minlength=len(scene.areas) + 1)[1:]
    return str(int(np.count_nonzero(cut_off == np.asarray(scene.areas))))


def is_inside(scene, params) -> str | None:
    index = single_object(scene, params["color"])
    if index is None:
        return None
    return "yes" if next(outlines_around(scene, index), None) is not None else "no"


def enclosing_color(scene, params) -> str | None:
    index = single_object(scene, params["color"])
    if index is None:
        return None
    found = list(islice(outlines_around(scene, index), 2))
    if len(found) != 1 or np.count_nonzero(scene.cells_by_color[found[0]]) != 1:
        return None
    return str(scene.object_colors[found[0]])


prior = Prior(
    name="containment",
    description="Containment: which objects an outline closes in, under 4-neighbour paths to the border.",
    families=(
        Family(
            "containment.inside_count",
            "How many objects are inside the outline of color {color} in {grid}? " + INSIDE,
            inside_count,
            OutlineColor(),
            keep={"0": 0.75},  # gapped outlines and empty ones answer 0
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
        ),
        Family(
            "containment.is_inside",
            "Is the object of color {color} in {grid} inside an outline? " + INSIDE + " Answer yes or no.",
            is_inside,
            ColorParam(absent_rate=0.0),
            # Outlines themselves and the shapes around them outnumber the shapes inside.
            keep={"no": 0.6},
            answer_format=YES_NO,
            invariant_under=DIHEDRAL,
        ),
        Family(
            "containment.enclosing_color",
            "What is the color of the outline around the object of color {color} in {grid}? " + INSIDE,
            enclosing_color,
            ColorParam(absent_rate=0.0),
            answer_format=COLOR,
            invariant_under=DIHEDRAL,
        ),
    ),
    sampler=sample,
)
