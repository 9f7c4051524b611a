"""The zones a colour's full lines make, over a chunk's cells: the one definition the zones
prior's families (`priors.builtin.zones`) read, for a chunk of grids and, as a chunk of
one, for a single scene's worked steps."""

from __future__ import annotations

import attrs
import numpy as np

from priors.tables import COLORS, Tables


@attrs.frozen
class Zones:
    """The zones one colour's lines make: a rows x cols table and what each zone holds."""

    rows: int
    cols: int
    tally: np.ndarray = attrs.field(eq=False, repr=False)
    """tally[z, k]: cells of colour k in zone z, zones numbered row by row from 0."""
    line_rows: tuple[int, ...] = ()
    line_cols: tuple[int, ...] = ()
    """The rows and columns that are full lines of the colour."""

    @property
    def count(self) -> int:
        return self.rows * self.cols


@attrs.frozen
class Axis:
    """The rows (or columns) of a chunk's grids, grid after grid: `at`, the one each cell is on;
    `band[r, c]`, row r's band under colour c (-1 on a full line of c); `bands[g, c]`, how many in grid g."""

    at: np.ndarray
    band: np.ndarray
    bands: np.ndarray

    @classmethod
    def of(cls, owner: np.ndarray, index: np.ndarray, sizes: np.ndarray, length: np.ndarray, values: np.ndarray):
        """The rows of grids `sizes` tall and `length` wide, cell i of grid owner[i] on row index[i]
        (the columns, with sizes and length swapped). A band is a maximal run of rows not lines."""
        offset = np.cumsum(sizes) - sizes
        at, total = offset[owner] + index, int(sizes.sum())
        hits = np.bincount(at * COLORS + values, minlength=total * COLORS).reshape(total, COLORS)
        is_line = hits == np.repeat(length, sizes)[:, None]
        first = np.zeros((total, 1), dtype=bool)
        first[offset] = True  # a grid has a row, so offset holds each grid's own first row
        starts = ~is_line & (first | np.roll(is_line, 1, axis=0))  # the roll's wrap lands on a first row
        seen = np.cumsum(starts, axis=0)
        before = seen[offset] - starts[offset]  # per grid: bands started in the grids above it
        band = np.where(is_line, -1, seen - np.repeat(before, sizes, axis=0) - 1)
        return cls(at, band, seen[offset + sizes - 1] - before)


@attrs.frozen
class Lines:
    """Per grid and colour, the table of rows.bands x cols.bands zones the colour's full lines
    make, and whether the colour may be asked about (`ok`)."""

    rows: Axis
    cols: Axis
    ok: np.ndarray

    @classmethod
    def of(cls, t: Tables) -> "Lines":
        """The chunk's lines, worked out once for the four families asked of it."""
        # Kept in the tables' __dict__, as cached_property keeps Tables' own arrays: it lives
        # and dies with the chunk, and Tables need not know about zones.
        if "_zone_lines" not in vars(t):
            c = t.cells
            rows = Axis.of(c.owner, c.row, c.heights, c.widths, c.values)
            cols = Axis.of(c.owner, c.col, c.widths, c.heights, c.values)
            ok = t.not_background & (rows.bands * cols.bands >= 2)  # two zones need a line
            vars(t)["_zone_lines"] = cls(rows, cols, ok)
        return vars(t)["_zone_lines"]

    def shape(self, t: Tables, color: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per grid, under its colour: (ok, rows of zones, columns of zones)."""
        return self.ok[t.rows, color], self.rows.bands[t.rows, color], self.cols.bands[t.rows, color]

    def zones(self, t: Tables, color: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Under each grid's colour, its zones grid after grid, each in reading order:
        (each zone's grid, its place in that grid's table, tally[z, k] its cells of colour k)."""
        c, (_, rows, cols) = t.cells, self.shape(t, color)
        count = rows * cols
        first = np.cumsum(count) - count
        row_band, col_band = self.rows.band[self.rows.at, color[c.owner]], self.cols.band[self.cols.at, color[c.owner]]
        inside = (row_band >= 0) & (col_band >= 0)
        zone = (first[c.owner] + row_band * cols[c.owner] + col_band)[inside]
        tally = np.bincount(zone * COLORS + c.values[inside], minlength=int(count.sum()) * COLORS)
        owner = np.repeat(t.rows, count)
        return owner, np.arange(len(owner)) - first[owner], tally.reshape(-1, COLORS)


def separator_colors(scene) -> tuple[int, ...]:
    """The colours the families may ask about, in increasing order."""
    return tuple(np.flatnonzero(Lines.of(scene.tables).ok[0]).tolist())


def zones_of(scene, color: int) -> Zones | None:
    """The zones of `color`, or None when the colour may not be asked about."""
    found = Lines.of(scene.tables)
    if not found.ok[0, color]:
        return None
    axes = (found.rows, found.cols)
    tally = found.zones(scene.tables, np.array([color]))[2]
    on_lines = (tuple(np.flatnonzero(a.band[:, color] < 0).tolist()) for a in axes)
    return Zones(*(int(a.bands[0, color]) for a in axes), tally, *on_lines)
