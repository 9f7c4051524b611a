"""The containment prior's worked answers equal the reference's (ContainmentReference.steps:
objects by a breadth-first search, inside by a flood from the border), on arbitrary grids,
on grids with rings painted over them, and on the prior's own samples, under every convention."""

import numpy as np
from containment_reference import ContainmentReference
from hypothesis import given, settings
from test_containment import ringed_grids

from arc_priors_containment import prior
from priors import Conventions, parse
from priors.questions import worked_text
from priors.testing import conventions, grids, seeds


def _check(grid, c: Conventions) -> None:
    ref = ContainmentReference(grid.tolist(), c.connectivity, c.univalued, c.background)
    for q in prior.all_questions(c.parse(grid)):
        assert q.worked == worked_text(ref.steps(q.family, dict(q.params)), q.answer), (q.family, dict(q.params))


@settings(deadline=None)
@given(grid=grids(max_side=12), c=conventions())
def test_every_trace_is_the_reference_trace(grid, c):
    _check(grid, c)


@settings(deadline=None, max_examples=50)
@given(grid=ringed_grids(), c=conventions())
def test_traces_around_rings_are_the_reference_traces(grid, c):
    _check(grid, c)


@settings(deadline=None, max_examples=50)
@given(seed=seeds, c=conventions())
def test_traces_on_its_own_samples_are_the_reference_traces(seed, c):
    _check(np.asarray(prior.sample(np.random.default_rng(seed)).grid), c)


def test_a_ring_lists_what_it_closes_in():
    grid = [[0, 0, 0, 0, 0], [0, 4, 4, 4, 0], [0, 4, 2, 4, 0], [0, 4, 4, 4, 0], [0, 0, 0, 0, 3]]
    found = {(q.family, q.params["color"]): q.worked for q in prior.all_questions(parse(grid))}
    assert found[("containment.inside_count", 4)] == "2 at 2,2\n1"
    assert found[("containment.is_inside", 2)] == "4 at 1,1\nyes"
    assert found[("containment.is_inside", 3)] == "no"
    assert found[("containment.enclosing_color", 2)] == "4 at 1,1\n4"
