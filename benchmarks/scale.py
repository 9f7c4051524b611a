"""Generating beyond one process: the same records through `generate --workers 2`, two
`generate --shard K/2` processes side by side, `to_hf_dataset(num_proc=2)` and Ray Data in
local mode (2 CPUs), each timed from a fresh process's start to its output's end (imports
and Ray's start-up included, as a user meets them), interleaved round by round, best of
`--rounds`. Ratios are against `generate --workers 2` to parquet in the same round; the
load average is printed beside every figure. Every way writes parquet, so the output's
cost is the same.

    python benchmarks/scale.py [--n 200000] [--rounds 3] [--mixture counting,area,colors]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PYTHON = sys.executable
ARC = [PYTHON, "-m", "arc_priors"]


def ways(n: int, mixture: str, out: Path) -> dict[str, list[list[str]]]:
    """Each way's commands; the commands of one way run side by side."""
    spec = repr({"priors": dict.fromkeys(mixture.split(","), 1)})
    return {
        "generate --workers 2": [
            [
                *ARC,
                "generate",
                "--n",
                str(n),
                "--priors",
                mixture,
                "--workers",
                "2",
                "--quiet",
                "--overwrite",
                "--out",
                str(out / "g.parquet"),
            ]
        ],
        "2 shards, --workers 1 each": [
            [
                *ARC,
                "generate",
                "--n",
                str(n),
                "--priors",
                mixture,
                "--workers",
                "1",
                "--quiet",
                "--overwrite",
                "--shard",
                f"{k}/2",
                "--out",
                str(out / "s.parquet"),
            ]
            for k in (1, 2)
        ],
        "to_hf_dataset(num_proc=2)": [
            [
                PYTHON,
                "-c",
                f"import arc_priors; d = arc_priors.to_hf_dataset({spec}, {n}, num_proc=2, "
                f"cache_dir={str(out / 'hf')!r}); d.to_parquet({str(out / 'h.parquet')!r})",
            ]
        ],
        "Ray Data, local, 2 CPUs": [
            [
                PYTHON,
                "-c",
                "import ray, arc_priors.ray as r; ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False); "
                "ray.data.DataContext.get_current().enable_progress_bars = False; "
                f"r.write_parquet({spec}, {n}, {str(out / 'ray')!r})",
            ]
        ],
    }


def timed(commands: list[list[str]], out: Path) -> float:
    for leftover in ("hf", "ray"):
        subprocess.run(["rm", "-rf", str(out / leftover)], check=True)
    start = time.perf_counter()
    running = [
        subprocess.Popen(
            c, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env={**os.environ, "HF_DATASETS_OFFLINE": "1"}
        )
        for c in commands
    ]
    for proc in running:
        _, err = proc.communicate()
        if proc.returncode:
            sys.exit(f"failed: {err.decode()[-2000:]}")
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=200_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--mixture", default="counting,area,colors")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir="/tmp") as folder:
        out = Path(folder)
        best: dict[str, float] = {}
        for r in range(args.rounds):
            for name, commands in ways(args.n, args.mixture, out).items():
                seconds = timed(commands, out)
                best[name] = min(best.get(name, seconds), seconds)
                print(f"round {r + 1}  {name:28s} {seconds:6.1f} s   load {os.getloadavg()[0]:.2f}", flush=True)
    base = best["generate --workers 2"]
    print(f"\nbest of {args.rounds}, {args.n:,} chats of {args.mixture}, parquet, load {os.getloadavg()[0]:.2f}:")
    for name, seconds in best.items():
        print(
            f"  {name:28s} {seconds:6.1f} s  {args.n / seconds:9,.0f} chats/s  "
            f"{seconds / base:4.2f}x the time of generate"
        )


if __name__ == "__main__":
    main()
