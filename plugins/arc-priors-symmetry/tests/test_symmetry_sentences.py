"""Properties of the symmetry answers and promises of its sampler, each stated as a sentence."""

import numpy as np
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from symmetry_reference import NAMES, differing_pairs, holds, objects

from arc_priors_symmetry import prior
from arc_priors_symmetry.sampler import (
    ELEMENTS,
    GROUPS,
    SymmetrySampler,
    break_pairs,
    mirrored_mask,
    near_miss,
    symmetrize,
)
from generators import SHAPE_KINDS, make_shape
from priors import TRANSFORMS, Conventions, parse, transform
from priors.testing import conventions, grids, seeds

FAMILIES = {f.id: f for f in prior.families}


def _answer(grid, family, c=Conventions(), **params):
    return FAMILIES[family].answer(c.parse(np.ascontiguousarray(grid)), params)


@settings(deadline=None)
@given(grid=grids(max_side=12), odd=st.booleans())
def test_a_grid_mirrored_onto_itself_left_to_right_needs_no_change(grid, odd):
    mirrored = np.hstack([grid, grid[:, -2::-1] if odd else grid[:, ::-1]])
    assert _answer(mirrored, "symmetry.breaking_cells") == "0"
    assert _answer(mirrored, "symmetry.left_right") == "yes"


@settings(deadline=None)
@given(grid=grids(max_side=12), data=st.data())
def test_changing_one_cell_of_a_symmetric_grid_off_the_middle_column_needs_exactly_one_change(grid, data):
    mirrored = np.hstack([grid, grid[:, ::-1]])
    r = data.draw(st.integers(0, mirrored.shape[0] - 1))
    c = data.draw(st.integers(0, mirrored.shape[1] - 1))
    mirrored[r, c] = (mirrored[r, c] + data.draw(st.integers(1, 9))) % 10
    assert _answer(mirrored, "symmetry.breaking_cells") == "1"
    assert _answer(mirrored, "symmetry.left_right") == "no"


@settings(deadline=None)
@given(grid=grids(max_side=12), data=st.data())
def test_changing_the_middle_column_keeps_left_right_symmetry(grid, data):
    mirrored = np.hstack([grid, grid[:, -2::-1]])
    mirrored[data.draw(st.integers(0, grid.shape[0] - 1)), grid.shape[1] - 1] = data.draw(st.integers(0, 9))
    assert _answer(mirrored, "symmetry.left_right") == "yes"


@settings(deadline=None)
@given(grid=grids(max_side=12))
def test_more_than_four_differing_pairs_are_never_counted(grid):
    asked = _answer(grid, "symmetry.breaking_cells")
    assert (asked is None) == (differing_pairs(grid.tolist()) > 4)


@settings(deadline=None)
@given(grid=grids(max_side=12))
def test_a_quarter_turn_swaps_left_right_with_top_bottom_and_one_diagonal_with_the_other(grid):
    turned = np.rot90(grid)
    assert _answer(turned, "symmetry.left_right") == _answer(grid, "symmetry.top_bottom")
    assert _answer(turned, "symmetry.top_bottom") == _answer(grid, "symmetry.left_right")
    assert _answer(turned, "symmetry.diagonal") == _answer(grid, "symmetry.anti_diagonal")
    assert _answer(turned, "symmetry.rotation_90") == _answer(grid, "symmetry.rotation_90")


@settings(deadline=None)
@given(grid=grids(max_side=12))
def test_the_list_of_axes_names_exactly_the_yes_answers_in_order(grid):
    listed = _answer(grid, "symmetry.axes").split(", ")
    yes = [
        name
        for name, family in zip(
            NAMES, ("left_right", "top_bottom", "diagonal", "anti_diagonal", "rotation_180", "rotation_90")
        )
        if _answer(grid, f"symmetry.{family}") == "yes"
    ]
    assert listed == (yes or ["none"])


@settings(deadline=None)
@given(grid=grids(max_side=12))
def test_two_symmetries_bring_their_composition(grid):
    found = set(_answer(grid, "symmetry.axes").split(", "))
    if {"left-right", "top-bottom"} <= found or {"diagonal", "anti-diagonal"} <= found or "rotation 90" in found:
        assert "rotation 180" in found
    if {"left-right", "diagonal"} <= found:
        assert found == set(NAMES)


@settings(deadline=None)
@given(grid=grids(max_side=12))
def test_a_grid_that_is_not_square_has_no_diagonal_and_no_quarter_turn(grid):
    found = set(_answer(grid, "symmetry.axes").split(", "))
    if grid.shape[0] != grid.shape[1]:
        assert not found & {"diagonal", "anti-diagonal", "rotation 90"}
        assert _answer(grid, "symmetry.rotation_90") is None


@settings(deadline=None)
@given(grid=grids(max_side=8), c=conventions(), data=st.data())
def test_an_object_keeps_its_symmetry_wherever_it_lies_on_a_larger_background(grid, c, data):
    background = c.parse(grid).background
    assume(background is not None)  # with no background, the margin would be an object too
    top, left = data.draw(st.integers(0, 3)), data.draw(st.integers(0, 3))
    canvas = np.full((grid.shape[0] + 3, grid.shape[1] + 3), background, dtype=np.uint8)
    canvas[top : top + grid.shape[0], left : left + grid.shape[1]] = grid
    family = "symmetry.object_left_right"
    assert [_answer(grid, family, c, color=k) for k in range(10)] == [
        _answer(canvas, family, c, color=k) for k in range(10)
    ]


# --- the sampler's promises ------------------------------------------------------------------


def _compose(a: str, b: str, n: int) -> np.ndarray:
    return ELEMENTS[a](ELEMENTS[b](np.arange(n * n).reshape(n, n)))


def test_every_group_is_closed_so_symmetrizing_by_it_is_well_defined():
    n = 5
    for group in GROUPS:
        images = {ELEMENTS[e](np.arange(n * n).reshape(n, n)).tobytes() for e in group.elements} | {
            np.arange(n * n).tobytes()
        }
        for a in group.elements:
            for b in group.elements:
                assert _compose(a, b, n).tobytes() in images, (group, a, b)
        assert group.other_weight == 0 or set(group.elements) <= {"flip_lr", "flip_ud", "rot180"}


@settings(deadline=None)
@given(grid=grids(max_side=12), index=st.integers(0, len(GROUPS) - 1))
def test_a_symmetrized_grid_equals_its_image_under_every_element_of_its_group(grid, index):
    group = GROUPS[index]
    if grid.shape[0] != grid.shape[1] and group.other_weight == 0:
        grid = grid[: min(grid.shape), : min(grid.shape)]
    made = symmetrize(grid, group.elements)
    assert all(np.array_equal(made, ELEMENTS[e](made)) for e in group.elements)
    assert np.array_equal(symmetrize(made, group.elements), made)  # already symmetric: unchanged


@settings(deadline=None)
@given(grid=grids(max_side=12), count=st.integers(0, 4), seed=seeds)
def test_breaking_k_mirror_pairs_of_a_symmetric_grid_leaves_exactly_k_to_fix(grid, count, seed):
    mirrored = np.hstack([grid, grid[:, ::-1]])
    broken = break_pairs(mirrored, count, [0, 1, 2], np.random.default_rng(seed))
    assert differing_pairs(broken.tolist()) == min(count, grid.size)
    assert np.count_nonzero(broken != mirrored) == min(count, grid.size)


@settings(deadline=None)
@given(kind=st.sampled_from(sorted(SHAPE_KINDS)), area=st.integers(1, 8), odd=st.booleans(), seed=seeds)
def test_a_mirrored_shape_is_one_symmetric_object_and_its_near_miss_one_asymmetric_object(kind, area, odd, seed):
    rng = np.random.default_rng(seed)
    mask = mirrored_mask(make_shape(kind, rng, area, 5, 3), odd)
    missed = near_miss(mask, rng)
    for shape, symmetric in ((mask, True), (missed, np.array_equal(missed, mask))):
        rows = shape.astype(int).tolist()
        assert holds(rows)["left-right"] == symmetric
        assert len(objects(rows, 8, True, 0)) == 1
    assert missed.sum() in (mask.sum(), mask.sum() + 1)


@settings(deadline=None)
@given(seed=seeds)
def test_an_object_scene_says_which_object_is_mirrored(seed):
    sample = SymmetrySampler(object_rate=1.0).sample(np.random.default_rng(seed))
    main = sample.intent[0]
    scene = parse(sample.grid, background=sample.background)
    expected = "yes" if main.kind == "mirrored" else "no"
    assert FAMILIES["symmetry.object_left_right"].answer(scene, {"color": main.color}) == expected


def test_grids_are_small_to_medium_and_often_square():
    shapes = [prior.sample(np.random.default_rng(seed)).grid.shape for seed in range(500)]
    assert all(2 <= side <= 12 for shape in shapes for side in shape)
    assert sum(h == w for h, w in shapes) >= 0.4 * len(shapes)


def test_every_symmetry_and_its_absence_are_common_among_samples():
    grids_ = [prior.sample(np.random.default_rng(seed)).grid.tolist() for seed in range(600)]
    square = [g for g in grids_ if len(g) == len(g[0])]
    for name in NAMES:
        pool = square if name in ("diagonal", "anti-diagonal", "rotation 90") else grids_
        share = sum(holds(g)[name] for g in pool) / len(pool)
        assert 0.2 <= share <= 0.8, (name, share)
    assert 0.2 <= sum(0 < differing_pairs(g) <= 4 for g in grids_) / len(grids_)


def test_each_family_declares_exactly_the_transforms_that_keep_its_answers():
    # The kit checks that the declared transforms keep every answer; this checks that every
    # transform left out changes some answer, on the prior's own (often symmetric) grids.
    grids_ = [prior.sample(np.random.default_rng(seed)).grid for seed in range(300)]
    for family in prior.families:
        for name in sorted(set(TRANSFORMS) - {"identity"} - family.invariant_under):
            changed = any(
                family.answer(parse(g), params) != family.answer(parse(transform(g, name)), params)
                for g in grids_
                for params in family.params.domain(parse(g))
            )
            assert changed, (family.id, name)
