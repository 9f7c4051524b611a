"""Object kinds, defined once: what `Tables.kinds` computes for a chunk's objects and
`priors.kinds.classify` for one mask."""

from __future__ import annotations

import numpy as np

OBJECT_KINDS = (
    "cell",
    "horizontal line",
    "vertical line",
    "diagonal line",
    "square",
    "rectangle",
    "hollow rectangle",
    "other",
)
"""The kinds `kind_codes` tells apart, by code (`priors.kinds` names them)."""


def object_boxes(
    owner: np.ndarray, rows: np.ndarray, cols: np.ndarray, n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(top, left, bottom, right) of each of n objects' bounding boxes, inclusive, from their
    cells as `kind_codes` reads them: the kinds read boxes, and so do rules over objects' places."""
    top, left = np.full(n, np.iinfo(np.int64).max), np.full(n, np.iinfo(np.int64).max)
    bottom, right = np.full(n, -1), np.full(n, -1)
    np.minimum.at(top, owner, rows)
    np.minimum.at(left, owner, cols)
    np.maximum.at(bottom, owner, rows)
    np.maximum.at(right, owner, cols)
    return top, left, bottom, right


def kind_codes(owner: np.ndarray, rows: np.ndarray, cols: np.ndarray, n: int) -> np.ndarray:
    """The kind of each of n objects (a code into OBJECT_KINDS), from its cells: cell i is
    at (rows[i], cols[i]) of object owner[i]. The one definition of the kinds, for a chunk's
    objects and for one mask alike. The kinds are disjoint: one cell; a filled box one cell
    thick (a line across or down), square or not; as many cells as its square box is wide,
    all on one diagonal; every cell of a box's border (at least 3 x 3) and nothing else;
    anything else."""
    top, left, bottom, right = object_boxes(owner, rows, cols, n)
    h, w, area = bottom - top + 1, right - left + 1, np.bincount(owner, minlength=n)
    dr, dc = rows - top[owner], cols - left[owner]
    on = lambda cells: np.bincount(owner, weights=cells, minlength=n)  # noqa: E731  cells of each object where `cells`
    diagonal = (h == w) & (w == area) & ((on(dr == dc) == area) | (on(dr + dc == w[owner] - 1) == area))
    border = on((dr == 0) | (dc == 0) | (dr == h[owner] - 1) | (dc == w[owner] - 1))
    hollow = (h >= 3) & (w >= 3) & (area == 2 * (h + w) - 4) & (border == area)
    filled = area == h * w
    return np.select(
        [area == 1, filled & (h == 1), filled & (w == 1), filled & (h == w), filled, diagonal, hollow],
        [0, 1, 2, 4, 5, 3, 6],
        7,
    )
