"""Symmetry: does a grid, or one object in it, equal its own image under a flip or a turn?

The whole-grid answers compare the grid with a rotated or flipped copy of itself, cell for
cell, so they never depend on the conventions that split a grid into objects; only the
object family reads the parsed objects. The diagonal reflections and the quarter turn map a grid onto
itself only when it is square, so those families are asked on square grids alone, while
`symmetry.axes` lists all six names on every grid.

Levels (`SymmetrySettings`): easy draws grids of 3-6 cells a side in 1-2 colours besides
the background; medium is the default (2-12 a side, 1-3 colours); hard draws 12-30 a side
in 1-5 colours, so that many more cells must match their mirror images. No level adds
noise: a recoloured cell breaks an exact symmetry, and near misses are already drawn on
purpose (a few broken mirror pairs, objects one cell short of mirrored). Noise asked for
in settings still acts as in every prior; the answers are those of the grid as drawn.
"""

from __future__ import annotations

import re

import attrs
import numpy as np

from arc_priors_symmetry.sampler import SymmetrySampler
from generators import SizeCurriculum
from priors import (
    AS_YES_NO,
    DIHEDRAL,
    MIRRORS,
    NUMBER,
    YES_NO,
    ColorParam,
    Family,
    Prior,
    TableRule,
    Tables,
    table_rule,
)
from priors.object_kinds import object_boxes
from priors.questions import Worked
from priors.settings import SamplerSettings, SettingsError, with_noise
from priors.validation import whole
from priors.worked import box_of, colored_component, object_at, object_lines, on_grid, pair, read_pair

MAX_BREAKING = 4
"""`symmetry.breaking_cells` is asked only when at most this many mirror pairs differ:
beyond a few cells, "how far from symmetric" is counting, not seeing symmetry."""

AXES = (
    ("left-right", "flip_lr"),
    ("top-bottom", "flip_ud"),
    ("diagonal", "transpose"),
    ("anti-diagonal", "anti_transpose"),
    ("rotation 180", "rot180"),
    ("rotation 90", "rot90"),
)
"""The six symmetries `symmetry.axes` names, in the order its answers list them, each with
the transform (priors.transforms) that must leave the grid unchanged."""


def _ordered_subsets(names) -> str:
    """A regular expression for one or more of `names`, in their order, joined by ", "."""
    items = [re.escape(n) for n in names]
    return "|".join(item + "".join(f"(?:, {later})?" for later in items[i + 1 :]) for i, item in enumerate(items))


AXES_FORMAT = f"none|{_ordered_subsets(name for name, _ in AXES)}"
DIAGONALS = frozenset({"rot180", "transpose", "anti_transpose"})
"""What keeps a grid's diagonal symmetries each as it is: the other reflections and the
quarter turns swap the main diagonal with the anti-diagonal."""


def _yes_no(flag: bool) -> str:
    return "yes" if flag else "no"


def _square(t: Tables) -> np.ndarray:
    return t.cells.heights == t.cells.widths


# The whole-grid families are written once, over a chunk's tables (`priors.table_rule`): asked
# of one scene they read it as a chunk of one, and `generate` asks them of a whole chunk at once.
def _symmetric_under(transform: str, square_only: bool = False) -> TableRule:
    """Whether the grid is unchanged by the transform; asked of square grids only where the
    transform would turn a non-square grid's shape (the diagonals, the quarter turn)."""
    return TableRule(lambda t, params: (_square(t) if square_only else t.every, t.unchanged(transform)), AS_YES_NO)


left_right = _symmetric_under("flip_lr")
top_bottom = _symmetric_under("flip_ud")
diagonal = _symmetric_under("transpose", square_only=True)
anti_diagonal = _symmetric_under("anti_transpose", square_only=True)
rotation_180 = _symmetric_under("rot180")
rotation_90 = _symmetric_under("rot90", square_only=True)


def _axes_text(t: Tables, codes: np.ndarray) -> list[str]:
    """A bit per symmetry of AXES, in its order."""
    return [", ".join(name for i, (name, _) in enumerate(AXES) if code >> i & 1) or "none" for code in codes.tolist()]


@table_rule(_axes_text)
def axes(t: Tables, params):
    return t.every, sum(t.unchanged(transform).astype(np.int64) << i for i, (_, transform) in enumerate(AXES))


def _breaking(t: Tables) -> np.ndarray:
    """Per cell: the left cell (c < w-1-c) of a mirror pair (c, w-1-c) that differs."""
    c = t.cells
    return t.differing("flip_lr") & (c.col < c.widths[c.owner] - 1 - c.col)


@table_rule()
def breaking_cells(t: Tables, params):
    """Mirror pairs (c, w-1-c) that differ; changing one cell of each pair is the fewest changes."""
    differing = np.bincount(t.cells.owner, weights=_breaking(t), minlength=t.n).astype(np.int64)
    return differing <= MAX_BREAKING, differing


def _object_box(scene, color: int) -> tuple[int, int, int, np.ndarray]:
    """(index, top, left, the object's cells in its bounding box) of the object of the colour,
    which the question names (`Tables.sole`)."""
    index = int(scene.tables.sole[1][0, color])
    cells = scene.labels == index + 1
    rows, cols = np.flatnonzero(cells.any(axis=1)), np.flatnonzero(cells.any(axis=0))
    return index, int(rows[0]), int(cols[0]), cells[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]


def _mirrored(t: Tables) -> np.ndarray:
    """Per object of the chunk: every cell's mirror image across the object's bounding box
    (left to right) is a cell of the object too."""
    obj, row, col = t.object_cells
    n = len(t.areas)
    _, left, _, right = object_boxes(obj, row, col, n)
    mirror = t.cells.index(t.owner[obj], row, left[obj] + right[obj] - col)
    missing = t.object_at[mirror] != obj
    return np.bincount(obj[missing], minlength=n) == 0


@table_rule(AS_YES_NO)
def object_left_right(t: Tables, params):
    """Asked only when exactly one object holds the colour and it holds no other, so that
    "the object of color c" names one object of that colour."""
    named, index = t.sole
    chosen = index[t.rows, params["color"]]
    return named[t.rows, params["color"]], _mirrored(t)[chosen] if len(t.areas) else np.zeros(t.n, dtype=bool)


# --- worked answers: a cell that breaks the symmetry, and the cell it should match -----------


def _first(mask: np.ndarray, top: int = 0, left: int = 0) -> list[tuple[int, int]]:
    cells = np.argwhere(mask)
    return [(int(cells[0][0]) + top, int(cells[0][1]) + left)] if len(cells) else []


def witness_steps(transform: str):
    """No steps when the grid is symmetric; otherwise `R,C vs R',C'`: the first cell in
    reading order that the transform changes, and the cell whose colour it brings there."""

    def steps(scene, params) -> list[str]:
        t = scene.tables
        changed = np.flatnonzero(t.differing(transform))
        if not len(changed):
            return []
        c, first = t.cells, changed[0]
        source = t.image_of(transform)[first]
        return [pair((int(c.row[first]), int(c.col[first])), (int(c.row[source]), int(c.col[source])))]

    return steps


# Where the colour at (r, c) comes from under each transform, written out (n: the side of a square grid).
_SOURCES = {
    "flip_lr": lambda r, c, h, w: (r, w - 1 - c),
    "flip_ud": lambda r, c, h, w: (h - 1 - r, c),
    "transpose": lambda r, c, h, w: (c, r),
    "anti_transpose": lambda r, c, h, w: (h - 1 - c, w - 1 - r),
    "rot180": lambda r, c, h, w: (h - 1 - r, w - 1 - c),
    "rot90": lambda r, c, h, w: (c, w - 1 - r),
}


def witness_holds(transform: str):
    def holds(scene, params, line: str) -> bool:
        read, rows = read_pair(line), scene.grid.tolist()
        if read is None or not on_grid(scene.grid, read[0]) or not on_grid(scene.grid, read[1]):
            return False
        (r, c), found = read
        return found == _SOURCES[transform](r, c, len(rows), len(rows[0])) and rows[r][c] != rows[found[0]][found[1]]

    return holds


def witness(transform: str) -> Worked:
    return Worked(witness_steps(transform), witness_holds(transform))


def breaking_steps(scene, params) -> list[str]:
    """Every mirror pair that differs, by its left cell in reading order."""
    c, w = scene.tables.cells, scene.shape[1]
    return [
        pair((r, k), (r, w - 1 - k))
        for r, k in zip(c.row[_breaking(scene.tables)].tolist(), c.col[_breaking(scene.tables)].tolist())
    ]


def breaking_holds(scene, params, line: str) -> bool:
    read = read_pair(line)
    if read is None or not on_grid(scene.grid, read[0]) or not on_grid(scene.grid, read[1]):
        return False
    (r, c), (r2, c2) = read
    return r == r2 and c < c2 == scene.shape[1] - 1 - c and scene.grid[r, c] != scene.grid[r2, c2]


def object_steps(scene, params) -> list[str]:
    """The object, then, unless it is symmetric, the first cell of its box in reading order whose
    mirror image across the box disagrees with it about belonging to the object."""
    index, top, left, box = _object_box(scene, params["color"])
    right = left + box.shape[1] - 1
    broken = _first(box != box[:, ::-1], top, left)
    return object_lines(scene, [index]) + [pair(cell, (cell[0], left + right - cell[1])) for cell in broken]


def object_holds(scene, params, line: str) -> bool:
    named = colored_component(scene, params["color"])
    if named is None:
        return False
    read = read_pair(line)
    if read is None:
        return object_at(scene, line) == named
    top, left = min(r for r, _ in named), min(c for _, c in named)
    height, width = box_of(named).shape
    (r, c), (r2, c2) = read
    in_box = top <= r < top + height and left <= c < left + width
    return in_box and (r2, c2) == (r, 2 * left + width - 1 - c) and ((r, c) in named) != ((r2, c2) in named)


@attrs.frozen(kw_only=True)
class SymmetrySettings(SamplerSettings):
    """Read: the sides (of every grid), max_colors (besides the background; an object scene's
    shape and distractors count too) and noise. Patterns are coloured cell by cell, so
    object counts and touching are no knobs here: min_objects, max_objects and touching
    must keep their defaults. The defaults are the prior's default (`MEDIUM`)."""

    min_side: int = attrs.field(default=2, validator=whole(SettingsError, 1, 30))
    max_side: int = attrs.field(default=12, validator=whole(SettingsError, 1, 30))
    max_colors: int = attrs.field(default=3, validator=whole(SettingsError, 1, 9))

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        for name in ("min_objects", "max_objects", "touching"):
            if getattr(self, name) != getattr(SamplerSettings(), name):
                raise SettingsError(f"symmetry does not read {name}: its patterns are coloured cell by cell")


OBJECT_SCENE_MIN_SIDE = 3
"""The sampler's own smallest object scene, kept where the settings allow."""


def build(settings: SymmetrySettings):
    """Object scenes are drawn up to two cells narrower than max_side, since the mirrored shape
    may widen the grid by two; where that leaves them no room, every grid is a pattern."""
    low = min(max(OBJECT_SCENE_MIN_SIDE, settings.min_side), settings.max_side)
    high = settings.max_side - 2
    sampler = SymmetrySampler(
        sizes=SizeCurriculum(min_side=settings.min_side, max_side=settings.max_side, scale=10.0, square_rate=0.6),
        object_sizes=SizeCurriculum(min_side=low, max_side=max(low, high), scale=6.0, square_rate=0.3),
        object_rate=SymmetrySampler.object_rate if low <= high else 0.0,
        max_colors=settings.max_colors,
    )
    return with_noise(sampler.sample, settings)


EASY = SymmetrySettings(min_side=3, max_side=6, max_colors=2)
MEDIUM = SymmetrySettings()
HARD = SymmetrySettings(min_side=12, max_side=30, max_colors=5)

# Samples hold about two "no" for every "yes" of a whole-grid question (object scenes and
# broken patterns are seldom symmetric), so `keep` asks only some of the "no"s; likewise
# for "none" of axes, 0 of breaking_cells and "yes" of the object question.
prior = Prior(
    name="symmetry",
    description=(
        "Symmetry of the whole grid under flips and turns, how far it is from left-right symmetry, and "
        "mirrored objects."
    ),
    families=(
        Family(
            "symmetry.left_right",
            "Is {grid} the same when flipped left to right? Answer yes or no.",
            left_right,
            keep={"no": 0.52},
            answer_format=YES_NO,
            invariant_under=MIRRORS,
            worked=witness("flip_lr"),
            held_out="Does {grid} look the same in a mirror placed on its left or right side? Answer yes or no.",
        ),
        Family(
            "symmetry.top_bottom",
            "Is {grid} the same when flipped top to bottom? Answer yes or no.",
            top_bottom,
            keep={"no": 0.45},
            answer_format=YES_NO,
            invariant_under=MIRRORS,
            worked=witness("flip_ud"),
            held_out="Does {grid} look the same in a mirror placed above or below it? Answer yes or no.",
        ),
        Family(
            "symmetry.diagonal",
            "Is {grid} the same when reflected across its main diagonal, from the top-left to the bottom-right corner? "
            "Answer yes or no.",
            diagonal,
            keep={"no": 0.5},
            answer_format=YES_NO,
            invariant_under=DIAGONALS,
            worked=witness("transpose"),
            held_out=(
                "Does {grid} stay unchanged when mirrored across the diagonal from its top-left to its bottom-right "
                "corner? Answer yes or no."
            ),
        ),
        Family(
            "symmetry.anti_diagonal",
            "Is {grid} the same when reflected across its anti-diagonal, from the top-right to the bottom-left corner? "
            "Answer yes or no.",
            anti_diagonal,
            keep={"no": 0.5},
            answer_format=YES_NO,
            invariant_under=DIAGONALS,
            worked=witness("anti_transpose"),
            held_out=(
                "Does {grid} stay unchanged when mirrored across the diagonal from its top-right to its bottom-left "
                "corner? Answer yes or no."
            ),
        ),
        Family(
            "symmetry.rotation_180",
            "Is {grid} the same when rotated by a half turn (180 degrees)? Answer yes or no.",
            rotation_180,
            keep={"no": 0.5},
            answer_format=YES_NO,
            invariant_under=DIHEDRAL,
            worked=witness("rot180"),
            held_out="Does {grid} stay unchanged when turned upside down (a 180 degree rotation)? Answer yes or no.",
        ),
        Family(
            "symmetry.rotation_90",
            "Is {grid} the same when rotated by a quarter turn (90 degrees)? Answer yes or no.",
            rotation_90,
            keep={"no": 0.4},
            answer_format=YES_NO,
            invariant_under=DIHEDRAL,
            worked=witness("rot90"),
            held_out="Does {grid} stay unchanged when turned by 90 degrees? Answer yes or no.",
        ),
        Family(
            "symmetry.axes",
            "Which of these symmetries does {grid} have: left-right, top-bottom, diagonal, anti-diagonal, rotation "
            "180, "
            "rotation 90? List them separated by commas, or answer none",
            axes,
            keep={"none": 0.5},
            answer_format=AXES_FORMAT,
            # A half turn commutes with every rotation and flip; anything else swaps two of the six.
            invariant_under={"rot180"},
            held_out=(
                "List the symmetries of {grid} among left-right, top-bottom, diagonal, anti-diagonal, rotation 180 "
                "and rotation 90, separated by commas, or answer none"
            ),
        ),
        Family(
            "symmetry.breaking_cells",
            "How many cells would have to change to make {grid} symmetric from left to right?",
            breaking_cells,
            keep={"0": 0.4},
            answer_format=NUMBER,
            invariant_under=MIRRORS,
            worked=Worked(breaking_steps, breaking_holds),
            held_out="To make {grid} mirror-symmetric from left to right, how many cells must change?",
        ),
        Family(
            "symmetry.object_left_right",
            "Is the object of color {color} in {grid} symmetric from left to right? Answer yes or no.",
            object_left_right,
            ColorParam(absent_rate=0.0),
            keep={"yes": 0.65},
            answer_format=YES_NO,
            invariant_under=MIRRORS,
            worked=Worked(object_steps, object_holds),
            held_out=(
                "Does the object of color {color} in {grid} look the same mirrored left to right? Answer yes or no."
            ),
        ),
    ),
    settings=MEDIUM,
    levels={"easy": EASY, "medium": MEDIUM, "hard": HARD},
    build=build,
)
