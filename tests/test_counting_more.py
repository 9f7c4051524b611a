"""The families added to counting and area (most_objects_color, same_count, same_size):
worked examples, agreement with the older families on the same grid, the reference on
the priors' own samples, and the promises of the samplers that feed them."""

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from reference import Reference

import priors
from priors.builtin.area import CopiesSampler
from priors.builtin.counting import ColorPairParam
from priors.testing import conventions, grids, seeds

NEW = ("counting.most_objects_color", "counting.same_count", "area.same_size")
COUNTING, AREA = priors.load("counting"), priors.load("area")


def _answers(scene) -> dict:
    return {
        (q.family, tuple(sorted(q.params.items()))): q.answer for p in (COUNTING, AREA) for q in p.all_questions(scene)
    }


def test_worked_example():
    grid = [
        [1, 0, 1, 0, 2, 2],
        [0, 0, 0, 0, 0, 0],
        [3, 3, 0, 1, 0, 4],
        [0, 0, 0, 0, 0, 4],
    ]
    answers = _answers(priors.parse(grid))
    assert answers[("counting.most_objects_color", ())] == "1"  # three 1s, one each of 2, 3, 4
    assert answers[("counting.same_count", (("a", 2), ("b", 3)))] == "yes"
    assert answers[("counting.same_count", (("a", 1), ("b", 4)))] == "no"
    assert ("counting.same_count", (("a", 2), ("b", 5))) not in answers  # colour 5 is absent
    assert answers[("area.same_size", (("color", 2),))] == "2"  # the 3 and the 4 pairs have area 2 too
    assert ("area.same_size", (("color", 1),)) not in answers  # colour 1 has three objects
    tie = _answers(priors.parse([[1, 0, 2], [0, 0, 0], [3, 0, 0]]))
    assert ("counting.most_objects_color", ()) not in tie  # one object each: no colour has the most
    assert ("counting.most_objects_color", ()) not in _answers(
        priors.parse([[1, 0, 1]])
    )  # one colour gives itself away


def test_a_multicolour_object_counts_for_each_of_its_colours_and_names_none():
    answers = _answers(priors.parse([[1, 2, 0, 2]], univalued=False, background=0))
    assert answers[("counting.same_count", (("a", 1), ("b", 2)))] == "no"  # 1 in one object, 2 in two
    assert answers[("counting.most_objects_color", ())] == "2"
    assert not any(family == "area.same_size" for family, _ in answers)


@given(grid=grids(max_side=12), c=conventions())
def test_same_count_says_yes_exactly_when_counting_color_gives_both_the_same_number(grid, c):
    answers = _answers(c.parse(grid))
    for (family, params), answer in answers.items():
        if family == "counting.same_count":
            a, b = (answers[("counting.color", (("color", v),))] for _, v in params)
            assert "0" not in (a, b) and answer == ("yes" if a == b else "no")


@given(grid=grids(max_side=12), c=conventions())
def test_the_colour_with_most_objects_has_a_larger_count_than_every_other_colour(grid, c):
    answers = _answers(c.parse(grid))
    winner = answers.get(("counting.most_objects_color", ()))
    if winner is not None:
        counts = {dict(p)["color"]: int(a) for (f, p), a in answers.items() if f == "counting.color"}
        assert all(counts[int(winner)] > n for color, n in counts.items() if color != int(winner))


@given(grid=grids(max_side=12), c=conventions())
def test_same_size_counts_the_other_entries_of_sorted_areas_equal_to_that_objects_area(grid, c):
    scene = c.parse(grid)
    answers = _answers(scene)
    for (family, params), answer in answers.items():
        if family == "area.same_size":
            (obj,) = [o for o in scene.objects if dict(params)["color"] in o.colors]
            sorted_areas = answers[("area.sorted", ())].split(", ")
            assert int(answer) == sorted_areas.count(str(obj.area)) - 1


@given(seed=seeds, c=conventions(), name=st.sampled_from(("counting", "area")))
def test_new_questions_about_the_priors_own_samples_have_the_reference_answer(seed, c, name):
    prior = priors.load(name)
    grid = prior.sample(np.random.default_rng(seed)).grid
    scene, ref = c.parse(grid), Reference(grid.tolist(), c.connectivity, c.univalued, c.background)
    for family in (f for f in prior.families if f.id in NEW):
        for params in family.params.domain(scene):
            q = family.ask(name, scene, params)
            assert (None if q is None else q.answer) == ref.answer(family.id, params)


@given(grid=grids(max_side=12), c=conventions(), seed=seeds)
def test_a_chosen_colour_pair_is_ordered_present_and_not_the_background(grid, c, seed):
    scene = c.parse(grid)
    params = ColorPairParam().choose(scene, np.random.default_rng(seed))
    if params is not None:
        assert params["a"] < params["b"] and scene.background not in (params["a"], params["b"])
        assert scene.count_with_color(params["a"]) and scene.count_with_color(params["b"])


def test_pairs_of_equal_counts_are_chosen_about_half_the_time_when_there_are_some():
    # Colours 1 and 2 have one object each, colour 3 two: one equal pair, two unequal ones.
    scene = priors.parse([[1, 0, 2, 0, 3, 0, 3]], background=0)
    rng = np.random.default_rng(0)
    picks = Counter(tuple(ColorPairParam().choose(scene, rng).values()) for _ in range(2000))
    assert 0.45 < picks[(1, 2)] / 2000 < 0.55 and set(picks) == {(1, 2), (1, 3), (2, 3)}


@given(seed=seeds)
def test_copies_are_one_shape_in_colours_of_their_own_each_as_big_as_the_others(seed):
    sample = CopiesSampler()(np.random.default_rng(seed))
    colors = [i.color for i in sample.intent]
    assert len(set(colors)) == len(colors) and sample.background not in colors
    assert len({(i.mask.shape, i.mask.tobytes()) for i in sample.intent}) == 1
    scene = priors.parse(sample.grid, background=sample.background)
    same_size = next(f for f in AREA.families if f.id == "area.same_size")
    for color in colors:
        assert same_size.ask("area", scene, {"color": color}).answer == str(len(colors) - 1)
