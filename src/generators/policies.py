"""How big a grid is and what colour its background gets."""

from __future__ import annotations

import bisect
from dataclasses import dataclass, field

import numpy as np

MAX_SIDE = 30
COLORS = 10


def pick_index(cdf: list[float], x: float) -> int:
    """The index that `x`, drawn uniformly below the total `cdf[-1]`, selects from cumulative
    weights. Clamped, so float rounding at the top never runs past the last index."""
    return min(bisect.bisect_right(cdf, x), len(cdf) - 1)


def pick_indices(cdf, u: np.ndarray) -> np.ndarray:
    """`pick_index` for each of u, as the chunk samplers draw."""
    return np.minimum(np.searchsorted(cdf, u, side="right"), len(cdf) - 1)


def ranks(keys: np.ndarray) -> np.ndarray:
    """Per row, each entry's place in increasing order of `keys`: with random keys, the entries
    of rank below k are k drawn uniformly without repeats (keys of 2.0 mark entries never drawn)."""
    return np.argsort(np.argsort(keys, axis=1, kind="stable"), axis=1, kind="stable")


def _check_side(value: int, what: str) -> None:
    if not 1 <= value <= MAX_SIDE:
        raise ValueError(f"{what} must be between 1 and {MAX_SIDE}, got {value}")


@dataclass(frozen=True)
class SizeCurriculum:
    """Grid sides drawn independently from a decaying distribution.

    ARC grids are mostly small, so side s has weight exp(-(s - min_side) / scale);
    `square_rate` of grids are forced square because ARC has many square grids.
    A large `scale` approaches uniform sizes.
    """

    min_side: int = 1
    max_side: int = MAX_SIDE
    scale: float = 8.0
    square_rate: float = 0.3
    _cdf: list[float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        _check_side(self.min_side, "min_side")
        _check_side(self.max_side, "max_side")
        if self.min_side > self.max_side:
            raise ValueError(f"min_side {self.min_side} is above max_side {self.max_side}")
        if not self.scale > 0:
            raise ValueError(f"scale must be positive, got {self.scale}")
        if not 0.0 <= self.square_rate <= 1.0:
            raise ValueError(f"square_rate must be in [0, 1], got {self.square_rate}")
        sides = np.arange(self.min_side, self.max_side + 1)
        weights = np.exp(-(sides - self.min_side) / self.scale)
        object.__setattr__(self, "_cdf", (np.cumsum(weights) / weights.sum()).tolist())

    def probabilities(self) -> np.ndarray:
        """P(side = min_side + k) for each k: the curriculum as numbers, for users and tests."""
        return np.diff(self._cdf, prepend=0.0)

    def _side(self, u: float) -> int:
        return self.min_side + pick_index(self._cdf, u)

    def sample(self, rng: np.random.Generator) -> tuple[int, int]:
        u = rng.random(3)
        height = self._side(u[0])
        width = height if u[2] < self.square_rate else self._side(u[1])
        return height, width


@dataclass(frozen=True)
class BackgroundPolicy:
    """Black most of the time, as in ARC, and otherwise a uniform other colour."""

    black_rate: float = 0.8

    def __post_init__(self) -> None:
        if not 0.0 <= self.black_rate <= 1.0:
            raise ValueError(f"black_rate must be in [0, 1], got {self.black_rate}")

    def sample(self, rng: np.random.Generator) -> int:
        u, v = rng.random(2)
        if u < self.black_rate:
            return 0
        return 1 + int(v * (COLORS - 1))
