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
def test_mirrored_samples_are_symmetric_and_sized_like_any_other(seed):
    sample = prior.sample(np.random.default_rng(seed))
    assert 1 <= min(sample.grid.shape) and max(sample.grid.shape) <= 30
