"""Shape makers: each returns a boolean mask cropped to the shape's bounding box.

Every mask is connected under 8-connectivity, and every kind except `diagonal` is
also connected under 4-connectivity; `FOUR_CONNECTED` lists those so a sampler can
keep its promise of one object per shape under either convention.
"""

from __future__ import annotations

import numpy as np

_STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def blob(rng: np.random.Generator, area: int, max_h: int, max_w: int) -> np.ndarray:
    """Grow a 4-connected blob one random neighbour at a time.

    Growth can stall when the box is tight; the blob then stays smaller than asked,
    which is fine because callers record the cells actually drawn.
    """
    area = max(1, min(area, max_h * max_w))
    cells = [(0, 0)]
    taken = {(0, 0)}
    top = left = bottom = right = 0
    attempts = rng.random((8 * area, 2))
    for pick, step in attempts.tolist():  # Python floats: the same values, read far faster
        if len(cells) >= area:
            break
        r, c = cells[int(pick * len(cells))]
        dr, dc = _STEPS[int(step * 4)]
        cell = (r + dr, c + dc)
        if cell in taken:
            continue
        nt, nb = min(top, cell[0]), max(bottom, cell[0])
        nl, nr = min(left, cell[1]), max(right, cell[1])
        if nb - nt >= max_h or nr - nl >= max_w:
            continue
        top, bottom, left, right = nt, nb, nl, nr
        taken.add(cell)
        cells.append(cell)
    mask = np.zeros((bottom - top + 1, right - left + 1), dtype=bool)
    rows, cols = zip(*cells)
    mask[np.array(rows) - top, np.array(cols) - left] = True
    return mask


POOL_SIZE = 256


def _frozen(mask: np.ndarray) -> np.ndarray:
    """Pool masks are shared by every grid drawn in a process, so nobody may write to them."""
    mask = np.ascontiguousarray(mask)
    mask.flags.writeable = False
    return mask


ORIENTATIONS = 8
_grown: dict[int, list[np.ndarray]] = {}
_pools: dict[int, list[np.ndarray | None]] = {}


def grown_blobs(area: int) -> list[np.ndarray]:
    """The POOL_SIZE blobs of `area`, grown on first use from a fixed seed (the same in
    every process, which keeps datasets reproducible)."""
    grown = _grown.get(area)
    if grown is None:
        grower = np.random.default_rng(area)
        grown = _grown[area] = [blob(grower, area, area, area) for _ in range(POOL_SIZE)]
    return grown


def pool_mask(area: int, index: int) -> np.ndarray:
    """Shape `index` (0 .. POOL_SIZE * ORIENTATIONS - 1) of the pool of blobs of `area`:
    blob index // 8 in orientation index % 8 (four rotations of it, then of its transpose).

    Each orientation is made only when first drawn: making all 2,048 of an area up front
    cost more than the rest of `arc-priors list`."""
    pool = _pools.get(area)
    if pool is None:
        pool = _pools[area] = [None] * (POOL_SIZE * ORIENTATIONS)
    mask = pool[index]
    if mask is None:
        grown = grown_blobs(area)[index // ORIENTATIONS]
        mask = pool[index] = _frozen(np.rot90(grown.T if index & 4 else grown, index & 3))
    return mask


def pooled_blob(rng: np.random.Generator, area: int, max_h: int, max_w: int) -> np.ndarray:
    """A blob drawn from a fixed pool of grown blobs, in one of its eight orientations.

    Growing a blob cell by cell in Python costs more than the rest of a grid together, so
    each area gets POOL_SIZE blobs grown once per process from a fixed seed (the pool is
    the same in every process, which keeps datasets reproducible). With the eight
    rotations and flips that is 2,048 shapes per area; all polyominoes up to area 5 occur.
    """
    area = max(1, min(area, max_h * max_w))
    mask = pool_mask(area, int(rng.random() * POOL_SIZE * ORIENTATIONS))
    if mask.shape[0] > max_h or mask.shape[1] > max_w:
        return blob(rng, area, max_h, max_w)  # too big for this grid: grow one that fits
    return mask


def rectangle(rng: np.random.Generator, area: int, max_h: int, max_w: int) -> np.ndarray:
    """A filled rectangle whose area is near `area` (exact when it factorises in the box)."""
    h = 1 + int(rng.random() * min(max_h, area))
    w = max(1, min(max_w, round(area / h)))
    return np.ones((h, w), dtype=bool)


def square(rng: np.random.Generator, area: int, max_h: int, max_w: int) -> np.ndarray:
    """A filled square of side about sqrt(`area`), at least 2 where the box allows: `rectangle`
    gives squares only by chance, and square-versus-rectangle questions need many of both."""
    side = max(1, min(max_h, max_w, max(2, round(area**0.5))))
    return np.ones((side, side), dtype=bool)


def outline(rng: np.random.Generator, area: int, max_h: int, max_w: int) -> np.ndarray:
    """A hollow rectangle; at least 3x3 so that it really has a hole."""
    if max_h < 3 or max_w < 3:
        return rectangle(rng, area, max_h, max_w)
    u, v = rng.random(2)
    h = 3 + int(u * (max_h - 2))
    w = 3 + int(v * (max_w - 2))
    mask = np.ones((h, w), dtype=bool)
    mask[1:-1, 1:-1] = False
    return mask


def horizontal(rng: np.random.Generator, area: int, max_h: int, max_w: int) -> np.ndarray:
    return np.ones((1, max(1, min(area, max_w))), dtype=bool)


def vertical(rng: np.random.Generator, area: int, max_h: int, max_w: int) -> np.ndarray:
    return np.ones((max(1, min(area, max_h)), 1), dtype=bool)


def diagonal(rng: np.random.Generator, area: int, max_h: int, max_w: int) -> np.ndarray:
    """A main or anti diagonal; joined only through corners, so one object only under 8-connectivity."""
    n = max(1, min(area, max_h, max_w))
    mask = np.eye(n, dtype=bool)
    return mask if rng.random() < 0.5 else mask[:, ::-1].copy()


def cell(rng: np.random.Generator, area: int, max_h: int, max_w: int) -> np.ndarray:
    return np.ones((1, 1), dtype=bool)


SHAPE_KINDS = {
    "blob": pooled_blob,
    "rectangle": rectangle,
    "square": square,
    "outline": outline,
    "horizontal": horizontal,
    "vertical": vertical,
    "diagonal": diagonal,
    "cell": cell,
}
FOUR_CONNECTED = frozenset(SHAPE_KINDS) - {"diagonal"}


def make_shape(kind: str, rng: np.random.Generator, area: int, max_h: int, max_w: int) -> np.ndarray:
    try:
        maker = SHAPE_KINDS[kind]
    except KeyError:
        raise ValueError(f"unknown shape kind {kind!r}; known: {', '.join(SHAPE_KINDS)}") from None
    return maker(rng, area, max_h, max_w)
