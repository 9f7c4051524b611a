"""Generating with Ray Data in local mode (`arc_priors.ray`): the rows, and the parquet files
Ray writes, are `generate`'s records for the same mixture, seed and options."""

from __future__ import annotations

import json
import shutil
import tempfile

import pytest

from arc_priors.api import _mixture
from trainers.data.chat_builder import ChatConfig, parse_weights
from trainers.data.datasets import generate

ray = pytest.importorskip("ray")
pytestmark = pytest.mark.xdist_group(name="ray")  # one local Ray for the module, on one test worker


@pytest.fixture(scope="module")
def local_ray():
    """One local Ray of 2 CPUs for the module. Its session folder is a short one in /tmp,
    removed after: Ray's sockets live there, and a socket's path may not pass 107 bytes."""
    import ray.data

    folder = tempfile.mkdtemp(prefix="ray-", dir="/tmp")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, _temp_dir=folder)
    ray.data.DataContext.get_current().enable_progress_bars = False
    yield
    ray.shutdown()
    shutil.rmtree(folder, ignore_errors=True)


def generated(tmp_path, mixture, n, seed, kind="chat"):
    """`generate`'s records, a string mixture read as `generate --priors` reads it."""
    path = tmp_path / f"generated-{kind}.jsonl"
    config = (
        ChatConfig(priors=parse_weights(mixture), seed=seed)
        if isinstance(mixture, str)
        else _mixture(mixture, seed, {})
    )
    generate(config, n, path, kind=kind)
    return [json.loads(line) for line in path.read_text().splitlines()]


def plain(rows):
    """Rows as JSON values (Ray hands back numpy arrays for lists)."""
    return json.loads(json.dumps(rows, default=lambda value: value.tolist()))


@pytest.mark.parametrize(
    ("mixture", "n", "kind"),
    [
        ("counting=2,area,colors", 4_100, "chat"),  # the array way, across a chunk's end
        ({"priors": {"zones": 1, "containment": 1}, "answers": "worked"}, 300, "chat"),  # per record
        ("counting,shapes", 200, "grpo"),
    ],
)
def test_ray_rows_are_generates_records(local_ray, tmp_path, mixture, n, kind):
    import arc_priors.ray

    rows = arc_priors.ray.dataset(mixture, n, seed=6, kind=kind).take_all()
    assert plain(rows) == generated(tmp_path, mixture, n, 6, kind)


def test_ray_writes_parquet_with_the_published_schema(local_ray, tmp_path):
    import pyarrow.parquet as pq

    import arc_priors.ray
    from trainers.data.datasets import arrow_schema

    folder = arc_priors.ray.write_parquet("counting,symmetry", 500, tmp_path / "out", seed=2)
    files = sorted(folder.glob("*.parquet"))
    table = pq.read_table(files)
    assert table.schema.remove_metadata().equals(arrow_schema("chat", False).remove_metadata())
    rows = sorted(table.to_pylist(), key=lambda r: r["metadata"]["index"])
    assert rows == generated(tmp_path, "counting,symmetry", 500, 2)
