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
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from generators.policies import COLORS, MAX_SIDE, BackgroundPolicy, pick_index
from generators.sampler import DEFAULT_KINDS, Sample, ShapeIntent
from generators.shapes import SHAPE_KINDS, make_shape


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


def _band_sides(rng: np.random.Generator, bands: int, low: int, high: int, equal_rate: float) -> list[int]:
    u = rng.random(bands + 1)
    sides = (low + (u[1:] * (high - low + 1)).astype(int)).tolist()
    return [sides[0]] * bands if u[0] < equal_rate else sides


def _bounds(sides: list[int]) -> tuple[tuple[int, int], ...]:
    starts = np.cumsum([0] + [s + 1 for s in sides[:-1]]).tolist()
    return tuple((a, a + s) for a, s in zip(starts, sides))


@dataclass(frozen=True)
class ZoneSampler:
    """Draws zone grids; `sample` is the prior's sampler, `draw` also returns the layout.

    Band counts (rows x columns of bands) are uniform over 1..max_bands each, 1 x 1
    excepted, and those that cannot fit the grid's side bounds. The number of empty bands is
    uniform from none to all of them, so that empty counts are spread; a band meant to hold
    shapes stays empty only when none of its shapes fits.
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
    _kind_cdf: list[float] = field(init=False, repr=False, compare=False)
    _pairs: tuple[int, ...] = field(init=False, repr=False, compare=False)

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
        # Pairs numbered as draw() reads them: rows = 1 + pair // max_bands, columns = 1 + pair % max_bands.
        pairs = tuple(
            p
            for p in range(1, self.max_bands**2)
            if self._fits(1 + p // self.max_bands) and self._fits(1 + p % self.max_bands)
        )
        if not pairs:
            raise ValueError(
                f"no 2 bands or more of {self.min_side}-{self.max_side} cells, with lines between, make a grid "
                f"of {self.min_grid_side}-{self.max_grid_side} cells a side"
            )
        object.__setattr__(self, "_pairs", pairs)
        if not 1 <= self.max_colors <= COLORS - 2 or self.max_shapes < 1 or self.max_area < 1 or self.max_tries < 1:
            raise ValueError("max_colors must be 1-8, and max_shapes, max_area and max_tries at least 1")
        unknown = [k for k, _ in self.kinds if k not in SHAPE_KINDS]
        if unknown:
            raise ValueError(f"unknown shape kinds {unknown}; known: {', '.join(SHAPE_KINDS)}")
        weights = np.array([w for _, w in self.kinds], dtype=float)
        if not len(weights) or (weights < 0).any() or weights.sum() <= 0:
            raise ValueError("kinds need non-negative weights, some positive")
        object.__setattr__(self, "_kind_cdf", (np.cumsum(weights) / weights.sum()).tolist())

    def sample(self, rng: np.random.Generator) -> Sample:
        return self.draw(rng)[0]

    def draw(self, rng: np.random.Generator) -> tuple[Sample, ZoneLayout]:
        background = self.background.sample(rng)
        others = rng.permutation([c for c in range(COLORS) if c != background]).tolist()
        separator, second = others[0], others[1]
        pair = self._pairs[int(rng.random() * len(self._pairs))]  # 1 x 1 excluded: it has no line
        n_rows, n_cols = 1 + pair // self.max_bands, 1 + pair % self.max_bands
        row_bands, col_bands = self._bands(rng, n_rows, n_cols)
        height, width = row_bands[-1][1], col_bands[-1][1]
        grid = np.full((height, width), background, dtype=np.uint8)
        lines = [("row", stop, separator) for _, stop in row_bands[:-1]]
        lines += [("col", stop, separator) for _, stop in col_bands[:-1]]
        if len(lines) >= 2 and (n_rows == 1 or n_cols == 1) and rng.random() < self.second_color_rate:
            # A proper subset, so that each colour keeps at least one line.
            chosen = rng.permutation(len(lines))[: 1 + int(rng.random() * (len(lines) - 1))]
            lines = [(axis, i, second if k in chosen else c) for k, (axis, i, c) in enumerate(lines)]
        for axis, i, color in lines:
            if axis == "row":
                grid[i, :] = color
            else:
                grid[:, i] = color
        shape_colors = others[2 : 3 + int(rng.random() * self.max_colors)]
        if rng.random() < self.separator_shape_rate:
            shape_colors.append(separator)
        counts = np.bincount(grid.ravel(), minlength=COLORS).tolist()
        bands = [(r, c) for r in range(n_rows) for c in range(n_cols)]
        least = min(self.min_filled, len(bands))
        to_fill = rng.permutation(len(bands))[: least + int(rng.random() * (len(bands) - least + 1))]
        intents: list[ShapeIntent] = []
        rejections = 0
        for k in sorted(to_fill.tolist()):
            r, c = bands[k]
            box = (*row_bands[r], *col_bands[c])
            for _ in range(1 + int(rng.random() * self.max_shapes)):
                if len(intents) >= self.max_shapes_in_all:
                    break
                intent, failed = self._shape(rng, grid, counts, background, shape_colors, box)
                rejections += failed
                if intent is not None:
                    intents.append(intent)
        filled = frozenset(
            (r, c)
            for r, (top, bottom) in enumerate(row_bands)
            for c, (left, right) in enumerate(col_bands)
            if any(top <= i.top < bottom and left <= i.left < right for i in intents)
        )
        grid.flags.writeable = False
        sample = Sample(
            grid=grid, background=background, intent=tuple(intents), separated_under=None, rejections=rejections
        )
        return sample, ZoneLayout(tuple(lines), row_bands, col_bands, filled)

    def _side_range(self, bands: int) -> tuple[int, int]:
        """The band sides that keep `bands` bands and their lines within the grid's bounds."""
        low = max(self.min_side, -(-(self.min_grid_side - (bands - 1)) // bands))
        return low, min(self.max_side, (self.max_grid_side - (bands - 1)) // bands)

    def _fits(self, bands: int) -> bool:
        low, high = self._side_range(bands)
        return low <= high

    def _bands(self, rng: np.random.Generator, n_rows: int, n_cols: int):
        """Band bounds whose zones outnumber the line cells, so the lines never become the
        background; after a few draws, sides of 3 (or the nearest the bounds allow), which do."""
        (row_low, row_high), (col_low, col_high) = self._side_range(n_rows), self._side_range(n_cols)
        for _ in range(self.max_tries):
            heights = _band_sides(rng, n_rows, row_low, row_high, self.equal_rate)
            widths = _band_sides(rng, n_cols, col_low, col_high, self.equal_rate)
            zone_cells = sum(heights) * sum(widths)
            line_cells = (sum(heights) + n_rows - 1) * (sum(widths) + n_cols - 1) - zone_cells
            if zone_cells > line_cells + 2:
                return _bounds(heights), _bounds(widths)
        return _bounds([min(max(3, row_low), row_high)] * n_rows), _bounds([min(max(3, col_low), col_high)] * n_cols)

    def _shape(self, rng, grid, counts, background, shape_colors, box) -> tuple[ShapeIntent | None, int]:
        """One shape inside the band `box` (top, bottom, left, right), on background cells only,
        and the number of draws rejected before it (or before giving up)."""
        top, bottom, left, right = box
        h, w = bottom - top, right - left
        for tries in range(self.max_tries):
            kind_u, area_u, color_u, row_u, col_u = rng.random(5)
            kind = self.kinds[pick_index(self._kind_cdf, kind_u)][0]
            mask = make_shape(kind, rng, 1 + int(area_u * min(self.max_area, max(1, h * w // 2))), h, w)
            color = shape_colors[int(color_u * len(shape_colors))]
            mh, mw = mask.shape
            y, x = top + int(row_u * (h - mh + 1)), left + int(col_u * (w - mw + 1))
            window = grid[y : y + mh, x : x + mw]
            if (window[mask] != background).any():
                continue
            before = window.copy()
            window[mask] = color
            area = int(mask.sum())
            counts[color] += area
            counts[background] -= area
            if self._keeps_promises(grid, counts, background, color, (y, y + mh, x, x + mw)):
                return ShapeIntent(kind, color, y, x, mask), tries
            window[...] = before
            counts[color] -= area
            counts[background] += area
        return None, self.max_tries

    @staticmethod
    def _keeps_promises(grid, counts, background, color, box) -> bool:
        """No new full line, and the background still strictly the most common colour. A new
        full line would pass through the shape just drawn, so it could only be of its colour."""
        top, bottom, left, right = box
        if (grid[top:bottom, :] == color).all(axis=1).any() or (grid[:, left:right] == color).all(axis=0).any():
            return False
        return counts[background] > max(n for k, n in enumerate(counts) if k != background)
