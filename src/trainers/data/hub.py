"""Hugging Face `datasets` and the Hub's layout, made from the same records as `generate`.

`hf_dataset` builds a `datasets.Dataset` through `Dataset.from_generator`, its generator
arguments cut into the engine's pieces, so `num_proc` processes make them apart and
`datasets` joins them in order: the rows are `generate`'s records, whatever `num_proc`.
`write_hub_folder` lays a dataset out as a Hub dataset repository: parquet shards under
`data/`, named as the Hub names them, and a `README.md` whose front matter carries the
`configs` and the `dataset_info` features, so that `load_dataset(FOLDER)` (or, uploaded,
`load_dataset(REPO)`) loads it with the published Features and nothing else.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Callable, Iterator

from trainers.data.atomic_files import atomic_folder
from trainers.data.cards import card_path, read_card
from trainers.data.chat_builder import ChatBuilder
from trainers.data.datasets import DatasetError, check_counts, generate, pieces, rows_of
from trainers.data.engine import Engine
from trainers.data.mixture import ChatConfig
from trainers.data.schema import features_of
from trainers.data.shards import Shard, set_card_text

SPLIT = "train"


_engines: dict[str, Engine] = {}


def engine_for(config: ChatConfig) -> Engine:
    """One engine per process and mixture: building one costs more than a small piece, and
    `from_generator` and Ray call their generators many times in one process."""
    key = json.dumps(config.as_dict(), sort_keys=True, default=str)
    if key not in _engines:
        _engines[key] = Engine(ChatBuilder(config))
    return _engines[key]


def record_rows(config: ChatConfig, ranges: list[tuple[int, int]], kind: str = "chat") -> Iterator[dict]:
    """The records (or GRPO rows) of `ranges`, in order: the generator `from_generator` runs
    in each of its processes, with its share of the ranges, and Ray's tasks run per piece."""
    engine = engine_for(config)
    for start, stop in ranges:
        yield from rows_of(engine.records(start, stop).lines, kind, engine.builder)


def published_features(config: ChatConfig, kind: str = "chat"):
    return features_of(kind, config.answers == "worked", config.grid_format != "text")


def hf_dataset(config: ChatConfig, n: int, *, num_proc: int = 1, kind: str = "chat", cache_dir=None):
    """Records 0..n-1 of `config` as a `datasets.Dataset` with the published Features."""
    from datasets import Dataset

    check_counts(n, kind, num_proc=num_proc)
    ranges = list(pieces(range(n), engine_for(config).step))  # bad priors fail here, at once
    return Dataset.from_generator(
        record_rows,
        features=published_features(config, kind),
        gen_kwargs={"config": config, "ranges": ranges, "kind": kind},
        num_proc=min(num_proc, len(ranges)) if num_proc > 1 else None,
        cache_dir=cache_dir,
        split=SPLIT,
    )


def write_hub_folder(
    config: ChatConfig,
    n: int,
    folder: Path,
    *,
    shards: int = 1,
    workers: int = 1,
    kind: str = "chat",
    overwrite: bool = False,
    on_progress: Callable[[int], None] | None = None,
) -> Path:
    """A Hub dataset repository's files for records 0..n-1: `data/train-K-of-N.parquet` and
    `README.md`. The folder appears whole or not at all."""
    folder = Path(folder)
    check_counts(n, kind, workers=workers)
    if shards < 1 or shards > n:
        raise DatasetError(f"shards must be 1 to the number of records ({n}), got {shards}")
    if folder.exists() and not (overwrite and folder.is_dir()):
        raise DatasetError(f"{folder} already exists; pass --overwrite to replace it")
    if not folder.parent.is_dir():
        raise DatasetError(f"folder {folder.parent} does not exist")
    with atomic_folder(folder, overwrite=overwrite) as tmp:
        (tmp / "data").mkdir()
        whole = tmp / "data" / f"{SPLIT}.parquet"
        for k in range(1, shards + 1):
            generate(config, n, whole, workers=workers, kind=kind, shard=Shard(k, shards), on_progress=on_progress)
        files = Shard(1, shards).siblings(whole)
        cards = [read_card(f) for f in files]
        for f in [*files, whole]:
            card_path(f).unlink(missing_ok=True)  # the README below is the one card
        (tmp / "README.md").write_text(hub_card(config, n, kind, shards, cards), encoding="utf-8")
    return folder


def hub_card(config: ChatConfig, n: int, kind: str, shards: int, cards: list[dict]) -> str:
    """The set's card, naming its files as the repository holds them, with `dataset_info`."""
    from datasets.info import DatasetInfo, DatasetInfosDict
    from huggingface_hub import DatasetCardData

    data = DatasetCardData()
    info = DatasetInfo(features=published_features(config, kind), config_name="default")
    DatasetInfosDict({"default": info}).to_dataset_card_data(data)
    pattern = f"data/{Shard(1, shards).pattern(Path(SPLIT + '.parquet'))}"
    files = [{"split": SPLIT, "path": pattern}]
    return set_card_text(Path(f"{SPLIT}.parquet"), config, n, kind, cards, files, extra_header=data.to_dict())
