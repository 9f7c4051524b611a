"""Samplers say how they draw a chunk (`chunk_version()`); nothing is matched by type, and a
sampler that draws otherwise than its parent is not drawn by its parent's chunk version."""

from __future__ import annotations

import numpy as np
import pytest

import priors
from generators import CopiesSampler, Sample, SceneSampler
from generators.chunks import Copies, Drawing, Noise, Scenes, Themed, chunk_version, draw, drawn_problem, with_drawings
from generators.fast import OUT, Drawn
from generators.placement import BOARD
from priors.builtin.area import AreaSampler
from priors.builtin.shapes import ThemedSampler
from priors.errors import PriorFailure
from priors.guards import GuardedPrior
from priors.settings import Noisy
from priors.testing import LEVELS


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", ["counting", "area", "colors", "shapes", "objects", "compare", "zones"])
def test_the_built_in_scene_priors_declare_a_chunk_version_at_every_level(name, level):
    assert chunk_version(priors.load(name).configured(level).sampler) is not None


def test_a_prior_whose_sampler_declares_nothing_is_drawn_grid_by_grid():
    assert chunk_version(lambda rng: None) is None


class Redrawn(SceneSampler):
    def sample(self, rng):
        return super().sample(rng)


class Recopied(CopiesSampler):
    def __call__(self, rng):
        return super().__call__(rng)


class Rethemed(ThemedSampler):
    def sample(self, rng):  # a method of its own, handed over instead of the object
        return self.base.sample(rng)


class Renoised(Noisy):
    def __call__(self, rng):
        return self.base(rng)


class Reareaed(AreaSampler):
    def __call__(self, rng):
        return self.shapes.sample(rng)


def test_a_subclass_that_draws_its_own_way_has_no_chunk_version_until_it_declares_one():
    assert chunk_version(SceneSampler().sample) == Scenes(SceneSampler())
    assert chunk_version(Redrawn().sample) is None and chunk_version(Recopied()) is None
    assert chunk_version(Noisy(Redrawn().sample, 0.1)) is None
    assert chunk_version(ThemedSampler(SceneSampler(), (Redrawn(),))) is None
    assert isinstance(chunk_version(Noisy(SceneSampler().sample, 0.1)), Noise)
    assert chunk_version(Rethemed(SceneSampler(), (SceneSampler(),)).sample) is None
    assert chunk_version(Renoised(SceneSampler().sample, 0.1)) is None
    assert chunk_version(Reareaed(SceneSampler(), CopiesSampler())) is None
    assert chunk_version(AreaSampler(SceneSampler(), CopiesSampler())) is not None


@pytest.mark.parametrize(
    "version, words",
    [
        ("nope", "'nope' is not a value of generators.chunks"),
        (Scenes("x"), "Scenes holds str, not a SceneSampler"),
        (Noise(Scenes(SceneSampler()), 2.0), "is not a value of generators.chunks"),
        (Themed(Scenes(SceneSampler()), (Copies(SceneSampler()),), 0.5), "Copies holds SceneSampler"),
    ],
)
def test_a_prior_declaring_a_wrong_chunk_version_fails_in_one_line_naming_it(version, words):
    class Declares:
        def __call__(self, rng):
            return SceneSampler().sample(rng)

        def chunk_version(self):
            return version

    count = priors.Family(
        "odd.count", "How many objects in {grid}?", lambda s, p: str(len(s.areas)), answer_format=priors.NUMBER
    )
    prior = priors.Prior(
        name="odd", description="Declares a wrong chunk version.", sampler=Declares(), families=[count]
    )
    with pytest.raises(PriorFailure) as failure:
        GuardedPrior(prior).chunk_version()
    assert words in str(failure.value) and "\n" not in str(failure.value)


def test_copies_never_outnumber_the_nine_colours_other_than_the_background():
    sample = CopiesSampler(min_copies=10, max_copies=12)(np.random.default_rng(0))
    assert len(sample.intent) + sample.rejections == 9


def _plain(rng: np.random.Generator, n: int) -> Drawn:
    board = np.full((n, BOARD, BOARD), OUT, dtype=np.uint8)
    board[:, :2, :3] = 4
    return Drawn(board, np.full(n, 2), np.full(n, 3), np.full(n, 4), np.zeros(n, dtype=np.int64))


def test_a_drawing_draws_its_grids_and_wrapping_reaches_drawings_inside_other_versions():
    tree = Themed(Drawing(_plain), (Noise(Drawing(_plain), 0.5),), 0.5)
    seen = []
    wrapped = with_drawings(tree, lambda f: lambda rng, n: seen.append(n) or f(rng, n))
    drawn = draw([wrapped], np.zeros(200, dtype=np.int64), np.random.default_rng(1))
    assert sum(seen) == 200 and len(seen) == 2
    assert (drawn.heights == 2).all() and (drawn.widths == 3).all() and (drawn.board[:, 2:, :] == OUT).all()


def _leaky(d):
    board = d.board.copy()
    board[:, :2, 3:] = 0  # beside the grid: 0, not OUT
    return Drawn(board, d.heights, d.widths, d.backgrounds, d.rejections)


@pytest.mark.parametrize(
    "fault, words",
    [
        (_leaky, "(OUT, 10, around it)"),
        (
            lambda d: Drawn(d.board, d.heights.tolist(), d.widths, d.backgrounds, d.rejections),
            "not arrays of 4 integers",
        ),
        (lambda d: Drawn(d.board, np.full(4, 31), d.widths, d.backgrounds, d.rejections), "as 31x3 (sides 1-30)"),
        (
            lambda d: Drawn(
                np.where(d.board == 4, 12, d.board).astype(np.uint8), d.heights, d.widths, d.backgrounds, d.rejections
            ),
            "cells outside colours 0-9",
        ),
        (
            lambda d: Drawn(d.board[:, :5], d.heights, d.widths, d.backgrounds, d.rejections),
            "a board of (4, 5, 31) uint8",
        ),
        (lambda d: Sample(np.zeros((2, 2), dtype=np.uint8), 0, (), None, 0), "drew Sample, not"),
    ],
)
def test_what_a_drawing_gets_wrong_is_said(fault, words):
    good = _plain(np.random.default_rng(0), 4)
    assert drawn_problem(good, 4) is None
    problem = drawn_problem(fault(good), 4)
    assert problem is not None and words in problem, problem
