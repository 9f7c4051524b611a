"""Shapes: what kind of shape an object is, how many of each kind, and the longest line.

Kinds are those of `priors.kinds`. A quarter turn or a transpose swaps horizontal and
vertical lines, so the families that name a line's direction keep their answers only
under the mirrors that keep rows rows (`MIRRORS`); a line's length survives every turn.

Levels: easy draws 3-8 cells a side with 1-3 apart shapes in at most 3 colours; medium is
the default (4-16 a side, 1-8 apart shapes); hard draws 12-30 a side with 8-16 shapes that
may touch (same-coloured neighbours merge into an 'other' shape) and 2% of the cells
recoloured at random, which turns some lines and rectangles into other shapes: the kinds
asked about are those of the grid as drawn.
"""

from __future__ import annotations

from typing import Sequence

import attrs
import numpy as np

from generators import Sample, SceneSampler
from generators.chunks import Themed, all_of
from priors.builtin import scene_options
from priors.kinds import (
    DIAGONAL,
    HOLLOW,
    HORIZONTAL,
    KINDS,
    LINES,
    RECTANGLE,
    SQUARE,
    VERTICAL,
    SoleColorParam,
    classify,
    scene_kinds,
    sole_object,
)
from priors.prior import Prior
from priors.questions import NUMBER, Family, Worked
from priors.scene import Scene, find_objects
from priors.settings import SamplerSettings, with_noise
from priors.tables import Tables, pick, table_rule
from priors.transforms import DIHEDRAL, MIRRORS
from priors.worked import box_of, colored_component, object_at, object_lines, sized_lines, sized_object_at

COUNTED = (HORIZONTAL, VERTICAL, DIAGONAL, SQUARE, RECTANGLE, HOLLOW)
"""The kinds `shapes.count` asks about: a cell or an 'other' is not a shape one counts."""


@attrs.frozen
class KindParam:
    """A kind to count. With probability `present_rate` the kind of a random object of the
    scene, so that counts above one are common; otherwise any kind, so that zero stays a
    possible answer."""

    present_rate: float = 0.7

    def domain(self, scene: Scene) -> Sequence[dict]:
        return tuple({"kind": k} for k in COUNTED)

    def choose(self, scene: Scene, rng: np.random.Generator) -> dict:
        return count_kind.decoded({"kind": int(self.choose_chunk(scene.tables, rng)[1]["kind"][0])})

    def choose_chunk(self, t: Tables, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
        """Per grid, the kind of the object at `v`'s place among those of a counted kind (one
        entry per object: a kind weighs as many as it has), at `present_rate` where there is
        one; otherwise the counted kind at `v`'s place. As codes into COUNTED."""
        u, v = rng.random((2, t.n))
        counted = _COUNTED_OF[t.kinds]
        present = np.zeros((t.n, max(1, int(t.objects.max(initial=0)))), dtype=bool)
        present[t.owner, np.arange(len(counted)) - t.first[t.owner]] = counted >= 0  # row: a grid's objects in order
        some, column = pick(present, v)
        chosen = counted[np.minimum(t.first[:-1] + column, len(counted) - 1)] if len(counted) else column
        from_objects = (u < self.present_rate) & some
        return t.every, {"kind": np.where(from_objects, chosen, (v * len(COUNTED)).astype(np.int64))}


_COUNTED_OF = np.array([COUNTED.index(k) if k in COUNTED else -1 for k in KINDS])
"""Kind code -> its place in COUNTED (-1 for the kinds not counted)."""


@table_rule(lambda t, codes: [KINDS[c] for c in codes.tolist()])
def kind_of(t: Tables, params):
    """The kind of the object of the colour, where the colour names one."""
    named, index = t.sole
    chosen = index[t.rows, params["color"]]
    return named[t.rows, params["color"]], t.kinds[chosen] if len(t.kinds) else chosen


@table_rule(values={"kind": COUNTED})
def count_kind(t: Tables, params):
    """Objects of the kind, per grid."""
    kind = np.array([KINDS.index(k) for k in COUNTED])[params["kind"]]
    match = t.kinds == kind[t.owner]
    return t.every, np.bincount(t.owner[match], minlength=t.n)


_LINE_CODES = np.array([KINDS.index(k) for k in sorted(LINES)])


@table_rule()
def longest_line(t: Tables, params):
    """The largest area among the objects that are lines; asked only where there is one."""
    lines = np.isin(t.kinds, _LINE_CODES)
    longest = np.zeros(t.n, dtype=np.int64)
    np.maximum.at(longest, t.owner[lines], t.areas[lines])
    return longest > 0, longest


# --- worked answers: written from the kinds table, judged by classifying flood-filled objects ---


def _box(height: int, width: int) -> str:
    return f"box {height}x{width}"


def kind_steps(scene, params) -> list[str]:
    """The object with its area, then its bounding box: a kind is read off those two and the box's fill."""
    index = sole_object(scene, params["color"])
    rows, cols = find_objects(scene.labels)[index]
    return [*sized_lines(scene, [index]), _box(rows.stop - rows.start, cols.stop - cols.start)]


def kind_holds(scene, params, line: str) -> bool:
    named = colored_component(scene, params["color"])
    if named is None:
        return False
    if line.startswith("box "):
        return line == _box(*box_of(named).shape)
    return sized_object_at(scene, line) == named


def count_steps(scene, params) -> list[str]:
    """Each object of the kind, in reading order."""
    return object_lines(scene, [i for i, kind in enumerate(scene_kinds(scene)) if kind == params["kind"]])


def is_of_kind(scene, params, line: str) -> bool:
    cells = object_at(scene, line)
    return cells is not None and classify(box_of(cells)) == params["kind"]


def line_steps(scene, params) -> list[str]:
    """Each line with its length (its area), in reading order."""
    return sized_lines(scene, [i for i, kind in enumerate(scene_kinds(scene)) if kind in LINES])


def is_a_line_of_length(scene, params, line: str) -> bool:
    cells = sized_object_at(scene, line)
    return cells is not None and classify(box_of(cells)) in LINES


# Mostly the shapes that have a name, with some blobs (mostly 'other') and a few single cells.
SHAPE_MIX = (
    ("horizontal", 2.0),
    ("vertical", 2.0),
    ("diagonal", 2.0),
    ("square", 2.0),
    ("rectangle", 3.0),
    ("outline", 2.0),
    ("blob", 1.5),
    ("cell", 0.3),
)
NAMED = ("horizontal", "vertical", "diagonal", "square", "rectangle", "outline")
"""The sampler's kinds that draw the shapes `shapes.count` asks about."""


@attrs.frozen
class ThemedSampler:
    """Scenes where, more often than not, one named shape is drawn far more often than the rest:
    with every kind equally likely, a grid rarely holds two of a kind, and "how many"
    would almost always be answered 0 or 1."""

    base: SceneSampler
    themes: tuple[SceneSampler, ...]
    theme_rate: float = 0.6

    @classmethod
    def around(cls, mix: tuple[tuple[str, float], ...], boost: float, **kw) -> "ThemedSampler":
        """One themed sampler per named kind of `mix`, that kind's weight multiplied by `boost`."""
        themes = tuple(
            SceneSampler(kinds=tuple((k, w * boost if k == theme else w) for k, w in mix), **kw) for theme in NAMED
        )
        return cls(SceneSampler(kinds=mix, **kw), themes)

    def __call__(self, rng: np.random.Generator) -> Sample:
        u, v = rng.random(2)
        sampler = self.themes[int(v * len(self.themes))] if u < self.theme_rate else self.base
        return sampler.sample(rng)

    def chunk_version(self):
        """`Themed` around its samplers' versions; none for a subclass that draws otherwise."""
        if type(self).__call__ is not ThemedSampler.__call__:
            return None
        versions = all_of(self.base, *self.themes)
        return None if versions is None else Themed(versions[0], versions[1:], self.theme_rate)


def build(settings: SamplerSettings):
    """Sides decay slowly (scale 10), so that long lines and big outlines have room."""
    return with_noise(
        ThemedSampler.around(SHAPE_MIX, 20.0, max_area=16, **scene_options(settings, scale=10.0)), settings
    )


EASY = SamplerSettings(min_side=3, max_side=8, min_objects=1, max_objects=3, max_colors=3)
MEDIUM = SamplerSettings(min_side=4, max_side=16, min_objects=1, max_objects=8)
HARD = SamplerSettings(min_side=12, max_side=30, min_objects=8, max_objects=16, touching=True, noise=0.02)

prior = Prior(
    name="shapes",
    description="Shape kinds: lines, squares, rectangles, outlines; their kinds, counts, and the longest line.",
    families=(
        Family(
            "shapes.kind",
            "What kind of shape is the object of color {color} in {grid}?",
            kind_of,
            SoleColorParam(),
            answer_format=frozenset(KINDS),
            invariant_under=MIRRORS,
            worked=Worked(kind_steps, kind_holds),
            held_out="Which kind of shape does the object of color {color} in {grid} have?",
        ),
        # Most grids hold one of a kind or none even when themed; thinning keeps 1 and 0 in check.
        Family(
            "shapes.count",
            "How many {kind}s are there in {grid}? (Squares do not count as rectangles here.)",
            count_kind,
            KindParam(),
            keep={"0": 0.8, "1": 0.45},
            answer_format=NUMBER,
            invariant_under=MIRRORS,
            worked=Worked(count_steps, is_of_kind),
            held_out="Count the {kind}s in {grid}. (Squares do not count as rectangles here.)",
        ),
        Family(
            "shapes.longest_line",
            "What is the length of the longest line in {grid}?",
            longest_line,
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
            worked=Worked(line_steps, is_a_line_of_length),
            held_out="How long is the longest line in {grid}?",
        ),
    ),
    settings=MEDIUM,
    levels={"easy": EASY, "medium": MEDIUM, "hard": HARD},
    build=build,
)
