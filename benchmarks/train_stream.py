"""Training on a large file: time to the first steps and peak memory, with the data streamed.

    python benchmarks/train_stream.py [--chats 1000000] [--steps 20] [--keep FILE]

Writes a file of default chats with `arc-priors generate` (or reuses --keep FILE), then runs
`arc-priors train --data FILE --max-steps N` in a child process and reports its wall time
and the peak resident memory of that child. The file is never loaded whole: a run this size
starting in seconds, in flat memory, is the point.
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1_000_000)
    parser.add_argument("--steps", type=int, default=20)
    parser.add_argument("--keep", type=Path, help="reuse (or write and keep) this data file")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=os.environ.get("TMPDIR")) as tmp:
        data = args.keep or Path(tmp) / "chats.jsonl"
        if not data.exists():
            start = time.perf_counter()
            subprocess.run(
                [sys.executable, "-m", "arc_priors", "generate", "--n", str(args.chats), "--out", str(data), "--quiet"],
                check=True,
            )
            print(
                f"generated {args.chats:,} chats ({data.stat().st_size / 2**30:.2f} GiB) "
                f"in {time.perf_counter() - start:.0f} s"
            )
        print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        for steps in (1, args.steps):
            start = time.perf_counter()
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "arc_priors",
                    "train",
                    "--data",
                    str(data),
                    "--max-steps",
                    str(steps),
                    "--n-eval",
                    "0",
                    "--run-dir",
                    str(Path(tmp) / f"run{steps}"),
                ],
                check=True,
                capture_output=True,
            )
            print(
                f"train --data ({args.chats:,} chats) --max-steps {steps}: {time.perf_counter() - start:.1f} s wall, "
                "peak RSS of the largest child so far "
                f"{resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024:.0f} MB"
            )
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
