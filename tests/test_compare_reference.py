"""The compare prior against the project's reference: every family, on arbitrary pairs of
grids and under every convention, answers what tests/reference.py's BFS objects and
tests/ref_compare.py's plain lists say, and is asked exactly when that answer is well-posed.

The pairs are drawn to hit what a shortcut would get wrong: turned copies (equal object
counts, a transposed size), one grid's cells laid out in another shape (equal cell counts
and colours, different sizes), and grids of one size with a few cells changed. The explicit
examples make the checks on equal cell counts in different shapes run on every run, not
only when Hypothesis happens to draw such a pair.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from reference import Reference, answer_for

import priors
from priors import Conventions
from priors.testing import conventions, grids, seeds

COMPARE = priors.load("compare")
NAMES = ("Grid A", "Grid B")
SIDE = 12
"""Largest side drawn here: big enough for many objects, small enough for 100 pairs a test."""

EQUAL_AREA_SHAPES = [
    ((h, w), (h2, w2))
    for h in range(1, SIDE + 1)
    for w in range(1, SIDE + 1)
    for h2 in range(1, SIDE + 1)
    for w2 in range(1, SIDE + 1)
    if h * w == h2 * w2 and (h, w) != (h2, w2)
]


def reference(a: np.ndarray, b: np.ndarray, c: Conventions) -> dict[str, str]:
    """Each compare family's answer about (a, b), for the families well-posed on them."""
    refs = [Reference(g, c.connectivity, c.univalued, c.background) for g in (a, b)]
    answers = {f.id: answer_for(f.id, refs, list(NAMES), {}) for f in COMPARE.families}
    return {family: answer for family, answer in answers.items() if answer is not None}


# --- the pairs ---------------------------------------------------------------------------

TURNS = (
    lambda g: np.rot90(g, 1),
    lambda g: np.rot90(g, 2),
    lambda g: np.rot90(g, 3),
    np.fliplr,
    np.flipud,
    np.transpose,
    lambda g: np.rot90(g, 1).T,
)


def _cells_of(shape, colours):
    return hnp.arrays(np.uint8, shape, elements=st.sampled_from(colours))


@st.composite
def pairs(draw) -> tuple[np.ndarray, np.ndarray]:
    kind = draw(st.sampled_from(["independent", "turned", "reshaped", "same size", "recoloured"]))
    colours = draw(st.lists(st.integers(0, 9), min_size=1, max_size=4, unique=True))
    if kind == "independent":
        return draw(grids(max_side=SIDE)), draw(grids(max_side=SIDE))
    if kind == "reshaped":  # the same cells, read row by row into another shape
        shape, other = draw(st.sampled_from(EQUAL_AREA_SHAPES))
        a = draw(_cells_of(shape, colours))
        return a, a.reshape(other)
    a = draw(_cells_of((draw(st.integers(1, SIDE)), draw(st.integers(1, SIDE))), colours))
    if kind == "turned":
        return a, np.ascontiguousarray(draw(st.sampled_from(TURNS))(a))
    if kind == "recoloured":  # one colour for another everywhere: the same objects
        permutation = np.array(draw(st.permutations(range(10))), np.uint8)
        return a, permutation[a]
    b = a.copy()
    for _ in range(draw(st.integers(0, 3))):
        b[draw(st.integers(0, a.shape[0] - 1)), draw(st.integers(0, a.shape[1] - 1))] = draw(st.integers(0, 9))
    return a, b


def _grid(rows) -> np.ndarray:
    return np.array(rows, np.uint8)


# 2x3 against its 3x2 turn, and 2x2 against 1x4: equal cell counts, colours and objects.
TURNED = (_grid([[1, 0, 0], [0, 0, 2]]), _grid([[0, 1], [0, 0], [2, 0]]))
FLATTENED = (_grid([[3, 0], [0, 3]]), _grid([[3, 0, 0, 3]]))
EIGHT = Conventions(connectivity=8, univalued=True, background="most_common")
FOUR = Conventions(connectivity=4, univalued=False, background=None)


def _asked(a, b, c) -> dict[str, str]:
    target = (c.parse(a, name=NAMES[0]), c.parse(b, name=NAMES[1]))
    asked = COMPARE.all_questions(target)
    assert len({q.family for q in asked}) == len(asked)  # the compare families take no parameters: one question each
    return {q.family: q.answer for q in asked}


# --- the tests ---------------------------------------------------------------------------


def test_the_reference_covers_every_compare_family():
    assert {f.id for f in COMPARE.families} == {
        "compare.more_objects",
        "compare.more_colors",
        "compare.same_colors",
        "compare.same_size",
        "compare.changed_cells",
    }


@example(pair=TURNED, c=EIGHT)
@example(pair=TURNED, c=FOUR)
@example(pair=FLATTENED, c=EIGHT)
@example(pair=FLATTENED, c=FOUR)
@example(pair=(_grid([[0] * 6]), _grid([[0, 0], [0, 0], [0, 0]])), c=Conventions(background=0))
@given(pair=pairs(), c=conventions())
def test_every_compare_question_has_the_reference_answer_and_only_well_posed_ones_are_asked(pair, c):
    a, b = pair
    assert _asked(a, b, c) == reference(a, b, c)


@given(pair=pairs(), c=conventions(), seed=seeds)
def test_sampled_compare_questions_have_the_reference_answer(pair, c, seed):
    a, b = pair
    expected = reference(a, b, c)
    target = (c.parse(a, name=NAMES[0]), c.parse(b, name=NAMES[1]))
    for q in COMPARE.questions(target, np.random.default_rng(seed)):
        assert q.answer == expected[q.family], q


@pytest.mark.parametrize(
    "pair",
    [TURNED, FLATTENED, (_grid([[5] * 6]), _grid([[5] * 3] * 2)), (_grid([[1, 2] * 6]), _grid([[1, 2]] * 6))],
    ids=["2x3-3x2", "2x2-1x4", "1x6-2x3", "1x12-6x2"],
)
@pytest.mark.parametrize("c", [EIGHT, FOUR], ids=["8-univalued", "4-multicolour"])
def test_grids_of_equal_cell_counts_in_different_shapes_are_not_the_same_size(pair, c):
    a, b = pair
    assert a.size == b.size and a.shape != b.shape
    answers = _asked(a, b, c)
    assert answers["compare.same_size"] == "no" and "compare.changed_cells" not in answers
    assert answers == reference(a, b, c)
