"""Dataset generation throughput: mixtures side by side, a million-chat run, and reasoning-gym.

    python benchmarks/generate.py [--n 20000] [--rounds 3] [--workers CORES] [--million] [--rg-items 20000]

Every mixture runs `arc-priors generate` in a child process, the mixtures interleaved round
by round, best of `--rounds`, so that a noisy machine slows them alike; the load average is
printed beside the figures. `--million` adds 1M chats of the default mixture (and its peak
RSS); `--rg-items` > 0 adds reasoning-gym's `rectangle_count` on one process, installed only
in a benchmark-private venv (benchmarks/.rg-venv), never as a dependency of arc-priors.
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

MIXTURES = {
    "default (counting, area, colors)": ["--priors", "counting,area,colors"],
    "full (8 priors)": ["--priors", "counting,area,colors,shapes,zones,objects,symmetry,containment"],
    "full, 2 grids a chat (+ compare)": ["--priors", "counting,area,colors,shapes,zones,objects,symmetry,containment", "--grids-per-chat", "2"],
}
RG_VENV = Path(__file__).resolve().parent / ".rg-venv"
RG_SCRIPT = """
import sys, time, reasoning_gym
n = int(sys.argv[1])
start = time.perf_counter()
ds = reasoning_gym.create_dataset("rectangle_count", size=n, seed=1)
items = [ds[i] for i in range(n)]
print(n / (time.perf_counter() - start))
"""


def reasoning_gym_rate(items: int) -> float:
    python = RG_VENV / "bin" / "python"
    if not python.exists():
        print("creating the benchmark-private venv for reasoning-gym ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(RG_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "reasoning-gym"], check=True)
    out = subprocess.run([str(python), "-c", RG_SCRIPT, str(items)], check=True, capture_output=True, text=True)
    return float(out.stdout.strip().splitlines()[-1])


def timed_generate(args: list[str], n: int, workers: int, folder: Path) -> tuple[float, float]:
    """(seconds, MB written) for one `arc-priors generate` run in a child process."""
    out = folder / "chats.jsonl"
    cmd = [sys.executable, "-m", "arc_priors", "generate", *args, "--n", str(n), "--workers", str(workers), "--out", str(out), "--quiet", "--overwrite"]
    start = time.perf_counter()
    subprocess.run(cmd, check=True)
    seconds = time.perf_counter() - start
    size = out.stat().st_size / 2**20
    out.unlink()
    return seconds, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000, help="chats per mixture and round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--million", action="store_true", help="also time 1M chats of the default mixture")
    parser.add_argument("--rg-items", type=int, default=0, help="reasoning-gym rectangle_count items (0: skip)")
    args = parser.parse_args()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {args.workers} workers, {args.n:,} chats a run, best of {args.rounds}")
    best = {name: float("inf") for name in MIXTURES}
    sizes = {}
    with tempfile.TemporaryDirectory() as tmp:
        for _ in range(args.rounds):
            for name, extra in MIXTURES.items():
                seconds, sizes[name] = timed_generate(extra, args.n, args.workers, Path(tmp))
                best[name] = min(best[name], seconds)
        baseline = args.n / best[next(iter(MIXTURES))]
        for name in MIXTURES:
            rate = args.n / best[name]
            print(f"{name:<36} {rate:>9,.0f} chats/s ({rate / args.workers:,.0f}/s per worker)  {rate / baseline:.2f}x default  {sizes[name] / args.n * 2**20:,.0f} bytes/chat")
        if args.million:
            seconds, size = timed_generate([], 1_000_000, args.workers, Path(tmp))
            peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
            print(f"1,000,000 default chats: {seconds:.1f} s ({1e6 / seconds:,.0f} chats/s), {size:,.0f} MB, peak RSS of the largest process {peak:.0f} MB")
    if args.rg_items:
        theirs = reasoning_gym_rate(args.rg_items)
        per_core = args.n / best[next(iter(MIXTURES))] / args.workers
        print(f"reasoning-gym rectangle_count, 1 process: {theirs:,.0f} items/s; default mixture per worker: {per_core / theirs:.2f}x")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
