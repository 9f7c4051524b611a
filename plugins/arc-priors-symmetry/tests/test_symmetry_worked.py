"""The symmetry prior's worked answers equal the reference's (symmetry_reference.steps, written
with list operations), on arbitrary grids under every convention and on the prior's own
samples; the families without a trace are the documented ones."""

import numpy as np
from hypothesis import given, settings
from symmetry_reference import Reference, steps

from arc_priors_symmetry import prior
from priors import Conventions, parse
from priors.questions import worked_text
from priors.testing import conventions, grids, seeds

NO_STEPS = {"symmetry.axes"}


def _check(grid, c: Conventions) -> None:
    ref = Reference(grid.tolist(), c.connectivity, c.univalued, c.background)
    for q in prior.all_questions(c.parse(grid)):
        expected = steps(ref, q.family, dict(q.params))
        if expected is None:
            assert q.worked is None and q.family in NO_STEPS, q.family
        else:
            assert q.worked == worked_text(expected, q.answer), (q.family, dict(q.params))


@settings(deadline=None)
@given(grid=grids(max_side=12), c=conventions())
def test_every_trace_is_the_reference_trace(grid, c):
    _check(grid, c)


@settings(deadline=None, max_examples=50)
@given(seed=seeds, c=conventions())
def test_traces_on_its_own_samples_are_the_reference_traces(seed, c):
    _check(np.asarray(prior.sample(np.random.default_rng(seed)).grid), c)


def test_a_broken_mirror_pair_and_a_lopsided_object():
    answers = {q.family: q.worked for q in prior.all_questions(parse([[1, 2, 3], [0, 0, 0], [0, 0, 0]]))}
    assert answers["symmetry.left_right"] == "0,0 vs 0,2\nno"
    assert answers["symmetry.breaking_cells"] == "0,0 vs 0,2\n1"
    assert answers["symmetry.rotation_90"] == "0,0 vs 0,2\nno"  # a quarter turn anticlockwise brings 0,2 to 0,0
    lopsided = parse([[0, 0, 0, 0], [0, 5, 5, 0], [0, 5, 0, 0], [0, 0, 0, 0]])
    found = {(q.family, q.params.get("color")): q.worked for q in prior.all_questions(lopsided)}
    assert found[("symmetry.object_left_right", 5)] == "5 at 1,1\n2,1 vs 2,2\nno"
