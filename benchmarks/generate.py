"""Dataset generation throughput, memory, and a per-core ratio against reasoning-gym.

    python benchmarks/generate.py [--n 1000000] [--workers CORES] [--rg-items 20000]

Runs `arc-priors generate` on the built-in defaults in a child process (so its peak RSS is
the generator's own, parent and workers counted separately), then reasoning-gym's
`rectangle_count` on one process in the same run. reasoning-gym is installed only in a
benchmark-private venv (benchmarks/.rg-venv), never as a dependency of arc-priors.
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

RG_VENV = Path(__file__).resolve().parent / ".rg-venv"
RG_SCRIPT = """
import sys, time, reasoning_gym
n = int(sys.argv[1])
start = time.perf_counter()
ds = reasoning_gym.create_dataset("rectangle_count", size=n, seed=1)
items = [ds[i] for i in range(n)]
print(n / (time.perf_counter() - start))
"""


def reasoning_gym_rate(items: int) -> float | None:
    python = RG_VENV / "bin" / "python"
    if not python.exists():
        print("creating the benchmark-private venv for reasoning-gym ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(RG_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "reasoning-gym"], check=True)
    out = subprocess.run([str(python), "-c", RG_SCRIPT, str(items)], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--rg-items", type=int, default=20_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "chats.jsonl"
        cmd = [sys.executable, "-m", "arc_priors", "generate", "--n", str(args.n), "--workers", str(args.workers), "--out", str(out), "--quiet"]
        start = time.perf_counter()
        subprocess.run(cmd, check=True)
        seconds = time.perf_counter() - start
        size_mb = out.stat().st_size / 2**20
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)  # largest single child: parent or one worker
    ours = args.n / seconds
    theirs = reasoning_gym_rate(args.rg_items)
    per_core = ours / args.workers
    print(f"arc-priors generate: {args.n:,} chats in {seconds:.1f} s with {args.workers} workers = {ours:,.0f} chats/s ({per_core:,.0f}/s per core), {size_mb:,.0f} MB written")
    print(f"peak RSS of the largest process: {usage.ru_maxrss / 1024:.0f} MB")
    print(f"reasoning-gym rectangle_count, 1 process: {theirs:,.0f} items/s")
    print(f"per-core ratio: {per_core / theirs:.2f}x")
    print(f"time for 1M chats at this rate: {1_000_000 / ours:.0f} s")


if __name__ == "__main__":
    main()
