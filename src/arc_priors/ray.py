"""Generating with Ray Data, for a dataset spread over a cluster (`pip install arc-priors[ray]`).

    import arc_priors.ray
    data = arc_priors.ray.dataset("counting=2,area,colors", 10_000_000, seed=0)   # lazy
    data.write_parquet("s3://bucket/arc-priors/")                                 # or write_parquet below

The dataset is `ray.data.range` over the engine's pieces (chunks of consecutive records,
cut where `generate`'s are) mapped to their records: each piece is one task, made anywhere
in the cluster from the seed and its indices alone, as `generate --shard` is. Its rows are
`generate`'s records, in order, with the published schema (`trainers.data.schema`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping

from arc_priors.api import _mixture
from trainers.data.datasets import check_counts, pieces, schema_of
from trainers.data.hub import engine_for, record_rows


class _Records:
    """`map_batches`' function: a batch of piece numbers to the records of those pieces."""

    def __init__(self, config, ranges: list[tuple[int, int]], kind: str):
        self.config, self.ranges, self.kind = config, ranges, kind

    def __call__(self, batch: Mapping[str, Any]):
        import pyarrow as pa

        rows = list(record_rows(self.config, [self.ranges[n] for n in batch["id"].tolist()], self.kind))
        return pa.Table.from_pylist(rows, schema=schema_of(self.kind, self.config))


def dataset(name_or_mixture, n: int, seed: int = 0, *, kind: str = "chat", **settings):
    """Records 0..n-1 of the mixture (any form `create_dataset` takes; a string as `generate
    --priors` reads it) as a lazy `ray.data.Dataset`, in order: this sets `preserve_order` on
    the session's current `DataContext`."""
    import ray.data

    check_counts(n, kind)
    config = _mixture(name_or_mixture, seed, settings, one_question=False)
    ranges = list(pieces(range(n), engine_for(config).step))  # a bad mixture fails here, at once
    ray.data.DataContext.get_current().execution_options.preserve_order = True
    return ray.data.range(len(ranges), override_num_blocks=len(ranges)).map_batches(
        _Records(config, ranges, kind), batch_size=1, batch_format="numpy"
    )


def write_parquet(name_or_mixture, n: int, folder: str | Path, seed: int = 0, *, kind: str = "chat", **settings):
    """`dataset(...)` written as parquet files into `folder` (one or more a piece, as Ray writes them)."""
    dataset(name_or_mixture, n, seed, kind=kind, **settings).write_parquet(str(folder))
    return Path(folder)
