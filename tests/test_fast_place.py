"""Chunk samplers place shapes on bitboards (one 32-bit word a row) as SceneSampler does on
boolean ones: only on free spots, every free spot alike, and nowhere when none is free.
The reference here is a plain scan of every spot of a boolean board."""

import numpy as np
from boards import bits as _bits
from boards import free_spots as _free_spots
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import ndimage

from generators.fast import _shapes
from generators.placement import BOARD, PADDED, free_spots, paint_chunk


def _masks(draw_ids):
    """Mask ids of every kind: rectangles, outlines, diagonals and pool blobs."""
    catalogue = _shapes()
    kind, a, b = draw_ids
    return np.select(
        [kind == 0, kind == 1, kind == 2],
        [
            catalogue.rectangles(1 + a % 6, 1 + b % 6),
            catalogue.outlines(3 + a % 4, 3 + b % 4),
            catalogue.diagonals(1 + a % 5, b % 2),
        ],
        catalogue.blobs(1 + a % 9, b % 2048),
    )


boards = st.integers(0, 2**32 - 1).map(np.random.default_rng)


@settings(max_examples=60, deadline=None)
@given(rng=boards, density=st.floats(0, 0.9), tries=st.integers(0, 3))
def test_a_placed_shape_lands_on_a_free_spot_and_is_refused_only_where_none_is_free(rng, density, tries):
    n = 64
    heights, widths = rng.integers(1, 31, n), rng.integers(1, 31, n)
    blocked = np.zeros((n, PADDED, PADDED), dtype=bool)
    blocked[:, 1:-1, 1:-1] = rng.random((n, PADDED - 2, PADDED - 2)) < density
    ids = _masks((rng.integers(0, 4, n), rng.integers(0, 100, n), rng.integers(0, 2048, n)))
    spot = free_spots(_shapes(), _bits(blocked), np.arange(n), ids, heights, widths, rng, tries=tries)
    for g in range(n):
        free = _free_spots(blocked[g], _shapes().mask(int(ids[g])), int(heights[g]), int(widths[g]))
        assert (spot[g] in free) if free else spot[g] == -1, g


def test_every_free_spot_is_as_likely_as_any_other():
    """A 6x6 grid with a few cells blocked and a 2x2 square: 4,000 searches (no random
    tries, so every one is the search) spread over the free spots evenly; each spot's
    count is within 5 standard deviations of the mean."""
    rng, n = np.random.default_rng(7), 4000
    blocked = np.zeros((PADDED, PADDED), dtype=bool)
    blocked[[2, 4, 6], [3, 5, 2]] = True
    square = _shapes().rectangles(np.array([2]), np.array([2]))
    spot = free_spots(
        _shapes(),
        _bits(np.broadcast_to(blocked, (n, PADDED, PADDED))),
        np.arange(n),
        np.repeat(square, n),
        np.full(n, 6),
        np.full(n, 6),
        rng,
        tries=0,
    )
    free = _free_spots(blocked, np.ones((2, 2), dtype=bool), 6, 6)
    counts = np.array([np.count_nonzero(spot == s) for s in sorted(free)])
    assert set(spot.tolist()) == free
    mean = n / len(free)
    assert np.abs(counts - mean).max() < 5 * np.sqrt(mean), counts


@settings(max_examples=40, deadline=None)
@given(rng=boards, halo=st.sampled_from([None, 4, 8]))
def test_painting_draws_the_mask_and_blocks_its_cells_or_their_halo(rng, halo):
    n = 16
    heights, widths = rng.integers(8, 31, n), rng.integers(8, 31, n)
    ids = _masks((rng.integers(0, 4, n), rng.integers(0, 100, n), rng.integers(0, 2048, n)))
    h, w = _shapes().shape(ids)
    top, left = rng.integers(0, heights - h + 1), rng.integers(0, widths - w + 1)
    board = np.zeros((n, BOARD, BOARD), dtype=np.uint8)
    blocked = np.zeros((n, PADDED), dtype=np.uint32)
    colors = rng.integers(1, 10, n)
    paint_chunk(_shapes(), board, blocked, np.arange(n), ids, top * PADDED + left, colors, halo)
    for g in range(n):
        mask = _shapes().mask(int(ids[g]))
        expected = np.zeros((PADDED, PADDED), dtype=bool)
        expected[top[g] + 1 : top[g] + 1 + h[g], left[g] + 1 : left[g] + 1 + w[g]] = mask
        drawn = np.zeros((BOARD, BOARD), dtype=bool)
        drawn[top[g] : top[g] + h[g], left[g] : left[g] + w[g]] = mask
        assert np.array_equal(board[g] == colors[g], drawn)
        if halo is not None:
            expected = ndimage.binary_dilation(expected, ndimage.generate_binary_structure(2, 1 if halo == 4 else 2))
        assert np.array_equal(_bits(expected[None])[0], blocked[g])
