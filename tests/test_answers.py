"""Every built-in family's answer equals the independent BFS reference, on arbitrary grids
and every convention, and a question is asked exactly when the reference finds it well-posed."""

import numpy as np
import pytest
from hypothesis import given
from reference import Reference

import priors
from priors.testing import check_questions, conventions, grids, seeds

BUILTIN = ("counting", "area", "colors")


def _scene_and_reference(grid, c):
    kwargs = dict(connectivity=c.connectivity, univalued=c.univalued, background=c.background)
    return priors.parse(grid, **kwargs), Reference(grid.tolist(), **kwargs)


@pytest.mark.parametrize("name", BUILTIN)
@given(grid=grids(), c=conventions())
def test_every_question_a_prior_can_ask_has_the_reference_answer(name, grid, c):
    prior = priors.load(name)
    scene, ref = _scene_and_reference(grid, c)
    asked = prior.all_questions(scene)
    check_questions(prior, scene, asked)
    got = {(q.family, tuple(sorted(q.params.items()))): q.answer for q in asked}
    expected = {}
    for family in prior.families:
        for params in family.params.domain(scene):
            answer = ref.answer(family.id, params)
            if answer is not None:
                expected[(family.id, tuple(sorted(params.items())))] = answer
    assert got == expected


@pytest.mark.parametrize("name", BUILTIN)
@given(grid=grids(), c=conventions(), seed=seeds)
def test_sampled_questions_have_the_reference_answer(name, grid, c, seed):
    prior = priors.load(name)
    scene, ref = _scene_and_reference(grid, c)
    for q in prior.questions(scene, np.random.default_rng(seed)):
        assert q.answer == ref.answer(q.family, dict(q.params)), q


def test_the_colour_parameter_covers_every_colour_but_the_background():
    scene = priors.parse([[0, 1], [0, 0]])
    family = next(f for f in priors.load("counting").families if f.id == "counting.color")
    assert [p["color"] for p in family.params.domain(scene)] == list(range(1, 10))


def test_ambiguous_questions_are_not_asked():
    # Two biggest objects of equal area, two colours covering equally many cells.
    scene = priors.parse([[1, 0, 2], [1, 0, 2]])
    families = {q.family for name in BUILTIN for q in priors.load(name).all_questions(scene)}
    assert "area.max_color" not in families and "colors.most" not in families
    assert "area.max" in families and "colors.distinct" in families
