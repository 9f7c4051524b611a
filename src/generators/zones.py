"""Zone grids: full-length separator lines cut a grid into a table of rectangles, some holding shapes.

A grid is drawn as bands: rows of zones and columns of zones, each min_side to max_side
cells wide, with a one-cell separator line between neighbouring bands (never on the border,
so every line has a zone on both sides). Band counts are uniform over 1-max_bands rows by
1-max_bands columns of bands, 1 x 1 excepted (and those that cannot fit the grid's
side bounds, when it has any); with the default 4, one grid in five has only
horizontal lines and one in five only vertical ones. Where all lines run one way, a share of grids paint some of them
in a second colour, so that "the lines of color c" names a choice.

Shapes never complete a full line (the grid would then hold separators nobody drew), and
the background stays strictly the most common colour, so under the "most common"
convention it is the background the sampler painted.

The grids are drawn a chunk at a time (`ZoneSampler.grids`, the sampler's chunk version),
every step as arrays over the chunk: each band is a small board of its own, on which
`generators.placement` puts shapes at uniformly random free spots, as every sampler does.
A shape that breaks a promise is taken back, as one that fits nowhere, and drawn again up
to `max_tries` times. `sample` and `draw` are a chunk of one.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from generators.chunks import Drawing
from generators.fast import OUT, Drawn, backgrounds, blank, catalogue, outnumbered, palettes, shapes
from generators.placement import BOARD, PADDED, block_chunk, box_words, color_chunk, free_spots
from generators.policies import COLORS, MAX_SIDE, BackgroundPolicy, pick_indices, ranks
from generators.sampler import DEFAULT_KINDS, Sample, drawn_sample, painted
from generators.shapes import SHAPE_KINDS


@dataclass(frozen=True)
class ZoneLayout:
    """What a ZoneSampler drew: its lines, the bands between them, and the bands given shapes."""

    lines: tuple[tuple[str, int, int], ...]
    """("row" or "col", index, colour) of every separator line."""
    row_bands: tuple[tuple[int, int], ...]
    """(first, stop) rows of each band of rows between lines, top to bottom."""
    col_bands: tuple[tuple[int, int], ...]
    filled: frozenset[tuple[int, int]]
    """(band row, band column) of every band that holds at least one shape."""


@dataclass(frozen=True)
class Zoned:
    """A chunk of zone grids and how each was laid out: per grid and band (at most
    max_bands a direction, 0 past the grid's last) its side and first row or column, per
    line slot its colour (-1: none), and the shapes painted (`shapes`: one entry each of
    grid, band as band row * max_bands + band column, kind, colour, top, left, mask id)."""

    drawn: Drawn
    row_sides: np.ndarray
    col_sides: np.ndarray
    row_starts: np.ndarray
    col_starts: np.ndarray
    row_colors: np.ndarray
    col_colors: np.ndarray
    kinds: tuple[str, ...]
    shapes: dict

    def sample(self, g: int) -> Sample:
        s = self.shapes
        intent = [
            painted(self.kinds[s["kind"][i]], s["color"][i], s["top"][i], s["left"][i], s["id"][i])
            for i in np.flatnonzero(s["grid"] == g).tolist()
        ]
        return drawn_sample(self.drawn, g, intent, None)

    def layout(self, g: int, max_bands: int) -> ZoneLayout:
        def bands(sides, starts):
            return tuple((a, a + s) for a, s in zip(starts[g].tolist(), sides[g].tolist()) if s)

        row_bands, col_bands = bands(self.row_sides, self.row_starts), bands(self.col_sides, self.col_starts)
        lines = [("row", stop, c) for (_, stop), c in zip(row_bands, self.row_colors[g].tolist()) if c >= 0]
        lines += [("col", stop, c) for (_, stop), c in zip(col_bands, self.col_colors[g].tolist()) if c >= 0]
        held = self.shapes["band"][self.shapes["grid"] == g].tolist()
        return ZoneLayout(tuple(lines), row_bands, col_bands, frozenset(divmod(b, max_bands) for b in held))


@dataclass(frozen=True)
class _Slots:
    """The bands meant to hold shapes, one entry each: its grid, shapes wanted, first row and
    column, height and width, its grid's height and width, and band (band row * max_bands +
    band column)."""

    grid: np.ndarray
    wanted: np.ndarray
    top: np.ndarray
    left: np.ndarray
    height: np.ndarray
    width: np.ndarray
    grid_height: np.ndarray
    grid_width: np.ndarray
    band: np.ndarray


def _band_frames(slots: _Slots) -> np.ndarray:
    """Each band's blocked board (`generators.placement`'s bitboards, padded by one): its
    grid's frame with every cell blocked but the band's own, so that a free spot of the grid
    is a spot of the band."""
    return ~box_words(slots.top, slots.left, slots.height, slots.width)


def _line_map(colors: np.ndarray, at: np.ndarray) -> np.ndarray:
    """Per grid and row (or column) of the board, the colour of the line drawn there, or -1."""
    lines = np.full((len(colors), BOARD), -1, dtype=np.int64)
    g, k = np.nonzero(colors >= 0)
    lines[g, at[g, k]] = colors[g, k]
    return lines


def _broken(board: np.ndarray, background: np.ndarray, row_line: np.ndarray, col_line: np.ndarray) -> np.ndarray:
    """Per grid: a full line of one colour other than the background where no line was
    drawn, or the background not strictly the most common colour."""
    outside = board == OUT
    rows = ((board == board[:, :, :1]) | outside).all(axis=2) & ~outside[:, :, 0]
    cols = ((board == board[:, :1, :]) | outside).all(axis=1) & ~outside[:, 0, :]
    rows &= board[:, :, 0] != background[:, None]
    cols &= board[:, 0, :] != background[:, None]
    return (rows & ~row_line).any(axis=1) | (cols & ~col_line).any(axis=1) | outnumbered(board, background)


@dataclass(frozen=True)
class ZoneSampler:
    """Draws zone grids; `sample` is the prior's sampler, `draw` also returns the layout.

    Band counts (rows x columns of bands) are uniform over 1..max_bands each, 1 x 1
    excepted, and those that cannot fit the grid's side bounds. The number of bands given
    shapes is uniform from none to all of them, so that empty counts are spread; a band
    meant to hold shapes stays empty only when none of its shapes fits.
    """

    background: BackgroundPolicy = BackgroundPolicy()
    max_bands: int = 4
    min_side: int = 2
    max_side: int = 6
    equal_rate: float = 0.6
    """Share of grids whose bands are all one size in a direction, as in most ARC tables."""
    second_color_rate: float = 0.25
    """Share of grids with two parallel lines or more that paint some of them in a second colour."""
    separator_shape_rate: float = 0.3
    """Share of grids whose shapes may take the separator colour."""
    max_colors: int = 3
    max_shapes: int = 2
    """Shapes drawn per filled band: 1 to max_shapes."""
    max_area: int = 8
    max_tries: int = 3
    """Draws per shape before its band gives it up, and of band sizes before sides of 3."""
    kinds: tuple[tuple[str, float], ...] = DEFAULT_KINDS
    min_grid_side: int = 1
    max_grid_side: int = MAX_SIDE
    """Bounds on the grid's height and width, lines included: band counts whose bands cannot
    fit them are never drawn, and band sides are narrowed so that the grid does."""
    min_filled: int = 0
    """Bands given shapes, at least (all of them when there are fewer)."""
    max_shapes_in_all: int = 60
    """Shapes drawn in the whole grid, at most: a band's shapes beyond it are not drawn."""
    _kind_cdf: np.ndarray = field(init=False, repr=False, compare=False)
    _pairs: np.ndarray = field(init=False, repr=False, compare=False)
    _low: np.ndarray = field(init=False, repr=False, compare=False)
    _high: np.ndarray = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not 1 <= self.min_side <= self.max_side:
            raise ValueError(f"need 1 <= min_side <= max_side, got {self.min_side}, {self.max_side}")
        if not 2 <= self.max_bands <= (MAX_SIDE + 1) // (self.min_side + 1):
            raise ValueError(f"max_bands must allow 2 bands and fit {MAX_SIDE} cells, got {self.max_bands}")
        if not 1 <= self.min_grid_side <= self.max_grid_side <= MAX_SIDE:
            raise ValueError(
                f"need 1 <= min_grid_side <= max_grid_side <= {MAX_SIDE}, got {self.min_grid_side}, "
                f"{self.max_grid_side}"
            )
        if self.min_filled < 0 or self.max_shapes_in_all < 0:
            raise ValueError("min_filled and max_shapes_in_all must not be negative")
        # The band sides that keep b bands and their lines within the grid's bounds, b = 0..max_bands.
        b = np.maximum(1, np.arange(self.max_bands + 1))
        low = np.maximum(self.min_side, -(-(self.min_grid_side - (b - 1)) // b))
        high = np.minimum(self.max_side, (self.max_grid_side - (b - 1)) // b)
        object.__setattr__(self, "_low", low)
        object.__setattr__(self, "_high", high)
        # Pairs numbered as rows = 1 + pair // max_bands, columns = 1 + pair % max_bands.
        fits = low <= high
        pairs = [
            p for p in range(1, self.max_bands**2) if fits[1 + p // self.max_bands] and fits[1 + p % self.max_bands]
        ]
        if not pairs:
            raise ValueError(
                f"no 2 bands or more of {self.min_side}-{self.max_side} cells, with lines between, make a grid "
                f"of {self.min_grid_side}-{self.max_grid_side} cells a side"
            )
        object.__setattr__(self, "_pairs", np.array(pairs))
        if not 1 <= self.max_colors <= COLORS - 2 or self.max_shapes < 1 or self.max_area < 1 or self.max_tries < 1:
            raise ValueError("max_colors must be 1-8, and max_shapes, max_area and max_tries at least 1")
        unknown = [k for k, _ in self.kinds if k not in SHAPE_KINDS]
        if unknown:
            raise ValueError(f"unknown shape kinds {unknown}; known: {', '.join(SHAPE_KINDS)}")
        weights = np.array([w for _, w in self.kinds], dtype=float)
        if not len(weights) or (weights < 0).any() or weights.sum() <= 0:
            raise ValueError("kinds need non-negative weights, some positive")
        object.__setattr__(self, "_kind_cdf", np.cumsum(weights) / weights.sum())

    def chunk_version(self):
        return Drawing(self.grids)

    def grids(self, rng: np.random.Generator, n: int) -> Drawn:
        return self.chunk(rng, n).drawn

    def sample(self, rng: np.random.Generator) -> Sample:
        return self.chunk(rng, 1).sample(0)

    def draw(self, rng: np.random.Generator) -> tuple[Sample, ZoneLayout]:
        zoned = self.chunk(rng, 1)
        return zoned.sample(0), zoned.layout(0, self.max_bands)

    def chunk(self, rng: np.random.Generator, n: int) -> Zoned:
        """n zone grids drawn together: the one definition of these grids."""
        catalogue().start_chunk()
        background = backgrounds(self.background, rng, n)
        palette = palettes(background, rng)  # the lines' colour, a second one, then the shapes'
        pair = self._pairs[(rng.random(n) * len(self._pairs)).astype(np.int64)]
        n_rows, n_cols = 1 + pair // self.max_bands, 1 + pair % self.max_bands
        row_sides, col_sides = self._sides(rng, n_rows, n_cols)
        row_starts = np.cumsum(row_sides + 1, axis=1) - (row_sides + 1)
        col_starts = np.cumsum(col_sides + 1, axis=1) - (col_sides + 1)
        heights, widths = row_sides.sum(axis=1) + n_rows - 1, col_sides.sum(axis=1) + n_cols - 1
        row_colors, col_colors = self._line_colors(rng, palette, n_rows, n_cols)
        board = blank(heights, widths, background)
        row_line, col_line = (
            _line_map(colors, starts + sides)
            for colors, starts, sides in ((row_colors, row_starts, row_sides), (col_colors, col_starts, col_sides))
        )
        np.copyto(board, row_line[:, :, None].astype(np.uint8), where=(row_line[:, :, None] >= 0) & (board != OUT))
        np.copyto(board, col_line[:, None, :].astype(np.uint8), where=(col_line[:, None, :] >= 0) & (board != OUT))
        pool = self._shape_colors(rng, palette)
        wanted = self._wanted(rng, n_rows, n_cols)
        grid, band = np.nonzero(wanted)
        r, c = band // n_cols[grid], band % n_cols[grid]
        slots = _Slots(
            grid,
            wanted[grid, band],
            row_starts[grid, r],
            col_starts[grid, c],
            row_sides[grid, r],
            col_sides[grid, c],
            heights[grid],
            widths[grid],
            r * self.max_bands + c,
        )
        rejections = np.zeros(n, dtype=np.int64)
        drawn = self._place(rng, board, slots, pool, palette, background, (row_line >= 0, col_line >= 0), rejections)
        return Zoned(
            Drawn(board, heights, widths, background, rejections),
            row_sides,
            col_sides,
            row_starts,
            col_starts,
            row_colors,
            col_colors,
            tuple(k for k, _ in self.kinds),
            drawn,
        )

    def _axis_sides(self, rng: np.random.Generator, bands: np.ndarray) -> np.ndarray:
        """Band sides along one direction, 0 past the last band: all one size at `equal_rate`."""
        u = rng.random((len(bands), self.max_bands + 1))
        low, high = self._low[bands], self._high[bands]
        sides = low[:, None] + (u[:, 1:] * (high - low + 1)[:, None]).astype(np.int64)
        sides = np.where(u[:, :1] < self.equal_rate, sides[:, :1], sides)
        return np.where(np.arange(self.max_bands)[None, :] < bands[:, None], sides, 0)

    def _sides(self, rng: np.random.Generator, n_rows: np.ndarray, n_cols: np.ndarray):
        """Band sides whose zones outnumber the line cells, so the lines never become the
        background; after max_tries draws, sides of 3 (or the nearest the bounds allow), which do."""
        n = len(n_rows)
        rows, cols = (np.zeros((n, self.max_bands), dtype=np.int64) for _ in range(2))
        todo = np.arange(n)
        for _ in range(self.max_tries):
            if not todo.size:
                break
            h, w = self._axis_sides(rng, n_rows[todo]), self._axis_sides(rng, n_cols[todo])
            zone_cells = h.sum(axis=1) * w.sum(axis=1)
            line_cells = (h.sum(axis=1) + n_rows[todo] - 1) * (w.sum(axis=1) + n_cols[todo] - 1) - zone_cells
            ok = zone_cells > line_cells + 2
            rows[todo[ok]], cols[todo[ok]] = h[ok], w[ok]
            todo = todo[~ok]
        k = np.arange(self.max_bands)[None, :]
        for sides, bands in ((rows, n_rows[todo]), (cols, n_cols[todo])):
            side = np.minimum(np.maximum(3, self._low[bands]), self._high[bands])
            sides[todo] = np.where(k < bands[:, None], side[:, None], 0)
        return rows, cols

    def _line_colors(self, rng: np.random.Generator, palette: np.ndarray, n_rows: np.ndarray, n_cols: np.ndarray):
        """Each line's colour (-1 past the last line): the separator, except that where all
        lines run one way a share of grids paints a proper subset of them in a second colour."""
        n = len(n_rows)
        u, keys = rng.random((n, 2)), rng.random((n, self.max_bands - 1))
        k = np.arange(self.max_bands - 1)[None, :]
        lines = (n_rows + n_cols - 2)[:, None]
        second = ((lines[:, 0] >= 2) & ((n_rows == 1) | (n_cols == 1)) & (u[:, 0] < self.second_color_rate))[:, None]
        chosen = second & (ranks(np.where(k < lines, keys, 2.0)) < 1 + (u[:, 1:] * (lines - 1)).astype(np.int64))
        colors = np.where(chosen, palette[:, 1:2], palette[:, :1])
        return (np.where(k < (n_rows - 1)[:, None], colors, -1), np.where(k < (n_cols - 1)[:, None], colors, -1))

    def _shape_colors(self, rng: np.random.Generator, palette: np.ndarray) -> np.ndarray:
        """Per grid, (how many colours its shapes take from palette[2:], whether the lines'
        colour is one more): `_place` draws each shape's colour uniformly among them."""
        u = rng.random((len(palette), 2))
        count = np.minimum(1 + (u[:, 0] * self.max_colors).astype(np.int64), COLORS - 3)
        return np.stack([count, u[:, 1] < self.separator_shape_rate], axis=1)

    def _wanted(self, rng: np.random.Generator, n_rows: np.ndarray, n_cols: np.ndarray) -> np.ndarray:
        """Shapes wanted in each band (numbered row by row), per grid: bands chosen uniformly,
        none to all of them (at least min_filled), each 1-max_shapes shapes, max_shapes_in_all in all."""
        n, k = len(n_rows), np.arange(self.max_bands**2)[None, :]
        u, keys, many = rng.random(n), rng.random((n, self.max_bands**2)), rng.random((n, self.max_bands**2))
        bands = (n_rows * n_cols)[:, None]
        least = np.minimum(self.min_filled, bands)
        filled = ranks(np.where(k < bands, keys, 2.0)) < least + (u[:, None] * (bands - least + 1)).astype(np.int64)
        wanted = np.where(filled & (k < bands), 1 + (many * self.max_shapes).astype(np.int64), 0)
        before = np.cumsum(wanted, axis=1) - wanted
        return np.clip(self.max_shapes_in_all - before, 0, wanted)

    def _place(self, rng, board, slots: _Slots, pool, palette, background, lines, rejections) -> dict:
        """Each band's shapes, a round per shape: a shape goes at a uniformly random free spot
        of its band (the band's blocked board is the grid's frame with all but the band
        blocked), and up to max_tries draws per round. A draw that fits nowhere, or whose
        grid then breaks a promise (all of that grid's shapes of the draw are taken back), is
        a rejection."""
        shapes_of = catalogue()
        heights, widths = slots.grid_height, slots.grid_width
        blocked = _band_frames(slots)
        kinds = tuple(k for k, _ in self.kinds)
        logs = []
        for j in range(int(slots.wanted.max(initial=0))):
            pending = np.flatnonzero(slots.wanted > j)
            for _ in range(self.max_tries):
                if not pending.size:
                    break
                v = rng.random((len(pending), 3))
                kind = pick_indices(self._kind_cdf, v[:, 0])
                h, w = slots.height[pending], slots.width[pending]
                area = 1 + (v[:, 1] * np.minimum(self.max_area, np.maximum(1, h * w // 2))).astype(np.int64)
                ids = shapes(kinds, kind, area, h, w, rng)
                spot = free_spots(shapes_of, blocked, pending, ids, heights[pending], widths[pending], rng)
                g = slots.grid[pending]
                count, separator = pool[g, 0], pool[g, 1]
                pick = (v[:, 2] * (count + separator)).astype(np.int64)
                color = np.where(pick < count, palette[g, np.minimum(2 + pick, COLORS - 2)], palette[g, 0])
                ok = np.flatnonzero(spot >= 0)
                color_chunk(shapes_of, board, g[ok], ids[ok], spot[ok], color[ok])
                block_chunk(shapes_of, blocked, pending[ok], ids[ok], spot[ok], None)
                touched = np.unique(g[ok])
                broken = touched[_broken(board[touched], background[touched], *(x[touched] for x in lines))]
                back = ok[np.isin(g[ok], broken)]
                if back.size:
                    color_chunk(shapes_of, board, g[back], ids[back], spot[back], background[g[back]])
                    block_chunk(shapes_of, blocked, pending[back], ids[back], spot[back], None, free=True)
                done = np.zeros(len(pending), dtype=bool)
                done[ok] = True
                done[back] = False
                top, left = np.divmod(spot[done], PADDED)
                logs.append((pending[done], kind[done], color[done], top, left, ids[done]))
                np.add.at(rejections, g[~done], 1)
                pending = pending[~done]
        none = np.zeros(0, dtype=np.int64)
        at, kind, color, top, left, ids = (np.concatenate(x) for x in zip(*logs)) if logs else (none,) * 6
        return {
            "grid": slots.grid[at],
            "band": slots.band[at],
            "kind": kind,
            "color": color,
            "top": top,
            "left": left,
            "id": ids,
        }
