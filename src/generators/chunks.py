"""Chunk versions: how a sampler draws a whole chunk of grids at once, as the sampler declares.

A sampler is a callable `rng -> Sample` that draws one grid. Drawing grid after grid in
Python costs more than everything else a chat needs, so a sampler may also say how it
draws a chunk: a method `chunk_version()` that returns one of the values below, or None.
The chunk engine asks for it (`chunk_version`) and calls the sampler grid by grid only where
there is none. A chunk version is the sampler's own statement, never guessed from its type,
so a class that draws differently from its parent (a subclass overriding `sample`) must
declare its own, or none.

The values compose: `Noise`, `Themed` and `Either` wrap other chunk versions, as `Noisy`,
`ThemedSampler` and `AreaSampler` wrap other samplers. `Drawing` is the open end: any
function `(rng, n) -> Drawn` that draws n grids, for a plugin whose grids no built-in value
describes. `draw` draws a chunk of grids from several priors' versions at once; every
`Scenes` grid of every prior shares one `scene_chunk` call, whose cost is per step, not per
grid.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import Any, Callable

import numpy as np

from generators.copies import Copies, CopiesSampler
from generators.fast import OUT, Drawn, copies_chunk, inside, noisy, scene_chunk
from generators.placement import BOARD
from generators.policies import MAX_SIDE
from generators.sampler import Scenes, SceneSampler


@dataclass(frozen=True)
class Noise:
    """`base`'s grids with each cell recoloured at random at `rate` (`priors.settings.Noisy`)."""

    base: Any
    rate: float


@dataclass(frozen=True)
class Themed:
    """At `rate` one of `themes` (uniformly), otherwise `base` (`ThemedSampler`)."""

    base: Any
    themes: tuple
    rate: float


@dataclass(frozen=True)
class Either:
    """`first` at `rate`, otherwise `second` (`AreaSampler`)."""

    first: Any
    second: Any
    rate: float


@dataclass(frozen=True)
class Drawing:
    """Grids drawn by a function `(rng, n) -> Drawn` of the sampler's own."""

    draw: Callable[[np.random.Generator, int], Drawn]


@dataclass(frozen=True)
class Single:
    """A sampler without a chunk version, called once per grid (`draw`'s `call`)."""

    sample: Callable


_ORDER = (Copies, Drawing, Single)
"""The order `draw` draws these in, after all `Scenes` grids: it fixes the random numbers."""


def chunk_version(sampler):
    """The chunk version `sampler` declares (`chunk_version()`), or None. A bound `sample`
    method of an object that is not itself called (priors often hand over
    `SceneSampler(...).sample`) stands for its object; any other method has none."""
    if inspect.ismethod(sampler):
        if sampler.__name__ != "sample" or callable(sampler.__self__):
            return None
        sampler = sampler.__self__
    declared = getattr(sampler, "chunk_version", None)
    return declared() if callable(declared) else None


def with_drawings(tree, wrap: Callable):
    """`tree` with each `Drawing`'s function replaced by `wrap(function)` (to check what it draws)."""
    if isinstance(tree, Drawing):
        return Drawing(wrap(tree.draw))
    if isinstance(tree, Noise):
        return Noise(with_drawings(tree.base, wrap), tree.rate)
    if isinstance(tree, Themed):
        return Themed(with_drawings(tree.base, wrap), tuple(with_drawings(t, wrap) for t in tree.themes), tree.rate)
    if isinstance(tree, Either):
        return Either(with_drawings(tree.first, wrap), with_drawings(tree.second, wrap), tree.rate)
    return tree


def drawn_problem(drawn, n: int) -> str | None:
    """What is wrong with `drawn` as n grids (the first bad grid's fault), or None: each
    grid 1-30 a side of colours 0-9 with OUT everywhere else on its board, a background of
    -1 (none) or 0-9, and no negative rejections."""
    if not isinstance(drawn, Drawn):
        return f"its chunk version drew {type(drawn).__name__}, not generators.fast.Drawn"
    board = drawn.board
    if not isinstance(board, np.ndarray) or board.shape != (n, BOARD, BOARD) or board.dtype != np.uint8:
        return (
            f"its chunk version drew a board of {np.shape(board)} "
            f"{getattr(board, 'dtype', type(board).__name__)}, not ({n}, {BOARD}, {BOARD}) uint8"
        )
    fields = [drawn.heights, drawn.widths, drawn.backgrounds, drawn.rejections]
    if any(not isinstance(v, np.ndarray) or v.shape != (n,) or v.dtype.kind not in "iu" for v in fields):
        return f"its chunk version's heights, widths, backgrounds and rejections are not arrays of {n} integers each"
    heights, widths, backgrounds, rejections = fields
    within = inside(heights, widths)
    bad = (
        (heights < 1)
        | (heights > MAX_SIDE)
        | (widths < 1)
        | (widths > MAX_SIDE)
        | (backgrounds < -1)
        | (backgrounds > 9)
        | (rejections < 0)
        | np.where(within, board > 9, board != OUT).any(axis=(1, 2))
    )
    if not bad.any():
        return None
    g = int(np.flatnonzero(bad)[0])
    return (
        f"its chunk version drew grid {g} of {n} as {heights[g]}x{widths[g]} (sides 1-{MAX_SIDE}), background "
        f"{backgrounds[g]}, {rejections[g]} rejections, or with cells outside colours 0-9 (OUT, {OUT}, around it)"
    )


def version_problem(tree) -> str | None:
    """What is wrong with a declared chunk version (an unknown value, or a part of the wrong
    kind), or None."""
    rate = lambda r: isinstance(r, (int, float)) and 0 <= r <= 1  # noqa: E731
    if isinstance(tree, Scenes):
        return (
            None
            if isinstance(tree.sampler, SceneSampler)
            else f"Scenes holds {type(tree.sampler).__name__}, not a SceneSampler"
        )
    if isinstance(tree, Copies):
        return (
            None
            if isinstance(tree.sampler, CopiesSampler)
            else f"Copies holds {type(tree.sampler).__name__}, not a CopiesSampler"
        )
    if isinstance(tree, Drawing):
        return None if callable(tree.draw) else "Drawing holds no function"
    if isinstance(tree, Noise) and rate(tree.rate):
        return version_problem(tree.base)
    if isinstance(tree, Either) and rate(tree.rate):
        return version_problem(tree.first) or version_problem(tree.second)
    if isinstance(tree, Themed) and rate(tree.rate) and len(tree.themes):
        return next((p for p in map(version_problem, (tree.base, *tree.themes)) if p), None)
    return f"{tree!r} is not a value of generators.chunks (with rates in 0-1)"


def all_of(*samplers):
    """The chunk versions of `samplers`, or None unless every one has one (for samplers that
    combine others)."""
    versions = tuple(chunk_version(s) for s in samplers)
    return None if None in versions else versions


def draw(
    versions: list, which: np.ndarray, rng: np.random.Generator, call: Callable[[Callable, int], Any] | None = None
) -> Drawn:
    """Grid i drawn by versions[which[i]]. A `Single` draws grid g by `call(sample, g)`
    (default `sample(rng)`), which returns a Sample; the caller may check it or say where a
    failure happened."""
    n = len(which)
    scenes: list = []
    scene_of = np.full(n, -1, dtype=np.int64)
    jobs: list[tuple[Any, np.ndarray]] = []  # Copies, Drawing and Single, each with its grids
    noise: list[tuple[np.ndarray, float]] = []

    def expand(tree, where: np.ndarray) -> None:
        if isinstance(tree, Scenes):
            if tree.sampler not in scenes:
                scenes.append(tree.sampler)
            scene_of[where] = scenes.index(tree.sampler)
        elif isinstance(tree, (Copies, Drawing, Single)):
            jobs.append((tree, where))
        elif isinstance(tree, Themed):
            u, v = rng.random((2, len(where)))
            theme = np.where(u < tree.rate, (v * len(tree.themes)).astype(np.int64), -1)
            expand(tree.base, where[theme < 0])
            for k, sub in enumerate(tree.themes):
                expand(sub, where[theme == k])
        elif isinstance(tree, Noise):
            expand(tree.base, where)
            noise.append((where, tree.rate))
        elif isinstance(tree, Either):
            pick = rng.random(len(where)) < tree.rate
            expand(tree.first, where[pick])
            expand(tree.second, where[~pick])
        else:
            raise TypeError(f"not a chunk version: {tree!r}")

    for s, tree in enumerate(versions):
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
    for job, where in sorted(jobs, key=lambda pair: _ORDER.index(type(pair[0]))):  # sorted is stable
        if not where.size:
            continue
        if isinstance(job, Copies):
            s = job.sampler
            put(
                where,
                copies_chunk(s.sizes, s.background, s.kinds, s.min_copies, s.max_copies, s.max_area, rng, len(where)),
            )
        elif isinstance(job, Drawing):
            put(where, job.draw(rng, len(where)))
        else:
            for g in where.tolist():
                sample = call(job.sample, g) if call is not None else job.sample(rng)
                h, w = sample.grid.shape
                board[g] = OUT
                board[g, :h, :w] = sample.grid
                for field, value in zip(
                    fields, (h, w, -1 if sample.background is None else sample.background, sample.rejections)
                ):
                    field[g] = value
    for where, rate in noise:
        board[where] = noisy(board[where], rate, rng)
    return Drawn(board, *fields)
