"""The symmetry prior's difficulty levels and settings: every level's grids keep the sides and
colours asked for, object scenes keep their shapes apart at every level, the default (medium)
draws what the sampler drew before settings existed, answers on every level's grids are the
reference's, and the settings that symmetry cannot honour are refused by name."""

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from symmetry_reference import Reference

from arc_priors_symmetry import prior
from arc_priors_symmetry.sampler import SymmetrySampler
from priors import parse
from priors.settings import LEVELS, SettingsError
from priors.testing import conventions, seeds


def _colors(sample) -> set[int]:
    return set(np.unique(sample.grid).tolist()) - {sample.background}


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_keeps_its_sides_and_colours_and_draws_object_scenes_apart(level):
    drawing = prior.configured(level)
    s = drawing.settings
    for seed in range(60):
        sample = drawing.sample(np.random.default_rng(seed))
        assert all(s.min_side <= side <= s.max_side for side in sample.grid.shape)
        assert len(_colors(sample)) <= s.max_colors
        if sample.intent:  # an object scene: each shape exactly one object
            assert sample.separated_under == 8
            assert len(parse(sample.grid, background=sample.background).areas) == len(sample.intent)


def test_the_default_is_medium_and_draws_the_grids_the_sampler_drew_before_settings():
    assert prior.level_of() == "medium"
    for seed in range(30):
        a, b = prior.sample(np.random.default_rng(seed)), SymmetrySampler().sample(np.random.default_rng(seed))
        assert np.array_equal(a.grid, b.grid) and a.background == b.background


@pytest.mark.parametrize(
    "changes",
    [
        {"max_side": 5, "max_colors": 1},
        {"min_side": 9, "max_side": 9},  # object scenes, which may grow two cells, have no room: all patterns
        {"min_side": 20, "max_side": 30, "max_colors": 7},
    ],
)
def test_configured_sides_and_colours_bound_every_grid(changes):
    drawing = prior.configured(changes)
    s = drawing.settings
    for seed in range(60):
        sample = drawing.sample(np.random.default_rng(seed))
        assert all(s.min_side <= side <= s.max_side for side in sample.grid.shape)
        assert len(_colors(sample)) <= s.max_colors


def test_configured_noise_recolours_about_that_share_of_the_cells():
    base = prior.configured({"min_side": 12, "max_side": 20})
    noisy = base.configured(attrs.evolve(base.settings, noise=0.2))
    pairs = [
        (base.sample(np.random.default_rng(seed)).grid, noisy.sample(np.random.default_rng(seed)).grid)
        for seed in range(20)
    ]
    share = sum(int(np.count_nonzero(a != b)) for a, b in pairs) / sum(a.size for a, _ in pairs)
    assert 0.14 < share < 0.22


@pytest.mark.parametrize("name, value", [("min_objects", 2), ("max_objects", 4), ("touching", True)])
def test_settings_that_symmetry_does_not_read_are_refused_by_name(name, value):
    with pytest.raises(SettingsError, match=name):
        prior.configured({name: value})


@pytest.mark.parametrize("level", LEVELS)
@settings(deadline=None, max_examples=15)
@given(seed=seeds, c=conventions())
def test_on_every_levels_own_grids_every_answer_is_the_reference_answer(level, seed, c):
    grid = prior.configured(level).sample(np.random.default_rng(seed)).grid
    asked = {(q.family, tuple(sorted(q.params.items()))): q.answer for q in prior.all_questions(c.parse(grid))}
    assert asked == Reference(grid.tolist(), c.connectivity, c.univalued, c.background).questions()
