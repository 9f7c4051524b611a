"""The benchmark scripts' command lines: `--help` prints usage, and a bad argument is one line
and exit 2, never a traceback (issue 22: `tables.py --help` looked for docs/study/--help.json)."""

import subprocess
import sys
from pathlib import Path

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
