"""The zones prior: answers equal the independent reference (tests/ref_zones.py) on arbitrary
grids, on grids crossed by lines and on its own samples, under every convention, one grid
at a time or a chunk at once; the answers move with rotations and flips as the sentences below
say; the sampler keeps its promises."""

from collections import Counter

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from ref_zones import ANSWERS, _table
from reference import Reference

import priors
from generators.zones import ZoneSampler
from priors.batch import parse_grids
from priors.scene import Conventions
from priors.tables import Tables
from priors.testing import check_questions, conventions, grids, seeds
from priors.transforms import TRANSFORMS, transform

ZONES = priors.load("zones")
ALL_PARAMS = {
    "zones.count": [{"color": c} for c in range(10)],
    "zones.layout": [{"color": c} for c in range(10)],
    "zones.empty": [{"color": c} for c in range(10)],
    "zones.most": [{"color": c, "target": t} for c in range(10) for t in range(10)],
}


@st.composite
def lined_grids(draw, max_side: int = 12):
    """Arbitrary grids crossed by full rows and columns, often of one or two colours, at any
    place: on the border, side by side, crossing each other."""
    grid = np.array(draw(grids(max_side=max_side)))
    colors = draw(st.lists(st.integers(0, 9), min_size=1, max_size=2, unique=True))
    for _ in range(draw(st.integers(1, 5))):
        color = draw(st.sampled_from(colors))
        if draw(st.booleans()):
            grid[draw(st.integers(0, grid.shape[0] - 1)), :] = color
        else:
            grid[:, draw(st.integers(0, grid.shape[1] - 1))] = color
    return priors.as_grid(grid)


any_grids = st.one_of(grids(max_side=12), lined_grids(), lined_grids())


def _key(q):
    return q.family, tuple(sorted(q.params.items()))


def _reference(grid, c: Conventions) -> Reference:
    return Reference(grid.tolist(), c.connectivity, c.univalued, c.background)


def _expected(ref: Reference) -> dict:
    """Every (family, params) over every colour that the reference finds well-posed."""
    found = {}
    for family, space in ALL_PARAMS.items():
        for params in space:
            answer = ANSWERS[family](ref, **params)
            if answer is not None:
                found[(family, tuple(sorted(params.items())))] = answer
    return found


def _answers(grid, c: Conventions = Conventions()) -> dict:
    return {_key(q): q.answer for q in ZONES.all_questions(c.parse(grid))}


# --- the reference --------------------------------------------------------------------------


@settings(max_examples=150)
@given(grid=any_grids, c=conventions())
def test_every_question_the_prior_can_ask_has_the_reference_answer(grid, c):
    scene = c.parse(grid)
    asked = ZONES.all_questions(scene)
    check_questions(ZONES, scene, asked)
    # Over every colour and target, not just the prior's own domain: a question is asked
    # exactly when the reference finds it well-posed.
    assert {_key(q): q.answer for q in asked} == _expected(_reference(grid, c))


@given(grid=any_grids, c=conventions(), seed=seeds)
def test_sampled_questions_have_the_reference_answer_and_count_is_asked_whenever_a_colour_qualifies(grid, c, seed):
    ref = _reference(grid, c)
    asked = ZONES.questions(c.parse(grid), np.random.default_rng(seed))
    for q in asked:
        assert q.answer == ANSWERS[q.family](ref, **q.params), q
    qualifies = any(ANSWERS["zones.count"](ref, color) is not None for color in range(10))
    assert ("zones.count" in {q.family for q in asked}) == qualifies


@given(grid=any_grids, c=conventions())
def test_each_answer_rule_called_directly_rejects_exactly_what_the_reference_rejects(grid, c):
    # all_questions only offers the rules their domain; here they get every colour and target.
    scene, ref = c.parse(grid), _reference(grid, c)
    for family in ZONES.families:
        for params in ALL_PARAMS[family.id]:
            assert family.answer(scene, params) == ANSWERS[family.id](ref, **params), (family.id, params)


def test_the_rng_picks_among_every_qualifying_colour_and_every_target_held_in_the_zones():
    two_colours = priors.parse([[0, 0, 0, 0], [1, 1, 1, 1], [0, 0, 0, 0], [2, 2, 2, 2], [0, 1, 0, 0], [0, 0, 0, 0]])
    stray_separator = priors.parse(
        [[0, 0, 5, 0, 0], [0, 3, 5, 0, 0], [5, 5, 5, 5, 5], [0, 0, 5, 0, 5], [0, 0, 5, 0, 0]]
    )
    most = next(f for f in ZONES.families if f.id == "zones.most")
    chosen = {
        tuple(sorted(most.params.choose(s, np.random.default_rng(seed)).items()))
        for s in (two_colours, stray_separator)
        for seed in range(200)
    }
    assert chosen == {
        (("color", 1), ("target", 1)),
        (("color", 1), ("target", 2)),  # colour 1's lower zone holds the 2 line and a 1
        (("color", 2), ("target", 1)),
        (("color", 5), ("target", 3)),
        (("color", 5), ("target", 5)),
    }


@settings(max_examples=60)
@given(seed=seeds, c=conventions())
def test_questions_about_its_own_samples_have_the_reference_answer(seed, c):
    rng = np.random.default_rng(seed)
    grid = priors.as_grid(ZONES.sample(rng).grid)
    scene, ref = c.parse(grid), _reference(grid, c)
    assert {_key(q): q.answer for q in ZONES.all_questions(scene)} == _expected(ref)
    for q in ZONES.questions(scene, rng):
        assert q.answer == ANSWERS[q.family](ref, **q.params), q


def test_hand_worked_example():
    grid = [
        [0, 0, 5, 0, 0],
        [0, 3, 5, 0, 0],
        [5, 5, 5, 5, 5],
        [0, 0, 5, 0, 5],
        [0, 0, 5, 0, 0],
    ]
    # One full row and one full column of 5 make 2 x 2 zones; the 3 sits in the top left,
    # a stray 5 in the bottom right, and the other two zones are black only.
    answers = _answers(grid)
    assert answers[("zones.count", (("color", 5),))] == "4"
    assert answers[("zones.layout", (("color", 5),))] == "2 x 2"
    assert answers[("zones.empty", (("color", 5),))] == "2"
    assert answers[("zones.most", (("color", 5), ("target", 3)))] == "1, 1"
    # The lines themselves are in no zone: only the stray 5 counts.
    assert answers[("zones.most", (("color", 5), ("target", 5)))] == "2, 2"
    assert {dict(params)["color"] for _, params in answers} == {5}
    assert ("zones.most", (("color", 5), ("target", 4))) not in answers  # no 4 anywhere


def test_parallel_lines_of_two_colours_each_make_their_own_zones():
    grid = [
        [0, 0, 0, 0, 0],
        [1, 1, 1, 1, 1],
        [0, 0, 0, 0, 0],
        [2, 2, 2, 2, 2],
        [0, 0, 0, 0, 0],
        [0, 4, 0, 0, 0],
    ]
    answers = _answers(grid)
    # Colour 1 cuts off the top row; the 2 line and the 4 then share the lower zone.
    assert answers[("zones.layout", (("color", 1),))] == "2 x 1"
    assert answers[("zones.empty", (("color", 1),))] == "1"
    assert answers[("zones.most", (("color", 1), ("target", 2)))] == "2, 1"
    # Colour 2's upper zone holds the 1 line, its lower one the 4: neither is empty.
    assert answers[("zones.empty", (("color", 2),))] == "0"


def test_a_line_on_the_border_makes_one_zone_and_is_not_asked_about():
    grid = [[1, 1, 1], [0, 0, 0], [0, 0, 2]]
    assert _answers(grid) == {}
    # Without a background, the black middle row is a line too, and it does cut the grid in two.
    assert _answers(grid, Conventions(background=None)) == {
        ("zones.count", (("color", 0),)): "2",
        ("zones.layout", (("color", 0),)): "2 x 1",
        ("zones.most", (("color", 0), ("target", 1))): "1, 1",
        ("zones.most", (("color", 0), ("target", 2))): "2, 1",
        # The lower zone also holds two black cells that are not on a full line.
        ("zones.most", (("color", 0), ("target", 0))): "2, 1",
    }


def test_two_scenes_with_the_same_conventions_get_their_own_zones():
    a = priors.parse([[0, 5, 0, 0], [0, 5, 0, 0], [0, 5, 0, 0]])
    b = priors.parse([[0, 0, 5, 0], [0, 0, 5, 0], [5, 5, 5, 5], [0, 0, 5, 0]])
    assert a != b and a == priors.parse(a.grid.tolist())
    assert _answers(a.grid)[("zones.layout", (("color", 5),))] == "1 x 2"
    assert _answers(b.grid)[("zones.layout", (("color", 5),))] == "2 x 2"


# --- invariants, each a sentence -----------------------------------------------------------


def _position_moves(name: str, rows: int, cols: int):
    """Where zone (r, c) of a rows x cols table lands after the transform, written per transform."""
    return {
        "identity": lambda r, c: (r, c),
        "rot90": lambda r, c: (cols + 1 - c, r),  # np.rot90 turns counter-clockwise
        "rot180": lambda r, c: (rows + 1 - r, cols + 1 - c),
        "rot270": lambda r, c: (c, rows + 1 - r),
        "flip_lr": lambda r, c: (r, cols + 1 - c),
        "flip_ud": lambda r, c: (rows + 1 - r, c),
        "transpose": lambda r, c: (c, r),
        "anti_transpose": lambda r, c: (cols + 1 - c, rows + 1 - r),
    }[name]


@pytest.mark.parametrize("name", sorted(TRANSFORMS))
@given(grid=any_grids, c=conventions())
def test_a_rotation_or_flip_swaps_rows_and_columns_of_zones_when_it_turns_the_grid_and_moves_each_zone_with_it(
    name, grid, c
):
    before, after = _answers(grid, c), _answers(transform(grid, name), c)
    assert before.keys() == after.keys()  # the same colours qualify, and the same targets win
    turns = name in ("rot90", "rot270", "transpose", "anti_transpose")
    for (family, params), answer in before.items():
        if family == "zones.layout":
            rows, cols = answer.split(" x ")
            assert after[(family, params)] == (f"{cols} x {rows}" if turns else answer)
        elif family == "zones.most":
            rows, cols = map(int, before[("zones.layout", params[:1])].split(" x "))
            r, col = map(int, answer.split(", "))
            assert after[(family, params)] == "{}, {}".format(*_position_moves(name, rows, cols)(r, col))
        else:
            assert after[(family, params)] == answer


@given(grid=any_grids, background=st.one_of(st.none(), st.integers(0, 9)))
def test_zones_are_made_by_lines_not_objects_so_connectivity_and_univalued_never_change_an_answer(grid, background):
    answers = [_answers(grid, Conventions(k, u, background)) for k in (4, 8) for u in (True, False)]
    assert all(a == answers[0] for a in answers[1:])


@given(grid=any_grids, perm=st.permutations(range(10)), background=st.one_of(st.none(), st.integers(0, 9)))
def test_renaming_the_colours_renames_the_separator_and_target_and_keeps_every_answer(grid, perm, background):
    mapping = np.array(perm, dtype=np.uint8)
    moved_bg = None if background is None else perm[background]
    before = _answers(grid, Conventions(background=background))
    after = _answers(mapping[grid], Conventions(background=moved_bg))
    renamed = {(family, tuple((k, perm[v]) for k, v in params)): answer for (family, params), answer in before.items()}
    assert renamed == after


@given(grid=lined_grids(), data=st.data())
def test_a_new_line_of_the_separator_colour_through_a_band_of_rows_adds_one_row_of_zones(grid, data):
    c = Conventions(background=None)  # every colour may then be asked about
    layouts = {dict(p)["color"]: a for (f, p), a in _answers(grid, c).items() if f == "zones.layout"}
    assume(layouts)
    color = data.draw(st.sampled_from(sorted(layouts)))
    lines = (grid == color).all(axis=1)
    inside = [i for i in range(1, grid.shape[0]) if not lines[i - 1] and not lines[i]]
    assume(inside)
    at = data.draw(st.sampled_from(inside))
    split = np.insert(grid, at, color, axis=0)
    rows, cols = map(int, layouts[color].split(" x "))
    assert _answers(split, c)[("zones.layout", (("color", color),))] == f"{rows + 1} x {cols}"


@given(grid=lined_grids(), background=st.integers(0, 9), data=st.data())
def test_painting_a_zone_with_the_background_empties_it_and_keeps_the_table(grid, background, data):
    c = Conventions(background=background)
    answers = _answers(grid, c)
    colors = sorted({dict(p)["color"] for _, p in answers})
    assume(colors)
    color = data.draw(st.sampled_from(colors))
    row_lines, col_lines = (grid == color).all(axis=1), (grid == color).all(axis=0)
    zone_cells = [
        (r, k) for r in range(grid.shape[0]) for k in range(grid.shape[1]) if not row_lines[r] and not col_lines[k]
    ]
    r, k = data.draw(st.sampled_from(zone_cells))
    # The zone around cell (r, k): the run of non-line rows and of non-line columns through it.
    top, bottom, left, right = r, r + 1, k, k + 1
    while top > 0 and not row_lines[top - 1]:
        top -= 1
    while bottom < grid.shape[0] and not row_lines[bottom]:
        bottom += 1
    while left > 0 and not col_lines[left - 1]:
        left -= 1
    while right < grid.shape[1] and not col_lines[right]:
        right += 1
    was_empty = bool((grid[top:bottom, left:right] == background).all())
    painted = np.array(grid)
    painted[top:bottom, left:right] = background
    after = _answers(painted, c)
    key = (("color", color),)
    assert after[("zones.layout", key)] == answers[("zones.layout", key)]
    assert int(after[("zones.empty", key)]) == int(answers[("zones.empty", key)]) + (not was_empty)


# --- the sampler ------------------------------------------------------------------------------


@given(seed=seeds)
def test_the_sampler_draws_the_lines_it_plans_and_no_others_on_a_background_that_stays_the_most_common(seed):
    sample, layout = ZoneSampler().draw(np.random.default_rng(seed))
    grid, bg = priors.as_grid(sample.grid), sample.background
    counts = np.bincount(grid.ravel(), minlength=10)
    assert counts[bg] > np.delete(counts, bg).max()
    drawn = {
        ("row", i, int(grid[i, 0])) for i in range(grid.shape[0]) if (grid[i] == grid[i, 0]).all() and grid[i, 0] != bg
    }
    drawn |= {
        ("col", j, int(grid[0, j]))
        for j in range(grid.shape[1])
        if (grid[:, j] == grid[0, j]).all() and grid[0, j] != bg
    }
    assert drawn == set(layout.lines)
    assert all(color != bg for _, _, color in layout.lines)
    # Lines lie between bands, never on the border, and the bands tile the grid.
    assert layout.row_bands[0][0] == 0 and layout.row_bands[-1][1] == grid.shape[0]
    assert layout.col_bands[0][0] == 0 and layout.col_bands[-1][1] == grid.shape[1]
    assert len(layout.row_bands) * len(layout.col_bands) >= 2


@given(seed=seeds)
def test_bands_left_empty_hold_only_background_and_shapes_stay_in_their_band(seed):
    sample, layout = ZoneSampler().draw(np.random.default_rng(seed))
    grid = priors.as_grid(sample.grid)
    for r, (top, bottom) in enumerate(layout.row_bands):
        for c, (left, right) in enumerate(layout.col_bands):
            assert ((grid[top:bottom, left:right] == sample.background).all()) == ((r, c) not in layout.filled)
    for intent in sample.intent:
        assert intent.color != sample.background
        rows = {i for i, _ in intent.cells()}
        cols = {j for _, j in intent.cells()}
        assert any(top <= min(rows) and max(rows) < bottom for top, bottom in layout.row_bands)
        assert any(left <= min(cols) and max(cols) < right for left, right in layout.col_bands)


@given(seed=seeds)
def test_the_prior_asks_about_exactly_the_colours_of_the_lines_it_drew(seed):
    sample, layout = ZoneSampler().draw(np.random.default_rng(seed))
    answers = _answers(sample.grid)
    line_colors = {color for _, _, color in layout.lines}
    assert {dict(p)["color"] for _, p in answers} == line_colors
    if len(line_colors) == 1:
        (color,) = line_colors
        assert answers[("zones.layout", (("color", color),))] == f"{len(layout.row_bands)} x {len(layout.col_bands)}"


def test_the_sampler_draws_every_kind_of_layout():
    kinds = Counter()
    rng = np.random.default_rng(11)
    for _ in range(400):
        sample, layout = ZoneSampler().draw(rng)
        axes = {axis for axis, _, _ in layout.lines}
        kinds["rows only" if axes == {"row"} else "columns only" if axes == {"col"} else "both"] += 1
        kinds["two colours"] += len({color for _, _, color in layout.lines}) == 2
        kinds["separator-coloured shapes"] += any(
            i.color in {color for _, _, color in layout.lines} for i in sample.intent
        )
        kinds["no shapes"] += not sample.intent
    wanted = ("rows only", "columns only", "both", "two colours", "separator-coloured shapes", "no shapes")
    assert all(kinds[k] >= 20 for k in wanted), kinds


def test_the_same_seed_draws_the_same_grid_and_layout():
    a, b = (ZoneSampler().draw(np.random.default_rng(3)) for _ in range(2))
    assert np.array_equal(a[0].grid, b[0].grid) and a[1] == b[1]


# --- asked of a chunk: each grid gets what the reference gives it alone ----------------------

chunks = st.lists(any_grids, min_size=1, max_size=6)


def _chunk(gs, c: Conventions):
    return Tables.of_parsed(parse_grids(gs, c)), [_reference(g, c) for g in gs]


@settings(max_examples=60)
@given(gs=chunks, c=conventions(), data=st.data())
def test_each_rule_over_a_chunk_gives_each_grid_the_reference_answer_for_its_own_colour_and_target(gs, c, data):
    """Every colour and target for every grid, with the grids of one call each on its own
    colour and target, as a chunk's choice gives them."""
    tables, refs = _chunk(gs, c)
    shift = np.array(data.draw(st.lists(st.integers(0, 9), min_size=2 * len(gs), max_size=2 * len(gs))))
    for family in ZONES.families:
        for step in range(100 if family.id == "zones.most" else 10):
            color, target = (shift[: len(gs)] + step) % 10, (shift[len(gs) :] + step // 10) % 10
            params = {"color": color, "target": target} if family.id == "zones.most" else {"color": color}
            ok, code = family.answer.over(tables, params)
            texts = family.answer.texts(tables, code)
            for g, ref in enumerate(refs):
                alone = ANSWERS[family.id](ref, **{k: int(v[g]) for k, v in params.items()})
                assert (texts[g] if ok[g] else None) == alone, (family.id, g, params)


@settings(max_examples=60)
@given(gs=chunks, c=conventions(), seed=seeds)
def test_a_chunks_choice_picks_only_well_posed_colours_and_targets_and_a_colour_wherever_one_qualifies(gs, c, seed):
    tables, refs = _chunk(gs, c)
    separator, target = (next(f for f in ZONES.families if f.id == i).params for i in ("zones.count", "zones.most"))
    for space in (separator, target):
        ok, chosen = space.choose_chunk(tables, np.random.default_rng(seed))
        for g, ref in enumerate(refs):
            qualifying = {color for color in range(10) if ANSWERS["zones.count"](ref, color) is not None}
            color = int(chosen["color"][g])
            assert not qualifying or color in qualifying, (g, color)
            if space is separator:
                assert bool(ok[g]) == bool(qualifying), g
                continue
            # A target is drawn among the colours other than the background held in the zones.
            held = {v for row in _table(ref, color) for zone in row for v in zone} - {ref.bg} if qualifying else set()
            assert bool(ok[g]) == bool(held) and (not ok[g] or int(chosen["target"][g]) in held), g
