"""Fine-tuning a causal LM on prior chats: answer-only loss, packing on, CPU-safe defaults.

The run reads top to bottom in `train`: check every input, build the data (streamed), the
model, the trainer and the evaluator, then train and evaluate. Everything that decides a
run is one `TrainConfig` (trainers.training.train_config), saved beside the results.
"""

from __future__ import annotations

import contextlib
import tempfile
from pathlib import Path

from trainers.data.atomic_files import atomic_folder, check_writable_folder, sigterm_as_interrupt
from trainers.training.evaluate import check_folder
from trainers.training.run_phases import run
from trainers.training.train_config import METHODS, TrainConfig, TrainConfigError
from trainers.training.trainer_parts import (  # re-exported: the building blocks keep their old address
    SHUFFLE_ROWS,
    build_trainer,
    check_target_modules,
    load_model,
    peft_config,
    process_rank,
    save_model,
    sft_config,
    training_dataset,
    world_size,
)
from trainers.training.training_data import (
    baseline,
    evaluation_records,
    first_records,
)

__all__ = [
    "METHODS",
    "SHUFFLE_ROWS",
    "TrainConfig",
    "TrainConfigError",
    "build_trainer",
    "check_target_modules",
    "load_model",
    "peft_config",
    "process_rank",
    "save_model",
    "sft_config",
    "train",
    "training_dataset",
    "world_size",
]


def end_distributed() -> None:
    """Leave the process group of a multi-process run (torchrun, accelerate launch)."""
    import torch.distributed as dist

    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()


def check_run_dir(config: TrainConfig) -> None:
    """Refuses a used run folder, or one that could not be written. Only rank 0 judges:
    other ranks write nothing there."""
    run_dir = config.run_dir
    if process_rank() != 0:
        return
    if run_dir.exists() and not run_dir.is_dir():
        raise TrainConfigError(f"--run-dir {run_dir} is a file, not a folder")
    if run_dir.exists() and any(run_dir.iterdir()) and not config.overwrite:
        raise TrainConfigError(f"run folder {run_dir} is not empty; pass --overwrite or choose another --run-dir")
    check_writable_folder(run_dir.parent, "the run folder's parent")


@contextlib.contextmanager
def run_folder(config: TrainConfig):
    """Where this process writes its run: for rank 0 a temporary sibling of the run folder,
    renamed into place only when the run is complete (so an interrupted or failed run leaves
    nothing, and the same command can simply be run again); for other ranks a scratch folder."""
    if process_rank() != 0:
        with tempfile.TemporaryDirectory() as tmp:
            yield Path(tmp)
        return
    with atomic_folder(config.run_dir, overwrite=config.overwrite) as folder:
        yield folder


def train(config: TrainConfig, *, echo=print) -> dict:
    """Build data, model, trainer and evaluator; evaluate, train, evaluate; write the run folder.

    Every input is checked before any expensive step: the run folder, the model folder, the
    data (its first records) and its schema, then, once the model has loaded, the adapter's
    target modules. The run is written into a temporary sibling folder that becomes
    `config.run_dir` only when complete. Returns the metrics (empty on ranks other than 0).
    """
    if config.run_dir is None:
        raise TrainConfigError("a training run needs a run folder (run_dir)")
    check_run_dir(config)
    if config.model is not None:
        check_folder(config.model)
    sample = first_records(config, 1000)
    held_out = evaluation_records(config)
    majority = baseline(config)
    with sigterm_as_interrupt(), run_folder(config) as folder:
        metrics = run(config, folder, sample, held_out, majority, echo)
    end_distributed()
    if metrics:
        echo(
            f"trained {metrics['train_steps']} steps in {metrics['train_seconds']:.0f} s; run folder: {config.run_dir}"
        )
    return metrics
