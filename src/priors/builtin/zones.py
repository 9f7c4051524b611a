"""Zones: full-length lines of one colour divide a grid into a table of rectangles.

The exact rule, shared by every family (tests/ref_zones.py restates it independently):

- For a colour c, a separator row is a row whose every cell is c, and a separator column
  a column whose every cell is c.
- The zones of c are the rectangles (maximal run of non-separator rows) x (maximal run of
  non-separator columns). They form a table of rows x columns of zones, numbered from the
  top and from the left, counting from 1. Separator cells lie in no zone; a zone may still
  hold cells of c (shapes of the separator colour, lines that stop short).
- A colour may be asked about when it is not the background (under background=None every
  colour may be), it has at least one separator row or column, and its lines make at least
  2 zones. When several colours qualify, one is drawn with the rng.
- zones.empty counts the zones whose every cell is the background colour, so it is asked
  only when there is a background.
- zones.most asks which zone holds the most cells of a target colour. Any colour but the
  background may be the target, the separator colour included (its cells inside zones
  count, the lines do not); the question is asked only when one zone holds strictly more
  than every other, and at least one cell. The sampler draws targets among the colours
  present inside the zones.

Objects play no part: connectivity and univalued never change an answer, only the
background does.

Levels (`ZoneSettings`): easy draws grids of 3-8 cells a side in at most 2 x 2 bands of
2-4 cells, 1-3 shapes of one colour (or the lines'), at most one per band; medium is the default (1-4 x
1-4 bands of 2-6 cells, up to 2 shapes per band in 1-3 colours); hard draws 12-30 a side
in up to 6 x 6 bands of 2-12 cells, shapes in at least 6 bands, up to 3 each in 1-5
colours. Shapes may touch at every level, since no answer reads objects. No level adds
noise: one recoloured cell on a line stops it being a full line, and the grid would then
be about lines nobody drew; noise asked for in settings still acts as in every prior, and
the answers are those of the grid as drawn.
"""

from __future__ import annotations

import re

import attrs
import numpy as np

from generators.zones import ZoneSampler
from priors.prior import Prior
from priors.questions import NUMBER, Family, Worked
from priors.settings import SamplerSettings, SettingsError, with_noise
from priors.tables import COLORS, NO_BACKGROUND, Tables, chosen_for_one, pick, table_rule, unique_best
from priors.transforms import DIHEDRAL, MIRRORS
from priors.validation import flag, whole
from priors.worked import read_tally
from priors.worked import tally as tally_line
from priors.zone_lines import Lines, Zones, separator_colors, zones_of

LAYOUT = r"[1-9][0-9]* x [1-9][0-9]*"
POSITION = r"[1-9][0-9]*, [1-9][0-9]*"
_LEAD = "The lines of color {color} divide {grid} into zones. "


@attrs.frozen
class SeparatorParam:
    """A separator colour, drawn uniformly among those that qualify."""

    def domain(self, scene) -> tuple[dict, ...]:
        return tuple({"color": c} for c in separator_colors(scene))

    def choose(self, scene, rng: np.random.Generator) -> dict | None:
        return chosen_for_one(self.choose_chunk, scene, rng)

    def choose_chunk(self, t: Tables, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
        ok, color = pick(Lines.of(t).ok, rng.random(t.n))
        return ok, {"color": color}


SEPARATOR = SeparatorParam()


@attrs.frozen
class TargetParam:
    """A separator colour and a target colour. The domain holds every target but the
    background; choices are drawn among the targets present in the zones, since a
    target found in no zone is never asked about."""

    def domain(self, scene) -> tuple[dict, ...]:
        targets = [t for t in range(10) if t != scene.background]
        return tuple({"color": c, "target": t} for c in separator_colors(scene) for t in targets)

    def choose(self, scene, rng: np.random.Generator) -> dict | None:
        return chosen_for_one(self.choose_chunk, scene, rng)

    def choose_chunk(self, t: Tables, rng: np.random.Generator) -> tuple[np.ndarray, dict]:
        u, v = rng.random((2, t.n))
        ok, color = pick(Lines.of(t).ok, u)
        owner, _, tally = Lines.of(t).zones(t, color)
        held = np.zeros((t.n, COLORS), dtype=np.int64)
        np.add.at(held, owner, tally)
        present, target = pick((held > 0) & t.not_background, v)
        return ok & present, {"color": color, "target": target}


_PAIR = 100
"""Two numbers as one answer code, a * _PAIR + b: 30 cells make at most 15 bands of zones."""


def _pair_text(between: str):
    return lambda t, codes: [f"{a}{between}{b}" for a, b in zip(*(x.tolist() for x in np.divmod(codes, _PAIR)))]


@table_rule()
def zone_count(t: Tables, params):
    ok, rows, cols = Lines.of(t).shape(t, params["color"])
    return ok, rows * cols


@table_rule(_pair_text(" x "))
def zone_layout(t: Tables, params):
    ok, rows, cols = Lines.of(t).shape(t, params["color"])
    return ok, rows * _PAIR + cols


def _empty(tally: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Per zone, whether its every cell is the background colour (`background`, per zone)."""
    return tally[np.arange(len(tally)), background] == tally.sum(axis=1)


@table_rule()
def empty_zones(t: Tables, params):
    owner, _, tally = Lines.of(t).zones(t, params["color"])
    empty = np.bincount(owner, weights=_empty(tally, t.background[owner]), minlength=t.n).astype(np.int64)
    # Without a background (-1) the lookup reads colour 9, and the question is not asked.
    return Lines.of(t).ok[t.rows, params["color"]] & (t.background != NO_BACKGROUND), empty


@table_rule(_pair_text(", "))
def most_zone(t: Tables, params):
    ok, rows, cols = Lines.of(t).shape(t, params["color"])
    owner, place, tally = Lines.of(t).zones(t, params["color"])
    held = np.zeros((t.n, max(1, int((rows * cols).max(initial=0)))), dtype=np.int64)  # a row per grid
    held[owner, place] = tally[np.arange(len(owner)), params["target"][owner]]
    unique, best = unique_best(held, np.arange(held.shape[1]) < rows[:, None] * cols[:, None], 1)
    row, col = np.divmod(best, np.maximum(cols, 1))
    # With 2 zones or more, a maximum of 0 is a tie.
    return ok & (params["target"] != t.background) & unique, (row + 1) * _PAIR + col + 1


# --- worked answers: written from the Zones table, judged by plain loops over the grid's rows ---


def _zone(index: int, zones: Zones) -> str:
    row, col = divmod(index, zones.cols)
    return f"zone {row + 1},{col + 1}"


def line_steps(scene, params) -> list[str]:
    """`row R` and `col C` for each full line of the colour, rows first."""
    zones = zones_of(scene, params["color"])
    return [f"row {r}" for r in zones.line_rows] + [f"col {c}" for c in zones.line_cols]


def count_steps(scene, params) -> list[str]:
    """The lines, then the table they make (`2 x 3`), whose product is the count."""
    return line_steps(scene, params) + [zone_layout(scene, params)]


def empty_steps(scene, params) -> list[str]:
    """`zone R,C` for each zone of background only, in reading order."""
    zones = zones_of(scene, params["color"])
    empty = _empty(zones.tally, np.full(zones.count, scene.background))
    return [_zone(i, zones) for i in np.flatnonzero(empty).tolist()]


def most_steps(scene, params) -> list[str]:
    """`zone R,C: N` for each zone holding the target colour, in reading order."""
    zones = zones_of(scene, params["color"])
    return [tally_line(_zone(i, zones), n) for i, n in enumerate(zones.tally[:, params["target"]].tolist()) if n]


def _runs(lines: list[bool]) -> list[list[int]]:
    """The maximal runs of indices that are not lines."""
    runs: list[list[int]] = []
    for i, line in enumerate(lines):
        if not line:
            if i == 0 or lines[i - 1]:
                runs.append([])
            runs[-1].append(i)
    return runs


def _table(scene, color: int) -> list[list[list[int]]]:
    """The zones of the colour as rows of zones, each zone the list of its cells' colours."""
    grid = scene.grid.tolist()
    row_runs = _runs([all(v == color for v in row) for row in grid])
    col_runs = _runs([all(row[c] == color for row in grid) for c in range(len(grid[0]))])
    return [[[grid[r][c] for r in rows for c in cols] for cols in col_runs] for rows in row_runs]


_PLACE = re.compile(r"^zone ([1-9][0-9]*),([1-9][0-9]*)$")
_SIZE = re.compile(r"^([1-9][0-9]*) x ([1-9][0-9]*)$")


def _zone_at(scene, color: int, key: str) -> list[int] | None:
    match = _PLACE.match(key)
    table = _table(scene, color)
    if match is None or int(match[1]) > len(table) or int(match[2]) > len(table[0]):
        return None
    return table[int(match[1]) - 1][int(match[2]) - 1]


def zone_holds(scene, params, line: str) -> bool:
    """A `row R` or `col C` step is a full line of the colour; `H x W` is the table its lines
    make; `zone R,C` is a zone of background only; `zone R,C: N` holds N cells of the target."""
    color, grid = params["color"], scene.grid.tolist()
    kind, _, at = line.partition(" ")
    if kind in ("row", "col") and at.isdigit() and str(int(at)) == at:
        cells = grid[int(at)] if kind == "row" and int(at) < len(grid) else None
        if kind == "col" and int(at) < len(grid[0]):
            cells = [row[int(at)] for row in grid]
        return cells is not None and all(v == color for v in cells)
    size = _SIZE.match(line)
    if size is not None:
        table = _table(scene, color)
        return len(table) == int(size[1]) and len(table[0]) == int(size[2])  # a table has a row: size[1] >= 1
    read = read_tally(line)
    if read is not None and "target" in params:
        zone = _zone_at(scene, color, read[0])
        return zone is not None and zone.count(params["target"]) == read[1]
    zone = _zone_at(scene, color, line)
    return zone is not None and scene.background is not None and all(v == scene.background for v in zone)


@attrs.frozen(kw_only=True)
class ZoneSettings(SamplerSettings):
    """The common settings read the zones' way, plus the bands'. Sides bound the whole grid,
    lines included; min_objects is the fewest bands given shapes and max_objects the most
    shapes in all (the lines are objects too, and not counted); max_colors is the most shape
    colours besides the lines' (7 remain; a share of grids also draws shapes in the line
    colour). Shapes always may touch. The defaults are the prior's default (`MEDIUM`): up to
    4 x 4 bands of up to 2 shapes, 32 shapes at most, so max_objects never binds there."""

    max_objects: int = attrs.field(default=32, validator=whole(SettingsError, 0, 60))
    max_colors: int = attrs.field(default=3, validator=whole(SettingsError, 1, 9))
    touching: bool = attrs.field(default=True, validator=flag(SettingsError))
    max_bands: int = attrs.field(default=4, validator=whole(SettingsError, 2, 10))
    """Bands of zones across and down, each 1 to max_bands (not both 1)."""
    min_band: int = attrs.field(default=2, validator=whole(SettingsError, 1, 30))
    max_band: int = attrs.field(default=6, validator=whole(SettingsError, 1, 30))
    """Cells across a band, between its lines."""
    max_shapes: int = attrs.field(default=2, validator=whole(SettingsError, 1, 9))
    """Shapes drawn in a band that gets any, 1 to max_shapes."""

    def __attrs_post_init__(self) -> None:
        super().__attrs_post_init__()
        if self.min_band > self.max_band:
            raise SettingsError(f"min_band {self.min_band} is above max_band {self.max_band}")
        if not self.touching:
            raise SettingsError(
                "zones cannot keep shapes apart (touching must be true): its questions never read objects"
            )


def build(settings: ZoneSettings):
    try:
        sampler = ZoneSampler(
            max_bands=settings.max_bands,
            min_side=settings.min_band,
            max_side=settings.max_band,
            max_colors=min(settings.max_colors, COLORS - 2),
            max_shapes=settings.max_shapes,
            min_grid_side=settings.min_side,
            max_grid_side=settings.max_side,
            min_filled=settings.min_objects,
            max_shapes_in_all=settings.max_objects,
        )
    except ValueError as err:
        raise SettingsError(f"zones: {err}") from None
    return with_noise(sampler.sample, settings)


EASY = ZoneSettings(
    min_side=3, max_side=8, min_objects=1, max_objects=3, max_colors=1, max_bands=2, max_band=4, max_shapes=1
)
MEDIUM = ZoneSettings()
HARD = ZoneSettings(
    min_side=12, max_side=30, min_objects=6, max_objects=60, max_colors=5, max_bands=6, max_band=12, max_shapes=3
)

prior = Prior(
    name="zones",
    description=(
        "Grids cut by full-length lines: how many zones, in what rows x columns, how many empty, where a "
        "colour is most."
    ),
    families=(
        Family(
            "zones.count",
            _LEAD + "How many zones are there?",
            zone_count,
            SEPARATOR,
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
            worked=Worked(count_steps, zone_holds),
            held_out="In {grid}, lines of color {color} split the grid into zones. Count the zones.",
        ),
        # A quarter turn or a transpose swaps rows and columns of zones; mirrors keep them.
        Family(
            "zones.layout",
            _LEAD + "How many rows and columns of zones are there? Answer as rows x columns",
            zone_layout,
            SEPARATOR,
            answer_format=LAYOUT,
            invariant_under=MIRRORS,
            worked=Worked(line_steps, zone_holds),
            held_out=(
                "In {grid}, lines of color {color} split the grid into zones. Give the zones' rows and columns as "
                "rows x columns"
            ),
        ),
        Family(
            "zones.empty",
            _LEAD + "How many zones hold only the background color?",
            empty_zones,
            SEPARATOR,
            answer_format=NUMBER,
            invariant_under=DIHEDRAL,
            worked=Worked(empty_steps, zone_holds),
            held_out=(
                "In {grid}, lines of color {color} split the grid into zones. How many zones contain nothing but the "
                "background color?"
            ),
        ),
        # The answer is a position, which every rotation and flip moves.
        Family(
            "zones.most",
            _LEAD + "Which zone holds the most cells of color {target}? "
            "Answer with its row and column of zones, counting from 1, as row, column",
            most_zone,
            TargetParam(),
            answer_format=POSITION,
            invariant_under=frozenset(),
            worked=Worked(most_steps, zone_holds),
            held_out=(
                "In {grid}, lines of color {color} split the grid into zones. Which zone has the most cells of color "
                "{target}? Answer with its row and column of zones, counting from 1, as row, column"
            ),
        ),
    ),
    settings=MEDIUM,
    levels={"easy": EASY, "medium": MEDIUM, "hard": HARD},
    build=build,
)
