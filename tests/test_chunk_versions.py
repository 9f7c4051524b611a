"""Samplers say how they draw a chunk (`chunk_version()`); nothing is matched by type, and a
sampler that draws otherwise than its parent is not drawn by its parent's chunk version."""

from __future__ import annotations

import numpy as np
import pytest

import priors
from generators import CopiesSampler, Sample, SceneSampler
from generators.chunks import Drawing, Noise, Scenes, Themed, chunk_version, draw, drawn_problem, with_drawings
from generators.fast import OUT, Drawn
from generators.placement import BOARD
from priors.builtin.shapes import ThemedSampler
from priors.settings import Noisy
from priors.testing import LEVELS


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("name", ["counting", "area", "colors", "shapes", "objects", "compare"])
def test_the_built_in_scene_priors_declare_a_chunk_version_at_every_level(name, level):
    assert chunk_version(priors.load(name).configured(level).sampler) is not None


def test_a_prior_whose_sampler_declares_nothing_is_drawn_grid_by_grid():
    assert chunk_version(priors.load("zones").sampler) is None
    assert chunk_version(lambda rng: None) is None


class Redrawn(SceneSampler):
    def sample(self, rng):
        return super().sample(rng)


class Recopied(CopiesSampler):
    def __call__(self, rng):
        return super().__call__(rng)


def test_a_subclass_that_draws_its_own_way_has_no_chunk_version_until_it_declares_one():
    assert chunk_version(SceneSampler().sample) == Scenes(SceneSampler())
    assert chunk_version(Redrawn().sample) is None and chunk_version(Recopied()) is None
    assert chunk_version(Noisy(Redrawn().sample, 0.1)) is None
    assert chunk_version(ThemedSampler(SceneSampler(), (Redrawn(),))) is None
    assert isinstance(chunk_version(Noisy(SceneSampler().sample, 0.1)), Noise)


def _plain(rng: np.random.Generator, n: int) -> Drawn:
    board = np.full((n, BOARD, BOARD), OUT, dtype=np.uint8)
    board[:, :2, :3] = 4
    return Drawn(board, np.full(n, 2), np.full(n, 3), np.full(n, 4), np.zeros(n, dtype=np.int64))


def test_a_drawing_draws_its_grids_and_wrapping_reaches_drawings_inside_other_versions():
    tree = Themed(Drawing(_plain), (Noise(Drawing(_plain), 0.5),), 0.5)
    seen = []
    wrapped = with_drawings(tree, lambda f: (lambda rng, n: seen.append(n) or f(rng, n)))
    drawn = draw([wrapped], np.zeros(200, dtype=np.int64), np.random.default_rng(1))
    assert sum(seen) == 200 and len(seen) == 2
    assert (drawn.heights == 2).all() and (drawn.widths == 3).all() and (drawn.board[:, 2:, :] == OUT).all()


@pytest.mark.parametrize("fault, words", [
    (lambda d: Drawn(d.board, np.full(4, 31), d.widths, d.backgrounds, d.rejections), "as 31x3 (sides 1-30)"),
    (lambda d: Drawn(np.where(d.board == 4, 12, d.board).astype(np.uint8), d.heights, d.widths, d.backgrounds, d.rejections),
     "cells outside colours 0-9"),
    (lambda d: Drawn(d.board[:, :5], d.heights, d.widths, d.backgrounds, d.rejections), "a board of shape (4, 5, 31)"),
    (lambda d: Sample(np.zeros((2, 2), dtype=np.uint8), 0, (), None, 0), "drew Sample, not"),
])
def test_what_a_drawing_gets_wrong_is_said(fault, words):
    good = _plain(np.random.default_rng(0), 4)
    assert drawn_problem(good, 4) is None
    problem = drawn_problem(fault(good), 4)
    assert problem is not None and words in problem, problem
