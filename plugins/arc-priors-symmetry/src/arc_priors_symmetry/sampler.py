"""The symmetry sampler: grids built symmetric on purpose, sometimes broken by a few cells,
and sometimes a single object that is mirrored or just misses being mirrored.

Random grids are almost never symmetric, so the sampler first draws which symmetries a
grid should have (a subgroup of the eight rotations and flips), copies one cell of every
orbit of that group onto the others, and then, some of the time, changes one cell of a few
left-right mirror pairs: near misses teach more than grids that are symmetric by no means.
Only numpy, the standard library and `generators` are used, as in arc-priors' own samplers.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from generators import BackgroundPolicy, Sample, SizeCurriculum
from generators.chunks import Drawing
from generators.fast import OUT, Drawn, backgrounds, blank, catalogue, inside, palettes, shapes, sizes
from generators.placement import BOARD, PADDED, free_spots, halo, paint_chunk
from generators.policies import COLORS, pick_indices, ranks
from generators.sampler import drawn_sample, painted

# Each rotation and flip as a map of index arrays; names as in priors.transforms.
ELEMENTS = {
    "flip_lr": lambda a: a[:, ::-1],
    "flip_ud": lambda a: a[::-1, :],
    "rot180": lambda a: a[::-1, ::-1],
    "transpose": lambda a: a.T,
    "anti_transpose": lambda a: a[::-1, ::-1].T,
    "rot90": lambda a: np.rot90(a, 1),
    "rot270": lambda a: np.rot90(a, 3),
}


@dataclass(frozen=True)
class Group:
    """A symmetry group a grid is built to have: its elements besides the identity (the list
    must be closed under composition), and how often it is drawn for square and other grids."""

    elements: tuple[str, ...]
    square_weight: float
    other_weight: float


# The ten subgroups of the square's eight rotations and flips; each gives its own answer to
# `symmetry.axes`. Groups with a diagonal or a quarter turn fit only square grids.
GROUPS = (
    Group((), 0.5, 0.5),
    Group(("flip_lr",), 1.5, 2.0),
    Group(("flip_ud",), 1.0, 1.5),
    Group(("rot180",), 1.0, 1.0),
    Group(("flip_lr", "flip_ud", "rot180"), 1.5, 2.0),
    Group(("transpose",), 1.0, 0.0),
    Group(("anti_transpose",), 1.0, 0.0),
    Group(("transpose", "anti_transpose", "rot180"), 1.0, 0.0),
    Group(("rot90", "rot180", "rot270"), 2.0, 0.0),
    Group(tuple(ELEMENTS), 2.5, 0.0),
)

# Shapes the single mirrored object is grown from, by weight; every mask from
# generators.make_shape fills its bounding box's last column, so the mirror joins it.
_HALF_KINDS = ("blob", "blob", "blob", "rectangle", "diagonal", "outline", "horizontal", "vertical")
_DISTRACTOR_KINDS = ("blob", "rectangle", "horizontal", "vertical", "cell", "diagonal")


def symmetrize(grid: np.ndarray, elements: tuple[str, ...]) -> np.ndarray:
    """Every cell takes the value of the first cell (row-major) of its orbit under the group,
    so the result equals its own image under every element."""
    index = np.arange(grid.size).reshape(grid.shape)
    first = index
    for name in elements:
        first = np.minimum(first, ELEMENTS[name](index))
    return grid.ravel()[first]


def break_pairs(grid: np.ndarray, count: int, colors: list[int], rng: np.random.Generator) -> np.ndarray:
    """Change one cell of `count` distinct left-right mirror pairs (fewer when the grid has
    fewer pairs), to another of `colors` where there is one: a left-right symmetric grid then
    needs exactly that many changes to be symmetric again. A chunk of one (`broken_pairs`)."""
    height, width = grid.shape
    board = np.full((1, BOARD, BOARD), OUT, dtype=np.uint8)
    board[0, :height, :width] = grid
    pool = np.array([list(colors)])
    broken_pairs(board, np.array([height]), np.array([width]), np.array([count]), pool, np.array([len(colors)]), rng)
    return board[0, :height, :width]


def broken_pairs(board, heights, widths, counts, pool, pool_size, rng: np.random.Generator) -> None:
    """`break_pairs` on every grid of a chunk at once, in place: grid g's pairs are chosen
    uniformly without repeats, one cell of each (either side, evenly) taking a colour drawn
    uniformly among the first pool_size[g] of pool[g] other than its own (any other colour
    where none is)."""
    n, half = len(board), widths // 2
    keys = rng.random((n, int((heights * half).max(initial=1))))
    pairs = np.arange(keys.shape[1])[None, :] < (heights * half)[:, None]
    keys[~pairs] = 2.0
    g, pair = np.nonzero((ranks(keys) < counts[:, None]) & pairs)
    row, col = np.divmod(pair, np.maximum(half[g], 1))
    u = rng.random((2, len(g)))
    col = np.where(u[0] < 0.5, widths[g] - 1 - col, col)
    current = board[g, row, col]
    listed = (np.arange(pool.shape[1])[None, :] < pool_size[g][:, None]) & (pool[g] != current[:, None])
    spare = (np.arange(COLORS)[None, :] != current[:, None]) & ~listed.any(axis=1)[:, None]
    valid = np.concatenate([listed, spare], axis=1)
    values = np.concatenate([pool[g], np.broadcast_to(np.arange(COLORS), (len(g), COLORS))], axis=1)
    k = (u[1] * valid.sum(axis=1)).astype(np.int64)
    board[g, row, col] = values[np.arange(len(g)), np.argmax(np.cumsum(valid, axis=1) > k[:, None], axis=1)]


def mirrored_mask(half: np.ndarray, odd: bool) -> np.ndarray:
    """`half` followed by its mirror image, sharing the middle column when `odd`. A half
    that fills its last column stays one 4-connected shape (8-connected for diagonals)."""
    return np.hstack([half, half[:, -2::-1] if odd else half[:, ::-1]])


def near_miss(mask: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The mask plus one cell touching it (corners count) that leaves it not left-right
    symmetric within its new bounding box; the mask itself when no such cell exists."""
    padded = np.pad(mask, 1)
    grown = halo(mask) & ~padded
    candidates = np.argwhere(grown)
    for r, c in candidates[rng.permutation(len(candidates))].tolist():
        trial = padded.copy()
        trial[r, c] = True
        rows, cols = np.flatnonzero(trial.any(axis=1)), np.flatnonzero(trial.any(axis=0))
        trial = trial[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        if not np.array_equal(trial, trial[:, ::-1]):
            return trial
    return mask


@dataclass(frozen=True)
class SymmetrySampler:
    """Whole symmetric patterns, and (at `object_rate`) one object on a background.

    Patterns: sides from `sizes`, a background and 1..`max_colors` other colours at a random
    density, made symmetric under a group drawn from GROUPS, then at `break_rate` broken in
    1..`max_breaks` left-right mirror pairs. Object scenes: one shape, left-right mirrored at
    `mirrored_rate` and otherwise a near miss, with up to `max_colors` - 1 distractors of
    other colours; no two shapes touch, even at a corner, so each is one object under
    8-connectivity. The mirrored shape may widen an object scene's grid by up to two cells
    and heighten it by one beyond what `object_sizes` drew.
    """

    sizes: SizeCurriculum = SizeCurriculum(min_side=2, max_side=12, scale=10.0, square_rate=0.6)
    object_sizes: SizeCurriculum = SizeCurriculum(min_side=3, max_side=10, scale=6.0, square_rate=0.3)
    background: BackgroundPolicy = BackgroundPolicy()
    object_rate: float = 0.2
    break_rate: float = 0.3
    max_breaks: int = 4
    mirrored_rate: float = 0.35
    max_colors: int = 3

    def chunk_version(self):
        return Drawing(self.grids)

    def grids(self, rng: np.random.Generator, n: int) -> Drawn:
        return self.chunk(rng, n).drawn

    def sample(self, rng: np.random.Generator) -> Sample:
        return self.chunk(rng, 1).sample(0)

    def chunk(self, rng: np.random.Generator, n: int) -> "Symmetric":
        """n grids drawn together, patterns and object scenes each as arrays: the one
        definition of this sampler's grids (`sample` is a chunk of one)."""
        catalogue().start_chunk()
        objects = rng.random(n) < self.object_rate
        board = np.full((n, BOARD, BOARD), OUT, dtype=np.uint8)
        heights, widths, background = (np.zeros(n, dtype=np.int64) for _ in range(3))
        placed = _Placed.none()
        for mine, draw in ((np.flatnonzero(~objects), self._patterns), (np.flatnonzero(objects), self._objects)):
            if mine.size:
                drawn, shapes_here = draw(rng, len(mine))
                board[mine], heights[mine], widths[mine], background[mine] = (
                    drawn.board,
                    drawn.heights,
                    drawn.widths,
                    drawn.backgrounds,
                )
                placed = placed.joined(shapes_here.moved(mine))
        return Symmetric(Drawn(board, heights, widths, background, np.zeros(n, dtype=np.int64)), objects, placed)

    def _patterns(self, rng: np.random.Generator, n: int) -> tuple[Drawn, "_Placed"]:
        heights, widths = sizes(self.sizes, rng, n)
        background = backgrounds(self.background, rng, n)
        palette = palettes(background, rng)
        u = rng.random((n, 4))
        used = np.minimum(1 + (u[:, 0] * self.max_colors).astype(np.int64), COLORS - 1)
        density = 0.2 + 0.6 * u[:, 1]
        side = int(max(heights.max(initial=1), widths.max(initial=1)))  # drawn on boards this wide, not 30
        on, pick = rng.random((2, n, side * side), dtype=np.float32)
        colors = np.take_along_axis(palette, (pick * used[:, None]).astype(np.int64), axis=1)
        cells = np.where(on < density[:, None], colors, background[:, None])
        square = heights == widths
        group = np.where(square, pick_indices(_GROUP_CDF[True], u[:, 2]), pick_indices(_GROUP_CDF[False], u[:, 2]))
        maps = np.stack(
            [_orbit_map(h, w, k, side) for h, w, k in zip(heights.tolist(), widths.tolist(), group.tolist())]
        )
        board = np.full((n, BOARD, BOARD), OUT, dtype=np.uint8)
        board[:, :side, :side] = np.take_along_axis(cells, maps, axis=1).reshape(n, side, side)
        board[~inside(heights, widths)] = OUT
        broken = (np.array([bool(g.elements) for g in GROUPS])[group]) & (u[:, 3] < self.break_rate)
        counts = np.where(broken, 1 + (rng.random(n) * self.max_breaks).astype(np.int64), 0)
        pool = np.concatenate([background[:, None], palette], axis=1)  # the background, then the colours used
        broken_pairs(board, heights, widths, counts, pool, 1 + used, rng)
        return Drawn(board, heights, widths, background, np.zeros(n, dtype=np.int64)), _Placed.none()

    def _objects(self, rng: np.random.Generator, n: int) -> tuple[Drawn, "_Placed"]:
        heights, widths = sizes(self.object_sizes, rng, n)
        background = backgrounds(self.background, rng, n)
        palette = palettes(background, rng)
        u = rng.random((n, 5))
        kind = (u[:, 0] * len(_HALF_KINDS)).astype(np.int64)
        halves = shapes(
            _HALF_KINDS,
            kind,
            2 + (u[:, 1] * 5).astype(np.int64),
            np.minimum(heights, 5),
            np.maximum(1, np.minimum(3, (widths + 1) // 2)),
            rng,
        )
        masks = []
        for half, odd, whole in zip(halves.tolist(), (u[:, 2] < 0.5).tolist(), (u[:, 3] < self.mirrored_rate).tolist()):
            mask = mirrored_mask(catalogue().mask(half), odd)
            masks.append(mask if whole else near_miss(mask, rng))
        ids = catalogue().one_off(masks)
        mh, mw = catalogue().shape(ids)
        heights, widths = np.maximum(heights, mh), np.maximum(widths, mw)
        board = blank(heights, widths, background)
        blocked = np.zeros((n, PADDED), dtype=np.uint32)
        grids = np.arange(n)
        mirrored = np.array([np.array_equal(m, m[:, ::-1]) for m in masks], dtype=bool)
        placed = self._put(board, blocked, grids, ids, heights, widths, palette[:, 0], np.where(mirrored, 0, 1), rng)
        distractors = (u[:, 4] * self.max_colors).astype(np.int64)
        for k in range(int(distractors.max(initial=0))):
            mine = np.flatnonzero(distractors > k)
            v = rng.random((len(mine), 2))
            kind = (v[:, 0] * len(_DISTRACTOR_KINDS)).astype(np.int64)
            ids = shapes(_DISTRACTOR_KINDS, kind, 1 + (v[:, 1] * 5).astype(np.int64), heights[mine], widths[mine], rng)
            color = palette[mine, 1 + k]
            placed = placed.joined(
                self._put(board, blocked, mine, ids, heights[mine], widths[mine], color, 2 + kind, rng)
            )
        return Drawn(board, heights, widths, background, np.zeros(n, dtype=np.int64)), placed

    @staticmethod
    def _put(board, blocked, grids, ids, heights, widths, colors, labels, rng) -> "_Placed":
        """Each mask at a uniformly random spot clear of every shape painted before and of
        their 8-neighbours (every spot searched: `tries=0`), or nowhere when none is clear."""
        spot = free_spots(catalogue(), blocked, grids, ids, heights, widths, rng, tries=0)
        ok = spot >= 0
        paint_chunk(catalogue(), board, blocked, grids[ok], ids[ok], spot[ok], colors[ok], 8)
        return _Placed(grids[ok], labels[ok], colors[ok], spot[ok], ids[ok])


def _cdf(weights: list[float]) -> np.ndarray:
    total = np.cumsum(weights)
    return total / total[-1]


_GROUP_CDF = {True: _cdf([g.square_weight for g in GROUPS]), False: _cdf([g.other_weight for g in GROUPS])}
LABELS = ("mirrored", "near miss", *_DISTRACTOR_KINDS)
"""The kinds of an object scene's shapes: its main shape's, then each distractor's."""


@functools.lru_cache(maxsize=4096)
def _orbit_map(height: int, width: int, group: int, side: int) -> np.ndarray:
    """Per cell of a side x side board, the cell whose colour `symmetrize` gives it in a
    height x width grid made symmetric under GROUPS[group] (itself outside the grid)."""
    board = np.arange(side * side, dtype=np.int64).reshape(side, side)
    board[:height, :width] = symmetrize(board[:height, :width], GROUPS[group].elements)
    board.flags.writeable = False
    return board.ravel()


@dataclass(frozen=True)
class _Placed:
    """Shapes painted on a chunk, one entry each: grid, kind (an index into LABELS), colour,
    spot (top * PADDED + left) and mask id."""

    grids: np.ndarray
    labels: np.ndarray
    colors: np.ndarray
    spots: np.ndarray
    ids: np.ndarray

    @classmethod
    def none(cls) -> "_Placed":
        return cls(*(np.zeros(0, dtype=np.int64) for _ in range(5)))

    def joined(self, other: "_Placed") -> "_Placed":
        return _Placed(*(np.concatenate([a, b]) for a, b in zip(vars(self).values(), vars(other).values())))

    def moved(self, grids: np.ndarray) -> "_Placed":
        """The same shapes on the grids `grids` of a larger chunk."""
        return _Placed(grids[self.grids], self.labels, self.colors, self.spots, self.ids)


@dataclass(frozen=True)
class Symmetric:
    """A chunk of symmetry grids: which are object scenes, and the shapes painted on them."""

    drawn: Drawn
    objects: np.ndarray
    placed: _Placed

    def sample(self, g: int) -> Sample:
        p = self.placed
        intent = [
            painted(LABELS[p.labels[i]], p.colors[i], *divmod(int(p.spots[i]), PADDED), p.ids[i])
            for i in np.flatnonzero(p.grids == g).tolist()
        ]
        return drawn_sample(self.drawn, g, intent, 8 if self.objects[g] else None)
