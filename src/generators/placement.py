"""Where shapes go: the one copy of the placement rules that every sampler draws by.

A shape goes at a uniformly random free spot. A few random spots are tried first, since on
a sparse grid one usually fits and a try costs far less than a search; when they all
miss, every spot is searched. Either way each free spot is equally likely, so positions
carry no habit of the sampler, and a shape with no free spot is refused (the caller
counts a rejection). A placed shape blocks its cells, or its halo (its cells grown by one
under 4- or 8-connectivity) where later shapes must not touch it.

Per-grid samplers draw on a `Canvas`, boolean boards; chunk samplers (`generators.fast`)
keep one 32-bit word a row for each of hundreds of grids and place on all of them at once
with `free_spots` and `paint_chunk`, by the same law. The callers differ only in how many
random tries come before the search (`tries`), which fixes their random draws.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from generators.policies import MAX_SIDE

if TYPE_CHECKING:
    from generators.fast_shapes import Catalogue

BOARD = MAX_SIDE + 1
"""Columns of a chunk sampler's board of colours: a grid and one column of nothing."""
PADDED = MAX_SIDE + 2
"""Columns of its board of blocked cells: padded by one on each side, as a Canvas's."""


def halo(masks: np.ndarray, connectivity: int = 8) -> np.ndarray:
    """The mask, or masks stacked along a third axis, grown by one cell in every direction
    `connectivity` joins, and so one cell larger on each side: halo cell (i, j) covers mask
    cell (i - 1, j - 1). A shape kept off another's halo never touches it. The stack goes
    last so that a single mask takes the plain two-axis slicing, the cheapest there is."""
    h, w = masks.shape[:2]
    padded = np.zeros((h + 4, w + 4, *masks.shape[2:]), dtype=bool)
    padded[2:-2, 2:-2] = masks
    rows = padded[:-2] | padded[1:-1] | padded[2:]  # grown up and down
    if connectivity == 8:
        return rows[:, :-2] | rows[:, 1:-1] | rows[:, 2:]
    return rows[:, 1:-1] | padded[1:-1, :-2] | padded[1:-1, 2:]


_halos: dict[tuple, np.ndarray] = {}


def cached_halo(mask: np.ndarray, connectivity: int = 8) -> np.ndarray:
    """`halo`, remembered and read-only: pooled blobs, rectangles and lines recur across grids."""
    key = (mask.shape, mask.tobytes(), connectivity)
    grown = _halos.get(key)
    if grown is None:
        if len(_halos) > 65_536:  # bound the memory; the pool of shapes is far smaller
            _halos.clear()
        grown = _halos[key] = halo(mask, connectivity)
        grown.flags.writeable = False
    return grown


def free_spot(
    rng: np.random.Generator, blocked: np.ndarray, mask: np.ndarray, tries: int = 1, margin: int = 0
) -> tuple[int, int] | None:
    """(top, left) of a uniformly random spot where no cell of `mask` lands on a blocked
    cell, or None where there is none. `tries` random spots come before the search; each
    draws two numbers and the search one, so `tries` is part of a sampler's stream.
    `blocked` may carry `margin` cells of padding on every side, which no spot covers
    (a Canvas pads by one): the board itself then serves the search, with no copy."""
    h, w = mask.shape
    height, stride = blocked.shape
    rows, cols = height - 2 * margin - h + 1, stride - 2 * margin - w + 1
    if rows < 1 or cols < 1:
        return None
    for _ in range(tries):
        u, v = rng.random(2)
        top, left = int(u * rows), int(v * cols)
        if not (blocked[top + margin : top + margin + h, left + margin : left + margin + w] & mask).any():
            return top, left
    if not blocked.flags.c_contiguous:
        blocked = np.ascontiguousarray(blocked)
    # Every h x w window as a view: sliding_window_view and as_strided build the same, slower.
    windows = np.ndarray(
        (rows, cols, h, w), dtype=bool, buffer=blocked, offset=margin * (stride + 1), strides=(stride, 1, stride, 1)
    )
    free = np.flatnonzero(~(windows & mask).any(axis=(2, 3)))
    if free.size == 0:
        return None
    return divmod(int(free[int(rng.random() * free.size)]), cols)


@dataclass(frozen=True)
class Canvas:
    """A grid being drawn and the cells no later shape may cover. `blocked` is padded by one
    on each side, so that a halo at the grid's border needs no clipping."""

    grid: np.ndarray
    blocked: np.ndarray

    @classmethod
    def blank(cls, height: int, width: int, background: int) -> Canvas:
        return cls(np.full((height, width), background, dtype=np.uint8), np.zeros((height + 2, width + 2), dtype=bool))

    @property
    def taken(self) -> np.ndarray:
        """The blocked cells over the grid, without the padding."""
        return self.blocked[1:-1, 1:-1]

    def spot(self, rng: np.random.Generator, mask: np.ndarray, tries: int = 1) -> tuple[int, int] | None:
        return free_spot(rng, self.blocked, mask, tries, margin=1)

    def paint(self, mask: np.ndarray, top: int, left: int, color: int, apart_under: int | None = 8) -> None:
        """Draw the mask and block its halo under `apart_under` (4 or 8), or its cells alone
        (None) where later shapes may touch it."""
        h, w = mask.shape
        self.grid[top : top + h, left : left + w][mask] = color
        if apart_under is None:
            self.blocked[top + 1 : top + h + 1, left + 1 : left + w + 1] |= mask
        else:
            self.blocked[top : top + h + 2, left : left + w + 2] |= cached_halo(mask, apart_under)


def free_spots(
    shapes: Catalogue,
    blocked: np.ndarray,
    grids: np.ndarray,
    ids: np.ndarray,
    heights: np.ndarray,
    widths: np.ndarray,
    rng: np.random.Generator,
    tries: int = 2,
) -> np.ndarray:
    """`free_spot` for mask ids[i] in grid grids[i], all at once, as a blocked-board offset
    (top * PADDED + left), or -1 where none is free. `blocked` holds each grid's padded
    board of blocked cells as one 32-bit word a row (bit c: column c)."""
    h, w = shapes.shape(ids)
    spots_h, spots_w = heights - h + 1, widths - w + 1
    spot = np.full(len(ids), -1, dtype=np.int64)
    which, row, word = shapes.rows("blocked", ids)
    todo = (spots_h > 0) & (spots_w > 0)
    for _ in range(tries):
        if not todo.any():
            return spot
        u = rng.random((len(ids), 2))
        top, left = (u[:, 0] * spots_h).astype(np.int64), (u[:, 1] * spots_w).astype(np.int64)
        live = todo[which]
        mine = which[live]
        clash = blocked[grids[mine], top[mine] + row[live]] & (word[live] << left[mine].astype(np.uint32))
        hit = np.zeros(len(ids), dtype=bool)
        hit[mine[clash != 0]] = True
        free = todo & ~hit
        spot[free] = top[free] * PADDED + left[free]
        todo &= hit
    rest = np.flatnonzero(todo)
    if rest.size:
        spot[rest] = _search(shapes, blocked, grids[rest], ids[rest], spots_h[rest], spots_w[rest], rng)
    return spot


_TOPS = np.arange(PADDED - 2)


def _search(shapes: Catalogue, blocked, grids, ids, spots_h, spots_w, rng) -> np.ndarray:
    """Every spot of every shape tested at once, on the bitboards. Shifting the rows a mask
    covers by the mask cells' columns and OR-ing them gives, per top row, a word whose bit
    `left` says whether the mask collides there; a uniformly random clear bit among all
    tops is the spot."""
    which, offset = shapes.offsets("blocked", ids)
    dr, dc = np.divmod(offset, PADDED)  # the mask's cells, shifted by the padding
    tops = _TOPS[: max(1, int(spots_h.max()))]
    rows = np.zeros(
        (len(grids), PADDED + len(tops)), dtype=np.uint32
    )  # tops past the last spot read zeros, masked below
    rows[:, :PADDED] = blocked[grids]
    windows = np.lib.stride_tricks.sliding_window_view(
        rows, len(tops), axis=1
    )  # windows[g, r]: rows r, r + 1, ... of grid g
    shifted = windows[which, dr] >> dc[:, None].astype(np.uint32)
    starts = np.flatnonzero(np.diff(which, prepend=-1))
    collide = np.bitwise_or.reduceat(shifted, starts, axis=0)
    lefts = ((np.uint64(1) << spots_w.astype(np.uint64)) - np.uint64(1)).astype(np.uint32)
    free = ~collide & lefts[:, None] & np.where(tops[None, :] < spots_h[:, None], np.uint32(0xFFFFFFFF), np.uint32(0))
    per_top = np.bitwise_count(free).astype(np.int64)
    cumulative = np.cumsum(per_top, axis=1)
    total = cumulative[:, -1]
    pick = (rng.random(len(ids)) * total).astype(np.int64)
    top = np.argmax(cumulative > pick[:, None], axis=1)
    rank = pick - (cumulative[np.arange(len(ids)), top] - per_top[np.arange(len(ids)), top])
    bits = np.unpackbits(
        free[np.arange(len(ids)), top].astype("<u4").view(np.uint8).reshape(-1, 4), axis=1, bitorder="little"
    )
    left = np.argmax(np.cumsum(bits, axis=1) > rank[:, None], axis=1)
    return np.where(total > 0, top * PADDED + left, -1)


def box_words(top: np.ndarray, left: np.ndarray, height: np.ndarray, width: np.ndarray) -> np.ndarray:
    """Each box's cells as a blocked board of one 32-bit word a row (padded by one, as every
    chunk sampler's): a part of a grid that shapes may fill, or, inverted, keep out of."""
    rows = np.arange(PADDED)[None, :] - 1  # the grid row of each bitboard row
    inside = (rows >= top[:, None]) & (rows < (top + height)[:, None])
    word = ((np.uint64(1) << width.astype(np.uint64)) - np.uint64(1)) << (left + 1).astype(np.uint64)
    return np.where(inside, word.astype(np.uint32)[:, None], np.uint32(0))


def paint_chunk(shapes: Catalogue, board, blocked, grids, ids, spot, colors, apart_under: int | None) -> None:
    """`Canvas.paint` for mask ids[i] at spot[i] of grid grids[i] in colors[i], all at once.
    Each grid appears once in `grids`, so its rows take each OR once."""
    color_chunk(shapes, board, grids, ids, spot, colors)
    block_chunk(shapes, blocked, grids, ids, spot, apart_under)


def color_chunk(shapes: Catalogue, board, grids, ids, spot, colors) -> None:
    """The cells of mask ids[i] at spot[i] of board grids[i] in colors[i] (`paint_chunk`'s colours)."""
    top, left = np.divmod(spot, PADDED)
    which, offset = shapes.offsets("board", ids)
    board.reshape(len(board), -1)[grids[which], (top * BOARD + left)[which] + offset] = colors[which]


def block_chunk(shapes: Catalogue, blocked, grids, ids, spot, apart_under: int | None, free: bool = False) -> None:
    """Blocks the cells of mask ids[i] at spot[i] of blocked board grids[i], or its halo under
    `apart_under` (`paint_chunk`'s blocking); `free` frees the cells alone again (a shape
    taken back, which no other shape overlapped)."""
    top, left = np.divmod(spot, PADDED)
    which, row, word = shapes.rows("blocked" if apart_under is None else f"halo{apart_under}", ids)
    words = word << left[which].astype(np.uint32)
    if free:
        blocked[grids[which], top[which] + row] &= ~words
    else:
        blocked[grids[which], top[which] + row] |= words
