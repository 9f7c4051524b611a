"""Training chats for study (h)'s overlap arm: the main job's chats with every second one
replaced by a grid whose shapes paint over one another.

    python benchmarks/study/overlay_data.py IN.jsonl OUT.jsonl [N]

IN is the main job's file (see arms.py). The replacing grids use the project's shape kinds
and weights (`generators.shapes.make_shape`, `generators.sampler.DEFAULT_KINDS`), 1-8
shapes of 1-6 cells at uniformly random spots with nothing reserved, so a later shape cuts
an earlier one into pieces; sides 3-10, background 0 (grids where it is not the most common
colour are drawn again). Counted by count_check's `true_count` (scipy, 8-connectivity, per
colour), as arms.py checks. Only what arms.py reads is written.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "src")]

from count_check import true_count  # noqa: E402

from generators.sampler import DEFAULT_KINDS  # noqa: E402
from generators.shapes import make_shape  # noqa: E402

NAMES = [k for k, _ in DEFAULT_KINDS]
CDF = np.cumsum([w for _, w in DEFAULT_KINDS]) / sum(w for _, w in DEFAULT_KINDS)
COUNT = "How many objects are there in the grid?"
COLOURS = "How many different colors are there in the grid, not counting the background?"


def overlaid(rng: np.random.Generator) -> np.ndarray:
    while True:
        h, w = (int(x) for x in rng.integers(3, 11, 2))
        grid = np.zeros((h, w), np.uint8)
        colours = rng.permutation(np.arange(1, 10))[: 1 + int(rng.integers(0, 9))]
        for _ in range(int(rng.integers(1, 9))):
            mask = make_shape(NAMES[int(np.searchsorted(CDF, rng.random()))], rng, 1 + int(rng.integers(0, 6)), h, w)
            top, left = int(rng.integers(0, h - mask.shape[0] + 1)), int(rng.integers(0, w - mask.shape[1] + 1))
            grid[top : top + mask.shape[0], left : left + mask.shape[1]][mask] = colours[
                int(rng.integers(len(colours)))
            ]
        counts = np.bincount(grid.ravel(), minlength=10)
        if counts[0] > counts[1:].max():
            return grid


def main(source: str, target: str, n: int = 300_000) -> None:
    rng = np.random.default_rng(4242)
    with open(source) as f, open(target, "w") as out:
        for i, line in enumerate(f):
            if i == n:
                break
            if i % 2 == 0:
                out.write(line)
                continue
            grid = overlaid(rng)
            count = true_count(grid)
            text = "\n".join("".join(map(str, row)) for row in grid.tolist())
            messages = [
                {"role": "system", "content": "Answer with the value only."},
                {"role": "user", "content": f"{text}\n\n{COUNT}"},
                {"role": "assistant", "content": str(count)},
                {"role": "user", "content": COLOURS},
                {"role": "assistant", "content": str(len(set(grid.ravel().tolist()) - {0}))},
            ]
            out.write(
                json.dumps({"messages": messages, "metadata": {"grids": [grid.tolist()], "backgrounds": [0]}}) + "\n"
            )


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], *(int(a) for a in sys.argv[3:4]))
