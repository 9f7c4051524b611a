"""Fine-tuning a causal LM on prior chats: answer-only loss, packing on, CPU-safe defaults.

The run reads top to bottom in `train`: build the data, the model, the trainer and the
evaluator, then train and evaluate. Everything that decides a run is one `TrainConfig`,
saved beside the results.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path
from typing import Literal

import attrs

from priors.scene import Conventions
from trainers.chats import ChatBuilder, ChatConfig
from trainers.evaluate import check_folder, load_local_model
from trainers.files import atomic_folder, check_writable_folder, sigterm_as_interrupt, write_json

Method = Literal["auto", "lora", "dora", "rslora", "full"]
METHODS = ("auto", "lora", "dora", "rslora", "full")


class TrainConfigError(ValueError):
    """Options that cannot make a training run."""


def _at_least(minimum):
    def check(instance, attribute, value):
        if value is not None and value < minimum:
            raise TrainConfigError(f"{attribute.name.replace('_', '-')} must be at least {minimum}, got {value}")

    return check


@attrs.frozen
class TrainConfig:
    """One training run. `model=None` builds the project's tiny model from scratch.

    `method="auto"` means full fine-tuning for the freshly built tiny model (adapters on
    random weights learn little) and LoRA for any model you pass.
    """

    run_dir: Path = attrs.field(converter=Path, default=Path("runs/default"))
    model: Path | None = attrs.field(default=None, converter=attrs.converters.optional(Path))
    chats: ChatConfig = ChatConfig()
    data: Path | None = attrs.field(default=None, converter=attrs.converters.optional(Path))
    n_train: int = attrs.field(default=6000, validator=_at_least(1))
    n_eval: int = attrs.field(default=60, validator=_at_least(0))
    eval_seed: int = 1_000_003
    method: Method = attrs.field(default="auto", validator=attrs.validators.in_(METHODS))
    lora_r: int = attrs.field(default=16, validator=_at_least(1))
    lora_alpha: int = attrs.field(default=32, validator=_at_least(1))
    lora_dropout: float = attrs.field(default=0.0, validator=_at_least(0.0))
    target_modules: str = "all-linear"
    lr: float | None = attrs.field(default=None, validator=_at_least(0.0))
    epochs: float = attrs.field(default=1.0, validator=_at_least(0.0))
    max_steps: int = attrs.field(default=-1)
    batch_size: int = attrs.field(default=1, validator=_at_least(1))
    grad_accum: int = attrs.field(default=4, validator=_at_least(1))
    max_length: int = attrs.field(default=1024, validator=_at_least(64))
    packing: bool = True
    time_limit: float | None = attrs.field(default=None, validator=_at_least(1.0))
    """Seconds of training after which the run stops at the next step and still evaluates."""
    seed: int = 0
    overwrite: bool = False

    def __attrs_post_init__(self) -> None:
        if self.seed == self.eval_seed:
            raise TrainConfigError(f"--seed {self.seed} is the evaluation seed: training and held-out chats would be the same")

    def resolved_method(self) -> str:
        if self.method != "auto":
            return self.method
        return "full" if self.model is None else "lora"

    def resolved_lr(self) -> float:
        if self.lr is not None:
            return self.lr
        # A tiny model from scratch wants a large step; adapters on a real model a moderate one.
        return {"full": 2e-3 if self.model is None else 2e-5}.get(self.resolved_method(), 2e-4)

    def as_dict(self) -> dict:
        out = attrs.asdict(self, recurse=False)
        out |= {"run_dir": str(self.run_dir), "model": str(self.model) if self.model else None, "data": str(self.data) if self.data else None}
        out |= {"chats": self.chats.as_dict(), "resolved_method": self.resolved_method(), "resolved_lr": self.resolved_lr()}
        return out


def training_records(config: TrainConfig) -> list[dict]:
    """Chats to train on: read from `data`, or built on the fly from (chat seed, index)."""
    from trainers.datasets import read_records

    if config.data is not None:
        return list(read_records(config.data))
    builder = ChatBuilder(config.chats)
    return [builder.record(i) for i in range(config.n_train)]


def majority_answers(records: list[dict]) -> dict[str, str]:
    """Each family's most common answer in the training chats (ties: the first seen)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        for qa in record.get("metadata", {}).get("qas") or ():
            counts[qa["family"]][qa["answer"]] += 1
    return {family: c.most_common(1)[0][0] for family, c in counts.items()}


def evaluation_records(config: TrainConfig, training: list[dict]) -> list[dict]:
    """Held-out chats: a different seed from training, so no record is shared, and the
    conventions and encoder the training chats were written in (a --data file records them)."""
    chats = attrs.evolve(config.chats, seed=config.eval_seed)
    recorded = training[0].get("metadata", {}).get("conventions") if training else None
    if recorded:
        try:
            conventions = Conventions(recorded["connectivity"], recorded["univalued"], recorded["background"])
            chats = attrs.evolve(chats, conventions=conventions, encoder=recorded["encoder"])
        except (KeyError, TypeError, ValueError) as err:
            raise TrainConfigError(f"the training data records conventions that cannot be used: {recorded!r} ({err})") from None
    builder = ChatBuilder(chats)
    return [builder.record(i) for i in range(config.n_eval)]


def process_rank() -> int:
    """This process's rank under torchrun or accelerate (both set RANK); 0 when run alone."""
    return int(os.environ.get("RANK", "0"))


def load_model(config: TrainConfig, folder: Path | None = None):
    """The base model and tokenizer, from a local folder only, or the tiny one built into the
    run folder (`folder`, by default the configured one).

    Under several processes only rank 0 writes the tiny model into the run folder; the
    others build the same weights (same seed) in a temporary folder.
    """
    from trainers.tiny_model import build_tiny_model

    if config.model is not None:
        return load_local_model(config.model)
    if process_rank() == 0:
        return load_local_model(build_tiny_model(Path(folder or config.run_dir) / "base_model", seed=config.seed))
    with tempfile.TemporaryDirectory() as tmp:
        return load_local_model(build_tiny_model(Path(tmp), seed=config.seed))


def check_target_modules(config: TrainConfig, model) -> None:
    """Refuse --target-modules that match no module of the model, before any training step."""
    if config.resolved_method() == "full" or config.target_modules == "all-linear":
        return
    import torch

    names = [name for name, _ in model.named_modules()]
    linear = sorted({name.rsplit(".", 1)[-1] for name, module in model.named_modules() if isinstance(module, torch.nn.Linear)})
    missing = [t for t in config.target_modules.split(",") if not any(n == t or n.endswith("." + t) for n in names)]
    if missing:
        raise TrainConfigError(
            f"--target-modules {', '.join(missing)} matches no module of the model; its linear modules are {', '.join(linear) or 'none'}"
        )


def peft_config(config: TrainConfig):
    method = config.resolved_method()
    if method == "full":
        return None
    from peft import LoraConfig

    return LoraConfig(
        r=config.lora_r,
        lora_alpha=config.lora_alpha,
        lora_dropout=config.lora_dropout,
        target_modules=config.target_modules if config.target_modules == "all-linear" else config.target_modules.split(","),
        use_dora=method == "dora",
        use_rslora=method == "rslora",
        task_type="CAUSAL_LM",
    )


def training_dataset(records: list[dict], tokenizer):
    """A dataset TRL trains on with the loss on answers only.

    Templates with generation markers go to TRL as chats (`assistant_only_loss=True`);
    others are tokenized here with masks computed turn by turn (see trainers.masking).
    """
    from datasets import Dataset

    from trainers.masking import loss_mask_strategy, pretokenize_dataset

    dataset = Dataset.from_list([{"messages": r["messages"]} for r in records])
    if loss_mask_strategy(tokenizer) == "trl":
        return dataset, True
    return pretokenize_dataset(dataset, tokenizer), False


def sft_config(config: TrainConfig, assistant_only_loss: bool, folder: Path | None = None):
    """SFTConfig with the CPU-safe choices measured for this stack (docs/training.md)."""
    import torch
    from trl import SFTConfig

    on_gpu = torch.cuda.is_available()
    return SFTConfig(
        output_dir=str(Path(folder or config.run_dir) / "checkpoints"),
        learning_rate=config.resolved_lr(),
        num_train_epochs=config.epochs,
        max_steps=config.max_steps,
        per_device_train_batch_size=config.batch_size,  # bfd at batch > 1 flattens into one long row: slow on CPU
        gradient_accumulation_steps=config.grad_accum,
        lr_scheduler_type="cosine",
        warmup_steps=10,
        weight_decay=0.0,
        logging_steps=5,
        save_strategy="no",
        report_to="none",
        seed=config.seed,
        data_seed=config.seed,
        bf16=on_gpu and torch.cuda.is_bf16_supported(),  # bf16 raises on CPU, and emulated bf16 is 8x slower
        fp16=False,
        use_cpu=not on_gpu,  # also what lets accelerate run several CPU processes (gloo) under torchrun
        ddp_find_unused_parameters=False,  # every trainable parameter is used; the search costs a graph walk a step
        gradient_checkpointing=False,  # costs about 30% and buys nothing at this size
        dataloader_pin_memory=on_gpu,
        max_length=config.max_length,
        packing=config.packing,
        packing_strategy="bfd",  # never "wrapped": it cuts chats and lets them attend to each other
        assistant_only_loss=assistant_only_loss,
        dataset_num_proc=None,
    )


def _time_limit_callback(seconds: float):
    from transformers import TrainerCallback

    class StopAfter(TrainerCallback):
        """Ends training at the first step boundary past the limit; evaluation still runs."""

        def on_train_begin(self, args, state, control, **kwargs):
            self.start = time.monotonic()

        def on_step_end(self, args, state, control, **kwargs):
            if time.monotonic() - self.start > seconds:
                control.should_training_stop = True

    return StopAfter()


def end_distributed() -> None:
    """Leave a multi-process run without interpreter teardown, once this rank's work is
    written. Under torchrun on CPU, gloo's threads abort a process at exit about one run
    in eight ("terminate called without an active exception"), even after the process
    group is destroyed; skipping the teardown of a finished rank avoids that."""
    import torch.distributed as dist

    if not (dist.is_available() and dist.is_initialized()):
        return
    dist.destroy_process_group()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


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


def build_trainer(config: TrainConfig, model, tokenizer, records: list[dict], folder: Path | None = None):
    from trl import SFTTrainer

    dataset, assistant_only = training_dataset(records, tokenizer)
    callbacks = [_time_limit_callback(config.time_limit)] if config.time_limit else []
    return SFTTrainer(
        model=model,
        args=sft_config(config, assistant_only, folder),
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft_config(config),
        callbacks=callbacks,
    )


def save_model(trainer, tokenizer, config: TrainConfig, folder: Path | None = None) -> Path:
    """The adapter alone for PEFT methods, the whole model for full fine-tuning."""
    out = Path(folder or config.run_dir) / ("model" if config.resolved_method() == "full" else "adapter")
    trainer.model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out


def train(config: TrainConfig, *, echo=print) -> dict:
    """Build data, model, trainer and evaluator; evaluate, train, evaluate; write the run folder.

    Every input is checked before any expensive step: the run folder, the model folder, the
    data and its schema, then (once the model has loaded) the adapter's target modules. The
    run is written into a temporary sibling folder that becomes `config.run_dir` only when
    complete. Under several processes (torchrun, accelerate launch) each rank ends its
    process here once its work is written (see `end_distributed`); alone, it returns the metrics.
    """
    check_run_dir(config)
    if config.model is not None:
        check_folder(config.model)
    records = training_records(config)
    if not records:
        raise TrainConfigError(f"--data {config.data} holds no chats to train on")
    held_out = evaluation_records(config, records)
    majority = majority_answers(records)
    with sigterm_as_interrupt(), run_folder(config) as folder:
        metrics = _run(config, folder, records, held_out, majority, echo)
    end_distributed()
    if metrics:
        echo(f"trained {metrics['train_steps']} steps in {metrics['train_seconds']:.0f} s; run folder: {config.run_dir}")
    return metrics


def _run(config: TrainConfig, folder: Path, records: list[dict], held_out: list[dict], majority: dict, echo) -> dict:
    from trainers.evaluate import HFResponder, comparison_table, evaluate, write_report
    from trainers.plots import plot_loss
    from trainers.report import majority_report

    model, tokenizer = load_model(config, folder)
    check_target_modules(config, model)
    if process_rank() == 0:
        write_json(folder / "config.json", config.as_dict())
    trainer = build_trainer(config, model, tokenizer, records, folder)
    if not trainer.is_world_process_zero():
        trainer.train()
        return {}
    before = evaluate(HFResponder(trainer.model, tokenizer), held_out) if held_out else None
    started = time.monotonic()
    result = trainer.train()
    seconds = time.monotonic() - started
    saved = save_model(trainer, tokenizer, config, folder)
    with contextlib.suppress(OSError):  # the trainer's output folder stays empty: checkpoints are off
        (folder / "checkpoints").rmdir()
    after = evaluate(HFResponder(trainer.model, tokenizer), held_out) if held_out else None

    losses = [(h["step"], h["loss"]) for h in trainer.state.log_history if "loss" in h]
    plot_loss(losses, folder / "loss.png")
    metrics = {
        "train_seconds": seconds,
        "train_steps": trainer.state.global_step,
        "train_loss": result.training_loss,
        "loss_curve": losses,
        "saved": str(config.run_dir / saved.relative_to(folder)),
    }
    if after is not None:
        baseline = majority_report(after, majority)
        metrics |= {"before": before.as_dict(), "after": after.as_dict(), "majority_baseline": baseline.as_dict()}
        write_report(after, folder, name="eval_after")
        write_report(before, folder, name="eval_before")
        echo("Held-out accuracy, untrained vs trained:")
        echo(comparison_table(before, after))
        echo("Against always giving each family's most common training answer:")
        echo(comparison_table(baseline, after, labels=("majority", "model")))
    write_json(folder / "metrics.json", metrics)
    return metrics
