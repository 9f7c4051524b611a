"""The grids of `SceneSampler` (and of one shape copied, and of noise), drawn for hundreds
of grids at once: the one definition of those grids.

Drawing one grid in Python, shape after shape, at a few microseconds per numpy call costs
more than everything else a chat needs. Here every step (draw a shape, try a spot, paint
it, block its surroundings) runs once for all the grids of a chunk that are at that step,
as a few numpy calls over flat boards. A grid drawn alone (`SceneSampler.sample`,
`CopiesSampler`) is a chunk of one, about a millisecond of per-call costs.

Sizes and backgrounds follow `generators.policies`, shape masks `generators.shapes`' rules
and pool (`fast_shapes` holds them as numbers), and placement `generators.placement`'s law
on bitboards: a uniformly random free spot; a shape with none is a rejection, and
`max_tries` of those give the object up. Random numbers are drawn in blocks per step, so a
grid depends on its chunk.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from generators.fast_shapes import POOL, Catalogue
from generators.placement import BOARD, PADDED, free_spots, paint_chunk
from generators.policies import COLORS, BackgroundPolicy, SizeCurriculum

if TYPE_CHECKING:
    from generators.sampler import SceneSampler

OUT = 10
"""Board value of cells outside the grid (no colour)."""


@functools.lru_cache(maxsize=1)
def _shapes() -> Catalogue:
    """The process's mask catalogue, built on first use rather than on import."""
    return Catalogue()


def catalogue() -> Catalogue:
    """The process's mask catalogue, for samplers outside this module (plugins included)
    that place shapes with `generators.placement`'s chunk functions."""
    return _shapes()


@dataclass(frozen=True)
class Drawn:
    """A chunk of grids: grid g is board[g, :heights[g], :widths[g]]; OUT elsewhere."""

    board: np.ndarray
    heights: np.ndarray
    widths: np.ndarray
    backgrounds: np.ndarray
    rejections: np.ndarray


def sizes(curriculum: SizeCurriculum, rng: np.random.Generator, n: int) -> tuple[np.ndarray, np.ndarray]:
    """`SizeCurriculum.sample`, n times."""
    u = rng.random((n, 3))

    def side(x):
        return curriculum.min_side + np.minimum(
            np.searchsorted(curriculum._cdf, x, side="right"), len(curriculum._cdf) - 1
        )

    height = side(u[:, 0])
    return height, np.where(u[:, 2] < curriculum.square_rate, height, side(u[:, 1]))


def backgrounds(policy: BackgroundPolicy, rng: np.random.Generator, n: int) -> np.ndarray:
    """`BackgroundPolicy.sample`, n times."""
    u = rng.random((n, 2))
    return np.where(u[:, 0] < policy.black_rate, 0, 1 + (u[:, 1] * (COLORS - 1)).astype(np.int64))


def palettes(background: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Per grid, the colours other than its background in random order (`rng.permutation(others)`)."""
    order = np.argsort(rng.random((len(background), COLORS - 1)), axis=1)
    return order + (order >= background[:, None])


def inside(heights: np.ndarray, widths: np.ndarray) -> np.ndarray:
    """Per grid, the cells of its board that lie in the grid."""
    side = np.arange(BOARD)
    return (side[None, :, None] < heights[:, None, None]) & (side[None, None, :] < widths[:, None, None])


def blank(heights: np.ndarray, widths: np.ndarray, background: np.ndarray) -> np.ndarray:
    """Boards of the background colour inside each grid, OUT outside."""
    board = np.full((len(heights), BOARD, BOARD), OUT, dtype=np.uint8)
    np.copyto(board, background.astype(np.uint8)[:, None, None], where=inside(heights, widths))  # half np.where's time
    return board


def outnumbered(board: np.ndarray, backgrounds: np.ndarray) -> np.ndarray:
    """Per grid of the boards, whether its background is not strictly its most common colour
    (a grid must then be drawn otherwise: parsing would pick another background). A
    background on more than half the cells is the most common, so only the others are counted."""
    outside = board == OUT
    own = np.count_nonzero(board == backgrounds[:, None, None].astype(board.dtype), axis=(1, 2))
    close = np.flatnonzero(2 * own <= np.count_nonzero(~outside, axis=(1, 2)))
    result = np.zeros(len(board), dtype=bool)
    if close.size:
        offsets = (np.arange(len(close), dtype=np.int32) * (OUT + 1))[:, None]
        keys = board[close].reshape(len(close), -1).astype(np.int32) + offsets
        counts = np.bincount(keys.ravel(), minlength=len(close) * (OUT + 1)).reshape(len(close), OUT + 1)[:, :OUT]
        counts[np.arange(len(close)), backgrounds[close]] = -1
        result[close] = own[close] <= counts.max(axis=1)
    return result


_KINDS = ("blob", "rectangle", "square", "outline", "horizontal", "vertical", "diagonal", "cell")


def shapes(
    kinds: tuple[str, ...],
    kind: np.ndarray,
    area: np.ndarray,
    max_h: np.ndarray,
    max_w: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Mask ids of `make_shape(kinds[kind], rng, area, max_h, max_w)`, element by element:
    every kind's rule is computed for all elements, then each takes its own kind's."""
    unknown = set(kinds) - set(_KINDS)
    if unknown:
        raise ValueError(f"unknown shape kinds {sorted(unknown)}")
    code = np.array([_KINDS.index(k) for k in kinds])[kind]
    u = rng.random((len(kind), 2))
    blob, rectangle, square, outline, horizontal, vertical, diagonal, cell = (code == k for k in range(len(_KINDS)))
    small = (max_h < 3) | (max_w < 3)
    tall = 1 + (u[:, 0] * np.minimum(max_h, area)).astype(
        np.int64
    )  # shapes.rectangle; round() and rint both round halves to even
    wide = np.maximum(1, np.minimum(max_w, np.rint(area / tall).astype(np.int64)))
    side = np.maximum(1, np.minimum(np.minimum(max_h, max_w), np.maximum(2, np.rint(np.sqrt(area)).astype(np.int64))))
    boxed = rectangle | (outline & small)
    h = np.select([boxed, square, vertical], [tall, side, np.maximum(1, np.minimum(area, max_h))], 1)
    w = np.select([boxed, square, horizontal], [wide, side, np.maximum(1, np.minimum(area, max_w))], 1)
    ids = _shapes().rectangles(h, w)
    hollow = np.flatnonzero(outline & ~small)
    ids[hollow] = _shapes().outlines(
        3 + (u[hollow, 0] * (max_h[hollow] - 2)).astype(np.int64),
        3 + (u[hollow, 1] * (max_w[hollow] - 2)).astype(np.int64),
    )
    line = np.flatnonzero(diagonal)
    ids[line] = _shapes().diagonals(
        np.maximum(1, np.minimum(area[line], np.minimum(max_h[line], max_w[line]))),
        (u[line, 0] >= 0.5).astype(np.int64),
    )
    grown = np.flatnonzero(blob)
    if grown.size:
        a = np.maximum(1, np.minimum(area[grown], max_h[grown] * max_w[grown]))
        ids[grown] = _shapes().blobs(a, (u[grown, 0] * POOL).astype(np.int64))
        bh, bw = _shapes().shape(ids[grown])
        big = np.flatnonzero((bh > max_h[grown]) | (bw > max_w[grown]))  # too big for this box: grow one that fits
        ids[grown[big]] = _shapes().grown(rng, a[big], max_h[grown[big]], max_w[grown[big]])
    return ids


@dataclass(frozen=True)
class Placed:
    """Shapes painted in one step: shape i went to grid grids[i] at (top, left), in a colour."""

    grids: np.ndarray
    kinds: tuple[str, ...]
    kind: np.ndarray
    """Index into `kinds`."""
    colors: np.ndarray
    spots: np.ndarray
    """Blocked-board offsets, top * PADDED + left."""
    ids: np.ndarray
    """Mask ids of the catalogue (`mask`)."""


def mask(number: int) -> np.ndarray:
    """Mask `number` of the process's catalogue (read-only)."""
    return _shapes().mask(number)


def scene_chunk(
    samplers: list[SceneSampler], which: np.ndarray, rng: np.random.Generator, placed: list | None = None
) -> Drawn:
    """Grid i drawn as samplers[which[i]] draws: the one definition of `SceneSampler`'s
    grids, whose `sample` is a chunk of one. Grids of different samplers share every step,
    so a mixture of priors costs the steps of one. `placed` collects what was painted
    (`Placed`), in the order it was."""
    _shapes().start_chunk()
    n = len(which)
    heights, widths, background = (np.empty(n, dtype=np.int64) for _ in range(3))
    for s, sampler in enumerate(samplers):
        mine = np.flatnonzero(which == s)
        heights[mine], widths[mine] = sizes(sampler.sizes, rng, len(mine))
        background[mine] = backgrounds(sampler.background, rng, len(mine))
    per = lambda field: np.array([getattr(x, field) for x in samplers], dtype=np.int64)[which]  # noqa: E731
    low, high, max_area, max_tries = per("min_objects"), per("max_objects"), per("max_area"), per("max_tries")
    u = rng.random((n, 2))
    wanted = np.minimum(low + (u[:, 0] * (high - low + 1)).astype(np.int64), np.maximum(low, heights * widths // 4))
    palette = palettes(background, rng)
    colors_used = 1 + (u[:, 1] * per("max_colors")).astype(np.int64)
    halo = np.array([x.connectivity if x.separate else 0 for x in samplers])[which]
    kinds = sorted({k for x in samplers for k in x._kind_names})
    cdf = np.ones((len(samplers), len(kinds)))  # each sampler's kind weights, cumulated, over the kinds of all
    for s, x in enumerate(samplers):
        cdf[s, : len(x._kind_cdf)] = x._kind_cdf
    local = [[kinds.index(k) for k in x._kind_names] + [0] * (len(kinds) - len(x._kind_names)) for x in samplers]
    kind_of, last = np.array(local)[which], np.array([len(x._kind_names) - 1 for x in samplers])[which]
    board = blank(heights, widths, background)
    blocked = np.zeros((n, PADDED), dtype=np.uint32)
    rejections = np.zeros(n, dtype=np.int64)
    limit = np.minimum(max_area, np.maximum(1, heights * widths // (wanted + 1)))
    for k in range(int(wanted.max(initial=0))):
        pending = np.flatnonzero(wanted > k)
        for attempt in range(int(max_tries.max(initial=0))):
            pending = pending[max_tries[pending] > attempt]
            if not pending.size:
                break
            v = rng.random((len(pending), 3))
            chosen = np.minimum((cdf[which[pending]] <= v[:, :1]).sum(axis=1), last[pending])
            kind = kind_of[pending, chosen]
            area = 1 + (v[:, 1] * limit[pending]).astype(np.int64)
            h, w = heights[pending], widths[pending]
            ids = shapes(tuple(kinds), kind, area, h, w, rng)
            spot = free_spots(_shapes(), blocked, pending, ids, h, w, rng)
            ok = spot >= 0
            color = palette[pending, (v[:, 2] * colors_used[pending]).astype(np.int64)]
            for grown in np.unique(halo[pending[ok]]).tolist():
                at = ok & (halo[pending] == grown)
                paint_chunk(_shapes(), board, blocked, pending[at], ids[at], spot[at], color[at], grown or None)
                if placed is not None:
                    placed.append(Placed(pending[at], tuple(kinds), kind[at], color[at], spot[at], ids[at]))
            rejections[pending[~ok]] += 1
            pending = pending[~ok]
    return Drawn(board, heights, widths, background, rejections)


def copies_chunk(
    curriculum: SizeCurriculum,
    policy: BackgroundPolicy,
    kinds: tuple[str, ...],
    min_copies: int,
    max_copies: int,
    max_area: int,
    rng: np.random.Generator,
    n: int,
    placed: list | None = None,
) -> Drawn:
    """n grids of one shape drawn several times, each copy in a colour of its own and kept
    apart from the others under 8-connectivity: the one definition of
    `generators.copies.CopiesSampler`'s grids. A copy that fits nowhere ends the grid, and
    each copy left undrawn is a rejection; there are never more copies than the 9 colours
    other than the background. `placed` collects the copies painted (`Placed`)."""
    _shapes().start_chunk()
    heights, widths = sizes(curriculum, rng, n)
    background = backgrounds(policy, rng, n)
    u = rng.random((n, 3))
    kind = (u[:, 0] * len(kinds)).astype(np.int64)
    area = 1 + (u[:, 1] * max_area).astype(np.int64)
    copies = np.minimum(min_copies + (u[:, 2] * (max_copies - min_copies + 1)).astype(np.int64), COLORS - 1)
    ids = shapes(kinds, kind, area, np.maximum(1, heights // 2), np.maximum(1, widths // 2), rng)
    palette = palettes(background, rng)
    board = blank(heights, widths, background)
    blocked = np.zeros((n, PADDED), dtype=np.uint32)
    drawn = np.zeros(n, dtype=np.int64)
    pending = np.flatnonzero(copies > 0)
    for k in range(min(max_copies, COLORS - 1)):
        pending = pending[copies[pending] > k]
        if not pending.size:
            break
        spot = free_spots(_shapes(), blocked, pending, ids[pending], heights[pending], widths[pending], rng)
        ok = spot >= 0
        paint_chunk(_shapes(), board, blocked, pending[ok], ids[pending[ok]], spot[ok], palette[pending[ok], k], 8)
        if placed is not None:
            placed.append(
                Placed(pending[ok], kinds, kind[pending[ok]], palette[pending[ok], k], spot[ok], ids[pending[ok]])
            )
        drawn[pending[ok]] += 1
        pending = pending[ok]
    return Drawn(board, heights, widths, background, copies - drawn)


def noisy(board: np.ndarray, rate: float, rng: np.random.Generator) -> np.ndarray:
    """`priors.settings.Noisy`: each cell of each grid recoloured at random with probability `rate`."""
    board = board.copy()
    hit = (rng.random(board.shape) < rate) & (board != OUT)
    board[hit] = rng.integers(0, COLORS, int(hit.sum()), dtype=np.uint8)
    return board
