"""Every answer of the symmetry prior equals the reference written another way
(symmetry_reference.py), on arbitrary grids under every convention and on the prior's own
samples, and a question is asked exactly when the reference finds it well-posed."""

import re
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from symmetry_reference import Reference

import priors
from arc_priors_symmetry import prior
from priors import Conventions, parse
from priors.testing import check_records, conventions, grids, seeds


def _asked(scene) -> dict:
    return {(q.family, tuple(sorted(q.params.items()))): q.answer for q in prior.all_questions(scene)}


def _reference(grid, c: Conventions) -> dict:
    return Reference(grid.tolist(), c.connectivity, c.univalued, c.background).questions()


@settings(deadline=None)
@given(grid=grids(max_side=12), c=conventions())
def test_every_question_the_prior_can_ask_has_the_reference_answer(grid, c):
    scene = c.parse(grid)
    check_records(prior, scene, prior.all_questions(scene))
    assert _asked(scene) == _reference(grid, c)


@settings(deadline=None)
@given(grid=grids(max_side=12), c=conventions(), seed=seeds)
def test_sampled_questions_have_the_reference_answer(grid, c, seed):
    expected = _reference(grid, c)
    for q in prior.questions(c.parse(grid), np.random.default_rng(seed)):
        assert expected[(q.family, tuple(sorted(q.params.items())))] == q.answer, q


@settings(deadline=None)
@given(seed=seeds, c=conventions())
def test_on_its_own_samples_every_answer_is_the_reference_answer(seed, c):
    grid = prior.sample(np.random.default_rng(seed)).grid
    assert _asked(c.parse(grid)) == _reference(grid, c)


def _answers(grid, **conventions) -> dict:
    return {(q.family, q.params.get("color")): q.answer for q in prior.all_questions(parse(grid, **conventions))}


def test_a_left_right_mirror_that_is_not_square():
    answers = _answers([[1, 2, 1], [3, 0, 3]])
    assert answers[("symmetry.left_right", None)] == "yes"
    assert answers[("symmetry.top_bottom", None)] == "no"
    assert answers[("symmetry.rotation_180", None)] == "no"
    assert answers[("symmetry.axes", None)] == "left-right"
    assert answers[("symmetry.breaking_cells", None)] == "0"
    # Only square grids are asked about the diagonals and the quarter turn.
    assert not {"symmetry.diagonal", "symmetry.anti_diagonal", "symmetry.rotation_90"} & {f for f, _ in answers}


def test_both_diagonals_give_the_half_turn_but_not_the_quarter_turn():
    answers = _answers([[1, 2], [2, 1]])
    assert answers[("symmetry.diagonal", None)] == answers[("symmetry.anti_diagonal", None)] == "yes"
    assert answers[("symmetry.rotation_180", None)] == "yes"
    assert answers[("symmetry.rotation_90", None)] == "no"
    assert answers[("symmetry.axes", None)] == "diagonal, anti-diagonal, rotation 180"
    assert answers[("symmetry.breaking_cells", None)] == "2"


def test_one_cell_has_every_symmetry_and_four_different_cells_none():
    full = "left-right, top-bottom, diagonal, anti-diagonal, rotation 180, rotation 90"
    assert _answers([[5]])[("symmetry.axes", None)] == full
    assert _answers([[1, 2], [3, 4]])[("symmetry.axes", None)] == "none"


def test_pinwheels_have_only_their_turns():
    # Each cell (i, j) equals cell (j, 3 - i): one quarter turn maps the pattern onto itself.
    quarter = [[1, 2, 0, 1], [0, 3, 3, 2], [2, 3, 3, 0], [1, 0, 2, 1]]
    assert _answers(quarter)[("symmetry.axes", None)] == "rotation 180, rotation 90"
    # Only a half turn maps this one onto itself; a quarter turn gives 2 2 1 / 1 0 1 / 1 2 2.
    half = [[1, 1, 2], [2, 0, 2], [2, 1, 1]]
    assert _answers(half)[("symmetry.axes", None)] == "rotation 180"
    assert _answers(half)[("symmetry.rotation_90", None)] == "no"


def test_breaking_cells_counts_differing_pairs_and_stops_after_four():
    assert _answers([[1, 0, 0, 2], [3, 3, 3, 3]])[("symmetry.breaking_cells", None)] == "1"
    assert _answers([[1, 0, 0, 2], [3, 4, 3, 3]])[("symmetry.breaking_cells", None)] == "2"
    five = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 0]]
    assert ("symmetry.breaking_cells", None) not in _answers(five)


@pytest.mark.parametrize(
    "grid, answer",
    [
        ([[0, 5, 0], [5, 5, 0]], "no"),  # an L: its box is 2x2, mirrored it is another L
        ([[0, 5, 0], [5, 5, 5]], "yes"),  # a T, mirrored within its own box
        ([[0, 0, 0, 0], [0, 0, 5, 5]], "yes"),  # off-centre in the grid, symmetric in its box
    ],
)
def test_an_object_is_mirrored_within_its_own_bounding_box(grid, answer):
    assert _answers(grid, background=0)[("symmetry.object_left_right", 5)] == answer


def test_the_object_question_needs_one_object_of_one_colour():
    two = [[5, 0, 5], [0, 0, 0]]
    assert ("symmetry.object_left_right", 5) not in _answers(two, background=0, connectivity=8)
    mixed = [[5, 6, 0], [0, 0, 0]]
    assert ("symmetry.object_left_right", 5) in _answers(mixed, background=0, univalued=True)
    assert ("symmetry.object_left_right", 5) not in _answers(mixed, background=0, univalued=False)


def test_the_readme_example_prints_what_it_claims(monkeypatch, capsys):
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    block = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    claimed = [line[2:] for line in block.splitlines() if line.startswith("# ")]
    if "symmetry" not in priors.available():  # tested from the source tree, not installed
        monkeypatch.setattr(priors, "load", lambda name: prior)
    exec(block, {})
    assert capsys.readouterr().out.splitlines() == claimed


def test_the_axes_format_takes_the_six_names_in_their_order_or_none():
    axes = next(f for f in prior.families if f.id == "symmetry.axes")
    for answer in (
        "none",
        "left-right",
        "rotation 90",
        "top-bottom, rotation 180",
        "diagonal, anti-diagonal, rotation 180",
    ):
        assert axes.accepts(answer)
    for answer in (
        "",
        "top-bottom, left-right",
        "none, left-right",
        "left-right, left-right",
        "left-right,top-bottom",
        "rotation 270",
    ):
        assert not axes.accepts(answer)
