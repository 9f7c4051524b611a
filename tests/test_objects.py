"""The objects prior: its description equals the BFS reference of tests/ref_objects.py on
arbitrary grids under every convention, says what the other priors say about the same
objects, and its sampler draws scenes it can describe."""

from collections import Counter

import numpy as np
from hypothesis import given
from hypothesis import strategies as st
from reference import Reference

import priors
from priors.builtin.objects import MAX_DESCRIBED
from priors.testing import check_records, conventions, grids, seeds
from priors.transforms import DIHEDRAL, transform

PRIOR = priors.load("objects")
SWAPPED = {"horizontal line": "vertical line", "vertical line": "horizontal line"}


def _description(scene) -> str | None:
    asked = PRIOR.all_questions(scene)
    check_records(PRIOR, scene, asked)
    return asked[0].answer if asked else None


def _entries(answer: str) -> list[tuple[int, int, str]]:
    out = []
    for part in answer.split("; "):
        color, area, kind = part.split(" ", 2)
        out.append((int(color), int(area), kind))
    return out


def _reference(grid, c):
    return Reference(grid.tolist(), c.connectivity, c.univalued, c.background).answer("objects.describe", {})


@given(grid=grids(max_side=12), c=conventions())
def test_the_description_is_the_reference_and_given_exactly_when_well_posed(grid, c):
    assert _description(c.parse(grid)) == _reference(grid, c)


@given(seed=seeds, c=conventions())
def test_descriptions_of_its_own_samples_are_the_reference(seed, c):
    grid = PRIOR.sample(np.random.default_rng(seed)).grid
    assert _description(c.parse(grid)) == _reference(grid, c)


@given(grid=grids(max_side=8, max_colors=3), c=conventions())
def test_the_description_lists_the_objects_their_colours_and_areas_in_reading_order(grid, c):
    scene = c.parse(grid)
    answer = _description(scene)
    if answer is None:
        assert not 1 <= len(scene.objects) <= MAX_DESCRIBED or any(len(o.colors) > 1 for o in scene.objects)
        return
    entries = _entries(answer)
    assert [(color, area) for color, area, _ in entries] == [(o.color, o.area) for o in scene.objects]
    # Reading order: each object's first cell comes after the previous object's.
    firsts = [o.cells[0] for o in scene.objects]
    assert firsts == sorted(firsts)
    counted = {q.answer for q in priors.load("counting").all_questions(scene) if q.family == "counting.objects"}
    assert counted == {str(len(entries))}


@given(grid=grids(max_side=10, max_colors=4), c=conventions(), name=st.sampled_from(sorted(DIHEDRAL)))
def test_turning_or_flipping_reorders_the_objects_and_a_quarter_turn_swaps_horizontal_and_vertical(grid, c, name):
    before, after = _description(c.parse(grid)), _description(c.parse(transform(grid, name)))
    assert (before is None) == (after is None)
    if before is None:
        return
    quarter = name in ("rot90", "rot270", "transpose", "anti_transpose")
    expected = Counter(
        (color, area, SWAPPED.get(kind, kind) if quarter else kind) for color, area, kind in _entries(before)
    )
    assert Counter(_entries(after)) == expected


def test_worked_example():
    grid = [
        [0, 0, 0, 0, 0],
        [0, 2, 2, 2, 0],
        [0, 0, 0, 0, 0],
        [5, 0, 3, 3, 0],
        [5, 0, 3, 3, 0],
    ]
    assert _description(priors.parse(grid)) == "2 3 horizontal line; 5 2 vertical line; 3 4 square"
    # A flip left to right moves the square ahead of the vertical line, whose first cell now comes later.
    flipped = priors.parse(np.fliplr(np.array(grid)))
    assert _description(flipped) == "2 3 horizontal line; 3 4 square; 5 2 vertical line"
    # Joined into one multicolour object, the 5 and the 3 have no single colour to name: not asked.
    assert _description(priors.parse([[5, 3], [0, 0]], univalued=False)) is None


def test_a_grid_without_objects_or_with_too_many_is_not_described():
    assert _description(priors.parse([[0, 0], [0, 0]])) is None
    assert _description(priors.parse([[1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 1]], background=0)) is None  # six cells
    assert _description(priors.parse([[1, 0, 1, 0, 1, 0, 1, 0, 1]], background=0)) == "; ".join(["1 1 cell"] * 5)


def test_the_sampler_draws_describable_scenes_of_every_kind():
    rng = np.random.default_rng(0)
    described, kinds = 0, Counter()
    for _ in range(300):
        answer = _description(priors.parse(PRIOR.sample(rng).grid))
        if answer is not None:
            described += 1
            kinds.update(kind for _, _, kind in _entries(answer))
    assert described >= 270  # at most MAX_DESCRIBED separated shapes: nearly every scene
    assert len(kinds) == 8
