"""Copies scenes: one shape drawn several times, each copy in a colour of its own."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from generators.fast import copies_chunk
from generators.policies import BackgroundPolicy, SizeCurriculum
from generators.sampler import Sample, sample_of


@dataclass(frozen=True)
class Copies:
    """A `CopiesSampler`'s grids drawn a chunk at a time (`generators.fast.copies_chunk`): its
    chunk version, a value of `generators.chunks` kept beside the sampler it names."""

    sampler: Any


@dataclass(frozen=True)
class CopiesSampler:
    """One shape drawn several times, each copy in a colour of its own and apart from the
    others (8-connectivity): ARC's "same shape, other colours" layout. Independent shapes
    rarely share an area, so without these scenes "how many have the same area" is
    nearly always 0. A copy that fits nowhere ends the grid; each copy left undrawn is a
    rejection."""

    sizes: SizeCurriculum = SizeCurriculum(min_side=4, max_side=14)
    background: BackgroundPolicy = BackgroundPolicy()
    kinds: tuple[str, ...] = ("blob", "rectangle", "square", "outline", "horizontal", "vertical", "diagonal", "cell")
    min_copies: int = 3
    max_copies: int = 7
    max_area: int = 9

    def chunk_version(self):
        """`generators.fast.copies_chunk`, by the same laws; none for a subclass that draws otherwise."""
        return Copies(self) if type(self).__call__ is CopiesSampler.__call__ else None

    def __call__(self, rng: np.random.Generator) -> Sample:
        """One grid: `generators.fast.copies_chunk`'s chunk of one, the only definition of these grids."""
        placed: list = []
        drawn = copies_chunk(
            self.sizes, self.background, self.kinds, self.min_copies, self.max_copies, self.max_area, rng, 1, placed
        )
        return sample_of(drawn, placed, 8)
