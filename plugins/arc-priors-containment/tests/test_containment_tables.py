"""The containment families asked of a chunk of grids at once, as dataset generation asks
them: each grid gets what the independent reference gives it alone, under every colour and
convention, and OutlineColor's chunk choice offers exactly the outlines the reference finds."""

from __future__ import annotations

import numpy as np
from containment_reference import ContainmentReference
from hypothesis import given, settings
from hypothesis import strategies as st
from test_containment import ringed_grids

from arc_priors_containment import OutlineColor, prior
from arc_priors_containment.walls import cut_off_cells
from priors import Conventions, as_grid
from priors.batch import parse_grids
from priors.tables import Tables
from priors.testing import conventions, grids, seeds

sampled = st.builds(lambda seed: prior.sample(np.random.default_rng(seed)).grid, seeds)
chunks = st.lists(st.one_of(grids(max_side=12), ringed_grids(), sampled), min_size=1, max_size=6)


def _chunk(gs, c: Conventions):
    gs = [as_grid(g) for g in gs]
    refs = [ContainmentReference(g.tolist(), c.connectivity, c.univalued, c.background) for g in gs]
    return Tables.of_parsed(parse_grids(gs, c)), refs


@settings(deadline=None, max_examples=60)
@given(gs=chunks, c=conventions(), data=st.data())
def test_each_rule_over_a_chunk_gives_each_grid_the_reference_answer_for_its_own_colour(gs, c, data):
    """Every colour for every grid, the grids of one call each on a colour of its own."""
    tables, refs = _chunk(gs, c)
    shift = np.array(data.draw(st.lists(st.integers(0, 9), min_size=len(gs), max_size=len(gs))))
    for family in prior.families:
        for step in range(10):
            params = {"color": (shift + step) % 10}
            ok, code = family.answer.over(tables, params)
            texts = family.answer.texts(tables, code)
            for g, ref in enumerate(refs):
                alone = ref.answer(family.id, {"color": int(params["color"][g])})
                assert (texts[g] if ok[g] else None) == alone, (family.id, g, int(params["color"][g]))


@settings(deadline=None, max_examples=60)
@given(gs=chunks, c=conventions())
def test_every_wall_of_a_chunk_cuts_off_the_cells_a_flood_from_the_border_misses(gs, c):
    """The chunk definition itself, with every object of every grid a wall at once."""
    tables, refs = _chunk(gs, c)
    walls = np.arange(len(tables.areas))
    pair, cell = cut_off_cells(tables, walls)
    rows, cols = tables.cells.row[cell].tolist(), tables.cells.col[cell].tolist()
    for w in walls.tolist():
        g = int(tables.owner[w])
        ref, local = refs[g], w - int(tables.first[g])
        mine = np.flatnonzero(pair == w).tolist()
        every = {(r, k) for r in range(ref.rows) for k in range(ref.cols)}
        assert [(rows[i], cols[i]) for i in mine] == sorted(every - ref.outside_of(local) - set(ref.objects[local]))


@settings(deadline=None, max_examples=60)
@given(gs=chunks, c=conventions(), seed=seeds)
def test_outline_colour_chooses_for_a_chunk_only_outlines_and_one_wherever_there_is_one(gs, c, seed):
    tables, refs = _chunk(gs, c)
    ok, chosen = OutlineColor().choose_chunk(tables, np.random.default_rng(seed))
    for g, ref in enumerate(refs):
        qualifying = {color for color in range(10) if color != ref.bg and ref.inside_count(color) is not None}
        assert bool(ok[g]) == bool(qualifying), g
        assert not ok[g] or int(chosen["color"][g]) in qualifying, g
