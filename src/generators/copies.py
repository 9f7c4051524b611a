"""Copies scenes: one shape drawn several times, each copy in a colour of its own."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from generators.placement import Canvas
from generators.policies import COLORS, BackgroundPolicy, SizeCurriculum
from generators.sampler import Sample, ShapeIntent
from generators.shapes import make_shape


@dataclass(frozen=True)
class CopiesSampler:
    """One shape drawn several times, each copy in a colour of its own and apart from the
    others (8-connectivity): ARC's "same shape, other colours" layout. Independent shapes
    rarely share an area, so without these scenes "how many have the same area" is
    nearly always 0. A copy that fits nowhere ends the grid; each copy left undrawn is a
    rejection. `generators.fast.copies_chunk` draws the same scenes a chunk at a time."""

    sizes: SizeCurriculum = SizeCurriculum(min_side=4, max_side=14)
    background: BackgroundPolicy = BackgroundPolicy()
    kinds: tuple[str, ...] = ("blob", "rectangle", "square", "outline", "horizontal", "vertical", "diagonal", "cell")
    min_copies: int = 3
    max_copies: int = 7
    max_area: int = 9

    def chunk_version(self):
        """`generators.fast.copies_chunk`, by the same laws; none for a subclass that draws otherwise."""
        from generators.chunks import Copies

        return Copies(self) if type(self).__call__ is CopiesSampler.__call__ else None

    def __call__(self, rng: np.random.Generator) -> Sample:
        height, width = self.sizes.sample(rng)
        background = self.background.sample(rng)
        u = rng.random(3)
        kind = self.kinds[int(u[0] * len(self.kinds))]
        mask = make_shape(kind, rng, 1 + int(u[1] * self.max_area), max(1, height // 2), max(1, width // 2))
        copies = self.min_copies + int(u[2] * (self.max_copies - self.min_copies + 1))
        colors = rng.permutation([c for c in range(COLORS) if c != background])[:copies].tolist()
        canvas = Canvas.blank(height, width, background)
        intents = []
        for color in colors:
            spot = canvas.spot(rng, mask)
            if spot is None:
                break
            canvas.paint(mask, *spot, color)
            intents.append(ShapeIntent(kind, color, *spot, mask))
        canvas.grid.flags.writeable = False
        return Sample(canvas.grid, background, tuple(intents), separated_under=8, rejections=len(colors) - len(intents))
