"""Several processes through torchrun, on CPU: each rank gets different data, the same
on every run, and training steps complete across ranks."""

import json
import socket
import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("trl")
torch = pytest.importorskip("torch")
if not torch.distributed.is_available() or not torch.distributed.is_gloo_available():
    pytest.skip("torch.distributed with gloo is not available", allow_module_level=True)

PROBE = Path(__file__).with_name("distributed_probe.py")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _launch(tmp_path, name):
    out = tmp_path / name
    out.mkdir()
    cmd = [
        sys.executable,
        "-m",
        "torch.distributed.run",
        "--nproc_per_node",
        "2",
        "--master_addr",
        "127.0.0.1",
        "--master_port",
        str(_free_port()),
        str(PROBE),
        str(out),
        str(tmp_path / f"run-{name}"),
    ]
    proc = subprocess.run(
        cmd, capture_output=True, text=True, timeout=300, env={**__import__("os").environ, "OMP_NUM_THREADS": "1"}
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    return [json.loads((out / f"rank{r}.json").read_text()) for r in (0, 1)]


def test_each_rank_sees_different_data_deterministically(tmp_path):
    first, second = _launch(tmp_path, "a"), _launch(tmp_path, "b")
    assert [r["world"] for r in first] == [2, 2]
    assert [r["steps"] for r in first] == [2, 2]
    assert first[0]["batches"] != first[1]["batches"], "both ranks got the same data"
    assert [r["batches"] for r in first] == [r["batches"] for r in second], "a rerun changed the data"
