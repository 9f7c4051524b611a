"""Counting: how many objects, how many of a colour, and which colours have more.

"Objects of colour c" are the objects containing c (`Scene.count_with_color`) in every
family, so a multicolour object counts once for each of its colours.

Levels: easy draws 3-8 cells a side with 1-4 apart shapes in at most 2 colours; medium is
the default (1-30 a side, 0-9 apart shapes in at most 3 colours); hard draws 12-30 a side
with 8-20 shapes in at most 4 colours that may touch and merge, and 2% of the cells
recoloured at random: counting then needs the parse, not the drawing.
"""

from typing import Sequence

import attrs
import numpy as np

from priors.prior import Prior
from priors.questions import COLOR, NUMBER, YES_NO, ColorParam, Family, Worked
from priors.scene import Scene
from priors.settings import SamplerSettings, scene_sampler
from priors.tables import AS_YES_NO, COLORS, Tables, chosen_for_one, pick, table_rule, unique_best
from priors.transforms import DIHEDRAL
from priors.worked import (
    colors_of,
    holding,
    label_grid,
    label_grid_holds,
    object_at,
    object_lines,
    read_color,
    read_tally,
    tally,
)


@table_rule()
def count_objects(t: Tables, params):
    return t.every, t.objects


def object_steps(scene, params) -> list[str]:
    """The grid again, each cell its object's number: counting made local, one cell at a
    time (docs/study.md, (g): it taught the tiny model more than listing the objects)."""
    return label_grid(scene)


def is_the_label_grid(scene, params, line: str) -> bool:
    return label_grid_holds(scene, line)


OBJECTS_WORKED = Worked(object_steps, is_the_label_grid, repeats=True)  # empty rows repeat


@table_rule()
def count_color(t: Tables, params):
    return t.every, t.per_color[t.rows, params["color"]]


def color_steps(scene, params) -> list[str]:
    """The objects holding the colour, in reading order, each as `at` writes it (by its own colour)."""
    return object_lines(scene, np.flatnonzero(scene.cells_by_color[:, params["color"]]).tolist())


def names_an_object_of_color(scene, params, line: str) -> bool:
    cells = object_at(scene, line)
    return cells is not None and params["color"] in colors_of(scene, cells)


def counts_objects_of(colors):
    """A check of `C: N` steps (N objects hold colour C), for the colours that
    `colors(params)` allows (any when it gives None)."""

    def holds(scene, params, line: str) -> bool:
        read = read_tally(line)
        color = None if read is None else read_color(read[0])
        allowed = colors(params)
        return color is not None and (allowed is None or color in allowed) and holding(scene, color) == read[1]

    return holds


def _object_counts(scene) -> dict[int, int]:
    """Objects per colour, for the colours other than the background that have any."""
    counts = (scene.cells_by_color != 0).sum(axis=0).tolist()
    return {c: n for c, n in enumerate(counts) if n and c != scene.background}


def most_objects_steps(scene, params) -> list[str]:
    """`C: N`, objects per colour, for every colour that has any."""
    return [tally(c, n) for c, n in _object_counts(scene).items()]


@table_rule()
def most_objects_color(t: Tables, params):
    has = t.colors_with_objects
    unique, color = unique_best(t.per_color, has, 1)
    return unique & (has.sum(axis=1) >= 2), color  # with one colour, "most" gives itself away


_A, _B = (np.array(x) for x in zip(*[(a, b) for a in range(COLORS) for b in range(a + 1, COLORS)]))
"""Every pair of colours a < b, in order."""


@attrs.frozen
class ColorPairParam:
    """Two colours a < b, both present and other than the background.

    Absent colours are left out: two absent colours would make "the same number" a
    trick question about zero. Sampling picks a pair of equal counts with probability
    `equal_rate` when the scene has one (and a pair of different counts otherwise), since
    colours drawn at random rarely tie and "no" would dominate."""

    equal_rate: float = 0.5

    def domain(self, scene: Scene) -> Sequence[dict]:
        colors = [c for c in range(10) if c != scene.background]
        return tuple({"a": a, "b": b} for i, a in enumerate(colors) for b in colors[i + 1 :])

    def choose(self, scene: Scene, rng: np.random.Generator) -> dict | None:
        return chosen_for_one(self.choose_chunk, scene, rng)

    def choose_chunk(self, t: Tables, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
        has = t.colors_with_objects
        valid = has[:, _A] & has[:, _B]
        equal = valid & (t.per_color[:, _A] == t.per_color[:, _B])
        unequal = valid & ~equal
        u, v = rng.random((2, t.n))
        pool = np.where((((u < self.equal_rate) & equal.any(axis=1)) | ~unequal.any(axis=1))[:, None], equal, unequal)
        ok, pair = pick(pool, v)
        return ok, {"a": _A[pair], "b": _B[pair]}


@table_rule(AS_YES_NO)
def same_count(t: Tables, params):
    a, b = t.per_color[t.rows, params["a"]], t.per_color[t.rows, params["b"]]
    return (a > 0) & (b > 0), a == b


def same_count_steps(scene, params) -> list[str]:
    return [tally(c, scene.count_with_color(c)) for c in (params["a"], params["b"])]


# Colour tallies are listed by colour, but any order would show the same work.
COLOR_WORKED = Worked(color_steps, names_an_object_of_color)
MOST_WORKED = Worked(most_objects_steps, counts_objects_of(lambda params: None), ordered=False)
SAME_WORKED = Worked(same_count_steps, counts_objects_of(lambda params: (params["a"], params["b"])), ordered=False)


EASY = SamplerSettings(min_side=3, max_side=8, min_objects=1, max_objects=4, max_colors=2)
# Object counts drawn uniformly from 0-9, in few colours, so that per-colour counts vary too.
MEDIUM = SamplerSettings(min_objects=0, max_objects=9, max_colors=3)
HARD = SamplerSettings(min_side=12, max_side=30, min_objects=8, max_objects=20, max_colors=4, touching=True, noise=0.02)

prior = Prior(
    name="counting",
    description="Count objects, in all and by colour.",
    families=(
        # Tiny grids hold few objects, so 0 and 1 would dominate without thinning.
        Family(
            "counting.objects",
            "How many objects are there in {grid}?",
            count_objects,
            keep={"0": 0.3, "1": 0.6},
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
            worked=OBJECTS_WORKED,
            phrasings=(
                "Count the objects in {grid}.",
                "What is the number of objects in {grid}?",
            ),
            held_out="How many separate objects does {grid} contain?",
        ),
        Family(
            "counting.color",
            "How many objects with color {color} are there in {grid}?",
            count_color,
            ColorParam(absent_rate=0.2),
            keep={"0": 0.5, "1": 0.6},
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
            worked=COLOR_WORKED,
            phrasings=(
                "Count the objects of color {color} in {grid}.",
                "In {grid}, how many objects have color {color}?",
            ),
            held_out="What is the number of objects colored {color} in {grid}?",
        ),
        Family(
            "counting.most_objects_color",
            "Which color has the most objects in {grid}?",
            most_objects_color,
            answer_format=COLOR,
            invariant_under=DIHEDRAL,
            worked=MOST_WORKED,
            phrasings=(
                "In {grid}, which color do the most objects have?",
                "Which color is shared by the largest number of objects in {grid}?",
            ),
            held_out="Counting objects per color in {grid}, which color comes out on top?",
        ),
        Family(
            "counting.same_count",
            "Do colors {a} and {b} have the same number of objects in {grid}? Answer yes or no.",
            same_count,
            ColorPairParam(),
            keep={"no": 0.6},
            answer_format=YES_NO,
            invariant_under=DIHEDRAL,
            worked=SAME_WORKED,
            phrasings=(
                "In {grid}, do the objects of color {a} number as many as those of color {b}? Answer yes or no.",
                "Are there as many objects of color {a} as objects of color {b} in {grid}? Answer yes or no.",
            ),
            held_out="Do {grid}'s objects of color {a} and of color {b} come in equal numbers? Answer yes or no.",
        ),
    ),
    settings=MEDIUM,
    levels={"easy": EASY, "medium": MEDIUM, "hard": HARD},
    build=scene_sampler,
)
