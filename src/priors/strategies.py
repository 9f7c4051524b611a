"""Hypothesis strategies of arbitrary grids and scenes: what every answer rule must survive,
not only what samplers draw. `priors.testing` re-exports them for plugins' tests.

Hypothesis is a test dependency (`pip install arc-priors[test]`).
"""

from __future__ import annotations

import numpy as np
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from priors.grid import MAX_SIDE, as_grid
from priors.scene import Conventions, Scene

__all__ = ["conventions", "grids", "scene_tuples", "scenes", "seeds"]


@st.composite
def grids(draw, *, min_side: int = 1, max_side: int = MAX_SIDE, max_colors: int = 10) -> np.ndarray:
    """Arbitrary valid grids. A few colours per grid makes touching same-colour cells,
    and so non-trivial objects, common; a skewed size keeps most examples small."""
    rows = draw(st.integers(min_side, max_side))
    cols = draw(st.integers(min_side, max_side))
    colors = draw(st.lists(st.integers(0, 9), min_size=1, max_size=max_colors, unique=True))
    grid = draw(hnp.arrays(np.uint8, (rows, cols), elements=st.sampled_from(colors)))
    return as_grid(grid)


def conventions() -> st.SearchStrategy[Conventions]:
    """Every combination of connectivity, univalued and background choice."""
    return st.builds(
        Conventions,
        connectivity=st.sampled_from((4, 8)),
        univalued=st.booleans(),
        background=st.one_of(st.just("most_common"), st.none(), st.integers(0, 9)),
    )


@st.composite
def scenes(draw, *, max_side: int = MAX_SIDE) -> Scene:
    grid = draw(grids(max_side=max_side))
    return draw(conventions()).parse(grid)


@st.composite
def scene_tuples(draw, k: int = 2, *, max_side: int = MAX_SIDE) -> tuple[Scene, ...]:
    """k scenes under one set of conventions, named Grid A, Grid B, ...; sometimes of one
    shape, so that families asked only about same-size grids get exercised."""
    c = draw(conventions())
    first = draw(grids(max_side=max_side))
    same = draw(st.booleans())
    rest = [draw(grids(min_side=1, max_side=max_side)) for _ in range(k - 1)]
    if same:
        rest = [draw(hnp.arrays(np.uint8, first.shape, elements=st.integers(0, 9))) for _ in range(k - 1)]
    return tuple(c.parse(g, name=f"Grid {chr(65 + i)}") for i, g in enumerate([first, *rest]))


seeds = st.integers(0, 2**32 - 1)
