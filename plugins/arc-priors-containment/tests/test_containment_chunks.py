"""Containment grids drawn a chunk at a time (`ContainmentSampler.chunk`, the one definition of
them): every grid of a chunk keeps every promise of the sampler, checked cell by cell with plain
loops (a flood from the border written here, not the prior's labelling); the chunk version is
the chunk; one grid is a chunk of one; and the regions whose rims are the outlines span their
boxes, their rims close them, and a gap opens them."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import priors
from arc_priors_containment import prior
from arc_priors_containment.regions import SPAN, UNIFORMS, gaps, regions, rims
from arc_priors_containment.sampler import SMALL_KINDS, ContainmentSampler
from generators.chunks import chunk_version, draw, drawn_problem
from priors.settings import LEVELS

SAMPLERS = {
    **{level: prior.configured(level).sampler for level in LEVELS},
    "crowded": ContainmentSampler(
        min_side=25, max_side=30, min_outlines=4, max_outlines=6, max_outside=20, max_shapes=9
    ),
    "tight": ContainmentSampler(min_side=6, max_side=7, max_outlines=1, max_shapes=2),
    "bare": ContainmentSampler(min_side=12, max_side=16, max_inside=0, max_outside=0),
}
OUTLINE_KINDS = ("outline", "gapped_outline")
EIGHT = [(dr, dc) for dr in (-1, 0, 1) for dc in (-1, 0, 1) if (dr, dc) != (0, 0)]
FOUR = [(-1, 0), (1, 0), (0, -1), (0, 1)]


def _reached(height: int, width: int, wall: set) -> set:
    """The cells a 4-neighbour flood from the border reaches without entering `wall`."""
    todo = [(r, c) for r in range(height) for c in range(width) if r in (0, height - 1) or c in (0, width - 1)]
    todo = [cell for cell in todo if cell not in wall]
    reached = set(todo)
    while todo:
        r, c = todo.pop()
        for dr, dc in FOUR:
            cell = (r + dr, c + dc)
            if 0 <= cell[0] < height and 0 <= cell[1] < width and cell not in wall and cell not in reached:
                reached.add(cell)
                todo.append(cell)
    return reached


def _connected(cells: set, steps) -> bool:
    start = next(iter(cells))
    todo, seen = [start], {start}
    while todo:
        r, c = todo.pop()
        for dr, dc in steps:
            cell = (r + dr, c + dc)
            if cell in cells and cell not in seen:
                seen.add(cell)
                todo.append(cell)
    return seen == cells


def _inside(cells: set, least: int) -> set:
    """The cells not in `cells` with a cell of `cells` in at least `least` of the 4 directions
    along their row and column. An outline is the rim of an orthogonally convex region, whose
    every row and column crosses it once, so a cell outside the region sees the rim in 2
    directions at most, and one inside it in all 4, or in 3 where a gap (cells on one side)
    took one."""

    def seen(r: int, c: int) -> int:
        row, col = [x for y, x in cells if y == r], [y for y, x in cells if x == c]
        return any(x < c for x in row) + any(x > c for x in row) + any(y < r for y in col) + any(y > r for y in col)

    rows, cols = {r for r, _ in cells}, {c for _, c in cells}
    return {(r, c) for r in rows for c in cols if (r, c) not in cells and seen(r, c) >= least}


def _check_painting(sample) -> None:
    """Each shape is one 8-connected piece painted in its colour, a cell away from every other;
    nothing else is painted, and the background is strictly the most common colour."""
    grid, background = sample.grid.tolist(), sample.background
    owner = {}
    for k, intent in enumerate(sample.intent):
        cells = set(intent.cells())
        assert cells and _connected(cells, EIGHT)
        assert all(grid[r][c] == intent.color != background for r, c in cells)
        for r, c in cells:
            assert all(owner.get((r + dr, c + dc), k) == k for dr, dc in EIGHT)
            owner[(r, c)] = k
    assert all(v == background for r, row in enumerate(grid) for c, v in enumerate(row) if (r, c) not in owner)
    counts = [sum(row.count(color) for row in grid) for color in range(10)]
    assert all(counts[background] > n for color, n in enumerate(counts) if color != background)


def _check_counts(sampler: ContainmentSampler, sample, within: tuple[int, ...]) -> None:
    """Sides, outlines, shapes in all, inside each outline and around them within the
    settings; outlines first, each in a colour of its own; small shapes small."""
    assert sampler.min_side <= min(sample.grid.shape) and max(sample.grid.shape) <= sampler.max_side
    assert sample.separated_under == 8 and sample.rejections >= 0
    outlines = [k for k, i in enumerate(sample.intent) if i.kind in OUTLINE_KINDS]
    assert 1 <= len(outlines) <= sampler.max_outlines and len(sample.intent) <= sampler.max_shapes
    assert outlines == list(range(len(outlines)))  # so `within` numbers them as the intent does
    colors = [i.color for i in sample.intent]
    assert all(colors.count(sample.intent[k].color) == 1 for k in outlines)
    small = sample.intent[len(outlines) :]
    assert all(i.kind in SMALL_KINDS and i.area <= 4 and max(i.mask.shape) <= 3 for i in small)
    held = list(within[len(outlines) :])
    assert all(held.count(j) <= sampler.max_inside for j in outlines) and held.count(-1) <= sampler.max_outside


def _check_containment(sample, within: tuple[int, ...]) -> None:
    """A closed outline cuts off exactly its inside, a gapped one nothing; a shape drawn in an
    outline's inside lies there (cut off, where the outline is closed), and one drawn around
    the outlines lies inside none."""
    height, width = sample.grid.shape
    every = {(r, c) for r in range(height) for c in range(width)}
    walls = [set(i.cells()) for i in sample.intent if i.kind in OUTLINE_KINDS]
    for wall, intent in zip(walls, sample.intent):
        cut_off = every - _reached(height, width, wall) - wall
        assert cut_off == (_inside(wall, 4) if intent.kind == "outline" else set())
    for intent, j in zip(sample.intent, within):
        cells = set(intent.cells())
        if j >= 0:
            assert cells <= _inside(walls[j], 4 if sample.intent[j].kind == "outline" else 3)
        elif intent.kind not in OUTLINE_KINDS:
            assert not any(cells & _inside(wall, 3) for wall in walls)


@settings(max_examples=60, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 30), name=st.sampled_from(sorted(SAMPLERS)))
def test_every_grid_of_a_chunk_keeps_every_promise(seed, n, name):
    sampler = SAMPLERS[name]
    contained = sampler.chunk(np.random.default_rng(seed), n)
    assert drawn_problem(contained.drawn, n) is None
    for g in range(n):
        sample, within = contained.sample(g), contained.within(g)
        _check_painting(sample)
        _check_counts(sampler, sample, within)
        _check_containment(sample, within)


@pytest.mark.parametrize("level", LEVELS)
def test_every_level_declares_the_chunk_as_its_chunk_version(level):
    assert chunk_version(priors.load("containment").configured(level).sampler) is not None


@settings(max_examples=10, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 30), name=st.sampled_from(sorted(SAMPLERS)))
def test_the_chunk_version_draws_the_chunk_and_one_grid_is_a_chunk_of_one(seed, n, name):
    sampler = SAMPLERS[name]
    a = draw([chunk_version(sampler)], np.zeros(n, dtype=np.int64), np.random.default_rng(seed))
    b = sampler.chunk(np.random.default_rng(seed), n).drawn
    for field in ("board", "heights", "widths", "backgrounds", "rejections"):
        assert np.array_equal(getattr(a, field), getattr(b, field)), field
    one, alone = sampler(np.random.default_rng(seed)), sampler.chunk(np.random.default_rng(seed), 1).sample(0)
    assert np.array_equal(one.grid, alone.grid) and one.rejections == alone.rejections
    assert [(i.kind, i.color, i.top, i.left) for i in one.intent] == [
        (i.kind, i.color, i.top, i.left) for i in alone.intent
    ]


def test_over_many_grids_every_part_of_the_law_is_drawn():
    """Closed and gapped outlines, nested ones, every small kind, and shapes around the outlines."""
    sampler = SAMPLERS["hard"]
    contained = sampler.chunk(np.random.default_rng(5), 200)
    kinds_of = [[i.kind for i in contained.sample(g).intent] for g in range(200)]
    assert {k for ks in kinds_of for k in ks} == {"outline", "gapped_outline", *SMALL_KINDS}
    within = [contained.within(g) for g in range(200)]
    nested = sum(any(w >= 0 and k in OUTLINE_KINDS for w, k in zip(ws, ks)) for ws, ks in zip(within, kinds_of))
    assert nested >= 20
    assert sum(-1 in [w for w, k in zip(ws, ks) if k in SMALL_KINDS] for ws, ks in zip(within, kinds_of)) >= 20


@settings(max_examples=60, deadline=None)
@given(
    h=st.integers(5, SPAN),
    w=st.integers(5, SPAN),
    kind=st.integers(0, 2),
    u=st.lists(st.floats(0, 1, exclude_max=True), min_size=UNIFORMS + 2, max_size=UNIFORMS + 2),
)
def test_a_region_spans_its_box_its_rim_closes_it_and_a_gap_opens_it_in_one_piece(h, w, kind, u):
    u = np.array([u])
    region = regions(np.array([kind]), np.array([h]), np.array([w]), u[:, :UNIFORMS])
    rim = rims(region)
    opened, gapped = gaps(region, rim, u[:, UNIFORMS:])
    cells = {(r, c) for r, c in zip(*np.nonzero(region[0]))}
    assert {r for r, _ in cells} == set(range(h)) and {c for _, c in cells} == set(range(w))
    for line in [[c for r, c in cells if r == row] for row in range(h)] + [
        [r for r, c in cells if c == col] for col in range(w)
    ]:
        assert max(line) - min(line) + 1 == len(line)  # orthogonally convex
    ring = {
        (r + 1, c + 1) for r, c in zip(*np.nonzero(rim[0]))
    }  # in a frame one cell wider, so the border is off the region
    inside = {(r + 1, c + 1) for r, c in cells} - ring
    assert inside and not inside & _reached(h + 2, w + 2, ring)
    assert gapped[0]
    left = {(r + 1, c + 1) for r, c in zip(*np.nonzero(opened[0]))}
    assert 1 <= len(ring - left) <= 2 and left <= ring and _connected(left, EIGHT)
    assert inside <= _reached(h + 2, w + 2, left)


@given(seed=st.integers(0, 2**32 - 1))
def test_redrawn_grids_take_the_place_of_those_they_replace_with_both_rejections_counted(seed):
    sampler = SAMPLERS["medium"]
    first, again = sampler._draw(np.random.default_rng(seed), 5), sampler._draw(np.random.default_rng(seed + 1), 2)
    where = np.array([1, 3])
    merged = first.redrawn(where, again)
    for g, source, s in [(0, first, 0), (1, again, 0), (2, first, 2), (3, again, 1), (4, first, 4)]:
        a, b = merged.sample(g), source.sample(s)
        assert np.array_equal(a.grid, b.grid) and a.background == b.background
        assert [(i.kind, i.color, i.top, i.left) for i in a.intent] == [
            (i.kind, i.color, i.top, i.left) for i in b.intent
        ]
        assert merged.within(g) == source.within(s)
        assert a.rejections == b.rejections + (first.drawn.rejections[g] if source is again else 0)
