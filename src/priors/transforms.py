"""The eight rotations and flips of a grid, by name.

A family declares which of them leave its answers unchanged (`Family.invariant_under`),
and the conformance kit holds it to that; ARC task augmentation uses the same names.
Each transform maps a grid to a new read-only array, never a view of the caller's.
"""

from __future__ import annotations

from typing import Callable

import numpy as np

TRANSFORMS: dict[str, Callable[[np.ndarray], np.ndarray]] = {
    "identity": lambda g: g,
    "rot90": lambda g: np.rot90(g, 1),
    "rot180": lambda g: np.rot90(g, 2),
    "rot270": lambda g: np.rot90(g, 3),
    "flip_lr": lambda g: g[:, ::-1],
    "flip_ud": lambda g: g[::-1, :],
    "transpose": lambda g: g.T,
    "anti_transpose": lambda g: np.rot90(g, 2).T,
}

DIHEDRAL = frozenset(TRANSFORMS) - {"identity"}
"""Every non-trivial rotation and flip: what counts, areas and colour tallies survive."""
MIRRORS = frozenset({"rot180", "flip_lr", "flip_ud"})
"""The transforms that keep rows rows and columns columns (no quarter turn, no transpose)."""


def transform(grid: np.ndarray, name: str) -> np.ndarray:
    try:
        moved = TRANSFORMS[name](np.asarray(grid))
    except KeyError:
        raise ValueError(f"unknown transform {name!r}; known: {', '.join(TRANSFORMS)}") from None
    out = np.ascontiguousarray(moved).copy()
    out.flags.writeable = False
    return out
