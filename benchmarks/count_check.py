"""Does a trained model count objects on grids the project never drew? An outside check.

    python benchmarks/count_check.py runs/train-XXXX [--n 400] [--seed 12345] [--no-overwrite] [--wording held-out] \
[--sides 3-10] [--blobs 8] [--cells 6] [--arc arc-agi-1]

The grids come from a sampler written here, apart from the project's generators: sides 3 to
10 drawn apart, 1 to 8 random 4-connected blobs of 1 to 6 cells in colours 1-9 on
background 0, painted one over the other (so blobs may touch, merge and cut each other;
`--no-overwrite` paints only empty cells). The true count is scipy's labelling of each
colour under 8-connectivity. The model is asked `counting.objects` in the run's own
wording, after the run's own system prompt, with the grid written by the run's own
encoder, exactly as its chats lay a question out (config.yaml in the run folder says how);
the last integer of its reply is its answer (`--wording held-out` asks in the family's
held-out wording instead, which training never asks). Printed: exact match, within one, the score of
always giving the most common count, and exact match per true count, per number of filled
cells and per number of colours (where the count fails, not only how often).

`--sides`, `--blobs` and `--cells` move the sampler off the main job's training ranges (sides
3-10, 1-8 shapes of up to 6 cells), to see whether the skill or a range was learnt. `--arc
SOURCE` asks about real ARC grids instead: every distinct grid of the source's training
and evaluation tasks whose sides lie in `--sides` and whose most common colour is 0
(background 0 under either convention), up to `--n` of them shuffled by `--seed`, counted
the same way.
"""

from __future__ import annotations

import argparse
import json
import re
from collections import Counter
from pathlib import Path

import numpy as np
from scipy import ndimage

STEPS = ((0, 1), (0, -1), (1, 0), (-1, 0))


def blob_grid(
    rng: np.random.Generator, *, low: int = 3, high: int = 10, blobs: int = 8, cells: int = 6, overwrite: bool = True
) -> np.ndarray:
    h, w = (int(v) for v in rng.integers(low, high + 1, 2))
    grid = np.zeros((h, w), dtype=np.uint8)
    for _ in range(int(rng.integers(1, blobs + 1))):
        size = int(rng.integers(1, cells + 1))
        start = (int(rng.integers(0, h)), int(rng.integers(0, w)))
        shape = [start]
        for _ in range(50):
            if len(shape) >= size:
                break
            r, c = shape[int(rng.integers(len(shape)))]
            dr, dc = STEPS[int(rng.integers(4))]
            cell = (r + dr, c + dc)
            if 0 <= cell[0] < h and 0 <= cell[1] < w and cell not in shape and (overwrite or grid[cell] == 0):
                shape.append(cell)
        color = int(rng.integers(1, 10))
        for cell in shape:
            if overwrite or grid[cell] == 0:
                grid[cell] = color
    return grid


def true_count(grid: np.ndarray) -> int:
    eight = np.ones((3, 3), dtype=int)
    return sum(int(ndimage.label(grid == color, structure=eight)[1]) for color in range(1, 10))


def last_integer(text: str) -> int | None:
    found = re.findall(r"-?\d+", text)
    return int(found[-1]) if found else None


def prompts_of(run: Path, grids: list[np.ndarray], wording: str = "template") -> list[list[dict]]:
    """The run's own layout: its system turn, its encoder's grid text, its counting.objects wording."""
    import yaml

    import priors
    from trainers.data.chat_builder import system_message
    from trainers.data.mixture import chat_config_from_dict

    recorded = yaml.safe_load((run / "config.yaml").read_text())
    recorded.pop("train", None)
    recorded.pop("evaluate", None)
    chats = chat_config_from_dict(recorded, str(run / "config.yaml"))
    family = next(f for f in priors.load("counting").families if f.id == "counting.objects")
    question = (family.held_out if wording == "held-out" else family.template).format(grid="the grid")
    encode = priors.get_encoder(chats.encoder).encode
    system = system_message(chats)
    return [
        [{"role": "system", "content": system}, {"role": "user", "content": f"{encode(g)}\n\n{question}"}]
        for g in grids
    ]


FILLED_BINS = ((0, 4), (5, 8), (9, 12), (13, 16), (17, 20), (21, 30 * 30))
"""Bins of filled cells; the last is open ("21+"), as grids of --sides or --arc fill more than 100."""


def exact_by(keys: list, right: list[bool], label=lambda key: key) -> dict:
    """Share right among the grids of each key, in the keys' order, under the key's label."""
    return {
        label(k): round(sum(r for r, x in zip(right, keys) if x == k) / keys.count(k), 3) for k in sorted(set(keys))
    }


def filled_bin(grid: np.ndarray) -> int:
    return next(i for i, (low, high) in enumerate(FILLED_BINS) if low <= int((grid > 0).sum()) <= high)


def filled_label(i: int) -> str:
    low, high = FILLED_BINS[i]
    return f"{low}+" if i == len(FILLED_BINS) - 1 else f"{low}-{high}"


def arc_grids(source: str, sides: tuple[int, int], n: int, rng: np.random.Generator) -> list[np.ndarray]:
    """Real ARC grids of the source within the sides, shuffled by rng. Only grids whose most
    common colour is 0: the count takes colours 1-9 as objects, as the question's background
    convention does only where 0 is the background; any other would be counted as objects."""
    from trainers.data.arc import load_tasks, most_common_color, unique_grids

    tasks = [t for split in ("training", "evaluation") for t in load_tasks(source, split)]
    low, high = sides
    grids = [
        g for g in unique_grids(tasks) if low <= min(g.shape) and max(g.shape) <= high and most_common_color(g) == 0
    ]
    return [grids[i] for i in rng.permutation(len(grids))[:n]]


def check(
    run: Path,
    n: int,
    seed: int,
    overwrite: bool,
    batch_size: int = 32,
    wording: str = "template",
    sides: tuple[int, int] = (3, 10),
    blobs: int = 8,
    cells: int = 6,
    arc: str | None = None,
) -> dict:
    from trainers.training.evaluate import HFResponder, load_local_model

    rng = np.random.default_rng(seed)
    if arc:
        grids = arc_grids(arc, sides, n, rng)
        if not grids:
            raise ValueError(f"no {arc} grid has sides {sides[0]}-{sides[1]} and background 0")
        n = len(grids)
    else:
        low, high = sides
        grids = [blob_grid(rng, low=low, high=high, blobs=blobs, cells=cells, overwrite=overwrite) for _ in range(n)]
    gold = [true_count(g) for g in grids]
    folder = run / "model" if (run / "model").is_dir() else run / "adapter"
    model, tokenizer = load_local_model(folder)
    replies = HFResponder(model, tokenizer, batch_size=batch_size, max_new_tokens=160, progress=False).respond(
        prompts_of(run, grids, wording)
    )
    said = [last_integer(r) for r in replies]
    right = [s == g for s, g in zip(said, gold)]
    mode, times = Counter(gold).most_common(1)[0]
    return {
        "run": str(run),
        "grids": n,
        "seed": seed,
        "overwrite": None if arc else overwrite,
        "wording": wording,
        "grids_from": f"{arc} grids, sides {sides[0]}-{sides[1]}, background 0"
        if arc
        else f"blobs: sides {sides[0]}-{sides[1]}, 1-{blobs} shapes of 1-{cells} cells",
        "exact": sum(right) / n,
        "within_one": sum(s is not None and abs(s - g) <= 1 for s, g in zip(said, gold)) / n,
        "most_common_count": mode,
        "most_common_answer_score": times / n,
        "exact_by_true_count": exact_by(gold, right),
        "exact_by_filled_cells": exact_by([filled_bin(g) for g in grids], right, label=filled_label),
        "exact_by_colours": exact_by([len(set(g.ravel().tolist()) - {0}) for g in grids], right),
        "first_replies": replies[:3],
    }


def sides_range(text: str) -> tuple[int, int]:
    """`LOW-HIGH` as argparse's type, so that a bad range is a usage line before the model
    loads, not a traceback after it (ARC grids are at most 30 a side)."""
    try:
        low, high = (int(v) for v in text.split("-"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not LOW-HIGH, e.g. 3-10") from None
    if not 1 <= low <= high <= 30:
        raise argparse.ArgumentTypeError(f"{text!r}: need 1 <= LOW <= HIGH <= 30")
    return low, high


def positive(text: str) -> int:
    """A count of at least 1, as argparse's type: numpy cannot draw from 1 to 0."""
    if not text.isdigit() or int(text) < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return int(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run", type=Path, help="a run folder written by `arc-priors train`")
    parser.add_argument("--n", type=int, default=400)
    parser.add_argument("--seed", type=int, default=12345)
    parser.add_argument(
        "--no-overwrite", action="store_true", help="blobs paint only empty cells (they still touch and merge)"
    )
    parser.add_argument("--wording", choices=("template", "held-out"), default="template")
    parser.add_argument("--sides", type=sides_range, default=(3, 10), help="LOW-HIGH: the grids' sides (default 3-10)")
    parser.add_argument("--blobs", type=positive, help="at most this many blobs a grid (default 8)")
    parser.add_argument("--cells", type=positive, help="at most this many cells a blob (default 6)")
    parser.add_argument("--arc", metavar="SOURCE", help="real ARC grids of this source (arc-agi-1, arc-agi-2)")
    args = parser.parse_args()
    if args.arc and (args.blobs or args.cells or args.no_overwrite):
        parser.error("--blobs, --cells and --no-overwrite shape the blob grids; --arc asks about ARC's own")
    typed = {name: getattr(args, name) for name in ("blobs", "cells") if getattr(args, name)}  # else check's defaults
    try:
        result = check(
            args.run,
            args.n,
            args.seed,
            overwrite=not args.no_overwrite,
            wording=args.wording,
            sides=args.sides,
            arc=args.arc,
            **typed,
        )
    except ValueError as error:
        parser.error(str(error))
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
