"""What asking one family about one scene costs, the way the per-record path asks it.

    python benchmarks/families.py [--priors counting,area,colors] [--scenes 300] [--rounds 3]

For each family: draw `--scenes` grids from its own prior, parse them, then time
`choose` + `answer` per scene twice: first on fresh scenes (whatever the scene caches is
built then: its tables, kinds), then again on the same scenes (cached). Prints microseconds
a question, best of `--rounds`, with the load average. A family written over chunk tables
(`priors.table_rule`) answers one scene as a chunk of one, so its cost here is numpy's
per-call cost; on the array way it is paid once per chunk instead.
"""

from __future__ import annotations

import argparse
import os
import time

import numpy as np

import priors


def per_question(family, scenes, rng) -> float:
    started = time.perf_counter()
    for scene in scenes:
        params = family.params.choose(scene, rng)
        if params is not None:
            family.answer(scene, params)
    return (time.perf_counter() - started) / len(scenes) * 1e6


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--priors", default="counting,area,colors")
    parser.add_argument("--scenes", type=int, default=300)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())} before; us a question, best of {args.rounds}")
    conventions, rng = priors.Conventions(), np.random.default_rng(0)
    for name in args.priors.split(","):
        prior = priors.load(name)
        grids = [prior.sample(rng).grid for _ in range(args.scenes)]
        for family in prior.families:
            if family.scenes != 1:
                continue
            fresh, cached = [], []
            for _ in range(args.rounds):
                scenes = [conventions.parse(grid) for grid in grids]
                fresh.append(per_question(family, scenes, rng))
                cached.append(per_question(family, scenes, rng))
            kind = "table rule" if isinstance(family.answer, getattr(priors, "TableRule", ())) else "per scene"
            print(f"{family.id:34} {kind:10}  fresh {min(fresh):6.1f}  cached {min(cached):6.1f}")
    print(f"load {' '.join(f'{x:.2f}' for x in os.getloadavg())} after")


if __name__ == "__main__":
    main()
