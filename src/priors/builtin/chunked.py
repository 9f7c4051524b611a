"""Chunk samplers for the built-in priors' samplers, recognised by their types.

`generators.fast` draws SceneSampler's grids (and copies of one shape, and noise) for a
whole chunk at once. A prior's sampler is a value (a SceneSampler's `sample`, an
`AreaSampler`, a `Noisy` around either), so its chunk version is read off that value;
anything else, a third-party sampler included, has none and is called grid by grid
(`Single`), in the same chunk.
"""

from __future__ import annotations

import types
from typing import Callable

import attrs
import numpy as np

from generators import SceneSampler
from generators.fast import OUT, Drawn, copies_chunk, noisy, scene_chunk
from generators.fast_shapes import BOARD
from priors.builtin.area import AreaSampler, CopiesSampler
from priors.builtin.shapes import ThemedSampler
from priors.errors import PriorFailure
from priors.settings import Noisy


@attrs.frozen
class Scenes:
    sampler: SceneSampler


@attrs.frozen
class Copies:
    sampler: CopiesSampler


@attrs.frozen
class Noise:
    base: object
    rate: float


@attrs.frozen
class Themed:
    """`ThemedSampler`: at `rate` one of `themes` (uniformly), otherwise `base`."""

    base: object
    themes: tuple
    rate: float


@attrs.frozen
class Single:
    """A sampler without a chunk version, called once per grid: `sample(rng) -> (Sample, grid)`
    (`GuardedPrior.sample`, which checks the grid)."""

    sample: Callable


@attrs.frozen
class Either:
    """`AreaSampler`: `first` at `rate`, otherwise `second`."""

    first: object
    second: object
    rate: float


def chunk_sampler(sampler):
    """The chunk version of a prior's sampler (a tree of the values above), or None."""
    if isinstance(sampler, types.MethodType) and type(sampler.__self__) is SceneSampler and sampler.__func__ is SceneSampler.sample:
        return Scenes(sampler.__self__)
    if type(sampler) is CopiesSampler:
        return Copies(sampler)
    if type(sampler) is Noisy:
        base = chunk_sampler(sampler.base)
        return None if base is None else Noise(base, sampler.rate)
    if type(sampler) is ThemedSampler:
        base, themes = chunk_sampler(sampler.base.sample), [chunk_sampler(t.sample) for t in sampler.themes]
        return None if base is None or None in themes else Themed(base, tuple(themes), sampler.theme_rate)
    if type(sampler) is AreaSampler:
        shapes, copies = chunk_sampler(sampler.shapes.sample), chunk_sampler(sampler.copies)
        return None if shapes is None or copies is None else Either(copies, shapes, sampler.copies_rate)
    return None


def draw(samplers: list, which: np.ndarray, rng: np.random.Generator, located: Callable[[int], dict] = lambda g: {}) -> Drawn:
    """Grid i drawn by the chunk sampler samplers[which[i]]. Every SceneSampler grid of
    every prior is drawn in one `scene_chunk` call, whose cost is per step, not per grid.
    A sampler called per grid that fails says where: `located(i)` (seed=..., record=...)."""
    n = len(which)
    scenes: list[SceneSampler] = []
    scene_of = np.full(n, -1, dtype=np.int64)
    copies: list[tuple[CopiesSampler, np.ndarray]] = []
    singles: list[tuple[Callable, np.ndarray]] = []
    noise: list[tuple[np.ndarray, float]] = []

    def expand(tree, where: np.ndarray) -> None:
        if isinstance(tree, Scenes):
            if tree.sampler not in scenes:
                scenes.append(tree.sampler)
            scene_of[where] = scenes.index(tree.sampler)
        elif isinstance(tree, Copies):
            copies.append((tree.sampler, where))
        elif isinstance(tree, Single):
            singles.append((tree.sample, where))
        elif isinstance(tree, Themed):
            u, v = rng.random((2, len(where)))
            theme = np.where(u < tree.rate, (v * len(tree.themes)).astype(np.int64), -1)
            expand(tree.base, where[theme < 0])
            for k, sub in enumerate(tree.themes):
                expand(sub, where[theme == k])
        elif isinstance(tree, Noise):
            expand(tree.base, where)
            noise.append((where, tree.rate))
        else:
            pick = rng.random(len(where)) < tree.rate
            expand(tree.first, where[pick])
            expand(tree.second, where[~pick])

    for s, tree in enumerate(samplers):
        expand(tree, np.flatnonzero(which == s))
    board = np.empty((n, BOARD, BOARD), dtype=np.uint8)
    fields = [np.empty(n, dtype=np.int64) for _ in range(4)]

    def put(where: np.ndarray, drawn: Drawn) -> None:
        board[where] = drawn.board
        for field, values in zip(fields, (drawn.heights, drawn.widths, drawn.backgrounds, drawn.rejections)):
            field[where] = values

    where = np.flatnonzero(scene_of >= 0)
    if where.size:
        put(where, scene_chunk(scenes, scene_of[where], rng))
    for sampler, where in copies:
        if where.size:
            put(where, copies_chunk(sampler.sizes, sampler.background, sampler.kinds, sampler.min_copies, sampler.max_copies,
                                    sampler.max_area, rng, len(where)))
    for sample, where in singles:
        for g in where.tolist():
            try:
                drawn, grid = sample(rng)
            except PriorFailure as failure:
                raise failure.at(**located(g)) from None
            h, w = grid.shape
            board[g] = OUT
            board[g, :h, :w] = grid
            for field, value in zip(fields, (h, w, -1 if drawn.background is None else drawn.background, drawn.rejections)):
                field[g] = value
    for where, rate in noise:
        board[where] = noisy(board[where], rate, rng)
    return Drawn(board, *fields)
