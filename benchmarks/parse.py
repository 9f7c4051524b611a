"""Parsing per grid: `parse` one grid at a time, the chunk parse of many grids at once, and
the networkx reference.

    python benchmarks/parse.py [--grids 1000] [--rounds 5]

"chunk" is `priors.batch.parse_grids` over all the grids at once (one labelling call; the
object tables `generate` asks its questions from), and "chunk scenes" adds a `Scene` per
grid (what third-party priors read). All sides run on the same grids, interleaved round by
round, best of `--rounds`; ratios are to the networkx reference of the same run, and the
load average is printed beside the figures.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import priors
from generators import SceneSampler, SizeCurriculum
from priors.batch import parse_grids, parse_many
from priors.reference import reference_scene


def _grids(side: int, kind: str, n: int, rng: np.random.Generator) -> list[np.ndarray]:
    if kind == "noise":  # worst case: many small objects in three colours
        return [priors.as_grid(rng.integers(0, 3, (side, side))) for _ in range(n)]
    sampler = SceneSampler(sizes=SizeCurriculum(min_side=side, max_side=side), max_objects=9 if side == 10 else 30)
    return [sampler.sample(rng).grid for _ in range(n)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--grids", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    rng = np.random.default_rng(0)
    conventions = priors.Conventions()
    ways = {
        "parse": lambda gs: [priors.parse(g) for g in gs],
        "chunk": lambda gs: parse_grids(gs, conventions),
        "chunk scenes": lambda gs: parse_many(gs, conventions),
        "networkx": lambda gs: [reference_scene(g) for g in gs],
    }
    print(
        f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())} before; "
        f"{args.grids} grids per case, best of {args.rounds}"
    )
    print(f"{'grids':<16}" + "".join(f"{w + ' us':>18}" for w in ways) + f"{'parse x':>10}{'chunk x':>10}")
    for side in (10, 30):
        for kind in ("sampled", "noise"):
            grids = _grids(side, kind, args.grids, rng)
            best = dict.fromkeys(ways, float("inf"))
            for _ in range(args.rounds):
                for way, run in ways.items():
                    start = time.perf_counter()
                    run(grids)
                    best[way] = min(best[way], (time.perf_counter() - start) / len(grids) * 1e6)
            ref = best["networkx"]
            print(
                f"{f'{side}x{side} {kind}':<16}"
                + "".join(f"{best[w]:>18.1f}" for w in ways)
                + f"{ref / best['parse']:>9.1f}x{ref / best['chunk']:>9.1f}x"
            )
    print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())} after")


if __name__ == "__main__":
    main()
