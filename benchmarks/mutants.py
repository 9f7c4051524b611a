"""Mutation testing as a habit: a fixed, listed set of mutants, each run against the tests of
the code it touches, so that a test which stops guarding its code is noticed.

Why a fixed list and not a mutation tool: each mutant here is a plausible one-line bug that
was chosen by reading the code (an off-by-one, a dropped filter, a wrong comparison), so a
survivor is a question about the tests, not noise from thousands of trivial rewrites; and
running each mutant against only the tests of its code keeps the whole run near 15 minutes
on 2 cores. The list lives in `benchmarks/mutant_list.py`; docs/testing.md explains it.

The real tree is never written: the script copies src/, plugins/, tests/ and pyproject.toml
into a temporary folder per worker, puts the copy's source folders first on PYTHONPATH (they
come before the editable install's .pth entries, so the copy's `priors` and plugins are the
ones imported, entry points included), and mutates only the copy. Killing the script leaves
the tree as it was.

    python benchmarks/mutants.py                 # every mutant, 2 workers
    python benchmarks/mutants.py --list          # the list, nothing run
    python benchmarks/mutants.py --only ID,ID --category compare --workers 1

Exit status: 0 when every mutant was caught, 1 when any survived (or timed out, or its tests
failed before mutation), 2 on a bad argument.
"""

from __future__ import annotations

import argparse
import os
import queue
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from mutant_list import CATEGORIES, MUTANTS, Mutant  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("src", "plugins", "tests", "pyproject.toml")
SOURCES = ("src", "plugins/arc-priors-containment/src", "plugins/arc-priors-symmetry/src")
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", ".hypothesis", ".pytest_cache", "*.egg-info")
PYTEST = ("-x", "-q", "-rfE", "-p", "no:cacheprovider", "--hypothesis-seed=0", "-o", "addopts=")


LIVE: set = set()
"""The pytest processes running now: each runs in a session of its own (so a timeout can kill
its children too), which also keeps Ctrl-C from reaching it, so an interrupted run stops them."""


def stop(proc: subprocess.Popen) -> None:
    """The pytest we started, and its children (its own process group), killed."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def check(mutants: list[Mutant]) -> list[str]:
    """What is wrong with the list against the tree as it is now: each `old` must occur exactly
    once in its file (another edit may have moved it), ids unique, tests named and present.
    tests/test_mutants_script.py runs it too, so a moved line shows in the suite first."""
    problems, seen = [], set()
    for m in mutants:
        if m.id in seen:
            problems.append(f"{m.id}: id repeated")
        seen.add(m.id)
        path = ROOT / m.file
        text = path.read_text() if path.is_file() else ""
        if text.count(m.old) != 1:
            problems.append(f"{m.id}: `old` occurs {text.count(m.old)} times in {m.file}")
        if m.old == m.new:
            problems.append(f"{m.id}: `new` equals `old`")
        if not m.tests:
            problems.append(f"{m.id}: no tests")
        for t in m.tests:
            if not (ROOT / t.split("::")[0]).exists():
                problems.append(f"{m.id}: no test file {t}")
    return problems


def make_copy(where: Path) -> Path:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, where / name, ignore=IGNORED)
        else:
            shutil.copy2(source, where / name)
    return where


def environment(copy: Path, scratch: Path) -> dict:
    """The copy's sources first; no bytecode written (a mutant and its restore can share a
    second and a size, and a stale .pyc would then run the wrong code); a fresh TMPDIR and
    Hypothesis folder per run, so one run's saved failures never replay in another, and the
    conftest's leftovers check judges only this run. Leftovers in the shared home folder are
    named but not failed: other programs write there during a 15-minute run."""
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(copy / s) for s in SOURCES] + [env.get("PYTHONPATH", "")]).rstrip(
        os.pathsep
    )
    env.update(
        PYTHONDONTWRITEBYTECODE="1",
        TMPDIR=str(scratch / "tmp"),
        HYPOTHESIS_STORAGE_DIRECTORY=str(scratch / "hypothesis"),
        ARC_PRIORS_LEFTOVERS="warn",
        OMP_NUM_THREADS="1",
        MKL_NUM_THREADS="1",
        OPENBLAS_NUM_THREADS="1",
    )
    env.pop("CI", None)  # the default Hypothesis profile (100 examples), as a local run uses
    return env


def run_tests(copy: Path, tests: tuple[str, ...], timeout: float) -> tuple[str, float, str]:
    """('pass' | 'fail' | 'timeout', seconds, output tail) of pytest on `tests` in the copy."""
    scratch = Path(tempfile.mkdtemp(prefix="run-", dir=copy.parent))
    (scratch / "tmp").mkdir()
    start = time.monotonic()
    proc = subprocess.Popen(
        [sys.executable, "-m", "pytest", *PYTEST, *tests],
        cwd=copy,
        env=environment(copy, scratch),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    LIVE.add(proc)
    try:
        out, _ = proc.communicate(timeout=timeout)
        status = "pass" if proc.returncode == 0 else "fail"
    except subprocess.TimeoutExpired:
        stop(proc)
        out, _ = proc.communicate()
        status = "timeout"
    finally:
        LIVE.discard(proc)
    shutil.rmtree(scratch, ignore_errors=True)
    return status, time.monotonic() - start, out[-3000:]


def run_mutant(copy: Path, m: Mutant, timeout: float) -> tuple[str, float, str]:
    path = copy / m.file
    original = path.read_text()
    path.write_text(original.replace(m.old, m.new, 1))
    try:
        status, seconds, out = run_tests(copy, m.tests, timeout)
    finally:
        path.write_text(original)
    return {"fail": "caught", "pass": "SURVIVED", "timeout": "TIMEOUT"}[status], seconds, out


def caught_by(out: str) -> tuple[str, str]:
    """(the test that failed, its first error line) from pytest's -q -rfE output."""
    failed = next((line.split()[1] for line in out.splitlines() if line.startswith(("FAILED ", "ERROR "))), "")
    error = next((line[1:].strip() for line in out.splitlines() if line.startswith("E ")), "")
    return failed.split(" - ")[0], error[:160]


def in_parallel(jobs: list, workers: list[Path], work) -> None:
    """`work(copy, job)` for each job, one thread per copy; results go through `work` itself."""
    todo: queue.Queue = queue.Queue()
    for job in jobs:
        todo.put(job)

    def drain(copy: Path) -> None:
        while True:
            try:
                job = todo.get_nowait()
            except queue.Empty:
                return
            work(copy, job)

    threads = [threading.Thread(target=drain, args=(copy,), daemon=True) for copy in workers]
    for t in threads:
        t.start()
    try:
        while any(t.is_alive() for t in threads):
            time.sleep(0.2)
    except KeyboardInterrupt:
        while not todo.empty():
            todo.get_nowait()
        for proc in list(LIVE):
            stop(proc)
        raise


def baseline(mutants: list[Mutant], workers: list[Path], timeout: float, say) -> set[str]:
    """The test sets that fail before any mutation (an error in the list, not a catch). Each
    distinct set runs once, largest first, so the slow ones start early."""
    sets = sorted({m.tests for m in mutants}, key=lambda s: -len(s))
    failing: set = set()
    lock = threading.Lock()

    def work(copy, tests):
        status, seconds, out = run_tests(copy, tests, timeout)
        with lock:
            say(f"  baseline {'ok  ' if status == 'pass' else status.upper()} {seconds:6.1f}s  {' '.join(tests)}")
            if status != "pass":
                failing.add(tests)
                say("\n".join("      " + line for line in out.strip().splitlines()[-15:]))

    in_parallel(sets, workers, work)
    return failing


def parse_args(argv):
    parser = argparse.ArgumentParser(
        description=__doc__.split("\n\n")[0], formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--only", help="comma-separated mutant ids")
    parser.add_argument("--category", choices=CATEGORIES, help="only the mutants of this category")
    parser.add_argument("--list", action="store_true", help="print the mutants and exit")
    parser.add_argument(
        "--workers", type=int, default=2, help="mutants run in parallel, each in its own copy (default 2)"
    )
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds per pytest run (default 300)")
    parser.add_argument(
        "--keep-going", action="store_true", help="run the mutants even when some test set fails unmutated"
    )
    parser.add_argument("--no-baseline", action="store_true", help="skip running each test set unmutated first")
    parser.add_argument(
        "--verbose", action="store_true", help="print each catch's first error line and each survivor's pytest output"
    )
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    return args


def select(args) -> list[Mutant]:
    chosen = list(MUTANTS)
    if args.only:
        wanted = [i.strip() for i in args.only.split(",") if i.strip()]
        unknown = sorted(set(wanted) - {m.id for m in MUTANTS})
        if unknown:
            print(f"mutants.py: unknown mutant id {unknown[0]!r} (see --list)", file=sys.stderr)
            sys.exit(2)
        chosen = [m for m in chosen if m.id in wanted]
    if args.category:
        chosen = [m for m in chosen if m.category == args.category]
    return chosen


def main(argv=None) -> int:
    args = parse_args(argv)
    chosen = select(args)
    if not chosen:
        print("mutants.py: no mutant matches --only and --category together", file=sys.stderr)
        return 2
    if args.list:
        for m in chosen:
            print(f"{m.id:38} {m.category:12} {m.file}\n{'':38} {m.description}\n{'':38} tests: {' '.join(m.tests)}")
        print(f"{len(chosen)} mutants")
        return 0
    problems = check(chosen)
    if problems:
        print("the mutant list does not fit the tree:\n  " + "\n  ".join(problems), file=sys.stderr)
        return 1
    lock = threading.Lock()

    def say(line: str) -> None:
        with lock:
            print(line, flush=True)

    started = time.monotonic()
    workers = min(args.workers, len(chosen)) or 1
    with tempfile.TemporaryDirectory(prefix="arc-priors-mutants-") as tmp:
        copies = [make_copy(Path(tmp) / f"w{i}" / "repo") for i in range(workers)]
        say(f"{len(chosen)} mutants, {workers} worker(s), copies under {tmp}")
        failing = set() if args.no_baseline else baseline(chosen, copies, args.timeout, say)
        if failing and not args.keep_going:
            say(f"{len(failing)} test set(s) fail before any mutation: fix them or the list (--keep-going runs anyway)")
            return 1
        results: dict[str, tuple[str, float, str]] = {}
        runnable = [m for m in chosen if m.tests not in failing]
        for m in chosen:
            if m.tests in failing:
                results[m.id] = ("ERROR", 0.0, "its tests fail unmutated")

        def work(copy, m):
            results[m.id] = run_mutant(copy, m, args.timeout)
            status, seconds, out = results[m.id]
            test, error = caught_by(out) if status == "caught" else ("", "")
            say(f"[{len(results):3}/{len(chosen)}] {m.id:36} {status:8} {seconds:6.1f}s  {test.split('/')[-1]}")
            if args.verbose and error:
                say(f"{'':50} {error}")

        in_parallel(runnable, copies, work)
    caught = [m.id for m in chosen if results[m.id][0] == "caught"]
    missed = [m for m in chosen if results[m.id][0] != "caught"]
    say(f"caught {len(caught)} of {len(chosen)}")
    for m in missed:
        say(f"  {results[m.id][0]}: {m.id} ({m.file}): {m.description}")
        if args.verbose:
            say("\n".join("      " + line for line in results[m.id][2].strip().splitlines()[-20:]))
    load = " ".join(f"{x:.2f}" for x in os.getloadavg())
    say(f"wall {time.monotonic() - started:.0f}s, load average {load}")
    return 0 if not missed else 1


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        print(
            "\nmutants.py: interrupted; its pytest runs are stopped and its copies removed "
            "(the tree was never written)",
            file=sys.stderr,
        )
        sys.exit(130)
