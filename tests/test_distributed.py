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
    cmd = [*_launcher("torchrun"), str(PROBE), str(out), str(tmp_path / f"run-{name}")]
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


CONFIGS = Path(__file__).resolve().parents[1] / "examples" / "accelerate_configs"
TRAIN = ["-m", "arc_priors", "train", "--max-steps", "2", "--n-train", "64", "--n-eval", "4", "--max-length", "256"]
MODES = {
    "lora": ["--method", "lora"],
    "full": ["--method", "full"],
    "streamed": ["--method", "full", "--data", "{data}"],  # a --data file read record by record
}


def _launcher(name: str) -> list[str]:
    if name == "torchrun":
        return [
            sys.executable,
            "-m",
            "torch.distributed.run",
            "--nproc_per_node",
            "2",
            "--master_addr",
            "127.0.0.1",
            "--master_port",
            str(_free_port()),
        ]
    return [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--config_file",
        str(CONFIGS / "two_cpu_processes.yaml"),
        "--main_process_port",
        str(_free_port()),
    ]


@pytest.mark.parametrize(("launcher", "mode"), [("torchrun", "full"), ("torchrun", "streamed"), ("accelerate", "lora")])
def test_train_runs_in_two_cpu_processes_under_each_launcher(tmp_path, launcher, mode):
    """`arc-priors train` as docs/scale.md launches it: two ranks train the same steps, and
    rank 0 alone writes a whole run folder. Each launcher and each mode runs once (the
    launcher only sets the ranks' environment; the FSDP test below runs accelerate with a
    whole model): the full product of six took a sixth of the suite's time on two cores."""
    import os

    data = tmp_path / "chats.jsonl"
    if mode == "streamed":
        gen = subprocess.run(
            [sys.executable, "-m", "arc_priors", "generate", "--n", "80", "--out", str(data), "--quiet"],
            capture_output=True,
            text=True,
        )
        assert gen.returncode == 0, gen.stderr
    options = [o.format(data=data) for o in MODES[mode]]
    run = tmp_path / "run"
    proc = subprocess.run(
        [*_launcher(launcher), *TRAIN, *options, "--run-dir", str(run)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["processes"] == 2 and metrics["train_steps"] == 2
    assert (run / ("adapter" if mode == "lora" else "model")).is_dir()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


EXPECTED = {  # file: (distributed type, ZeRO stage or None, sharded by FSDP)
    "two_cpu_processes.yaml": ("MULTI_GPU", None, False),
    "multi_gpu.yaml": ("MULTI_GPU", None, False),
    "deepspeed_zero2.yaml": ("DEEPSPEED", 2, False),
    "deepspeed_zero3.yaml": ("DEEPSPEED", 3, False),
    "fsdp.yaml": ("FSDP", None, True),
}


def test_every_accelerate_config_loads_as_documented():
    """accelerate reads each file of examples/accelerate_configs (DeepSpeed's need CUDA and the
    deepspeed package to run; this checks what can be checked without them)."""
    from accelerate.commands.config.config_args import load_config_from_file

    assert sorted(p.name for p in CONFIGS.glob("*.yaml")) == sorted(EXPECTED)
    for name, (kind, stage, fsdp) in EXPECTED.items():
        config = load_config_from_file(str(CONFIGS / name))
        assert config.distributed_type.value == kind, name
        assert (config.deepspeed_config or {}).get("zero_stage") == stage, name
        assert bool(config.fsdp_config) == fsdp, name
        assert name in (CONFIGS.parents[1] / "docs" / "scale.md").read_text(), f"{name} is not documented"


def test_the_fsdp_config_trains_and_saves_a_whole_model_on_cpu(tmp_path):
    """FSDP 2 runs over gloo too: two CPU processes, full fine-tuning, and the saved model
    loads as an ordinary transformers model."""
    import os

    from trainers.training.responders import load_local_model

    run = tmp_path / "run"
    launch = [
        sys.executable,
        "-m",
        "accelerate.commands.launch",
        "--config_file",
        str(CONFIGS / "fsdp.yaml"),
        "--num_processes",
        "2",
        "--mixed_precision",
        "no",
        "--main_process_port",
        str(_free_port()),
    ]
    proc = subprocess.run(
        [*launch, *TRAIN, "--method", "full", "--run-dir", str(run)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "OMP_NUM_THREADS": "1"},
    )
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert json.loads((run / "metrics.json").read_text())["processes"] == 2
    model, _ = load_local_model(run / "model")
    assert model.config.model_type == "llama"
