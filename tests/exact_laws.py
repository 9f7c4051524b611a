"""Exact laws of random choices: every tape of uniform numbers a function could read, enumerated.

A chooser reads its randomness as numbers uniform on [0, 1). Cut [0, 1) into `n` equal
cells and feed it each cell's midpoint: when every threshold the function compares with
(a rate, a share of a pool) falls on a cell boundary, each cell's number takes the same
branch as every number of that cell, so weighting each path by 1/n per draw gives the
exact probability of each outcome, as a fraction. A tape that is read further than any
path before it grows a new branch, so the function may read as many numbers as it likes.
"""

from __future__ import annotations

from collections import Counter
from fractions import Fraction
from typing import Callable, Hashable

import numpy as np


class _Tape:
    """An rng reading the given cell indices in turn, then 0 for every draw past them."""

    def __init__(self, prefix: list[int], n: int):
        self.prefix, self.n, self.read = prefix, n, 0

    def _one(self) -> float:
        k = self.prefix[self.read] if self.read < len(self.prefix) else 0
        if self.read >= len(self.prefix):
            self.prefix.append(0)
        self.read += 1
        return (k + 0.5) / self.n

    def random(self, size=None):
        if size is None:
            return self._one()
        return np.array([self._one() for _ in range(int(np.prod(size)))]).reshape(size)


def law(run: Callable[[object], Hashable], n: int) -> dict[Hashable, Fraction]:
    """Outcome -> exact probability of `run(rng)`, every draw cut into `n` cells. Depth first
    over tapes: after each path the last draw moves to its next cell, and a draw that has
    seen all its cells is dropped so the one before it moves on."""
    chances: Counter = Counter()
    prefix: list[int] = []
    while True:
        tape = _Tape(prefix, n)
        outcome = run(tape)
        del prefix[tape.read :]  # draws recorded but never read on this path
        chances[outcome] += Fraction(1, n) ** tape.read
        while prefix and prefix[-1] == n - 1:
            prefix.pop()
        if not prefix:
            break
        prefix[-1] += 1
    assert sum(chances.values()) == 1
    return dict(chances)


def chooser_law(space, scene, n: int) -> dict[Hashable, Fraction]:
    """The law of `space.choose(scene, rng)`, each choice as a sorted tuple of its items (None: nothing chosen)."""

    def run(rng):
        params = space.choose(scene, rng)
        return None if params is None else tuple(sorted(params.items()))

    return law(run, n)


def uniform(outcomes, extra: dict | None = None) -> dict[Hashable, Fraction]:
    """Equal chances over `outcomes`."""
    outcomes = list(outcomes)
    return {o: Fraction(1, len(outcomes)) for o in outcomes} | (extra or {})
