"""Colours: cell counts per colour, the background, the most and least used colours.

Levels: easy draws 3-8 cells a side with 1-3 apart shapes in at most 3 colours; medium is
the default (1-30 a side, 1-8 shapes that may touch, any colours); hard draws 12-30 a side
with 8-20 touching shapes and 3% of the cells recoloured at random, so that counting cells
of a colour means counting scattered ones too.
"""

import re

from priors.prior import Prior
from priors.questions import COLOR, NUMBER, ColorParam, Family, Worked
from priors.settings import SamplerSettings, scene_sampler
from priors.tables import NO_BACKGROUND, Tables, table_rule, unique_best
from priors.transforms import DIHEDRAL
from priors.worked import read_color, read_row, read_tally, row_lines, tally


def _foreground_counts(scene) -> dict[int, int]:
    """Cells per colour present, the background excluded."""
    return {c: n for c, n in enumerate(scene.color_counts) if n and c != scene.background}


@table_rule()
def cells_of_color(t: Tables, params):
    return t.every, t.color_counts[t.rows, params["color"]]


@table_rule()
def background(t: Tables, params):
    return t.background != NO_BACKGROUND, t.background


def _extreme_color(t: Tables, sign: int):
    unique, color = unique_best(t.color_counts, t.foreground, sign)
    return unique & (t.foreground_colors >= 2), color  # with one colour, "most" gives itself away


@table_rule()
def most_color(t: Tables, params):
    return _extreme_color(t, +1)


@table_rule()
def least_color(t: Tables, params):
    return _extreme_color(t, -1)


@table_rule()
def distinct_colors(t: Tables, params):
    return t.every, t.foreground_colors


# --- worked answers: written from the colour tables, judged by counting the grid's rows ----


def _cells(scene, color: int) -> int:
    return sum(row.count(color) for row in scene.grid.tolist())


def row_steps(scene, params) -> list[str]:
    """`row R: N` for each row holding the colour: the count made one row at a time."""
    return row_lines((scene.grid == params["color"]).sum(axis=1).tolist())


def row_holds(scene, params, line: str) -> bool:
    read = read_tally(line)
    row = None if read is None else read_row(read[0])
    return row is not None and row < scene.shape[0] and scene.grid[row].tolist().count(params["color"]) == read[1]


def tally_steps(scene, params) -> list[str]:
    """`C: N`, cells per colour, for the colours other than the background."""
    return [tally(c, n) for c, n in _foreground_counts(scene).items()]


def background_steps(scene, params) -> list[str]:
    """Cells per colour, the background's included, when the background is the most common
    colour; a background set by convention has no work to show."""
    if scene.conventions.background != "most_common":
        return []
    return [tally(c, n) for c, n in enumerate(scene.color_counts) if n]


def counts_cells(foreground_only: bool):
    """A check of `C: N` steps (N cells of colour C), the background left out when asked."""

    def holds(scene, params, line: str) -> bool:
        read = read_tally(line)
        color = None if read is None else read_color(read[0])
        if color is None or (foreground_only and color == scene.background):
            return False
        return _cells(scene, color) == read[1]

    return holds


_COLOR = re.compile(r"^color (\d)$")


def color_steps(scene, params) -> list[str]:
    """`color C` for each colour other than the background, in increasing order."""
    return [f"color {c}" for c in _foreground_counts(scene)]


def is_a_foreground_color(scene, params, line: str) -> bool:
    match = _COLOR.match(line.strip())
    return match is not None and int(match[1]) != scene.background and _cells(scene, int(match[1])) > 0


# Colour tallies are listed by colour, but any order would show the same work.
EXTREME_WORKED = Worked(tally_steps, counts_cells(True), ordered=False)


EASY = SamplerSettings(min_side=3, max_side=8, min_objects=1, max_objects=3, max_colors=3)
MEDIUM = SamplerSettings(min_objects=1, max_objects=8, touching=True)
HARD = SamplerSettings(min_side=12, max_side=30, min_objects=8, max_objects=20, touching=True, noise=0.03)

prior = Prior(
    name="colors",
    description="Colours: cells per colour, background, most and least used, how many.",
    families=(
        Family(
            "colors.cells",
            "How many cells have color {color} in {grid}?",
            cells_of_color,
            ColorParam(absent_rate=0.15),
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
            worked=Worked(row_steps, row_holds),
            phrasings=(
                "In {grid}, how many cells are of color {color}?",
                "Count the cells of color {color} in {grid}.",
            ),
            held_out="What is the number of cells colored {color} in {grid}?",
        ),
        # Backgrounds are black 80% of the time; asking 15% of those keeps 0 from dominating.
        Family(
            "colors.background",
            "What is the background color of {grid}?",
            background,
            keep={"0": 0.15},
            answer_format=COLOR,
            invariant_under=DIHEDRAL,
            worked=Worked(background_steps, counts_cells(False), ordered=False),
            phrasings=(
                "Which color is the background of {grid}?",
                "In {grid}, what color is the background?",
            ),
            held_out="Name the color that forms the background of {grid}.",
        ),
        Family(
            "colors.most",
            "Which color (other than the background) covers the most cells in {grid}?",
            most_color,
            answer_format=COLOR,
            invariant_under=DIHEDRAL,
            worked=EXTREME_WORKED,
            phrasings=(
                "In {grid}, which color other than the background has the most cells?",
                "Not counting the background, which color fills the most cells of {grid}?",
            ),
            held_out="Leaving out the background, what color appears on the largest number of cells in {grid}?",
        ),
        Family(
            "colors.least",
            "Which color (other than the background) covers the fewest cells in {grid}?",
            least_color,
            answer_format=COLOR,
            invariant_under=DIHEDRAL,
            worked=EXTREME_WORKED,
            phrasings=(
                "In {grid}, which color other than the background has the fewest cells?",
                "Not counting the background, which color fills the fewest cells of {grid}?",
            ),
            held_out="Leaving out the background, what color appears on the smallest number of cells in {grid}?",
        ),
        Family(
            "colors.distinct",
            "How many different colors are there in {grid}, not counting the background?",
            distinct_colors,
            keep={"1": 0.6},
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
            worked=Worked(color_steps, is_a_foreground_color, ordered=False),
            phrasings=(
                "How many distinct colors, other than the background, appear in {grid}?",
                "Not counting the background, how many colors does {grid} use?",
            ),
            held_out="Leaving out the background, count the different colors present in {grid}.",
        ),
    ),
    # Shapes may touch here: colour questions do not depend on object boundaries.
    settings=MEDIUM,
    levels={"easy": EASY, "medium": MEDIUM, "hard": HARD},
    build=scene_sampler,
)
