"""Dataset generation throughput, in one run: a million chats on 2 workers, per-core rates
against reasoning-gym, and the physical limit of writing the output.

    python benchmarks/generate.py [--n 50000] [--n-full 10000] [--rounds 3] [--rg-items 5000] [--million]
    python benchmarks/generate.py --phases 20000

Per-core figures time `trainers.data.datasets.generate` on one worker inside a child process
(start-up excluded, as reasoning-gym's are timed after its import), for the default
mixture (counting, area, colors) and the full one (every built-in prior and installed
plugin), each with one grid a chat and with two (`--grids-per-chat 2`: compare joins the
questions), interleaved round by round with reasoning-gym's `rectangle_count` and
`largest_island` on one process, best of `--rounds`; ratios compare figures of the same
run. Questions per second are chats per second times the file's questions per chat (from
its card). reasoning-gym lives only in a benchmark-private venv (benchmarks/.rg-venv),
never as a dependency of arc-priors. `--million` adds `arc-priors generate --n 1000000
--workers 2` (wall time from the command's start, peak RSS) and the physical limit: the
same file's bytes written through one writer into the page cache. The load average is
printed beside every figure. `--phases` instead times each phase of the array way in one
process, per chat.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

DEFAULT = "counting,area,colors"
FULL = ("counting", "area", "colors", "shapes", "zones", "objects", "symmetry", "containment")
RG_VENV = Path(__file__).resolve().parent / ".rg-venv"
RG_SCRIPT = """
import sys, time, reasoning_gym
name, n = sys.argv[1], int(sys.argv[2])
start = time.perf_counter()
ds = reasoning_gym.create_dataset(name, size=n, seed=1)
items = [ds[i] for i in range(n)]
print(n / (time.perf_counter() - start))
"""
OURS_SCRIPT = """
import sys, time
from pathlib import Path
from trainers.data.chat_builder import ChatConfig, parse_weights
from trainers.data.datasets import generate
from trainers.data.cards import read_card
priors, n, out, grids = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), int(sys.argv[4])
stats = generate(ChatConfig(priors=parse_weights(priors), grids_per_chat=grids), n, out, workers=1, overwrite=True)
card = read_card(out)
print(n / stats.seconds, sum(card["stats"]["questions"].values()) / n, out.stat().st_size / n)
"""


def load() -> str:
    return "load " + " ".join(f"{x:.2f}" for x in os.getloadavg())


def reasoning_gym_python() -> Path:
    python = RG_VENV / "bin" / "python"
    if not python.exists():
        print("creating the benchmark-private venv for reasoning-gym ...", file=sys.stderr)
        subprocess.run([sys.executable, "-m", "venv", str(RG_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", "reasoning-gym"], check=True)
    return python


def rg_rate(python: Path, name: str, items: int) -> float:
    out = subprocess.run([str(python), "-c", RG_SCRIPT, name, str(items)], check=True, capture_output=True, text=True)
    return float(out.stdout.split()[-1])


def our_rate(priors: str, n: int, folder: Path, grids: int = 1) -> tuple[float, float, float]:
    """(chats/s on one worker, questions per chat, bytes per chat)."""
    out = subprocess.run(
        [sys.executable, "-c", OURS_SCRIPT, priors, str(n), str(folder / "chats.jsonl"), str(grids)],
        check=True,
        capture_output=True,
        text=True,
    )
    rate, questions, size = map(float, out.stdout.split()[-3:])
    return rate, questions, size


def million(folder: Path) -> dict:
    out = folder / "million.jsonl"
    before = load()
    start = time.perf_counter()
    child = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "generate",
            "--n",
            "1000000",
            "--workers",
            "2",
            "--out",
            str(out),
            "--quiet",
            "--overwrite",
        ]
    )
    _, status, usage = os.wait4(child.pid, 0)  # usage of this command alone: the largest of it and its workers
    seconds = time.perf_counter() - start
    child.returncode = os.waitstatus_to_exitcode(status)
    if child.returncode:
        raise SystemExit(f"arc-priors generate failed with status {status}")
    return {
        "seconds": seconds,
        "cpu": usage.ru_utime + usage.ru_stime,
        "bytes": out.stat().st_size,
        "peak_mb": usage.ru_maxrss / 1024,
        "load": before,
        "path": out,
    }


def write_rate(source: Path, folder: Path, rounds: int) -> tuple[float, str]:
    """Bytes per second of one writer copying `source` (2 MiB reads, the size of a chunk's lines) into a new file."""
    best, before = 0.0, load()
    for _ in range(rounds):
        target = folder / "copy.jsonl"
        start = time.perf_counter()
        with open(source, "rb") as src, open(target, "wb") as dst:
            while block := src.read(2 << 20):
                dst.write(block)
        best = max(best, source.stat().st_size / (time.perf_counter() - start))
        target.unlink()
    return best, before


PHASES = {  # phase: (module under trainers.data, class in it or None for the module, function)
    "sample": ("chunk_chats", None, "draw"),
    "parse": ("chunk_chats", None, "parse_board"),
    "order of tries": ("chunk_chats", None, "arrival_order"),
    "choose questions": ("chunk_chats", None, "choose"),
    "lines": ("chunk_lines", "ChunkLines", "lines"),
    "of which grid texts": ("chunk_lines", None, "board_texts"),
    "of which question and answer texts": ("chunk_lines", "ChunkLines", "_asked"),
}


def _timed(inner, name: str, spent: dict):
    def timed(*args, **kwargs):
        start = time.process_time()
        try:
            return inner(*args, **kwargs)
        finally:
            spent[name] += time.process_time() - start

    return timed


def phases(chats: int) -> None:
    """Process time per chat of each phase of the array way (default mixture, one process),
    each phase's function wrapped with a timer; the rest is asking (answer tables) and glue."""
    import importlib

    from trainers.data.chat_builder import ChatBuilder, ChatConfig
    from trainers.data.engine import CHUNK, Engine

    spent = dict.fromkeys(PHASES, 0.0)
    for name, (where, cls, attr) in PHASES.items():
        module = importlib.import_module(f"trainers.data.{where}")
        owner = getattr(module, cls) if cls else module
        setattr(owner, attr, _timed(getattr(owner, attr), name, spent))
    engine = Engine(ChatBuilder(ChatConfig()))
    engine.records(0, CHUNK)  # warm: blob pools, shape tables
    spent.update(dict.fromkeys(PHASES, 0.0))
    start = time.process_time()
    for first in range(CHUNK, CHUNK + chats, CHUNK):
        engine.records(first, first + CHUNK)
    done = len(range(CHUNK, CHUNK + chats, CHUNK)) * CHUNK
    total = (time.process_time() - start) / done * 1e6
    print(
        f"array way, default mixture, one process: {total:.1f} us of process time a chat; "
        + ", ".join(f"{name} {seconds / done * 1e6:.1f}" for name, seconds in spent.items())
        + f" ({load()})"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=50_000, help="chats of the default mixture per round on one worker")
    parser.add_argument("--n-full", type=int, default=10_000, help="chats of the full mixture per round on one worker")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--rg-items", type=int, default=5_000, help="reasoning-gym items per task and round")
    parser.add_argument(
        "--million", action="store_true", help="also 1M default chats on 2 workers, and the write limit"
    )
    parser.add_argument(
        "--phases", type=int, default=0, metavar="CHATS", help="only time the array way's phases over CHATS chats"
    )
    args = parser.parse_args()
    if args.phases:
        phases(args.phases)
        return
    import priors

    full = ",".join(p for p in FULL if p in priors.available())
    named = f"full ({full.count(',') + 1} priors)"
    mixtures = {
        "default": (DEFAULT, args.n, 1),
        named: (full, args.n_full, 1),
        "default, two grids a chat": (DEFAULT, args.n_full, 2),
        f"{named}, two grids a chat": (full, args.n_full, 2),
    }
    python = reasoning_gym_python()
    print(
        f"{load()} before; {os.cpu_count()} cores; {args.n:,} default and {args.n_full:,} full chats, "
        f"{args.rg_items:,} reasoning-gym "
        f"items a round; best of {args.rounds}"
    )
    best: dict[str, tuple] = {}
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        for _ in range(args.rounds):
            for name, (spec, n, grids) in mixtures.items():
                now = load()
                rate, questions, size = our_rate(spec, n, folder, grids)
                if rate > best.get(name, (0,))[0]:
                    best[name] = (rate, questions, size, now)
            for task in ("rectangle_count", "largest_island"):
                now = load()
                rate = rg_rate(python, task, args.rg_items)
                if rate > best.get(task, (0,))[0]:
                    best[task] = (rate, now)
        rect, island = best["rectangle_count"][0], best["largest_island"][0]
        print(f"reasoning-gym rectangle_count: {rect:,.0f} items/s ({best['rectangle_count'][1]})")
        print(f"reasoning-gym largest_island:  {island:,.0f} items/s ({best['largest_island'][1]})")
        for name in mixtures:
            rate, questions, size, now = best[name]
            print(
                f"{name}: {rate:,.0f} chats/s per core, {questions:.2f} questions a chat = "
                f"{rate * questions:,.0f} questions/s, "
                f"{size:,.0f} bytes a chat ({now}); {rate / rect:.1f}x rectangle_count (chats/s), "
                f"{rate * questions / island:.1f}x largest_island (questions/s)"
            )
        if args.million:
            run = million(folder)
            chats = 1e6 / run["seconds"]
            per_chat = run["bytes"] / 1e6
            rate, now = write_rate(run["path"], folder, args.rounds)
            floor = 1e6 * per_chat / rate
            print(
                f"1,000,000 default chats on 2 workers: {run['seconds']:.1f} s ({chats:,.0f} chats/s; "
                f"{run['cpu']:.1f} s of CPU in all processes, {run['cpu']:.1f} us a chat), "
                f"{run['bytes'] / 2**20:,.0f} MiB, peak RSS of the largest process "
                f"{run['peak_mb']:.0f} MB ({run['load']})"
            )
            print(
                f"one writer into the page cache: {rate / 2**20:,.0f} MiB/s = {rate / per_chat:,.0f} chats/s, "
                "so writing alone "
                f"takes {floor:.1f} s; generation takes {run['seconds'] / floor:.1f}x that ({now})"
            )
    print(f"{load()} after")


if __name__ == "__main__":
    main()
