"""`create_dataset(...)[i]`, fresh training chats and `generate`'s line i are one record
(issue 18): reasoning-gym users expect `dataset[i]` to be the data a file holds."""

from __future__ import annotations

import json

import pytest

import arc_priors
from priors import Conventions
from trainers.data.datasets import generate
from trainers.data.engine import CHUNK, PIECE
from trainers.data.mixture import ChatConfig, parse_weights

FULL = "counting,area,colors,shapes,zones,objects,symmetry,containment"

OPTION_SETS = {
    "defaults": (ChatConfig(seed=5), 2 * CHUNK + 7),
    "full mixture": (ChatConfig(priors=parse_weights(FULL), seed=5), PIECE + 9),
    "two grids": (ChatConfig(grids_per_chat=2, seed=5), PIECE + 9),
    "hard level": (ChatConfig(level="hard", seed=5), CHUNK + 7),
    "4-connectivity": (ChatConfig(conventions=Conventions(connectivity=4), seed=5), CHUNK + 7),
}


@pytest.mark.parametrize("name", OPTION_SETS)
def test_dataset_item_i_is_generates_record_i(name, tmp_path):
    if name == "full mixture":
        pytest.importorskip("arc_priors_symmetry")
        pytest.importorskip("arc_priors_containment")
    config, n = OPTION_SETS[name]
    path = tmp_path / "d.jsonl"
    generate(config, n, path, workers=1)
    lines = path.read_text().splitlines()
    dataset = arc_priors.create_dataset(config, size=n, seed=config.seed)
    # chunk and piece edges, jumps backwards, the last record
    for i in sorted({0, 1, PIECE - 1, PIECE, n - 1, CHUNK - 1 if n > CHUNK else 2, min(CHUNK, n - 1)}, reverse=True):
        assert dataset[i]["messages"] == json.loads(lines[i])["messages"], i
        assert dataset[i]["metadata"]["qas"] == json.loads(lines[i])["metadata"]["qas"], i
        assert dataset[i]["metadata"]["grids"] == json.loads(lines[i])["metadata"]["grids"], i
    assert [item["messages"] for item in dataset] == [json.loads(line)["messages"] for line in lines]


def test_fresh_training_chats_are_generates_records(tmp_path):
    from trainers.training.train_config import TrainConfig
    from trainers.training.training_data import record_stream

    config = ChatConfig(seed=9)
    n = CHUNK + 3
    generate(config, n, tmp_path / "d.jsonl", workers=1)
    stream = record_stream(TrainConfig(chats=config, n_train=n))
    assert list(stream()) == [json.loads(line) for line in (tmp_path / "d.jsonl").read_text().splitlines()]
