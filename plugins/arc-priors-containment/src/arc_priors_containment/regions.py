"""Outline regions, drawn as stacks of masks: what a containment outline is the rim of.

An outline is the rim of a region: the region's cells with a 4-neighbour outside it. A
4-path from inside the region to outside must step onto the rim, so a closed rim encloses
the rest of the region, and where the region has a concave corner the rim takes a
diagonal step, which does not leak. Regions are rectangles, rectangles with corners cut
into staircases, and unions of two overlapping rectangles; all are orthogonally convex,
so everything outside a region reaches the grid's border without crossing its rim, and
removing one straight-side cell of the rim (a gap) opens the inside to the border.

The sampler draws one region in each of hundreds of grids at once, so every function
here takes a stack: region i lies in the top-left h[i] x w[i] corner of a SPAN x SPAN
slice, False elsewhere, and spans that corner exactly (every kind keeps a cell on each
side), which is the box the mask catalogue records.
"""

from __future__ import annotations

import numpy as np

SPAN = 14
"""The largest region side: a roomier place still gets a region of at most this."""
REGION_CDF = (0.35, 0.65, 1.0)
"""Rectangle, rectangle with cut corners, union of two rectangles."""
UNIFORMS = 9
"""Random numbers each region reads (`regions`): the most a kind needs."""
WIDE_GAP_RATE = 0.3
"""How often a gap takes the next straight-side cell along too."""

_ROWS = np.arange(SPAN)[None, :, None]
_COLS = np.arange(SPAN)[None, None, :]
_CORNERS = ((False, False), (False, True), (True, False), (True, True))


def _box(h: np.ndarray, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    return h[:, None, None], w[:, None, None]


def _at(values: np.ndarray) -> np.ndarray:
    """Per-region numbers, shaped to compare with `_ROWS` and `_COLS`."""
    return values[:, None, None]


def _cut_corners(h: np.ndarray, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Rectangles with one to four corners cut into staircases, so the rim steps diagonally.
    A corner is cut at most (side - 3) // 2 deep, so each side keeps a straight middle."""
    H, W = _box(h, w)
    region = (_ROWS < H) & (_COLS < W)
    deepest = np.maximum(1, (np.minimum(h, w) - 3) // 2)
    corners = u[:, :4] < 0.5
    corners[np.arange(len(h)), (u[:, 4] * 4).astype(np.int64)] = True
    depth = 1 + (u[:, 5:9] * deepest[:, None]).astype(np.int64)
    for k, (flip_r, flip_c) in enumerate(_CORNERS):
        r = H - 1 - _ROWS if flip_r else _ROWS
        c = W - 1 - _COLS if flip_c else _COLS
        region &= ~_at(corners[:, k]) | (r + c >= _at(depth[:, k]))
    return region


def _union(h: np.ndarray, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Two overlapping rectangles, each at least 3 thick: a cross, T or L (a bar across and a
    bar down), or a staircase (one rectangle from a corner, one to the opposite corner,
    overlapping by 3 or more), mirrored left to right half the time."""
    H, W = _box(h, w)
    inside = (_ROWS < H) & (_COLS < W)
    r0, c0 = (u[:, 1] * (h - 2)).astype(np.int64), (u[:, 3] * (w - 2)).astype(np.int64)
    r1, c1 = r0 + 3 + (u[:, 2] * (h - r0 - 2)).astype(np.int64), c0 + 3 + (u[:, 4] * (w - c0 - 2)).astype(np.int64)
    bars = ((_ROWS >= _at(r0)) & (_ROWS < _at(r1))) | ((_COLS >= _at(c0)) & (_COLS < _at(c1)))
    a, b = 4 + (u[:, 1] * (h - 4)).astype(np.int64), 4 + (u[:, 2] * (w - 4)).astype(np.int64)
    c, d = 1 + (u[:, 3] * (a - 3)).astype(np.int64), 1 + (u[:, 4] * (b - 3)).astype(np.int64)
    cols = np.where(_at(u[:, 5] < 0.5), W - 1 - _COLS, _COLS)
    steps = ((_ROWS < _at(a)) & (cols < _at(b))) | ((_ROWS >= _at(c)) & (cols >= _at(d)))
    return inside & np.where(_at(u[:, 0] < 0.5), bars, steps)


def regions(kind: np.ndarray, h: np.ndarray, w: np.ndarray, u: np.ndarray) -> np.ndarray:
    """Region i of kind[i] (an index into REGION_CDF's kinds), h[i] x w[i] (at least 5 a
    side), drawn from the uniform numbers u[i, :UNIFORMS]."""
    H, W = _box(h, w)
    stack = (_ROWS < H) & (_COLS < W)
    for code, draw in ((1, _cut_corners), (2, _union)):
        mine = np.flatnonzero(kind == code)
        if mine.size:
            stack[mine] = draw(h[mine], w[mine], u[mine])
    return stack


def _padded(stack: np.ndarray) -> np.ndarray:
    """The stack with a border of False around each mask, so off the mask counts as outside."""
    out = np.zeros((len(stack), stack.shape[1] + 2, stack.shape[2] + 2), dtype=bool)
    out[:, 1:-1, 1:-1] = stack
    return out


def rims(stack: np.ndarray) -> np.ndarray:
    """Cells of each region with a 4-neighbour outside it."""
    p = _padded(stack)
    return stack & ~(p[:, :-2, 1:-1] & p[:, 2:, 1:-1] & p[:, 1:-1, :-2] & p[:, 1:-1, 2:])


def gaps(stack: np.ndarray, rim: np.ndarray, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each rim with one straight-side cell removed, uniformly among them, and at
    WIDE_GAP_RATE the next one along too where it is also straight (u[i, :2] decide); and
    which rims had such a cell (the others stay closed). A straight-side cell has rim cells
    on both sides along the side, the inside on one hand and the outside on the other, so
    removing it opens the rim and keeps it one piece."""
    p_ring, p_inner, p_out = _padded(rim), _padded(stack & ~rim), ~_padded(stack)
    across = (p_inner[:, :-2, 1:-1] & p_out[:, 2:, 1:-1]) | (p_out[:, :-2, 1:-1] & p_inner[:, 2:, 1:-1])
    beside = (p_inner[:, 1:-1, :-2] & p_out[:, 1:-1, 2:]) | (p_out[:, 1:-1, :-2] & p_inner[:, 1:-1, 2:])
    m = len(stack)
    along_rows = (p_ring[:, 1:-1, :-2] & p_ring[:, 1:-1, 2:] & across).reshape(m, SPAN * SPAN)
    along_cols = (p_ring[:, :-2, 1:-1] & p_ring[:, 2:, 1:-1] & beside).reshape(m, SPAN * SPAN)
    ring = rim.reshape(m, SPAN * SPAN)
    candidates = ring & (along_rows | along_cols)
    count = candidates.sum(axis=1)
    cell = np.argmax(np.cumsum(candidates, axis=1) > (u[:, 0] * count).astype(np.int64)[:, None], axis=1)
    gapped, every = count > 0, np.arange(m)
    opened = ring.copy()
    opened[every[gapped], cell[gapped]] = False
    sideways = along_rows[every, cell]  # the side runs along the row: the next cell is to the right
    row, col = np.divmod(cell, SPAN)
    following = np.where(sideways, cell + 1, cell + SPAN)
    inside = np.where(sideways, col + 1, row + 1) < SPAN
    following = np.where(inside, following, cell)
    straight = np.where(sideways, along_rows[every, following], along_cols[every, following])
    wide = gapped & inside & (u[:, 1] < WIDE_GAP_RATE) & ring[every, following] & straight
    opened[every[wide], following[wide]] = False
    return opened.reshape(rim.shape), gapped


def row_words(stack: np.ndarray) -> np.ndarray:
    """Each mask's rows as bit words (bit c: column c), as the sampler's bitboards hold cells."""
    return np.bitwise_or.reduce(stack.astype(np.uint32) << np.arange(SPAN, dtype=np.uint32), axis=2)


def register(catalogue, stack: np.ndarray, h: np.ndarray, w: np.ndarray) -> np.ndarray:
    """Catalogue ids of the h x w masks of the stack, added for the current chunk only
    (`generators.fast_shapes.Catalogue`): equal masks share one id, so a chunk adds each
    shape once however many grids drew it."""
    if not len(stack):
        return np.zeros(0, dtype=np.int64)
    keys = np.ascontiguousarray(np.packbits(stack.reshape(len(stack), -1), axis=1))
    _, first, inverse = np.unique(keys.view(f"V{keys.shape[1]}").ravel(), return_index=True, return_inverse=True)
    masks = [stack[i, :a, :b].copy() for i, a, b in zip(first.tolist(), h[first].tolist(), w[first].tolist())]
    return catalogue.one_off(masks)[inverse.ravel()]
