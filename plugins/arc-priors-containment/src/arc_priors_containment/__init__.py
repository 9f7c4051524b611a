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

Levels (`ContainmentSettings`): easy draws grids of 6-10 cells a side with one outline, at
most 2 small shapes inside it and 1 around it; medium is the default (6-20 a side, 1-3
outlines, up to 4 shapes inside each and 3 around them); hard draws 14-30 a side with 3-5
outlines, some nested, and up to 8 shapes around them. No level adds noise: one
recoloured cell of an outline opens it, and the grid would then be about outlines that
were drawn closed; noise asked for in settings still acts as in every prior, and the
answers are those of the grid as drawn.
"""

from __future__ import annotations

from collections.abc import Iterator
from itertools import islice

import attrs
import numpy as np

from arc_priors_containment.sampler import MAX_OUTLINES, MAX_SIDE, MIN_SIDE, ContainmentSampler
from priors import COLOR, DIHEDRAL, NUMBER, YES_NO, ColorParam, Family, Prior
from priors.questions import Worked
from priors.scene import find_objects, label
from priors.settings import SamplerSettings, SettingsError, with_noise
from priors.validation import whole
from priors.worked import colored_component, object_at, object_lines

_CROSS = np.array([[0, 1, 0], [1, 1, 1], [0, 1, 0]], dtype=bool)
"""4-neighbour joins, as scipy's generate_binary_structure(2, 1) gives them. Labelling goes
through `priors.scene`, which imports scipy only when a grid is parsed."""

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
    regions, n = label(scene.labels != wall + 1, _CROSS)
    reached = np.zeros(n + 1, dtype=bool)
    reached[0] = True  # the wall's own cells
    for edge in (regions[0], regions[-1], regions[:, 0], regions[:, -1]):
        reached[edge] = True
    return ~reached[regions]


def outlines_around(scene, index: int) -> Iterator[int]:
    """The objects that object `index` is inside, in object order."""
    boxes = find_objects(scene.labels)
    rows, cols = boxes[index]
    mine = scene.labels == index + 1
    for other, (r, c) in enumerate(boxes):
        if r.start < rows.start and r.stop > rows.stop and c.start < cols.start and c.stop > cols.stop:
            if enclosed(scene, other)[mine].all():
                yield other


def could_enclose(scene, index: int) -> bool:
    """Whether some cell strictly within the object's bounding box is not its own: the only
    place an enclosed cell can be, so a shape without one is no outline at all."""
    rows, cols = find_objects(scene.labels, max_label=index + 1)[index]
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


def inside_of(scene, wall: int) -> np.ndarray:
    """The indices of the objects that object `wall` closes in: every one of their cells is cut off."""
    cut_off = np.bincount(scene.labels[enclosed(scene, wall)], minlength=len(scene.areas) + 1)[1:]
    return np.flatnonzero(cut_off == np.asarray(scene.areas))


def inside_count(scene, params) -> str | None:
    index = single_object(scene, params["color"])
    if index is None or not could_enclose(scene, index):
        return None
    return str(len(inside_of(scene, index)))


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


# --- worked answers: objects named by `at` steps, judged by a flood from the border --------------


def inside_steps(scene, params) -> list[str]:
    """Each object inside the outline, in reading order."""
    return object_lines(scene, inside_of(scene, single_object(scene, params["color"])).tolist())


def around_steps(scene, params) -> list[str]:
    """Each outline around the object, in reading order: "yes" when there is one, and the colour of the only one."""
    return object_lines(scene, outlines_around(scene, single_object(scene, params["color"])))


def _closes_in(scene, wall: frozenset, cells: frozenset) -> bool:
    """Whether a flood through 4-neighbours from the border, never entering `wall`, misses every cell of `cells`."""
    h, w = scene.shape
    todo = [(r, c) for r in range(h) for c in range(w) if (r in (0, h - 1) or c in (0, w - 1)) and (r, c) not in wall]
    reached = set(todo)
    while todo:
        r, c = todo.pop()
        for cell in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= cell[0] < h and 0 <= cell[1] < w and cell not in wall and cell not in reached:
                reached.add(cell)
                todo.append(cell)
    return not (cells & wall) and not (cells & reached)


def inside_holds(scene, params, line: str) -> bool:
    """The step names an object that the outline of the colour closes in."""
    wall, cells = colored_component(scene, params["color"]), object_at(scene, line)
    return wall is not None and cells is not None and _closes_in(scene, wall, cells)


def around_holds(scene, params, line: str) -> bool:
    """The step names an object that closes in the object of the colour."""
    cells, wall = colored_component(scene, params["color"]), object_at(scene, line)
    return wall is not None and cells is not None and _closes_in(scene, wall, cells)


AROUND_WORKED = Worked(around_steps, around_holds)


@attrs.frozen(kw_only=True)
class ContainmentSettings(SamplerSettings):
    """Read: the sides (at least 6: an outline with room inside needs 5 cells), max_objects
    (shapes in all, outlines included), noise, and the outlines' own knobs. Every shape
    keeps a cell away from every other and each outline has a colour of its own, so
    min_objects, max_colors and touching are no knobs here and must keep their defaults.
    The defaults are the prior's default (`MEDIUM`)."""

    min_side: int = attrs.field(default=MIN_SIDE, validator=whole(SettingsError, MIN_SIDE, 30))
    max_side: int = attrs.field(default=MAX_SIDE, validator=whole(SettingsError, MIN_SIDE, 30))
    max_objects: int = attrs.field(default=18, validator=whole(SettingsError, 1, 60))
    """3 outlines, 4 shapes in each and 3 around them: 18, so it never binds by default."""
    min_outlines: int = attrs.field(default=1, validator=whole(SettingsError, 1, MAX_OUTLINES))
    max_outlines: int = attrs.field(default=3, validator=whole(SettingsError, 1, MAX_OUTLINES))
    """Outlines drawn: min_outlines plus 0, 1 or 2, at most max_outlines (fewer where they do not fit)."""
    max_inside: int = attrs.field(default=4, validator=whole(SettingsError, 0, 4))
    """Small shapes drawn inside one outline, at most."""
    max_outside: int = attrs.field(default=3, validator=whole(SettingsError, 0, 20))
    """Small shapes drawn outside the outlines: 0 to max_outside."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        for name in ("min_objects", "max_colors", "touching"):
            if getattr(self, name) != getattr(SamplerSettings(), name):
                raise SettingsError(
                    f"containment does not read {name}: its shapes are always apart, outlines each of their own colour"
                )
        if self.min_outlines > self.max_outlines:
            raise SettingsError(f"min_outlines {self.min_outlines} is above max_outlines {self.max_outlines}")
        if self.max_objects < self.max_outlines:
            raise SettingsError(f"max_objects {self.max_objects} leaves no room for max_outlines {self.max_outlines}")


def build(settings: ContainmentSettings):
    sampler = ContainmentSampler(
        min_side=settings.min_side,
        max_side=settings.max_side,
        min_outlines=settings.min_outlines,
        max_outlines=settings.max_outlines,
        max_inside=settings.max_inside,
        max_outside=settings.max_outside,
        max_shapes=settings.max_objects,
    )
    return with_noise(sampler, settings)


EASY = ContainmentSettings(min_side=6, max_side=10, max_objects=4, max_outlines=1, max_inside=2, max_outside=1)
MEDIUM = ContainmentSettings()
HARD = ContainmentSettings(min_side=14, max_side=30, max_objects=40, min_outlines=3, max_outlines=5, max_outside=8)

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
            worked=Worked(inside_steps, inside_holds),
            held_out="Count the objects enclosed by the outline of color {color} in {grid}. " + INSIDE,
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
            worked=AROUND_WORKED,
            held_out="Does an outline enclose the object of color {color} in {grid}? " + INSIDE + " Answer yes or no.",
        ),
        Family(
            "containment.enclosing_color",
            "What is the color of the outline around the object of color {color} in {grid}? " + INSIDE,
            enclosing_color,
            ColorParam(absent_rate=0.0),
            answer_format=COLOR,
            invariant_under=DIHEDRAL,
            worked=AROUND_WORKED,
            held_out="The object of color {color} in {grid} lies inside an outline. What color is that outline? "
            + INSIDE,
        ),
    ),
    settings=MEDIUM,
    levels={"easy": EASY, "medium": MEDIUM, "hard": HARD},
    build=build,
)
