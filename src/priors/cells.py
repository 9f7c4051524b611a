"""Every cell of a chunk's grids, and where each rotation or flip takes a cell's colour
from: what rules about the grid rather than its objects read (`Tables.cells`,
`Tables.image_of`)."""

from __future__ import annotations

import numpy as np

TURNS_SHAPE = frozenset({"transpose", "anti_transpose", "rot90", "rot270"})
"""The transforms that give an h x w grid the shape w x h."""
SOURCES = {
    "identity": lambda h, w, r, k: (r, k),
    "flip_lr": lambda h, w, r, k: (r, w - 1 - k),
    "flip_ud": lambda h, w, r, k: (h - 1 - r, k),
    "rot180": lambda h, w, r, k: (h - 1 - r, w - 1 - k),
    "transpose": lambda h, w, r, k: (k, r),
    "anti_transpose": lambda h, w, r, k: (h - 1 - k, w - 1 - r),
    "rot90": lambda h, w, r, k: (k, w - 1 - r),
    "rot270": lambda h, w, r, k: (h - 1 - k, r),
}
"""Where the colour at (r, k) of an h x w grid comes from under each transform."""


class Cells:
    """Every cell of a chunk's grids in reading order, grid after grid: its value, its grid
    (`owner`), its row and column there, and its grid's height, width and first cell
    (`grid_height`, `grid_width`, `grid_start`); and each grid's too (`heights`, `widths`, `start`)."""

    def __init__(self, values: np.ndarray, heights: np.ndarray, widths: np.ndarray):
        self.values, self.heights, self.widths = values, heights, widths
        sizes = heights * widths
        self.start = np.cumsum(sizes) - sizes
        self.owner = np.repeat(np.arange(len(sizes)), sizes)
        # Per cell, its grid's height, width and first cell: every transform's image reads them.
        self.grid_height, self.grid_width = heights[self.owner], widths[self.owner]
        self.grid_start = self.start[self.owner]
        self.row, self.col = np.divmod(np.arange(len(values)) - self.grid_start, self.grid_width)

    def index(self, grid: np.ndarray, row: np.ndarray, col: np.ndarray) -> np.ndarray:
        """Where cell (row, col) of each grid stands in `values`."""
        return self.start[grid] + row * self.widths[grid] + col
