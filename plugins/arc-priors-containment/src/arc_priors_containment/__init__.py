"""Containment: which objects an outline closes in.

Inside is decided by 4-paths to the grid's border: object O is inside object L when no
path of 4-neighbour steps through cells that are not L's leads from O to the border. An
outline with a diagonal step still closes (4-paths cannot squeeze through a corner), one
with a gap does not, and an object with a cell on the border is inside nothing. The rule
depends only on which cells are 4-neighbours and which lie on the border, and rotations
and flips keep both, so every answer is invariant under all of them.

Every family is written once, over a chunk's tables (`priors.table_rule`), on the one
definition of enclosure in `arc_priors_containment.walls`: dataset generation asks each
family of thousands of grids in one labelling call, and a single scene's answers and worked
steps come from the same code, as a chunk of one.

Levels (`ContainmentSettings`): easy draws grids of 6-10 cells a side with one outline, at
most 2 small shapes inside it and 1 around it; medium is the default (6-20 a side, 1-3
outlines, up to 4 shapes inside each and 3 around them); hard draws 14-30 a side with 3-5
outlines, some nested, and up to 8 shapes around them. No level adds noise: one
recoloured cell of an outline opens it, and the grid would then be about outlines that
were drawn closed; noise asked for in settings still acts as in every prior, and the
answers are those of the grid as drawn.
"""

from __future__ import annotations

import attrs
import numpy as np

from arc_priors_containment.sampler import MAX_OUTLINES, MAX_SIDE, MIN_SIDE, ContainmentSampler
from arc_priors_containment.walls import Layout, closed_in, walls_around
from priors import AS_YES_NO, COLOR, DIHEDRAL, NUMBER, YES_NO, ColorParam, Family, Prior, Tables, table_rule
from priors.questions import Worked
from priors.settings import SamplerSettings, SettingsError, with_noise
from priors.tables import chosen_for_one, pick
from priors.validation import whole
from priors.worked import colored_component, object_at, object_lines

INSIDE = (
    "An object is inside an outline (any other object) when no path of cells joined through their 4 neighbours "
    "leads from it to the border of the grid without crossing the outline."
)


def _read(values: np.ndarray, index: np.ndarray, where: np.ndarray, fill=0) -> np.ndarray:
    """values[index] where `where` holds, `fill` elsewhere: an index is only meaningful
    where it names an object, and a chunk may have no objects to index at all."""
    out = np.full(index.shape, fill, dtype=values.dtype)
    out[where] = values[index[where]]
    return out


def the_object(t: Tables, color: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per grid, whether "the object of color c" names one object (`Tables.sole`), and that object."""
    named, index = t.sole
    return named[t.rows, color], index[t.rows, color]


@attrs.frozen
class OutlineColor:
    """The colour of an object that could be an outline. Any present colour, as ColorParam
    draws, would pick the outline of a grid with few objects far more often than that of a
    crowded one, and so favour outlines with little inside."""

    def domain(self, scene) -> tuple[dict, ...]:
        return tuple({"color": c} for c in range(10) if c != scene.background)

    def choose(self, scene, rng: np.random.Generator) -> dict | None:
        return chosen_for_one(self.choose_chunk, scene, rng)

    def choose_chunk(self, t: Tables, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
        # No object holds the background, so `sole` never names it.
        named, index = t.sole
        ok, color = pick(_read(Layout.of(t).could_enclose, index, named, False), rng.random(t.n))
        return ok, {"color": color}


def _around(t: Tables, color: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per grid: whether the colour names an object, how many objects close it in, and one of them."""
    named, index = the_object(t, color)
    asked = np.flatnonzero(named)
    i, wall = walls_around(t, index[asked])
    count, one = np.zeros(t.n, dtype=np.int64), np.zeros(t.n, dtype=np.int64)
    count[asked] = np.bincount(i, minlength=len(asked))
    one[asked[i]] = wall
    return named, count, one


@table_rule()
def inside_count(t: Tables, params):
    """Asked only of an object that could enclose something: any other shape answers 0 by its shape alone."""
    named, index = the_object(t, params["color"])
    ok = _read(Layout.of(t).could_enclose, index, named, False)
    count = np.zeros(t.n, dtype=np.int64)
    count[ok] = np.bincount(closed_in(t, index[ok])[0], minlength=np.count_nonzero(ok))
    return ok, count


@table_rule(AS_YES_NO)
def is_inside(t: Tables, params):
    """Asked of any object the colour names: every one is inside something or not."""
    named, count, _ = _around(t, params["color"])
    return named, count > 0


@table_rule()
def enclosing_color(t: Tables, params):
    """Asked only where one object closes it in and that object has one colour: otherwise
    "the outline around it" names no one colour."""
    named, count, wall = _around(t, params["color"])
    one = named & (count == 1)
    return _read(t.pure, wall, one, False), _read(t.object_colors, wall, one)


# --- worked answers: objects named by `at` steps, judged by a flood from the border --------------


def inside_steps(scene, params) -> list[str]:
    """Each object inside the outline, in reading order."""
    _, index = the_object(scene.tables, np.array([params["color"]]))
    return object_lines(scene, closed_in(scene.tables, index)[1].tolist())


def around_steps(scene, params) -> list[str]:
    """Each outline around the object, in reading order: "yes" when there is one, and the colour of the only one."""
    _, index = the_object(scene.tables, np.array([params["color"]]))
    return object_lines(scene, walls_around(scene.tables, index)[1].tolist())


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
