"""Difficulty settings of the built-in priors: every level's grids keep the settings' promises,
`configured` draws the grids it is asked for, and the default (medium) draws exactly what each
prior's sampler drew before settings existed, so existing datasets stay as they were.

What a sampler promises, without noise (noise recolours cells after drawing and drops the
intent): every side within [min_side, max_side]; at most max_objects shapes drawn, and at
least min_objects when no shape was rejected; at most max_colors shape colours. Apart shapes
(touching false) are each exactly one object; touching shapes may merge, so a grid then holds
at most as many objects (under the sampler's own background, 8-connectivity) as shapes drawn.
"""

import attrs
import numpy as np
import pytest
from hypothesis import given, settings
from reference import Reference, answer_for

import priors
from generators import SceneSampler, SizeCurriculum
from generators.zones import ZoneSampler
from priors.builtin.area import AreaSampler, CopiesSampler
from priors.builtin.shapes import SHAPE_MIX, ThemedSampler
from priors.scene import parse
from priors.settings import LEVELS, Noisy, SettingsError
from priors.testing import check_questions, conventions, seeds

SCENE_PRIORS = ("colors", "counting", "objects", "shapes", "compare")
"""Priors whose sampler is a SceneSampler (or shapes' themed mix of them) built from the settings."""
BUILTIN = (*SCENE_PRIORS, "area", "zones")
SEEDS = range(40)


def _quiet(prior, choice):
    """The prior at `choice` (a level name or a mapping) with noise off, and its settings."""
    settings = prior.configured(choice).settings
    settings = attrs.evolve(settings, noise=0.0)
    return prior.configured(settings), settings


def _shape_colors(sample) -> set[int]:
    return {i.color for i in sample.intent}


def _objects_under_own_background(sample) -> int:
    return len(parse(sample.grid, background=sample.background).areas)


def _check_scene_promises(sample, settings) -> None:
    assert all(settings.min_side <= side <= settings.max_side for side in sample.grid.shape)
    assert len(sample.intent) <= settings.max_objects
    if sample.rejections == 0:
        assert len(sample.intent) >= settings.min_objects
    assert len(_shape_colors(sample)) <= settings.max_colors
    if settings.touching:
        assert _objects_under_own_background(sample) <= len(sample.intent)
    else:
        assert sample.separated_under == 8
        assert _objects_under_own_background(sample) == len(sample.intent)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", SCENE_PRIORS)
def test_every_level_of_a_scene_prior_keeps_its_sides_object_counts_colours_and_separation(name, level):
    prior, settings = _quiet(priors.load(name), level)
    for seed in SEEDS:
        _check_scene_promises(prior.sample(np.random.default_rng(seed)), settings)


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_of_area_keeps_the_promises_of_its_shapes_and_of_its_copies(level):
    prior, settings = _quiet(priors.load("area"), level)
    sampler = prior.sampler
    assert isinstance(sampler, AreaSampler)
    for seed in SEEDS:
        _check_scene_promises(sampler.shapes.sample(np.random.default_rng(seed)), settings)
        copies = sampler.copies(np.random.default_rng(seed))
        assert all(settings.min_side <= side <= settings.max_side for side in copies.grid.shape)
        assert len(copies.intent) <= settings.max_copies
        if copies.rejections == 0:
            assert len(copies.intent) >= settings.min_copies
        assert len({i.area for i in copies.intent}) <= 1 and len(_shape_colors(copies)) == len(copies.intent)
        assert _objects_under_own_background(copies) == len(copies.intent)


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_of_zones_keeps_its_grid_sides_shape_budget_and_filled_bands(level):
    prior, settings = _quiet(priors.load("zones"), level)
    sampler = prior.sampler.__self__
    assert isinstance(sampler, ZoneSampler)
    for seed in SEEDS:
        sample, layout = sampler.draw(np.random.default_rng(seed))
        assert all(settings.min_side <= side <= settings.max_side for side in sample.grid.shape)
        bands = [b[1] - b[0] for b in (*layout.row_bands, *layout.col_bands)]
        assert all(settings.min_band <= b <= settings.max_band for b in bands)
        assert len(layout.row_bands) <= settings.max_bands and len(layout.col_bands) <= settings.max_bands
        assert len(sample.intent) <= settings.max_objects
        if sample.rejections == 0 and len(sample.intent) < settings.max_objects:
            assert len(layout.filled) >= min(settings.min_objects, len(layout.row_bands) * len(layout.col_bands))
        line_colors = {color for _, _, color in layout.lines}
        assert len(_shape_colors(sample) - line_colors) <= settings.max_colors


@pytest.mark.parametrize("name", BUILTIN)
def test_the_default_is_the_medium_level(name):
    prior = priors.load(name)
    assert prior.level_of() == "medium" and prior.levels["medium"] == prior.settings
    for seed in range(5):
        a, b = (p.sample(np.random.default_rng(seed)) for p in (prior, prior.configured("medium")))
        assert np.array_equal(a.grid, b.grid)


# What each sampler was before settings existed, written out again: the default settings must
# draw exactly these grids, so that datasets made before are made again.
BEFORE = {
    "colors": SceneSampler(min_objects=1, max_objects=8, separate=False).sample,
    "counting": SceneSampler(min_objects=0, max_objects=9, max_colors=3).sample,
    "objects": SceneSampler(
        sizes=SizeCurriculum(min_side=3, max_side=12), min_objects=1, max_objects=5, max_area=12, kinds=SHAPE_MIX
    ).sample,
    "shapes": ThemedSampler.around(
        SHAPE_MIX,
        20.0,
        sizes=SizeCurriculum(min_side=4, max_side=16, scale=10.0),
        min_objects=1,
        max_objects=8,
        max_area=16,
    ),
    "compare": SceneSampler(
        sizes=SizeCurriculum(min_side=3, max_side=8, scale=6.0), min_objects=1, max_objects=6, max_colors=2
    ).sample,
    "area": AreaSampler(SceneSampler(min_objects=1, max_objects=6, max_area=12), CopiesSampler()),
    "zones": ZoneSampler().sample,
}


@pytest.mark.parametrize("name", BUILTIN)
def test_the_default_settings_draw_the_same_grids_as_the_sampler_did_before_settings(name):
    prior = priors.load(name)
    for seed in range(30):
        a, b = prior.sample(np.random.default_rng(seed)), BEFORE[name](np.random.default_rng(seed))
        assert np.array_equal(a.grid, b.grid) and a.background == b.background


@pytest.mark.parametrize("name", BUILTIN)
def test_configured_sides_bound_every_grid(name):
    prior = priors.load(name).configured({"min_side": 9, "max_side": 11})
    for seed in SEEDS:
        assert all(9 <= side <= 11 for side in prior.sample(np.random.default_rng(seed)).grid.shape)


@pytest.mark.parametrize("name", SCENE_PRIORS + ("area",))
def test_configured_object_counts_and_colours_bound_the_shapes_drawn(name):
    prior, settings = _quiet(
        priors.load(name), {"min_side": 10, "max_side": 14, "min_objects": 2, "max_objects": 2, "max_colors": 1}
    )
    sampler = prior.sampler.shapes.sample if name == "area" else prior.sampler
    for seed in SEEDS:
        sample = sampler(np.random.default_rng(seed))
        assert len(sample.intent) == 2 or (len(sample.intent) < 2 and sample.rejections)
        assert len(_shape_colors(sample)) == 1


@pytest.mark.parametrize("name", BUILTIN)
def test_configured_noise_recolours_about_that_share_of_the_cells_and_nothing_else(name):
    """Noise redraws each cell's colour with probability `noise`, to any of the 10 colours, after
    the grid is drawn from the same random numbers; so about 0.9 x noise of the cells differ."""
    base = priors.load(name).configured({"min_side": 15, "max_side": 20})
    noisy = base.configured(attrs.evolve(base.settings, noise=0.2))
    assert isinstance(noisy.sampler, Noisy)
    differ = cells = 0
    for seed in range(20):
        a, b = (p.sample(np.random.default_rng(seed)) for p in (base, noisy))
        assert a.grid.shape == b.grid.shape
        differ += int(np.count_nonzero(a.grid != b.grid))
        cells += a.grid.size
    assert 0.14 < differ / cells < 0.22


@pytest.mark.parametrize("name", BUILTIN)
def test_each_level_draws_the_same_grid_for_the_same_seed(name):
    for level in LEVELS:
        prior = priors.load(name).configured(level)
        a, b = (prior.sample(np.random.default_rng(7)) for _ in range(2))
        assert np.array_equal(a.grid, b.grid) and not a.grid.flags.writeable


def test_zone_settings_that_cannot_be_honoured_are_refused_with_the_setting_named():
    zones = priors.load("zones")
    with pytest.raises(SettingsError, match="touching"):
        zones.configured({"touching": False})
    with pytest.raises(SettingsError, match="min_band"):
        zones.configured({"min_band": 7})
    with pytest.raises(SettingsError, match="grid of 1-3 cells"):
        zones.configured({"max_side": 3})


def test_area_copies_settings_are_checked():
    area = priors.load("area")
    with pytest.raises(SettingsError, match="min_copies"):
        area.configured({"min_copies": 8, "max_copies": 4})
    with pytest.raises(SettingsError, match="max_copies"):
        area.configured({"max_copies": 10})


def _reference(scene) -> Reference:
    c = scene.conventions
    return Reference(scene.grid.tolist(), connectivity=c.connectivity, univalued=c.univalued, background=c.background)


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", BUILTIN)
@settings(max_examples=10, deadline=None)
@given(seed=seeds, c=conventions())
def test_every_question_about_a_levels_own_grids_has_the_reference_answer_and_is_asked_exactly_when_well_posed(
    name, level, seed, c
):
    """Hard levels draw large, crowded, noisy grids the default never does: the answers must
    still be those of the grid as drawn."""
    prior = priors.load(name).configured(level)
    rng = np.random.default_rng(seed)
    width = max(f.scenes for f in prior.families)
    names = ["the grid"] if width == 1 else [f"Grid {chr(65 + i)}" for i in range(width)]
    scenes = [c.parse(prior.sample(rng).grid, name=n) for n in names]
    target = scenes[0] if width == 1 else tuple(scenes)
    refs = [_reference(s) for s in scenes]
    asked = prior.all_questions(target)
    check_questions(prior, target, asked)
    got = {(q.family, tuple(sorted(q.params.items()))): q.answer for q in asked}
    expected = {}
    for family in prior.families:
        for params in family.params.domain(target):
            answer = answer_for(family.id, refs, names, params)
            if answer is not None:
                expected[(family.id, tuple(sorted(params.items())))] = answer
    assert got == expected
