"""What the scale checks (`answers.py`, `traces.py`) share: the mixture of every prior, the
independent references on the import path (importing this module puts them there), and
jobs run in worker processes with their counts summed."""

from __future__ import annotations

import multiprocessing
import sys
import time
from pathlib import Path
from typing import Callable, Iterable

ROOT = Path(__file__).resolve().parents[1]
for folder in ("tests", "plugins/arc-priors-symmetry/tests", "plugins/arc-priors-containment/tests"):
    if str(ROOT / folder) not in sys.path:
        sys.path.insert(0, str(ROOT / folder))

EVERY = "counting,area,colors,shapes,zones,objects,symmetry,containment"
"""Every built-in prior and both plugins."""


def chunk_jobs(chats: int, mixtures: int, chunk: int) -> list[tuple[int, int, int]]:
    """(mixture, start, stop): `chats` split evenly over the mixtures, in whole chunks of the
    array way (a chunk is made whole, so a job never cuts one)."""
    per = [chats // mixtures + (m < chats % mixtures) for m in range(mixtures)]
    return [(m, s, min(s + chunk, n)) for m, n in enumerate(per) for s in range(0, n, chunk)]


def run(check: Callable[[tuple], dict], jobs: Iterable[tuple], workers: int) -> tuple[dict, float]:
    """(the jobs' counts summed, seconds). Numbers add, lists join, dicts add key by key."""
    started = time.perf_counter()
    total: dict = {}
    with multiprocessing.get_context("spawn").Pool(workers) as pool:
        for counts in pool.imap_unordered(check, jobs):
            for key, value in counts.items():
                if isinstance(value, dict):
                    merged = total.setdefault(key, {})
                    for name, n in value.items():
                        merged[name] = merged.get(name, 0) + n
                else:
                    total[key] = total[key] + value if key in total else value
    return total, time.perf_counter() - started
