"""The shapes prior: its answers equal the set-building reference of tests/ref_shapes.py on
arbitrary grids under every convention, the kinds behave as shapes do under turns and
flips, and its sampler draws every kind it is asked about."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from ref_shapes import shape_kind
from reference import Reference

import priors
from generators import make_shape
from priors.kinds import KINDS, classify, scene_kinds
from priors.testing import check_records, conventions, grids, seeds
from priors.transforms import DIHEDRAL, transform

PRIOR = priors.load("shapes")
SWAPPED = {"horizontal line": "vertical line", "vertical line": "horizontal line"}


def _parse(grid, c):
    return c.parse(grid), Reference(grid.tolist(), c.connectivity, c.univalued, c.background)


def _asked(scene) -> dict:
    return {(q.family, tuple(sorted(q.params.items()))): q.answer for q in PRIOR.all_questions(scene)}


def _expected(scene, ref) -> dict:
    expected = {}
    for family in PRIOR.families:
        for params in family.params.domain(scene):
            answer = ref.answer(family.id, params)
            if answer is not None:
                expected[(family.id, tuple(sorted(params.items())))] = answer
    return expected


@given(grid=grids(max_side=12), c=conventions())
def test_every_question_has_the_reference_answer_and_is_asked_exactly_when_well_posed(grid, c):
    scene, ref = _parse(grid, c)
    check_records(PRIOR, scene, PRIOR.all_questions(scene))
    assert _asked(scene) == _expected(scene, ref)


@given(seed=seeds, c=conventions())
def test_questions_about_its_own_samples_have_the_reference_answer(seed, c):
    grid = PRIOR.sample(np.random.default_rng(seed)).grid
    scene, ref = _parse(grid, c)
    assert _asked(scene) == _expected(scene, ref)
    for q in PRIOR.questions(scene, np.random.default_rng(seed)):
        assert q.answer == ref.answer(q.family, dict(q.params))


@st.composite
def near_shapes(draw):
    """A box, its border or a diagonal, with up to two cells toggled: random cell sets
    almost never land on a kind's edge cases (a border with a gap, a diagonal with a spur)."""
    h, w = draw(st.integers(1, 7)), draw(st.integers(1, 7))
    mask = np.ones((h, w), dtype=bool)
    shape = draw(st.sampled_from(("box", "border", "diagonal", "anti")))
    if shape == "border":
        mask[1:-1, 1:-1] = False
    elif shape != "box":
        mask = np.eye(h, w, dtype=bool)
        mask = mask[:, ::-1] if shape == "anti" else mask
    for _ in range(draw(st.integers(0, 2))):  # two toggles can move a cell and keep the area
        r, c = draw(st.integers(0, h - 1)), draw(st.integers(0, w - 1))
        mask[r, c] = not mask[r, c]
    return mask


@given(mask=st.one_of(hnp.arrays(bool, st.tuples(st.integers(1, 7), st.integers(1, 7))), near_shapes()))
def test_a_kind_depends_on_the_cells_alone_and_matches_the_reference(mask):
    # Any cell set, connected or not, cropped to its bounding box.
    rows, cols = np.nonzero(mask)
    if not len(rows):
        return
    cropped = mask[rows.min() : rows.max() + 1, cols.min() : cols.max() + 1]
    assert classify(cropped) == shape_kind(zip(rows.tolist(), cols.tolist()))


@given(grid=grids(max_side=12), c=conventions(), name=st.sampled_from(sorted(DIHEDRAL)))
def test_turning_or_flipping_keeps_every_kind_except_that_quarter_turns_swap_horizontal_and_vertical(grid, c, name):
    before = Counter(scene_kinds(c.parse(grid)))
    after = Counter(scene_kinds(c.parse(transform(grid, name))))
    quarter = name in ("rot90", "rot270", "transpose", "anti_transpose")
    assert after == (Counter({SWAPPED.get(k, k): n for k, n in before.items()}) if quarter else before)


@given(grid=grids(max_side=12), c=conventions())
def test_transposing_turns_the_named_objects_horizontal_lines_into_vertical_ones(grid, c):
    kinds = {q.params["color"]: q.answer for q in PRIOR.all_questions(c.parse(grid)) if q.family == "shapes.kind"}
    moved = {
        q.params["color"]: q.answer
        for q in PRIOR.all_questions(c.parse(transform(grid, "transpose")))
        if q.family == "shapes.kind"
    }
    assert moved == {color: SWAPPED.get(k, k) for color, k in kinds.items()}


@given(grid=grids(max_side=12), c=conventions())
def test_squares_and_rectangles_together_are_the_filled_boxes_at_least_two_wide_and_tall(grid, c):
    scene = c.parse(grid)
    counts = Counter(scene_kinds(scene))
    boxes = sum(
        1
        for o in scene.objects
        if (o.bbox[2] - o.bbox[0]) >= 1
        and (o.bbox[3] - o.bbox[1]) >= 1
        and o.area == (o.bbox[2] - o.bbox[0] + 1) * (o.bbox[3] - o.bbox[1] + 1)
    )
    assert counts["square"] + counts["rectangle"] == boxes


@given(grid=grids(max_side=12), c=conventions())
def test_the_longest_line_is_no_longer_than_the_grid_is_wide_tall_or_diagonal(grid, c):
    answers = {q.family: q.answer for q in PRIOR.all_questions(c.parse(grid))}
    if "shapes.longest_line" in answers:
        assert 2 <= int(answers["shapes.longest_line"]) <= max(grid.shape)


def test_worked_example():
    grid = [
        [1, 1, 1, 0, 2, 0, 0],
        [0, 0, 0, 0, 0, 2, 0],
        [3, 3, 0, 0, 0, 0, 2],
        [3, 3, 0, 4, 4, 4, 0],
        [0, 0, 0, 4, 0, 4, 0],
        [5, 0, 0, 4, 4, 4, 0],
        [5, 0, 0, 0, 0, 0, 6],
    ]
    answers = _asked(priors.parse(grid))
    assert answers[("shapes.kind", (("color", 1),))] == "horizontal line"
    assert answers[("shapes.kind", (("color", 2),))] == "diagonal line"
    assert answers[("shapes.kind", (("color", 3),))] == "square"
    assert answers[("shapes.kind", (("color", 4),))] == "hollow rectangle"
    assert answers[("shapes.kind", (("color", 5),))] == "vertical line"
    assert answers[("shapes.kind", (("color", 6),))] == "cell"
    assert ("shapes.kind", (("color", 7),)) not in answers  # no object of colour 7
    assert answers[("shapes.count", (("kind", "rectangle"),))] == "0"  # the square is no rectangle
    assert answers[("shapes.count", (("kind", "square"),))] == "1"
    assert answers[("shapes.longest_line", ())] == "3"
    # Under 4-connectivity the diagonal falls apart into three cells, and its colour names no single object.
    four = _asked(priors.parse(grid, connectivity=4))
    assert ("shapes.kind", (("color", 2),)) not in four and four[("shapes.count", (("kind", "diagonal line"),))] == "0"


def test_a_colour_with_two_objects_or_a_multicolour_object_names_no_object():
    twice = _asked(priors.parse([[1, 0, 1], [0, 0, 0], [2, 2, 0]]))
    assert ("shapes.kind", (("color", 1),)) not in twice and twice[
        ("shapes.kind", (("color", 2),))
    ] == "horizontal line"
    mixed = _asked(priors.parse([[1, 2, 0], [0, 0, 0]], univalued=False))
    assert not any(family == "shapes.kind" for family, _ in mixed)
    assert mixed[("shapes.count", (("kind", "horizontal line"),))] == "1"  # kinds ignore colours


@pytest.mark.parametrize(
    "kind, expected",
    [
        ("square", "square"),
        ("horizontal", "horizontal line"),
        ("vertical", "vertical line"),
        ("diagonal", "diagonal line"),
        ("outline", "hollow rectangle"),
        ("cell", "cell"),
    ],
)
@given(seed=seeds, area=st.integers(2, 16), side=st.integers(3, 30))
def test_each_shape_maker_draws_the_kind_it_is_named_after(kind, expected, seed, area, side):
    mask = make_shape(kind, np.random.default_rng(seed), area, side, side)
    assert classify(mask) == expected


@given(seed=seeds, area=st.integers(1, 30), h=st.integers(1, 30), w=st.integers(1, 30))
def test_a_square_is_filled_fits_its_box_and_is_at_least_two_wide_where_the_box_allows(seed, area, h, w):
    mask = make_shape("square", np.random.default_rng(seed), area, h, w)
    assert mask.all() and mask.shape[0] == mask.shape[1] <= min(h, w)
    assert mask.shape[0] >= min(2, h, w)


def test_the_sampler_draws_every_kind_and_often_several_of_one():
    rng = np.random.default_rng(0)
    seen, most = Counter(), Counter()
    for _ in range(300):
        kinds = Counter(scene_kinds(priors.parse(PRIOR.sample(rng).grid)))
        seen.update(kinds)
        most[max(kinds.values(), default=0)] += 1
    assert set(seen) == set(KINDS)
    assert sum(n for k, n in most.items() if k >= 2) > 100  # many grids hold two or more of one kind
