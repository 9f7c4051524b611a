"""Nothing left behind (issue 22): the test session's own folders, a `Watch` that finds what
a run leaves, and training's chat stream that writes no lock into the datasets cache."""

import os
import tempfile
from pathlib import Path

import pytest
from leftovers import Watch


def test_the_session_points_temporary_folders_and_caches_into_its_own_folder(tmp_path, request):
    session = Path(os.environ["TMPDIR"]).parent  # conftest.SESSION, not imported: pytest imports each conftest afresh
    assert session.name.startswith("arc-priors-tests-")
    for name in ("TMPDIR", "HF_HOME", "HF_DATASETS_CACHE", "XDG_CACHE_HOME", "MPLCONFIGDIR"):
        assert Path(os.environ[name]).is_relative_to(session), name
    assert Path(tempfile.gettempdir()).is_relative_to(session)
    if request.config.option.basetemp == str(session / "basetemp"):  # unless --basetemp named another
        assert tmp_path.is_relative_to(session)


def test_a_watch_finds_what_appeared_in_home_and_temporary_folders(tmp_path):
    home, tmp = tmp_path / "home", tmp_path / "tmp"
    (home / ".cache" / "huggingface" / "datasets").mkdir(parents=True)
    (home / ".cache" / "pip").mkdir()
    tmp.mkdir()
    watch = Watch.of(home, tmp)
    assert watch.new() == []
    lock = home / ".cache" / "huggingface" / "datasets" / "_generator_default-0_0.0.0.lock"
    lock.touch()
    (home / ".cache" / "pip" / "wheel").mkdir()  # an install beside the tests: not theirs
    (tmp / "torchelastic_ab12cd").mkdir()
    (tmp / "tmpa1b2c3d4").mkdir()  # tempfile's: follows TMPDIR into the session, so one here is another program's
    (tmp / "notes.txt").touch()  # the system temporary folder is shared: only names a test session makes count
    (tmp / "mine").mkdir()
    assert watch.new(keep=tmp / "mine") == sorted([str(lock), str(tmp / "torchelastic_ab12cd")])


def _messages_of(dataset):
    return [row["messages"] for row in dataset]


def _records():
    from trainers.data.chat_builder import ChatBuilder, ChatConfig

    builder = ChatBuilder(ChatConfig(seed=2))
    return [builder.record(i) for i in range(12)]


def test_the_training_chat_stream_writes_nothing_to_the_datasets_cache(tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    from trainers.training.training_data import chat_stream

    cache = tmp_path / "cache"
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", cache)
    records = _records()
    stream = chat_stream(lambda: iter(records))
    assert _messages_of(stream) == _messages_of(stream) == [r["messages"] for r in records]  # again for each epoch
    assert stream.column_names == ["messages"] and stream.n_shards == 1
    assert not cache.exists()


def test_training_data_for_the_sft_trainer_writes_nothing_to_the_datasets_cache(tmp_path, monkeypatch):
    datasets = pytest.importorskip("datasets")
    pytest.importorskip("trl")
    from trainers.training.finetune import training_dataset
    from trainers.training.tiny_model import build_tiny_tokenizer

    cache = tmp_path / "cache"
    monkeypatch.setattr(datasets.config, "HF_DATASETS_CACHE", cache)
    records = _records()
    dataset, _ = training_dataset(lambda: iter(records), build_tiny_tokenizer())
    assert len(list(dataset)) == len(records)
    assert not cache.exists() or not any(cache.rglob("*"))
