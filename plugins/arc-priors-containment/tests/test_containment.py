"""The containment prior's spec: the conformance kit, answers equal to an independent
reference on arbitrary grids and on the prior's own samples under every convention, the
definition of inside stated as properties, hand-checked examples, and the sampler's promises."""

from __future__ import annotations

import numpy as np
import pytest
from containment_reference import ContainmentReference
from hypothesis import given, settings
from hypothesis import strategies as st

from arc_priors_containment import prior
from arc_priors_containment.sampler import MAX_SIDE, MIN_SIDE
from priors import Conventions, parse
from priors.testing import check_invariance, conformance_suite, conventions, grids, seeds

TestConformance = conformance_suite(prior)

FAST = settings(deadline=None, max_examples=100)


def _answers(scene) -> dict:
    return {(q.family, tuple(sorted(q.params.items()))): q.answer for q in prior.all_questions(scene)}


def _reference_answers(grid, c: Conventions) -> dict:
    ref = ContainmentReference(grid.tolist(), c.connectivity, c.univalued, c.background)
    expected = {}
    for family in prior.families:
        for params in family.params.domain(c.parse(grid)):
            answer = ref.answer(family.id, params)
            if answer is not None:
                expected[(family.id, tuple(sorted(params.items())))] = answer
    return expected


@st.composite
def ringed_grids(draw) -> np.ndarray:
    """Arbitrary grids with one or two rectangle rings painted over them, some with a corner
    cell or a side cell missing: enclosures, rare in random grids, become common."""
    grid = np.array(draw(grids(min_side=3, max_side=12)))
    h, w = grid.shape
    for _ in range(draw(st.integers(1, 2))):
        top, left = draw(st.integers(0, h - 3)), draw(st.integers(0, w - 3))
        bottom, right = draw(st.integers(top + 2, h - 1)), draw(st.integers(left + 2, w - 1))
        color = draw(st.integers(0, 9))
        grid[top, left : right + 1] = grid[bottom, left : right + 1] = color
        grid[top : bottom + 1, left] = grid[top : bottom + 1, right] = color
        missing = draw(st.sampled_from(("none", "corner", "side")))
        if missing != "none":
            r, c = (top, left) if missing == "corner" else (top, (left + right) // 2)
            grid[r, c] = draw(st.integers(0, 9))
    return grid


# --- the answers are the reference's ------------------------------------------------------------


@FAST
@given(grid=st.one_of(grids(max_side=12), ringed_grids()), c=conventions())
def test_every_question_the_prior_can_ask_has_the_reference_answer(grid, c):
    assert _answers(c.parse(grid)) == _reference_answers(grid, c)


@settings(deadline=None, max_examples=60)
@given(seed=seeds, c=conventions())
def test_on_its_own_samples_every_question_has_the_reference_answer(seed, c):
    grid = prior.sample(np.random.default_rng(seed)).grid
    scene = c.parse(grid)
    expected = _reference_answers(grid, c)
    assert _answers(scene) == expected
    for q in prior.questions(scene, np.random.default_rng(seed)):
        assert expected[(q.family, tuple(sorted(q.params.items())))] == q.answer


# --- the definition, as sentences ---------------------------------------------------------------


def _touches_border(obj, shape) -> bool:
    return any(r in (0, shape[0] - 1) or c in (0, shape[1] - 1) for r, c in obj.cells)


@FAST
@given(grid=st.one_of(grids(max_side=12), ringed_grids()), c=conventions())
def test_an_object_on_the_border_is_inside_nothing(grid, c):
    scene = c.parse(grid)
    on_border = {color for o in scene.objects if _touches_border(o, grid.shape) for color in o.colors}
    inner = sum(not _touches_border(o, grid.shape) for o in scene.objects)
    for q in prior.all_questions(scene):
        if q.family == "containment.is_inside" and q.params["color"] in on_border:
            assert q.answer == "no"
        if q.family == "containment.enclosing_color":
            assert q.params["color"] not in on_border
        if q.family == "containment.inside_count":
            assert int(q.answer) <= inner


@st.composite
def rings_with_insides(draw):
    """A rectangle ring of colour 9 on a black grid with 1-3 single cells of distinct colours
    inside it, none touching the ring or each other (so each is one object under every
    convention with background 0), and a cell of the ring's side that could be a gap."""
    h, w = draw(st.integers(5, 12)), draw(st.integers(5, 12))
    top, left = draw(st.integers(0, 12 - h)), draw(st.integers(0, 12 - w))
    grid = np.zeros((top + h + draw(st.integers(0, 2)), left + w + draw(st.integers(0, 2))), dtype=np.uint8)
    bottom, right = top + h - 1, left + w - 1
    grid[top, left : right + 1] = grid[bottom, left : right + 1] = 9
    grid[top : bottom + 1, left] = grid[top : bottom + 1, right] = 9
    spots = draw(
        st.lists(st.tuples(st.integers(top + 2, bottom - 2), st.integers(left + 2, right - 2)), min_size=1, max_size=3)
    )
    inside = []
    for r, c in spots:
        if all(max(abs(r - a), abs(c - b)) > 1 for a, b in inside):
            inside.append((r, c))
    for color, (r, c) in enumerate(inside, start=1):
        grid[r, c] = color
    side = draw(st.sampled_from(("top", "bottom", "left", "right")))
    along = (
        draw(st.integers(left + 1, right - 1)) if side in ("top", "bottom") else draw(st.integers(top + 1, bottom - 1))
    )
    gap = {"top": (top, along), "bottom": (bottom, along), "left": (along, left), "right": (along, right)}[side]
    return grid, len(inside), gap, (top, left, bottom, right)


black_conventions = st.builds(
    Conventions, connectivity=st.sampled_from((4, 8)), univalued=st.booleans(), background=st.just(0)
)


@FAST
@given(drawn=rings_with_insides(), c=black_conventions)
def test_closing_the_gap_of_an_outline_puts_the_objects_inside_it(drawn, c):
    grid, n, gap, _ = drawn
    closed = _answers(c.parse(grid))
    opened = grid.copy()
    opened[gap] = 0
    gapped = _answers(c.parse(opened))
    assert gapped[("containment.inside_count", (("color", 9),))] == "0"
    assert closed[("containment.inside_count", (("color", 9),))] == str(n)
    for color in range(1, n + 1):
        key = (("color", color),)
        assert gapped[("containment.is_inside", key)] == "no"
        assert closed[("containment.is_inside", key)] == "yes"
        assert ("containment.enclosing_color", key) not in gapped
        assert closed[("containment.enclosing_color", key)] == "9"


@FAST
@given(drawn=rings_with_insides(), corner=st.integers(0, 3), c=black_conventions)
def test_a_diagonal_step_does_not_leak(drawn, corner, c):
    """Without one corner cell the ring's two ends meet only diagonally: no 4-path passes
    between them, and the ring stays one object under both connectivities."""
    grid, n, _, (top, left, bottom, right) = drawn
    stepped = grid.copy()
    stepped[((top, left), (top, right), (bottom, left), (bottom, right))[corner]] = 0
    answers = _answers(c.parse(stepped))
    assert answers[("containment.inside_count", (("color", 9),))] == str(n)
    for color in range(1, n + 1):
        assert answers[("containment.is_inside", (("color", color),))] == "yes"
        assert answers[("containment.enclosing_color", (("color", color),))] == "9"


@given(k=st.integers(3, 6), c=black_conventions)
def test_a_diamond_of_diagonal_steps_encloses_only_where_it_is_one_object(k, c):
    """A diamond drawn only with diagonal steps blocks every 4-path, but under 4-connectivity
    it is 4k separate cells of which none alone closes anything."""
    side = 2 * k + 3
    grid = np.zeros((side, side), dtype=np.uint8)
    centre = k + 1
    for r in range(side):
        for col in range(side):
            if abs(r - centre) + abs(col - centre) == k:
                grid[r, col] = 4
    grid[centre, centre] = 7
    answers = _answers(c.parse(grid))
    assert answers[("containment.is_inside", (("color", 7),))] == ("yes" if c.connectivity == 8 else "no")
    assert (answers.get(("containment.enclosing_color", (("color", 7),))) == "4") == (c.connectivity == 8)


@FAST
@given(grid=ringed_grids(), c=conventions())
def test_turning_or_flipping_a_grid_with_rings_changes_no_answer(grid, c):
    """The kit checks this on arbitrary grids, where enclosures are rare; rings make them common."""
    check_invariance(prior, [grid], c)


@FAST
@given(grid=st.one_of(grids(max_side=10), ringed_grids()), c=conventions(), perm=st.permutations(range(1, 10)))
def test_recolouring_permutes_the_colour_answers_and_keeps_the_rest(grid, c, perm):
    mapping = np.array([0, *perm], dtype=np.uint8)
    c = Conventions(c.connectivity, c.univalued, 0)
    before, after = _answers(c.parse(grid)), _answers(c.parse(mapping[grid]))
    assert len(before) == len(after)
    for (family, params), answer in before.items():
        moved = after[(family, (("color", int(mapping[dict(params)["color"]])),))]
        assert moved == (str(mapping[int(answer)]) if family == "containment.enclosing_color" else answer)


# --- examples worked out by hand ----------------------------------------------------------------


def _ask(rows, family, color, **conventions):
    return _answers(parse(rows, **conventions)).get((f"containment.{family}", (("color", color),)))


RING = [
    [0, 0, 0, 0, 0, 0, 0],
    [0, 1, 1, 1, 1, 1, 0],
    [0, 1, 0, 0, 0, 1, 0],
    [0, 1, 0, 2, 0, 1, 0],
    [0, 1, 0, 0, 0, 1, 0],
    [0, 1, 1, 1, 1, 1, 0],
    [0, 0, 0, 0, 0, 0, 3],
]


def test_a_ring_holds_the_cell_in_its_middle_and_not_the_one_in_the_corner():
    assert _ask(RING, "inside_count", 1) == "1"
    assert _ask(RING, "is_inside", 2) == "yes" and _ask(RING, "enclosing_color", 2) == "1"
    assert _ask(RING, "is_inside", 3) == "no" and _ask(RING, "enclosing_color", 3) is None
    assert _ask(RING, "is_inside", 1) == "no"
    assert _ask(RING, "inside_count", 2) is None  # a single cell leaves no room inside it


def test_a_gap_in_the_ring_lets_the_middle_out():
    gapped = [row[:] for row in RING]
    gapped[1][3] = 0
    assert _ask(gapped, "inside_count", 1) == "0"
    assert _ask(gapped, "is_inside", 2) == "no" and _ask(gapped, "enclosing_color", 2) is None


def test_a_missing_corner_is_a_diagonal_step_that_holds_under_both_connectivities():
    stepped = [row[:] for row in RING]
    stepped[1][1] = 0
    for connectivity in (4, 8):
        assert _ask(stepped, "inside_count", 1, connectivity=connectivity) == "1"
        assert _ask(stepped, "enclosing_color", 2, connectivity=connectivity) == "1"


NESTED = [
    [1, 1, 1, 1, 1, 1, 1],
    [1, 0, 0, 0, 0, 0, 1],
    [1, 0, 2, 2, 2, 0, 1],
    [1, 0, 2, 3, 2, 0, 1],
    [1, 0, 2, 2, 2, 0, 1],
    [1, 0, 0, 0, 0, 0, 1],
    [1, 1, 1, 1, 1, 1, 1],
]


def test_nested_outlines_count_everything_within_and_two_outlines_have_no_single_colour():
    assert _ask(NESTED, "inside_count", 1, background=0) == "2"  # the 2-ring and the 3 within it
    assert _ask(NESTED, "inside_count", 2, background=0) == "1"
    assert _ask(NESTED, "is_inside", 3, background=0) == "yes"
    assert _ask(NESTED, "enclosing_color", 3, background=0) is None  # inside both rings
    assert _ask(NESTED, "enclosing_color", 2, background=0) == "1"
    # With the most common colour as background, 1 is the background and the 0s form the outer ring.
    assert _ask(NESTED, "enclosing_color", 2) == "0"


def test_without_a_background_the_frame_on_the_border_encloses_everything_it_surrounds():
    framed = [[0] * 5, [0, 1, 1, 1, 0], [0, 1, 2, 1, 0], [0, 1, 1, 1, 0], [0] * 5]
    assert _ask(framed, "inside_count", 0, background=None) == "2"  # no border cell is left to reach
    assert _ask(framed, "inside_count", 1, background=None) == "1"
    assert _ask(framed, "enclosing_color", 1, background=None) == "0"
    assert _ask(framed, "enclosing_color", 2, background=None) is None  # inside the 1s and the 0s
    assert _ask(framed, "is_inside", 0, background=None) == "no"


def test_a_multicolour_outline_encloses_but_has_no_colour_to_name():
    ring = [row[:] for row in RING]
    ring[5][1:6] = [4, 4, 4, 4, 4]  # the ring's bottom side in another colour
    assert _ask(ring, "is_inside", 2, univalued=False) == "yes"
    assert _ask(ring, "enclosing_color", 2, univalued=False) is None
    assert _ask(ring, "is_inside", 2) == "no"  # as single-colour objects, neither part closes alone


# --- the sampler's promises ---------------------------------------------------------------------


def _outlines(sample):
    return [i for i in sample.intent if i.kind in ("outline", "gapped_outline")]


@settings(deadline=None, max_examples=50)
@given(seed=seeds)
def test_a_sample_is_sized_as_promised_on_its_most_common_colour_with_outlines_of_unique_colours(seed):
    sample = prior.sample(np.random.default_rng(seed))
    assert all(MIN_SIDE <= side <= MAX_SIDE for side in sample.grid.shape)
    counts = np.bincount(sample.grid.ravel(), minlength=10)
    assert counts[sample.background] > np.delete(counts, sample.background).max()
    colors = [i.color for i in sample.intent]
    assert _outlines(sample) and all(colors.count(i.color) == 1 for i in _outlines(sample))


@settings(deadline=None, max_examples=50)
@given(seed=seeds)
def test_a_closed_outline_cuts_cells_off_the_border_and_a_gapped_one_cuts_none(seed):
    sample = prior.sample(np.random.default_rng(seed))
    ref = ContainmentReference(sample.grid.tolist(), 8, True, sample.background)
    for intent in _outlines(sample):
        wall = next(i for i, o in enumerate(ref.objects) if set(o) == intent.cells())
        cut_off = sample.grid.size - len(ref.outside_of(wall)) - len(ref.objects[wall])
        assert (cut_off > 0) == (intent.kind == "outline")


def _has_diagonal_step(cells: frozenset) -> bool:
    return any(
        (r + 1, c + 1) in cells and (r, c + 1) not in cells and (r + 1, c) not in cells for r, c in cells
    ) or any((r + 1, c - 1) in cells and (r, c - 1) not in cells and (r + 1, c) not in cells for r, c in cells)


def test_over_many_grids_the_sampler_draws_every_kind_of_scene_the_families_need():
    kinds = {"gapped": 0, "closed": 0, "diagonal step": 0, "nested": 0, "several outlines": 0}
    for seed in range(300):
        sample = prior.sample(np.random.default_rng(seed))
        outlines = _outlines(sample)
        kinds["gapped"] += any(i.kind == "gapped_outline" for i in outlines)
        kinds["closed"] += any(i.kind == "outline" for i in outlines)
        kinds["diagonal step"] += any(_has_diagonal_step(i.cells()) for i in outlines)
        kinds["several outlines"] += len(outlines) > 1
        ref = ContainmentReference(sample.grid.tolist(), 8, True, sample.background)
        walls = [next(k for k, o in enumerate(ref.objects) if set(o) == i.cells()) for i in outlines]
        kinds["nested"] += any(ref.inside(a, b) for a in walls for b in walls)
    assert all(n >= 15 for n in kinds.values()), kinds


@pytest.mark.parametrize("seed", range(5))
def test_the_same_seed_draws_the_same_grid(seed):
    a, b = (prior.sample(np.random.default_rng(seed)) for _ in range(2))
    assert np.array_equal(a.grid, b.grid) and not a.grid.flags.writeable
