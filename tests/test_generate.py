"""Generation at scale: identical bytes for any worker count, atomic output."""

import hashlib
import json
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights
from trainers.data.datasets import DatasetError, generate, read_records
from trainers.data.engine import Engine

CONFIG = ChatConfig(priors=parse_weights("counting=2,area,colors"), seed=11)


def _digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_the_output_is_byte_identical_for_1_2_and_4_workers(tmp_path, suffix):
    digests = set()
    for workers in (1, 2, 4):
        path = tmp_path / f"w{workers}{suffix}"
        generate(CONFIG, 2500, path, workers=workers)  # spans several chunks
        digests.add(_digest(path))
    assert len(digests) == 1


TASKS = str(Path(__file__).with_name("arc_fixtures") / "tasks")


@pytest.mark.parametrize(
    "mixture, grids", [("counting=2,shapes", 2), ("counting=2,area,colors", 1), ("counting=2,shapes", 1)]
)
def test_records_are_the_engines_in_index_order_and_made_per_record_they_are_the_builders(tmp_path, mixture, grids):
    sources = (
        ((TASKS, 1.0), ("synthetic", 1.0)) if mixture == "counting=2,shapes" and grids == 1 else (("synthetic", 1.0),)
    )
    config = ChatConfig(priors=parse_weights(mixture), grids=sources, grids_per_chat=grids, seed=11)
    path = tmp_path / "d.jsonl"
    generate(config, 30, path, workers=2)
    engine = Engine(ChatBuilder(config))
    assert path.read_text() == "".join(engine.records(0, 30).lines)
    if engine.way == "per record":
        builder = ChatBuilder(config)
        assert list(read_records(path)) == [json.loads(json.dumps(builder.record(i))) for i in range(30)]


def test_an_existing_output_is_kept_without_overwrite(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text("keep me")
    with pytest.raises(DatasetError, match="already exists"):
        generate(CONFIG, 5, path)
    assert path.read_text() == "keep me"
    generate(CONFIG, 5, path, overwrite=True)
    assert len(path.read_text().splitlines()) == 5


@pytest.mark.parametrize(
    "name, problem",
    [
        ("d.txt", "cannot tell the format of {}: use a .jsonl or .parquet file name"),
        ("missing/d.jsonl", "folder {} does not exist"),
    ],
)
def test_unwritable_paths_are_refused_before_any_work(tmp_path, name, problem):
    named = tmp_path / name if name.endswith(".txt") else (tmp_path / name).parent
    with pytest.raises(DatasetError, match=f"^{re.escape(problem.format(named))}$"):
        generate(CONFIG, 5, tmp_path / name)
    assert [p.name for p in tmp_path.iterdir()] == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_leaves_no_file_behind(tmp_path, sig):
    out = tmp_path / "big.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "generate",
            "--n",
            "5000000",
            "--workers",
            "2",
            "--out",
            str(out),
            "--quiet",
        ],
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=lambda: signal.signal(
            signal.SIGINT, signal.SIG_DFL
        ),  # as from a terminal, even under a background runner
    )
    deadline = time.time() + 60
    while not any(tmp_path.iterdir()) and time.time() < deadline:
        time.sleep(0.1)
    assert any(tmp_path.iterdir()), "generation never started writing"
    time.sleep(0.5)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 2 and "interrupted; no partial output was left" in err, err
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in err


def test_a_corrupt_dataset_is_reported_with_its_line(tmp_path):
    path = tmp_path / "d.jsonl"
    generate(CONFIG, 3, path)
    path.write_text(path.read_text() + "{not json\n")
    with pytest.raises(DatasetError, match="line 4"):
        list(read_records(path))
    path.write_text('{"schema_version": 1, "messages": "nope", "metadata": {}}\n')
    with pytest.raises(DatasetError, match="line 1: field metadata.seed is missing"):
        list(read_records(path))


@pytest.mark.parametrize("workers", [1, 2])
def test_leftovers_of_a_killed_run_are_removed_by_the_next_run_to_the_same_path(tmp_path, workers):
    """With two workers the leftovers include chunk files the workers handed over."""
    out = tmp_path / "d.jsonl"
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "generate",
            "--n",
            "5000000",
            "--workers",
            str(workers),
            "--out",
            str(out),
            "--quiet",
        ]
    )
    # Until the run has a temporary, then a few seconds more for the workers' chunk files: a
    # run of whole chunks in one file may never show `workers` of them (it once spun the full
    # minute here, each CI run).
    deadline, soon = time.time() + 60, None
    while time.time() < (deadline if soon is None else min(deadline, soon)):
        found = len(list(tmp_path.glob(".d.jsonl.*.tmp")))
        if found >= workers:
            break
        if found and soon is None:
            soon = time.time() + 3
        time.sleep(0.05)
    proc.kill()  # SIGKILL: no clean-up runs
    proc.wait()
    time.sleep(1.0)  # orphaned workers finish the chunk in hand and exit
    assert list(tmp_path.glob(".d.jsonl.*.tmp")), "the killed run left no temporary to clean"
    generate(CONFIG, 5, out)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["d.jsonl", "d.jsonl.README.md"]


def test_a_running_writers_temporary_is_left_alone(tmp_path):
    import os

    mine = tmp_path / f".d.jsonl.{os.getppid()}.abc.tmp"  # a live process (the test runner's parent)
    mine.write_text("in progress")
    generate(CONFIG, 5, tmp_path / "d.jsonl")
    assert mine.exists()


def test_a_file_that_appears_while_generating_is_not_replaced_without_overwrite(tmp_path, monkeypatch):
    from trainers.data import atomic_files as files

    out = tmp_path / "d.jsonl"
    real = files._publish

    def racing(tmp, path, overwrite):
        path.write_text("the other run's output")  # another run finished first
        real(tmp, path, overwrite)

    monkeypatch.setattr(files, "_publish", racing)
    with pytest.raises(files.OutputExistsError, match="already exists"):
        generate(CONFIG, 5, out)
    assert out.read_text() == "the other run's output"
    assert [p.name for p in tmp_path.iterdir()] == ["d.jsonl"]  # no card for a file this run did not write


REFUSING = """
import builtins, errno, os, sys

refused = os.path.realpath(sys.argv.pop(1))


def _refuse(path):
    if os.path.dirname(os.path.realpath(os.fsdecode(path))) == refused:
        raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))


real_open, real_builtin_open = os.open, builtins.open
def os_open(path, flags, *args, **kwargs):
    if flags & (os.O_CREAT | os.O_WRONLY | os.O_RDWR):
        _refuse(path)
    return real_open(path, flags, *args, **kwargs)
def builtin_open(file, mode="r", *args, **kwargs):
    if isinstance(file, (str, bytes, os.PathLike)) and set(mode) & set("wax+"):
        _refuse(file)
    return real_builtin_open(file, mode, *args, **kwargs)
os.open, builtins.open = os_open, builtin_open

from arc_priors.cli import main
sys.argv[0] = "arc-priors"
main()
"""
"""Runs the command line with one folder refusing new files the way the kernel refuses a
user in a folder without write permission (EACCES, naming the file tried, which is the
temporary). Root ignores permission bits, and CI runs as root, so a chmod would test
nothing there; the refusal is made in the child process instead."""


def test_an_unwritable_folder_is_named_by_the_users_path_not_a_temporary(tmp_path):
    folder = tmp_path / "ro"
    folder.mkdir()
    out = folder / "d.jsonl"
    proc = subprocess.run(
        [sys.executable, "-c", REFUSING, str(folder), "generate", "--n", "5", "--workers", "1", "--out", str(out)],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr == f"arc-priors: error: cannot use {out}: Permission denied\n"  # one line, the user's own path
    assert list(folder.iterdir()) == []  # no temporary, no half-written file, no card


def test_chunks_are_handed_out_lazily_so_huge_counts_do_not_build_every_task_up_front(monkeypatch):
    from trainers.data import datasets

    started = []
    monkeypatch.setattr(
        datasets, "_build_chunk", lambda task: started.append(task) or (b"", task[2] - task[1], task[2] - task[1], None)
    )
    results = datasets._results(ChatBuilder(CONFIG), range(10**12), 1, "jsonl")
    next(results)
    assert len(started) == 1


@pytest.mark.parametrize("where", ["mkstemp", "write"])
def test_a_full_disk_or_refused_folder_is_reported_with_the_users_path(tmp_path, monkeypatch, where):
    import contextlib
    import errno
    import tempfile

    from click.testing import CliRunner

    from arc_priors.cli import main
    from trainers.data import datasets

    if where == "mkstemp":

        def refuse(*args, **kwargs):
            raise PermissionError(errno.EACCES, "Permission denied", str(tmp_path / ".d.jsonl.1.x.tmp"))

        monkeypatch.setattr(tempfile, "mkstemp", refuse)
        words = "Permission denied"
    else:

        @contextlib.contextmanager
        def full(tmp, fmt):
            def write(payload):
                raise OSError(errno.ENOSPC, "No space left on device")

            yield write

        monkeypatch.setattr(datasets, "_writer", full)
        words = "No space left on device"
    out = tmp_path / "d.jsonl"
    result = CliRunner().invoke(main, ["generate", "--n", "5", "--workers", "1", "--out", str(out)])
    assert result.exit_code == 2 and f"cannot use {out}: {words}" in result.output, result.output
    assert ".tmp" not in result.output and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("workers", [1, 2])
def test_progress_opens_at_zero_and_moves_in_pieces_where_records_need_no_whole_chunk(tmp_path, workers):
    """A small per-record run sat at 0% until its one chunk of 4,000 was done (issue 22)."""
    from trainers.data.engine import PIECE

    # real ARC grids are made per record
    config = ChatConfig(
        priors=parse_weights("counting,shapes"), grids=((TASKS, 1.0), ("synthetic", 1.0)), grids_per_chat=2, seed=3
    )
    assert Engine(ChatBuilder(config)).way == "per record"
    calls = []
    stats = generate(config, 2 * PIECE + 7, tmp_path / "d.jsonl", workers=workers, on_progress=calls.append)
    assert calls == [0, PIECE, PIECE, 7] and stats.rows == stats.records == 2 * PIECE + 7


def test_grpo_stats_count_rows_apart_from_the_chats_they_came_from(tmp_path):
    stats = generate(CONFIG, 20, tmp_path / "rl.jsonl", kind="grpo")
    rows = (tmp_path / "rl.jsonl").read_text().count("\n")
    assert stats.records == 20 and stats.rows == rows > 20
    assert f"{rows:,} rows, from 20 chats," in stats.card.read_text()
