"""Generation speed with grids as images, against text, in one run.

    python benchmarks/images.py [--n 20000] [--rounds 3] [--workers 2] [--priors counting,area,colors]

Times `trainers.data.datasets.generate` of the same mixture to parquet with `--grid-format
text`, `image` and `both`, interleaved round by round, best of `--rounds`, in this process
(start-up excluded), and prints chats a second, the ratio to text, the file's size and the
load average beside each figure. Also times the two steps an image costs on its own, per
grid, on the mixture's grids: its pixels (`grid_pixels`) and its PNG (`png`).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from trainers.data.chat_builder import ChatBuilder  # noqa: E402
from trainers.data.datasets import generate  # noqa: E402
from trainers.data.engine import Records  # noqa: E402
from trainers.data.images import grid_pixels, png  # noqa: E402
from trainers.data.mixture import ChatConfig, parse_weights  # noqa: E402

FORMATS = ("text", "image", "both")


def load() -> str:
    return "%.1f" % os.getloadavg()[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--priors", default="counting,area,colors")
    args = parser.parse_args()
    best = {f: (float("inf"), 0) for f in FORMATS}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(args.rounds):
            for fmt in FORMATS:
                config = ChatConfig(priors=parse_weights(args.priors), grid_format=fmt)
                out = Path(tmp) / f"{fmt}.parquet"
                stats = generate(config, args.n, out, workers=args.workers, overwrite=True)
                seconds = stats.seconds
                print(f"round {r + 1} {fmt:5s} {args.n / seconds:9,.0f} chats/s  ({seconds:.2f} s, load {load()})")
                if seconds < best[fmt][0]:
                    best[fmt] = (seconds, out.stat().st_size)
    print(f"\nbest of {args.rounds}, {args.n:,} chats of {args.priors} on {args.workers} workers, to parquet:")
    for fmt in FORMATS:
        seconds, size = best[fmt]
        print(
            f"  {fmt:5s} {args.n / seconds:9,.0f} chats/s  {best['text'][0] / seconds:5.2f}x text  "
            f"{size / args.n / 1024:6.2f} KiB a chat"
        )
    grids = [
        g
        for r in Records(ChatBuilder(ChatConfig(priors=parse_weights(args.priors)))).stream(2000)
        for g in r["metadata"]["grids"]
    ]
    import numpy as np

    grids = [np.array(g, dtype=np.uint8) for g in grids]
    start = time.perf_counter()
    pixels = [grid_pixels(g) for g in grids]
    middle = time.perf_counter()
    for p in pixels:
        png(p)
    end = time.perf_counter()
    print(
        f"per grid ({len(grids):,} grids): pixels {1e6 * (middle - start) / len(grids):.0f} us, "
        f"PNG {1e6 * (end - middle) / len(grids):.0f} us (load {load()})"
    )


if __name__ == "__main__":
    main()
