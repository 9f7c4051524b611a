"""Hypothesis strategies and contract checks, shared with plugin authors.

A plugin's tests can draw the same arbitrary grids and conventions that arc-priors'
own spec uses, and run the same contract check:

    from priors.testing import contract_test
    test_my_prior_contract = contract_test(my_prior)

Hypothesis is a test dependency (`pip install arc-priors[test]`), imported here only.
"""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from priors.grid import MAX_SIDE, as_grid
from priors.questions import Question
from priors.scene import Conventions, Scene, parse


@st.composite
def grids(draw, *, min_side: int = 1, max_side: int = MAX_SIDE, max_colors: int = 10) -> np.ndarray:
    """Arbitrary valid grids. A small palette per grid makes touching same-colour cells,
    and so non-trivial objects, common; a skewed size keeps most examples small."""
    rows = draw(st.integers(min_side, max_side))
    cols = draw(st.integers(min_side, max_side))
    palette = draw(st.lists(st.integers(0, 9), min_size=1, max_size=max_colors, unique=True))
    grid = draw(hnp.arrays(np.uint8, (rows, cols), elements=st.sampled_from(palette)))
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
    c = draw(conventions())
    return parse(grid, connectivity=c.connectivity, univalued=c.univalued, background=c.background)


seeds = st.integers(0, 2**32 - 1)


def check_questions(prior, scene: Scene, asked) -> None:
    """The record rules every prior's questions must follow."""
    ids = {f.id for f in prior.families}
    for q in asked:
        assert isinstance(q, Question), f"{prior.name}: {q!r} is not a Question"
        assert q.prior == prior.name, f"{q.family}: prior field is {q.prior!r}"
        assert q.family in ids, f"{q.family} is not one of {sorted(ids)}"
        assert isinstance(q.answer, str) and q.answer.strip(), f"{q.family}: empty answer"
        assert isinstance(q.question, str) and q.question.strip(), f"{q.family}: empty question"
        assert scene.name in q.question, f"{q.family}: question does not name {scene.name!r}"


def contract_test(prior, *, max_examples: int = 100):
    """A test function checking a prior's contract on arbitrary scenes and its own samples:
    well-formed records, and the same rng seed giving the same questions."""

    @settings(max_examples=max_examples, deadline=None)
    @given(scene=scenes(), seed=seeds)
    def test_contract(scene: Scene, seed: int) -> None:
        first = prior.questions(scene, np.random.default_rng(seed))
        check_questions(prior, scene, first)
        assert first == prior.questions(scene, np.random.default_rng(seed)), "same seed, different questions"
        sample = prior.sample(np.random.default_rng(seed))
        own = parse(sample.grid)
        check_questions(prior, own, prior.questions(own, np.random.default_rng(seed)))

    test_contract.__name__ = f"test_{prior.name}_contract"
    return test_contract
