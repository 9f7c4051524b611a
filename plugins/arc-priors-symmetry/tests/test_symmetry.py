"""The plugin's spec: the same contract test arc-priors runs, plus answers checked
against a reference written another way (plain list reversal)."""

import numpy as np
from hypothesis import given

from arc_priors_symmetry import prior
from priors import parse
from priors.testing import contract_test, grids, seeds

test_symmetry_contract = contract_test(prior)


@given(grid=grids(max_side=8), seed=seeds)
def test_answers_match_list_reversal(grid, seed):
    rows = grid.tolist()
    expected = {
        "symmetry.left_right": "yes" if all(row == row[::-1] for row in rows) else "no",
        "symmetry.top_bottom": "yes" if rows == rows[::-1] else "no",
    }
    for q in prior.questions(parse(grid), np.random.default_rng(seed)):
        assert q.answer == expected[q.family]


@given(seed=seeds)
def test_a_sample_is_the_drawn_scene_or_a_mirror_image(seed):
    from arc_priors_symmetry import _scenes

    drawn = _scenes.sample(np.random.default_rng(seed)).grid
    grid = prior.sample(np.random.default_rng(seed)).grid
    assert grid.shape == drawn.shape
    assert np.array_equal(grid, drawn) or np.array_equal(grid, grid[:, ::-1]) or np.array_equal(grid, grid[::-1, :])


def test_about_two_thirds_of_samples_are_mirrored():
    grids = [prior.sample(np.random.default_rng(seed)).grid for seed in range(600)]
    symmetric = sum(np.array_equal(g, g[:, ::-1]) or np.array_equal(g, g[::-1, :]) for g in grids)
    assert symmetric >= 0.6 * len(grids)
