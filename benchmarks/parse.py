"""Parse plus every built-in question per grid: scipy fast path vs the networkx reference.

    python benchmarks/parse.py [--grids 300]

Both sides run the same question code; only the object finding differs. Reported as
microseconds per grid and as a ratio measured in the same run.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import priors
from generators import SceneSampler, SizeCurriculum
from priors.reference import reference_scene


def _grids(side: int, kind: str, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    if kind == "noise":  # worst case: many small objects in three colours
        return [priors.as_grid(rng.integers(0, 3, (side, side))) for _ in range(n)]
    sampler = SceneSampler(sizes=SizeCurriculum(min_side=side, max_side=side), max_objects=9 if side == 10 else 30)
    return [sampler.sample(rng).grid for _ in range(n)]


def _per_grid(fn, grids, with_questions: bool, builtin) -> float:
    rng = np.random.default_rng(0)
    best = float("inf")
    for _ in range(3):  # best of three passes damps noise from the other core
        start = time.perf_counter()
        for grid in grids:
            scene = fn(grid)
            if with_questions:
                for prior in builtin:
                    prior.all_questions(scene)
                    prior.questions(scene, rng)
        best = min(best, time.perf_counter() - start)
    return best / len(grids) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=300)
    args = parser.parse_args()
    builtin = [priors.load(n) for n in ("counting", "area", "colors")]
    rng = np.random.default_rng(0)
    print(f"{'grids':<16}{'step':<18}{'fast us':>10}{'networkx us':>14}{'ratio':>8}")
    for side in (10, 30):
        for kind in ("sampled", "noise"):
            grids = _grids(side, kind, args.grids, rng)
            for step, with_questions in (("parse", False), ("parse+questions", True)):
                fast = _per_grid(priors.parse, grids, with_questions, builtin)
                slow = _per_grid(reference_scene, grids, with_questions, builtin)
                print(f"{f'{side}x{side} {kind}':<16}{step:<18}{fast:>10.1f}{slow:>14.1f}{slow / fast:>7.1f}x")


if __name__ == "__main__":
    main()
