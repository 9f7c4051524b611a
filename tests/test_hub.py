"""Hugging Face datasets and the Hub's layout: `to_hf_dataset` and `generate --hub-folder`
give `generate`'s records with the published Features, loaded offline as `load_dataset`
loads a Hub repository."""

from __future__ import annotations

import subprocess
import sys

import pytest

import arc_priors
from arc_priors.api import _mixture
from trainers.data.chat_builder import ChatConfig, parse_weights
from trainers.data.datasets import generate, read_records
from trainers.data.hub import published_features, write_hub_folder

MIXTURE = {"priors": {"counting": 1, "shapes": 1, "zones": 1}, "answers": "worked", "grids_per_chat": 1}


@pytest.fixture(autouse=True)
def offline_cache(tmp_path, monkeypatch):
    """Every cache inside the test's folder, and no network."""
    monkeypatch.setenv("HF_HOME", str(tmp_path / "hf"))
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")


def generated(tmp_path, config, n, kind="chat"):
    path = tmp_path / f"generated-{kind}.jsonl"
    generate(config, n, path, kind=kind)
    if kind == "chat":
        return list(read_records(path))
    import json

    return [json.loads(line) for line in path.read_text().splitlines()]


def test_a_string_mixture_is_read_as_generate_reads_it(tmp_path):
    """`to_hf_dataset("counting=2,area")` holds `generate --priors counting=2,area`'s chats
    (questions per chat included), not create_dataset's one-question items."""
    config = ChatConfig(priors=parse_weights("counting=2,area"), seed=3)
    data = arc_priors.to_hf_dataset("counting=2,area", 40, seed=3, cache_dir=tmp_path / "c")
    assert data.to_list() == generated(tmp_path, config, 40)


@pytest.mark.parametrize("kind", ["chat", "grpo"])
def test_to_hf_dataset_in_two_processes_gives_generates_records(tmp_path, kind):
    config = _mixture(MIXTURE, 4, {})
    data = arc_priors.to_hf_dataset(MIXTURE, 120, seed=4, num_proc=2, kind=kind, cache_dir=tmp_path / "c")
    assert data.features == published_features(config, kind)
    assert data.to_list() == generated(tmp_path, config, 120, kind)


def test_the_array_way_across_chunks_in_two_processes(tmp_path):
    config = ChatConfig(seed=2)
    data = arc_priors.to_hf_dataset(config, 4_500, seed=2, num_proc=2, cache_dir=tmp_path / "c")
    records = generated(tmp_path, config, 4_500)
    assert [data[i] for i in (0, 3_999, 4_000, 4_499)] == [records[i] for i in (0, 3_999, 4_000, 4_499)]
    assert data["metadata"][-1]["index"] == 4_499


def test_load_dataset_loads_a_hub_folder_with_the_published_features(tmp_path):
    from datasets import load_dataset

    config = ChatConfig(priors=parse_weights("counting,symmetry"), seed=9)
    folder = write_hub_folder(config, 300, tmp_path / "repo", shards=3)
    assert sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")) == [
        "README.md",
        "data",
        "data/train-00000-of-00003.parquet",
        "data/train-00001-of-00003.parquet",
        "data/train-00002-of-00003.parquet",
    ]
    data = load_dataset(str(folder), split="train", cache_dir=str(tmp_path / "c"))
    assert data.features == published_features(config)
    assert data.to_list() == generated(tmp_path, config, 300)
    card = (folder / "README.md").read_text()
    assert "dataset_info:" in card and "path: data/train-*-of-00003.parquet" in card


def run(*args):
    return subprocess.run([sys.executable, "-m", "arc_priors", *args], capture_output=True, text=True)


def test_generate_hub_folder_and_its_bad_options(tmp_path):
    folder = tmp_path / "repo"
    ok = run("generate", "--n", "40", "--hub-folder", str(folder), "--shards", "2", "--workers", "1")
    assert ok.returncode == 0, ok.stderr
    assert (folder / "data" / "train-00001-of-00002.parquet").is_file()
    for args, said in [
        (["--hub-folder", str(folder)], "already exists"),
        (["--hub-folder", str(tmp_path / "x"), "--out", str(tmp_path / "y.jsonl")], "either --out"),
        ([], "either --out"),
        (["--hub-folder", str(tmp_path / "z"), "--shards", "99"], "shards must be"),
        (["--hub-folder", str(tmp_path / "z"), "--shard", "1/2"], "--shards N"),
        (["--out", str(tmp_path / "y.jsonl"), "--shards", "2"], "--shard K/N"),
    ]:
        bad = run("generate", "--n", "40", *args)
        assert bad.returncode == 2 and said in bad.stderr and "Traceback" not in bad.stderr, (args, bad.stderr)
    assert not {"x", "y.jsonl", "z"} & {p.name for p in tmp_path.iterdir()}
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
