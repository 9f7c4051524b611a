"""Scene sampler: a background, then shapes placed one by one with capped retries."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from generators.placement import Canvas
from generators.policies import COLORS, BackgroundPolicy, SizeCurriculum, pick_index
from generators.shapes import FOUR_CONNECTED, SHAPE_KINDS, make_shape

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
        from generators.chunks import Scenes

        return Scenes(self) if type(self).sample is SceneSampler.sample else None

    def sample(self, rng: np.random.Generator) -> Sample:
        height, width = self.sizes.sample(rng)
        background = self.background.sample(rng)
        canvas = Canvas.blank(height, width, background)
        wanted = self.min_objects + int(rng.random() * (self.max_objects - self.min_objects + 1))
        # A tiny grid cannot hold many separate shapes; asking anyway only inflates rejections.
        wanted = min(wanted, max(self.min_objects, height * width // 4))
        others = [c for c in range(COLORS) if c != background]
        shape_colors = rng.permutation(others)[: 1 + int(rng.random() * self.max_colors)].tolist()
        apart_under = self.connectivity if self.separate else None
        intents: list[ShapeIntent] = []
        rejections = 0
        for _ in range(wanted):
            for _ in range(self.max_tries):
                kind_u, area_u, color_u = rng.random(3)
                kind = self._kind_names[pick_index(self._kind_cdf, kind_u)]
                # Shapes scale down on tiny grids, where full-size ones would only be rejected.
                area = 1 + int(area_u * min(self.max_area, max(1, height * width // (wanted + 1))))
                mask = make_shape(kind, rng, area, height, width)
                spot = canvas.spot(rng, mask)
                if spot is not None:
                    break
                rejections += 1  # no free spot for this shape anywhere: draw another
            else:
                continue
            color = shape_colors[int(color_u * len(shape_colors))]
            top, left = spot
            canvas.paint(mask, top, left, color, apart_under)
            intents.append(ShapeIntent(kind, color, top, left, mask))
        canvas.grid.flags.writeable = False
        return Sample(
            grid=canvas.grid,
            background=background,
            intent=tuple(intents),
            separated_under=self.connectivity if self.separate else None,
            rejections=rejections,
        )
