"""parse() is the networkx definition of objects, computed faster."""

import re

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from reference import bfs_objects

from priors import parse
from priors.reference import cell_graph, reference_components
from priors.testing import conventions, grids


def _kwargs(c):
    return dict(connectivity=c.connectivity, univalued=c.univalued, background=c.background)


@given(grid=grids(), c=conventions())
def test_objects_are_the_connected_components_of_the_networkx_cell_graph(grid, c):
    scene = parse(grid, **_kwargs(c))
    assert [frozenset(o.cells) for o in scene.objects] == reference_components(grid, **_kwargs(c))


@given(grid=grids(max_side=12), c=conventions())
def test_the_networkx_definition_agrees_with_a_plain_breadth_first_search(grid, c):
    bfs = bfs_objects(grid.tolist(), c.connectivity, c.univalued, c.background)
    assert [frozenset(o) for o in bfs] == reference_components(grid, **_kwargs(c))


@given(grid=grids(), c=conventions())
def test_object_fields_describe_their_cells(grid, c):
    scene = parse(grid, **_kwargs(c))
    for obj, area, color in zip(scene.objects, scene.areas, scene.object_colors, strict=True):
        values = [int(grid[r, col]) for r, col in obj.cells]
        assert obj.cells == tuple(sorted(obj.cells)), "cells are listed in row-major order"
        assert obj.area == area == len(obj.cells)
        assert obj.colors == tuple(sorted(set(values)))
        top = max(values.count(v) for v in set(values))
        assert obj.color == color == min(v for v in set(values) if values.count(v) == top)
        rows = [r for r, _ in obj.cells]
        cols = [col for _, col in obj.cells]
        assert obj.bbox == (min(rows), min(cols), max(rows), max(cols))
        if c.univalued:
            assert len(obj.colors) == 1
        assert scene.background not in obj.colors


@given(grid=grids(), c=conventions())
def test_objects_are_ordered_by_their_first_cell_in_row_major_order(grid, c):
    firsts = [o.cells[0] for o in parse(grid, **_kwargs(c)).objects]
    assert firsts == sorted(firsts)


@given(grid=grids(), c=conventions())
def test_object_areas_sum_to_the_non_background_cells(grid, c):
    scene = parse(grid, **_kwargs(c))
    expected = grid.size if scene.background is None else int((grid != scene.background).sum())
    assert sum(scene.areas) == expected


@given(grid=grids(max_side=12), c=conventions())
def test_the_object_graph_joins_exactly_the_objects_whose_cells_touch(grid, c):
    scene = parse(grid, **_kwargs(c))
    cells = cell_graph(grid, connectivity=c.connectivity, univalued=False, background=c.background)
    owner = {cell: i for i, o in enumerate(scene.objects) for cell in o.cells}
    expected = {frozenset((owner[a], owner[b])) for a, b in cells.edges if owner[a] != owner[b]}
    assert {frozenset(e) for e in scene.graph().edges} == expected
    assert set(scene.graph().nodes) == set(range(len(scene.objects)))


@given(data=st.data())
def test_background_ties_go_to_the_lowest_colour(data):
    a, b = sorted(data.draw(st.lists(st.integers(0, 9), min_size=2, max_size=2, unique=True)))
    n = data.draw(st.integers(1, 15))
    cells = [a] * n + [b] * n
    order = data.draw(st.permutations(cells))
    assert parse(np.array([order])).background == a


def test_explicit_and_absent_backgrounds():
    grid = [[0, 0, 3], [0, 3, 3]]
    assert parse(grid, background=3).areas == (3,)
    assert parse(grid, background=None).areas == (3, 3)
    assert parse(grid, background=None).background is None


@pytest.mark.parametrize(
    "bad, words",
    [
        ({"connectivity": 6}, "connectivity must be the integer 4 or 8, got 6"),
        ({"background": 10}, "background must be a colour 0-9, 'most_common' or None, got 10"),
        ({"background": "max"}, "background must be a colour 0-9, 'most_common' or None, got 'max'"),
        ({"univalued": "yes"}, "univalued must be True or False, got 'yes'"),
    ],
)
def test_bad_conventions_are_refused(bad, words):
    with pytest.raises(ValueError, match=f"^{re.escape(words)}$"):
        parse([[0]], **bad)
