"""Generation at scale: identical bytes for any worker count, atomic output."""

import hashlib
import json
import signal
import subprocess
import sys
import time

import pytest

from trainers.chats import ChatBuilder, ChatConfig, parse_weights
from trainers.datasets import DatasetError, generate, read_records

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


def test_records_are_the_builder_records_in_index_order(tmp_path):
    path = tmp_path / "d.jsonl"
    generate(CONFIG, 30, path, workers=2)
    builder = ChatBuilder(CONFIG)
    assert list(read_records(path)) == [json.loads(json.dumps(builder.record(i))) for i in range(30)]


def test_an_existing_output_is_kept_without_overwrite(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text("keep me")
    with pytest.raises(DatasetError, match="already exists"):
        generate(CONFIG, 5, path)
    assert path.read_text() == "keep me"
    generate(CONFIG, 5, path, overwrite=True)
    assert len(path.read_text().splitlines()) == 5


@pytest.mark.parametrize("name", ["d.txt", "missing/d.jsonl"])
def test_unwritable_paths_are_refused_before_any_work(tmp_path, name):
    with pytest.raises(DatasetError):
        generate(CONFIG, 5, tmp_path / name)
    assert [p.name for p in tmp_path.iterdir()] == []


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_an_interrupt_leaves_no_file_behind(tmp_path, sig):
    out = tmp_path / "big.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "arc_priors", "generate", "--n", "5000000", "--workers", "2", "--out", str(out), "--quiet"],
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.time() + 60
    while not any(tmp_path.iterdir()) and time.time() < deadline:
        time.sleep(0.1)
    assert any(tmp_path.iterdir()), "generation never started writing"
    time.sleep(0.5)
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in err


def test_a_corrupt_dataset_is_reported_with_its_line(tmp_path):
    path = tmp_path / "d.jsonl"
    generate(CONFIG, 3, path)
    path.write_text(path.read_text() + "{not json\n")
    with pytest.raises(DatasetError, match="line 4"):
        list(read_records(path))
    path.write_text('{"messages": "nope"}\n')
    with pytest.raises(DatasetError, match="record 1"):
        list(read_records(path))
