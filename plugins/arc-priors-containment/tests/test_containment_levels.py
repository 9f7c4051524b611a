"""The containment prior's difficulty levels and settings: every level keeps the sides, outline
counts and shape budget asked for, with every shape one object and each outline a colour of
its own; the default (medium) draws what the sampler drew before settings existed; answers on
every level's grids are the reference's; settings containment cannot honour are refused."""

from __future__ import annotations

import attrs
import numpy as np
import pytest
from containment_reference import ContainmentReference
from hypothesis import given, settings

from arc_priors_containment import prior
from arc_priors_containment.sampler import ContainmentSampler
from priors import parse
from priors.settings import LEVELS, SettingsError
from priors.testing import conventions, seeds

OUTLINE_KINDS = ("outline", "gapped_outline")


def _check_promises(sample, s) -> None:
    """Outlines are drawn first and never dropped for the budget, but may not fit: so at most
    max_outlines of them, and at least one (the first always fits its empty room)."""
    assert all(s.min_side <= side <= s.max_side for side in sample.grid.shape)
    outlines = [i for i in sample.intent if i.kind in OUTLINE_KINDS]
    assert 1 <= len(outlines) <= s.max_outlines
    assert len(sample.intent) <= s.max_objects
    colors = [i.color for i in sample.intent]
    assert all(colors.count(i.color) == 1 for i in outlines)
    assert len(parse(sample.grid, background=sample.background).areas) == len(sample.intent)


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_keeps_its_sides_outlines_and_shape_budget(level):
    drawing = prior.configured(level)
    for seed in range(40):
        _check_promises(drawing.sample(np.random.default_rng(seed)), drawing.settings)


def test_the_default_is_medium_and_draws_the_grids_the_sampler_drew_before_settings():
    assert prior.level_of() == "medium"
    for seed in range(30):
        a, b = prior.sample(np.random.default_rng(seed)), ContainmentSampler()(np.random.default_rng(seed))
        assert np.array_equal(a.grid, b.grid) and a.background == b.background


@pytest.mark.parametrize(
    "changes",
    [
        {"min_side": 6, "max_side": 7, "max_objects": 2, "max_outlines": 1},
        {"min_side": 25, "max_side": 30, "min_outlines": 4, "max_outlines": 6, "max_objects": 8},
        {"max_inside": 0, "max_outside": 0},
    ],
)
def test_configured_settings_bound_every_grid(changes):
    drawing = prior.configured(changes)
    for seed in range(40):
        sample = drawing.sample(np.random.default_rng(seed))
        _check_promises(sample, drawing.settings)
        if changes.get("max_inside") == 0:
            assert all(i.kind in OUTLINE_KINDS for i in sample.intent)


def test_more_outlines_asked_for_are_drawn_where_they_fit():
    drawing = prior.configured(
        {"min_side": 28, "max_side": 30, "min_outlines": 5, "max_outlines": 5, "max_objects": 30}
    )
    counts = [
        sum(i.kind in OUTLINE_KINDS for i in drawing.sample(np.random.default_rng(seed)).intent) for seed in range(20)
    ]
    assert np.mean(counts) > 4


def test_configured_noise_recolours_about_that_share_of_the_cells():
    base = prior.configured({"min_side": 12})
    noisy = base.configured(attrs.evolve(base.settings, noise=0.2))
    pairs = [
        (base.sample(np.random.default_rng(seed)).grid, noisy.sample(np.random.default_rng(seed)).grid)
        for seed in range(20)
    ]
    share = sum(int(np.count_nonzero(a != b)) for a, b in pairs) / sum(a.size for a, _ in pairs)
    assert 0.14 < share < 0.22


@pytest.mark.parametrize(
    "changes, named",
    [
        ({"min_objects": 1}, "min_objects"),
        ({"max_colors": 3}, "max_colors"),
        ({"touching": True}, "touching"),
        ({"min_side": 5}, "min_side"),
        ({"min_outlines": 3, "max_outlines": 2}, "min_outlines"),
        ({"max_objects": 2}, "max_objects"),
    ],
)
def test_settings_that_containment_cannot_honour_are_refused_by_name(changes, named):
    with pytest.raises(SettingsError, match=named):
        prior.configured(changes)


def _asked(scene) -> dict:
    return {(q.family, tuple(sorted(q.params.items()))): q.answer for q in prior.all_questions(scene)}


@pytest.mark.parametrize("level", LEVELS)
@settings(deadline=None, max_examples=12)
@given(seed=seeds, c=conventions())
def test_on_every_levels_own_grids_every_question_has_the_reference_answer(level, seed, c):
    grid = prior.configured(level).sample(np.random.default_rng(seed)).grid
    scene = c.parse(grid)
    ref = ContainmentReference(grid.tolist(), c.connectivity, c.univalued, c.background)
    expected = {}
    for family in prior.families:
        for params in family.params.domain(scene):
            answer = ref.answer(family.id, params)
            if answer is not None:
                expected[(family.id, tuple(sorted(params.items())))] = answer
    assert _asked(scene) == expected
