"""The symmetry sampler draws a chunk of grids at once (`SymmetrySampler.chunk`, the one
definition of its grids): every grid of a chunk keeps the sampler's promises, checked with
the plain loops of symmetry_reference, and a chunk's steps agree with the one-grid functions."""

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from symmetry_reference import differing_pairs, holds, objects

from arc_priors_symmetry.sampler import GROUPS, SymmetrySampler, broken_pairs, symmetrize
from generators.chunks import chunk_version, draw, drawn_problem
from generators.fast import OUT
from generators.placement import BOARD
from priors.testing import grids

SAMPLERS = {
    "default": SymmetrySampler(),
    "objects only": SymmetrySampler(object_rate=1.0, max_colors=5),
    "patterns only": SymmetrySampler(object_rate=0.0, break_rate=1.0),
}


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 40), name=st.sampled_from(sorted(SAMPLERS)))
def test_every_grid_of_a_chunk_keeps_the_samplers_promises(seed, n, name):
    sampler = SAMPLERS[name]
    chunk = sampler.chunk(np.random.default_rng(seed), n)
    assert drawn_problem(chunk.drawn, n) is None
    for g in range(n):
        sample = chunk.sample(g)
        rows, background = sample.grid.tolist(), sample.background
        height, width = len(rows), len(rows[0])
        if sample.separated_under is None:  # a pattern: as drawn, or at most max_breaks mirror pairs away
            sizes = sampler.sizes
            assert sizes.min_side <= min(height, width) and max(height, width) <= sizes.max_side
            assert not sample.intent
            assert len({v for row in rows for v in row} - {background}) <= sampler.max_colors + 1
            continue
        sizes = sampler.object_sizes
        assert sizes.min_side <= min(height, width) and height <= sizes.max_side + 1 and width <= sizes.max_side + 2
        main, *distractors = sample.intent
        mask = main.mask.astype(int).tolist()
        assert main.kind == ("mirrored" if holds(mask)["left-right"] else "near miss")
        assert len(distractors) < sampler.max_colors
        assert len({i.color for i in sample.intent} | {background}) == len(sample.intent) + 1
        painted = set()
        for intent in sample.intent:
            cells = intent.cells()
            assert all(rows[i][j] == intent.color for i, j in cells)
            painted |= cells
        assert all(rows[i][j] == background for i in range(height) for j in range(width) if (i, j) not in painted)
        # Apart even at corners: each shape is one object of its own under 8-connectivity.
        found = objects(rows, 8, False, background)
        assert sorted(map(sorted, found)) == sorted(sorted(i.cells()) for i in sample.intent)


@given(seed=st.integers(0, 2**32 - 1))
def test_the_chunk_version_draws_the_chunk_and_one_grid_is_a_chunk_of_one(seed):
    sampler = SymmetrySampler()
    a = draw([chunk_version(sampler.sample)], np.zeros(6, dtype=np.int64), np.random.default_rng(seed))
    b = sampler.chunk(np.random.default_rng(seed), 6).drawn
    assert np.array_equal(a.board, b.board)
    one = sampler.sample(np.random.default_rng(seed))
    assert np.array_equal(one.grid, sampler.chunk(np.random.default_rng(seed), 1).sample(0).grid)


@settings(deadline=None)
@given(
    halves=st.lists(grids(max_side=8), min_size=1, max_size=5),
    counts=st.lists(st.integers(0, 5), min_size=5, max_size=5),
    seed=st.integers(0, 2**32 - 1),
)
def test_breaking_pairs_of_a_chunk_leaves_each_grid_its_own_count_to_fix(halves, counts, seed):
    mirrored = [np.hstack([h, h[:, ::-1]]) for h in halves]
    n = len(mirrored)
    board = np.full((n, BOARD, BOARD), OUT, dtype=np.uint8)
    for g, grid in enumerate(mirrored):
        board[g, : grid.shape[0], : grid.shape[1]] = grid
    heights, widths = (np.array([g.shape[k] for g in mirrored]) for k in (0, 1))
    pool = np.array([[0, 1, 2]] * n)
    broken_pairs(board, heights, widths, np.array(counts[:n]), pool, np.array([3] * n), np.random.default_rng(seed))
    for g, grid in enumerate(mirrored):
        after = board[g, : grid.shape[0], : grid.shape[1]]
        assert differing_pairs(after.tolist()) == min(counts[g], grid.size // 2)
        assert np.count_nonzero(after != grid) == min(counts[g], grid.size // 2)
        assert (board[g, grid.shape[0] :] == OUT).all() and (board[g, :, grid.shape[1] :] == OUT).all()


@settings(deadline=None)
@given(seed=st.integers(0, 2**32 - 1))
def test_a_chunks_patterns_are_symmetric_under_a_group_or_few_pairs_from_it(seed):
    sampler = SymmetrySampler(object_rate=0.0, break_rate=0.0)
    chunk = sampler.chunk(np.random.default_rng(seed), 30)
    for g in range(30):
        grid = chunk.sample(g).grid
        # Unbroken, a pattern is its own symmetrisation under some group of GROUPS.
        assert any(
            np.array_equal(symmetrize(grid, group.elements), grid)
            for group in GROUPS
            if grid.shape[0] == grid.shape[1] or group.other_weight > 0
        )
