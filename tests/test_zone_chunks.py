"""Zone grids drawn a chunk at a time (`ZoneSampler.chunk`, the one definition of them): every
grid of a chunk keeps the sampler's promises, checked cell by cell with plain loops, and the
band boards that keep shapes in their band block exactly the rest of the grid."""

from __future__ import annotations

import numpy as np
from boards import bits
from boards import free_spots as plain_free_spots
from hypothesis import given, settings
from hypothesis import strategies as st

from generators.chunks import chunk_version, draw, drawn_problem
from generators.fast import _shapes, shapes
from generators.placement import PADDED, block_chunk
from generators.zones import ZoneSampler, _band_frames, _Slots

SAMPLERS = {
    "default": ZoneSampler(),
    "easy": ZoneSampler(max_bands=2, max_side=4, max_colors=1, max_shapes=1, min_grid_side=3, max_grid_side=8),
    "hard": ZoneSampler(
        max_bands=6, max_side=12, max_colors=5, max_shapes=3, min_grid_side=12, max_grid_side=30, min_filled=6
    ),
}


def _full_lines(grid: list[list[int]], background: int) -> set[tuple[str, int, int]]:
    lines = {("row", i, row[0]) for i, row in enumerate(grid) if len(set(row)) == 1 and row[0] != background}
    columns = [[row[j] for row in grid] for j in range(len(grid[0]))]
    return lines | {("col", j, col[0]) for j, col in enumerate(columns) if len(set(col)) == 1 and col[0] != background}


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), name=st.sampled_from(sorted(SAMPLERS)))
def test_every_grid_of_a_chunk_keeps_the_promises_of_its_layout(seed, n, name):
    sampler = SAMPLERS[name]
    zoned = sampler.chunk(np.random.default_rng(seed), n)
    assert drawn_problem(zoned.drawn, n) is None
    for g in range(n):
        sample, layout = zoned.sample(g), zoned.layout(g, sampler.max_bands)
        grid, background = sample.grid.tolist(), sample.background
        height, width = len(grid), len(grid[0])
        assert sampler.min_grid_side <= min(height, width) and max(height, width) <= sampler.max_grid_side
        # The lines drawn are the full lines of the grid, and the background stays the most common colour.
        assert _full_lines(grid, background) == set(layout.lines)
        counts = [sum(row.count(c) for row in grid) for c in range(10)]
        assert all(counts[background] > n for c, n in enumerate(counts) if c != background)
        # Bands tile the grid between the lines, each of the allowed sides.
        for bands, side in ((layout.row_bands, height), (layout.col_bands, width)):
            assert bands[0][0] == 0 and bands[-1][1] == side
            assert all(b[0] == a[1] + 1 for a, b in zip(bands, bands[1:]))
            assert all(sampler.min_side <= stop - start <= sampler.max_side for start, stop in bands)
        # Each shape lies inside one band, on cells of its colour; nothing else but lines and background.
        shaped = set()
        for intent in sample.intent:
            cells = intent.cells()
            assert all(grid[i][j] == intent.color for i, j in cells)
            assert any(
                all(top <= i < bottom and left <= j < right for i, j in cells)
                for top, bottom in layout.row_bands
                for left, right in layout.col_bands
            )
            shaped |= cells
        line_cells = {
            (i, j)
            for axis, k, _ in layout.lines
            for i in range(height)
            for j in range(width)
            if (i, j)[axis == "col"] == k
        }
        for i in range(height):
            for j in range(width):
                if (i, j) not in shaped and (i, j) not in line_cells:
                    assert grid[i][j] == background
        filled = {
            (r, c)
            for r, (top, bottom) in enumerate(layout.row_bands)
            for c, (left, right) in enumerate(layout.col_bands)
            if any(top <= i < bottom and left <= j < right for i, j in shaped)
        }
        assert filled == set(layout.filled)
        assert len(sample.intent) <= sampler.max_shapes_in_all


@given(seed=st.integers(0, 2**32 - 1))
def test_the_chunk_version_draws_the_chunk_and_one_grid_is_a_chunk_of_one(seed):
    sampler = ZoneSampler()
    version = chunk_version(sampler.sample)
    a = draw([version], np.zeros(5, dtype=np.int64), np.random.default_rng(seed))
    b = sampler.chunk(np.random.default_rng(seed), 5).drawn
    assert np.array_equal(a.board, b.board) and np.array_equal(a.rejections, b.rejections)
    one = sampler.sample(np.random.default_rng(seed))
    assert np.array_equal(one.grid, sampler.chunk(np.random.default_rng(seed), 1).sample(0).grid)


@given(
    top=st.integers(0, 20),
    left=st.integers(0, 20),
    height=st.integers(1, 9),
    width=st.integers(1, 9),
)
def test_a_band_board_leaves_free_exactly_the_cells_of_its_band(top, left, height, width):
    one = np.array([0])
    slots = _Slots(
        one, one, np.array([top]), np.array([left]), np.array([height]), np.array([width]), one + 30, one + 30, one
    )
    free = np.ones((PADDED, PADDED), dtype=bool)
    free[top + 1 : top + 1 + height, left + 1 : left + 1 + width] = False
    assert np.array_equal(_band_frames(slots)[0], bits(free))
    cell = np.ones((1, 1), dtype=bool)
    assert plain_free_spots(free, cell, 30, 30) == {
        (top + i) * PADDED + left + j for i in range(height) for j in range(width)
    }


@given(seed=st.integers(0, 2**32 - 1), area=st.integers(1, 8))
def test_freeing_a_shape_clears_its_cells_and_nothing_else(seed, area):
    rng = np.random.default_rng(seed)
    blocked = (rng.random((1, PADDED)) * 2**32).astype(np.uint32)
    ids = shapes(("blob",), np.array([0]), np.array([area]), np.array([6]), np.array([6]), rng)
    spot = np.array([int(rng.integers(0, 20)) * PADDED + int(rng.integers(0, 20))])
    cells = np.zeros((PADDED, PADDED), dtype=bool)  # the shape's cells on a padded board, from its mask
    top, left = divmod(int(spot[0]), PADDED)
    mask = _shapes().mask(int(ids[0]))
    cells[top + 1 : top + 1 + mask.shape[0], left + 1 : left + 1 + mask.shape[1]] = mask
    expected = blocked & ~bits(cells)
    block_chunk(_shapes(), blocked, np.array([0]), ids, spot, None)
    assert np.array_equal(blocked & bits(cells), bits(cells)[None, :])
    block_chunk(_shapes(), blocked, np.array([0]), ids, spot, None, free=True)
    assert np.array_equal(blocked, expected)
