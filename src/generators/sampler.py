"""Scene sampler: a background, then shapes placed one by one with capped retries.

`SceneSampler` holds the settings and checks them; its grids are drawn by
`generators.fast.scene_chunk`, a chunk at a time, and `sample` is a chunk of one."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from generators.fast import Drawn, Placed, mask, scene_chunk
from generators.placement import PADDED
from generators.policies import COLORS, BackgroundPolicy, SizeCurriculum
from generators.shapes import FOUR_CONNECTED, SHAPE_KINDS

DEFAULT_KINDS = (
    ("blob", 4.0),
    ("rectangle", 2.0),
    ("outline", 1.0),
    ("horizontal", 1.0),
    ("vertical", 1.0),
    ("diagonal", 0.5),
    ("cell", 1.5),
)


@dataclass(frozen=True)
class Scenes:
    """A `SceneSampler`'s grids drawn a chunk at a time (`generators.fast.scene_chunk`): its
    chunk version, a value of `generators.chunks` kept beside the sampler it names."""

    sampler: Any


@dataclass(frozen=True)
class ShapeIntent:
    """One shape as the sampler meant to draw it: its mask sits at (top, left)."""

    kind: str
    color: int
    top: int
    left: int
    mask: np.ndarray = field(repr=False, compare=False)

    @property
    def area(self) -> int:
        return int(self.mask.sum())

    def cells(self) -> frozenset[tuple[int, int]]:
        rows, cols = np.nonzero(self.mask)
        return frozenset(zip((rows + self.top).tolist(), (cols + self.left).tolist()))


@dataclass(frozen=True)
class Sample:
    """A drawn grid plus what the sampler intended.

    `separated_under` is the connectivity (4 or 8) under which every shape is promised
    to be exactly one object, or None when shapes were allowed to touch.
    `rejections` counts drawn shapes that fitted nowhere on the grid; after `max_tries` of
    them in a row the sampler gives that object up, so a crowded grid gets fewer objects.
    """

    grid: np.ndarray = field(repr=False, compare=False)
    background: int
    intent: tuple[ShapeIntent, ...]
    separated_under: int | None
    rejections: int


@dataclass(frozen=True)
class SceneSampler:
    """Draws ARC-like scenes of single-colour shapes on a background.

    With `separate=True`, a shape never touches another under `connectivity`, whatever
    the colours, so every shape is exactly one object under both single-colour and
    multicolour conventions. With `separate=False` shapes may touch (never overlap) and
    merge, which is how ARC grids look in the wild.
    """

    sizes: SizeCurriculum = SizeCurriculum()
    background: BackgroundPolicy = BackgroundPolicy()
    min_objects: int = 1
    max_objects: int = 6
    max_area: int = 10
    kinds: tuple[tuple[str, float], ...] = DEFAULT_KINDS
    separate: bool = True
    connectivity: int = 8
    max_tries: int = 3
    """Shapes drawn per object before giving up on it; each one that fits nowhere is a rejection."""
    max_colors: int = 9
    """Each grid uses 1..max_colors distinct shape colours; fewer colours mean more objects per colour."""
    _kind_names: tuple[str, ...] = field(init=False, repr=False, compare=False)
    _kind_cdf: list[float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.connectivity not in (4, 8):
            raise ValueError(f"connectivity must be 4 or 8, got {self.connectivity}")
        if not 0 <= self.min_objects <= self.max_objects:
            raise ValueError(f"need 0 <= min_objects <= max_objects, got {self.min_objects}, {self.max_objects}")
        if self.max_area < 1 or self.max_tries < 1:
            raise ValueError("max_area and max_tries must be at least 1")
        if not 1 <= self.max_colors <= COLORS - 1:
            raise ValueError(f"max_colors must be between 1 and {COLORS - 1}, got {self.max_colors}")
        kinds = [(k, w) for k, w in self.kinds if w > 0]
        unknown = [k for k, _ in kinds if k not in SHAPE_KINDS]
        if unknown:
            raise ValueError(f"unknown shape kinds {unknown}; known: {', '.join(SHAPE_KINDS)}")
        if self.separate and self.connectivity == 4:
            # A diagonal line is several objects under 4-connectivity: it would break the promise.
            kinds = [(k, w) for k, w in kinds if k in FOUR_CONNECTED]
        if not kinds:
            raise ValueError("no shape kind with a positive weight is left")
        weights = np.array([w for _, w in kinds], dtype=float)
        object.__setattr__(self, "_kind_names", tuple(k for k, _ in kinds))
        object.__setattr__(self, "_kind_cdf", (np.cumsum(weights) / weights.sum()).tolist())

    def chunk_version(self):
        """`generators.fast.scene_chunk` draws these grids by the same laws a chunk at a time;
        a subclass that draws otherwise (its own `sample`) has no chunk version until it says."""
        return Scenes(self) if type(self).sample is SceneSampler.sample else None

    def sample(self, rng: np.random.Generator) -> Sample:
        """One grid: `generators.fast.scene_chunk`'s chunk of one, which is the only
        definition of these grids (numpy's per-call cost makes it about a millisecond)."""
        placed: list = []
        drawn = scene_chunk([self], np.zeros(1, dtype=np.int64), rng, placed)
        return sample_of(drawn, placed, self.connectivity if self.separate else None)


def sample_of(drawn: Drawn, placed: list[Placed], separated_under: int | None) -> Sample:
    """Grid 0 of a chunk of one as a Sample, the shapes painted on it (`Placed`) its intent."""
    intent = [
        painted(p.kinds[k], c, *divmod(spot, PADDED), i)
        for p in placed
        for k, c, spot, i in zip(p.kind.tolist(), p.colors.tolist(), p.spots.tolist(), p.ids.tolist())
    ]
    return drawn_sample(drawn, 0, intent, separated_under)


def painted(kind: str, color: int, top: int, left: int, mask_id: int) -> ShapeIntent:
    """A shape a chunk sampler painted, as an intent: its mask is the catalogue's `mask_id`."""
    return ShapeIntent(kind, int(color), int(top), int(left), mask(int(mask_id)))


def drawn_sample(drawn: Drawn, g: int, intent, separated_under: int | None) -> Sample:
    """Grid g of a chunk as a Sample (its cells sealed, its background and rejections), with
    the shapes its sampler says it painted there: every chunk sampler's one grid."""
    h, w = int(drawn.heights[g]), int(drawn.widths[g])
    grid = drawn.board[g, :h, :w].copy()
    grid.flags.writeable = False
    return Sample(grid, int(drawn.backgrounds[g]), tuple(intent), separated_under, int(drawn.rejections[g]))
