"""The symmetry sampler: grids built symmetric on purpose, sometimes broken by a few cells,
and sometimes a single object that is mirrored or just misses being mirrored.

Random grids are almost never symmetric, so the sampler first draws which symmetries a
grid should have (a subgroup of the eight rotations and flips), copies one cell of every
orbit of that group onto the others, and then, some of the time, changes one cell of a few
left-right mirror pairs: near misses teach more than grids that are symmetric by no means.
Only numpy, the standard library and `generators` are used, as in arc-priors' own samplers.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generators import BackgroundPolicy, Sample, ShapeIntent, SizeCurriculum, make_shape
from generators.placement import Canvas, halo
from generators.policies import pick_index

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
    needs exactly that many changes to be symmetric again."""
    height, width = grid.shape
    half = width // 2
    out = grid.copy()
    for pair in rng.permutation(height * half)[:count].tolist():
        row, col = divmod(pair, half)
        if rng.random() < 0.5:
            col = width - 1 - col
        choices = [c for c in colors if c != out[row, col]] or [c for c in range(10) if c != out[row, col]]
        out[row, col] = choices[int(rng.random() * len(choices))]
    return out


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

    def sample(self, rng: np.random.Generator) -> Sample:
        if rng.random() < self.object_rate:
            return self._object_scene(rng)
        return self._pattern(rng)

    def _pattern(self, rng: np.random.Generator) -> Sample:
        height, width = self.sizes.sample(rng)
        background = self.background.sample(rng)
        others = [c for c in range(10) if c != background]
        shape_colors = rng.permutation(others)[: 1 + int(rng.random() * self.max_colors)].tolist()
        density = 0.2 + 0.6 * rng.random()
        u, v = rng.random((2, height, width))
        grid = np.where(
            u < density, np.array(shape_colors, dtype=np.uint8)[(v * len(shape_colors)).astype(int)], background
        ).astype(np.uint8)
        group = _pick_group(rng, square=height == width)
        grid = symmetrize(grid, group.elements)
        if group.elements and rng.random() < self.break_rate:
            grid = break_pairs(grid, 1 + int(rng.random() * self.max_breaks), [background, *shape_colors], rng)
        grid.flags.writeable = False
        return Sample(grid=grid, background=background, intent=(), separated_under=None, rejections=0)

    def _object_scene(self, rng: np.random.Generator) -> Sample:
        height, width = self.object_sizes.sample(rng)
        background = self.background.sample(rng)
        colors = rng.permutation([c for c in range(10) if c != background]).tolist()
        kind = _HALF_KINDS[int(rng.random() * len(_HALF_KINDS))]
        half = make_shape(kind, rng, 2 + int(rng.random() * 5), min(height, 5), max(1, min(3, (width + 1) // 2)))
        mask = mirrored_mask(half, odd=rng.random() < 0.5)
        if rng.random() >= self.mirrored_rate:
            mask = near_miss(mask, rng)
        height, width = max(height, mask.shape[0]), max(width, mask.shape[1])
        canvas = Canvas.blank(height, width, background)
        main = "mirrored" if np.array_equal(mask, mask[:, ::-1]) else "near miss"
        intents = [_place(rng, canvas, mask, colors[0], main)]
        for color in colors[1 : 1 + int(rng.random() * self.max_colors)]:
            kind = _DISTRACTOR_KINDS[int(rng.random() * len(_DISTRACTOR_KINDS))]
            shape = make_shape(kind, rng, 1 + int(rng.random() * 5), height, width)
            placed = _place(rng, canvas, shape, color, kind)
            if placed is not None:
                intents.append(placed)
        canvas.grid.flags.writeable = False
        return Sample(grid=canvas.grid, background=background, intent=tuple(intents), separated_under=8, rejections=0)


def _cdf(weights: list[float]) -> list[float]:
    total = np.cumsum(weights)
    return (total / total[-1]).tolist()


_GROUP_CDF = {True: _cdf([g.square_weight for g in GROUPS]), False: _cdf([g.other_weight for g in GROUPS])}


def _pick_group(rng: np.random.Generator, square: bool) -> Group:
    return GROUPS[pick_index(_GROUP_CDF[square], rng.random())]


def _place(rng, canvas: Canvas, mask, color, kind) -> ShapeIntent | None:
    """Paint `mask` at a random spot clear of every shape painted before (and of their
    8-neighbours), or nothing when no spot is clear. The search comes without a random try
    first (tries=0): that is how this sampler always drew, and its grids stay the same."""
    spot = canvas.spot(rng, mask, tries=0)
    if spot is None:
        return None
    canvas.paint(mask, *spot, color)
    return ShapeIntent(kind, color, *spot, mask)
