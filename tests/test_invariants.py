"""Invariants of the answers and of the samplers, each a sentence about the priors."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import priors
from generators import SceneSampler, SizeCurriculum
from priors.testing import conventions, grids, seeds

BUILTIN = ("counting", "area", "colors")
# Answers that do not depend on position: they survive rotations and flips.
POSITION_FREE = BUILTIN


def _answers(grid, c):
    scene = priors.parse(grid, connectivity=c.connectivity, univalued=c.univalued, background=c.background)
    return {
        (q.family, tuple(sorted(q.params.items()))): q.answer
        for name in POSITION_FREE
        for q in priors.load(name).all_questions(scene)
    }


@given(grid=grids(), c=conventions(), k=st.integers(0, 3), flip=st.booleans())
def test_answers_are_unchanged_by_rotation_and_flips(grid, c, k, flip):
    moved = np.rot90(grid, k)
    moved = np.fliplr(moved) if flip else moved
    assert _answers(np.ascontiguousarray(moved), c) == _answers(grid, c)


@given(grid=grids(), c=conventions(), perm=st.permutations(range(1, 10)))
def test_permuting_the_non_background_colours_permutes_the_per_colour_answers(grid, c, perm):
    # Keep colour 0 fixed and make it the background, so the permutation never moves it.
    mapping = np.array([0, *perm], dtype=np.uint8)
    c = c.__class__(c.connectivity, c.univalued, 0)
    before, after = _answers(grid, c), _answers(mapping[grid], c)
    for (family, params), answer in before.items():
        if family in ("counting.color", "colors.cells", "area.same_size"):
            moved = (family, (("color", int(mapping[dict(params)["color"]])),))
            assert after[moved] == answer
        elif family == "counting.same_count":
            a, b = sorted(int(mapping[v]) for v in dict(params).values())
            assert after[(family, (("a", a), ("b", b)))] == answer
        elif family in (
            "area.max_color",
            "area.min_color",
            "colors.most",
            "colors.least",
            "counting.most_objects_color",
        ):
            assert after[(family, params)] == str(mapping[int(answer)])
        else:
            assert after[(family, params)] == answer


@given(seed=seeds, connectivity=st.sampled_from((4, 8)))
def test_when_the_sampler_promises_separation_its_intent_is_the_parsed_scene(seed, connectivity):
    sampler = SceneSampler(separate=True, connectivity=connectivity, max_objects=9)
    sample = sampler.sample(np.random.default_rng(seed))
    assert sample.separated_under == connectivity
    for univalued in (True, False):
        scene = priors.parse(sample.grid, connectivity=connectivity, univalued=univalued, background=sample.background)
        intended = sorted((min(i.cells()), i.cells(), i.color) for i in sample.intent)
        parsed = [(o.cells[0], frozenset(o.cells), o.color) for o in scene.objects]
        assert parsed == intended


@pytest.mark.parametrize("name", BUILTIN)
@given(seed=seeds)
def test_every_builtin_sampler_draws_valid_grids_with_its_shapes_as_drawn(name, seed):
    sample = priors.load(name).sample(np.random.default_rng(seed))
    assert priors.as_grid(sample.grid).shape == sample.grid.shape
    for intent in sample.intent:
        assert intent.color != sample.background
        assert all(sample.grid[r, c] == intent.color for r, c in intent.cells())


@given(lo=st.integers(1, 30), hi=st.integers(1, 30), seed=seeds)
def test_the_sampler_respects_its_size_bounds(lo, hi, seed):
    lo, hi = min(lo, hi), max(lo, hi)
    sample = SceneSampler(sizes=SizeCurriculum(min_side=lo, max_side=hi)).sample(np.random.default_rng(seed))
    assert all(lo <= side <= hi for side in sample.grid.shape)


def test_the_default_size_curriculum_favours_small_grids():
    p = SizeCurriculum().probabilities()
    assert len(p) == 30 and abs(p.sum() - 1) < 1e-9
    assert all(a > b for a, b in zip(p, p[1:]))


@pytest.mark.parametrize("name", BUILTIN)
@given(seed=seeds)
def test_the_same_seed_gives_the_same_grid_and_questions(name, seed):
    prior = priors.load(name)
    a, b = (prior.sample(np.random.default_rng(seed)) for _ in range(2))
    assert np.array_equal(a.grid, b.grid) and a.intent == b.intent
    assert [i.cells() for i in a.intent] == [i.cells() for i in b.intent]
    scene = priors.parse(a.grid)
    assert prior.questions(scene, np.random.default_rng(seed)) == prior.questions(scene, np.random.default_rng(seed))


@pytest.mark.parametrize("name", BUILTIN)
def test_no_answer_value_dominates_a_family(name):
    """CLEVR-style balance over the prior's own samples: no value above 35% of its family
    (65% for yes/no), and zero counts appear but stay a minority."""
    prior, rng = priors.load(name), np.random.default_rng(7)
    answers = {f.id: Counter() for f in prior.families}
    for _ in range(3000):
        for q in prior.questions(priors.parse(prior.sample(rng).grid), rng):
            answers[q.family][q.answer] += 1
    yes_no = {f.id for f in prior.families if f.answer_format == priors.YES_NO}
    for family, counts in answers.items():
        total = sum(counts.values())
        assert total > 500, family
        value, top = counts.most_common(1)[0]
        # A yes/no family cannot keep its top answer under 35%: it is held near 50/50 instead.
        assert top / total <= (0.65 if family in yes_no else 0.35), (family, value, top / total)
    if name == "counting":
        zeros = answers["counting.color"]["0"] / sum(answers["counting.color"].values())
        assert 0.05 <= zeros <= 0.35
