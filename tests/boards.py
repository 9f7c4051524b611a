"""Plain boolean boards for the placement tests: the reference the chunk samplers' bitboards
are held to (tests/test_fast_place.py, tests/test_sampler_laws.py)."""

import numpy as np

from generators.placement import PADDED


def bits(blocked: np.ndarray) -> np.ndarray:
    """Boolean padded boards (one, or stacked on a first axis) as rows of bits, bit c for column c."""
    return (blocked.astype(np.uint64) << np.arange(PADDED, dtype=np.uint64)).sum(axis=-1).astype(np.uint32)


def free_spots(blocked: np.ndarray, mask: np.ndarray, height: int, width: int) -> set[int]:
    """Spots (top * PADDED + left) where no cell of the mask is blocked: SceneSampler's test, spot by spot."""
    h, w = mask.shape
    return {
        top * PADDED + left
        for top in range(height - h + 1)
        for left in range(width - w + 1)
        if not (blocked[top + 1 : top + 1 + h, left + 1 : left + 1 + w] & mask).any()
    }
