"""The parts a training run is built from: the model (built or loaded), its adapters, the
training rows, TRL's or the plain trainer, and saving. `trainers.training.finetune` checks a run's
inputs and runs it; `trainers.training.run_phases` holds its phases; both build with these.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

from trainers.training.evaluate import load_local_model
from trainers.training.responders import is_processor
from trainers.training.train_config import TrainConfig, TrainConfigError
from trainers.training.training_data import (
    check_one_step,
    estimated_steps,
    first_records,
    record_stream,
)

SHUFFLE_ROWS = 1000
"""Packed rows mixed at a time: more than one window of chats packs into."""


def process_rank() -> int:
    """This process's rank under torchrun or accelerate (both set RANK); 0 when run alone."""
    return int(os.environ.get("RANK", "0"))


def world_size() -> int:
    return int(os.environ.get("WORLD_SIZE", "1"))


def load_model(config: TrainConfig, folder: Path | None = None):
    """The base model and tokenizer, from a local folder only, or the tiny one built into the
    run folder (`folder`, by default the configured one).

    Under several processes only rank 0 writes the tiny model into the run folder; the
    others build the same weights (same seed) in a temporary folder. Chats whose grids are
    images (`grid_format` image or both) get the tiny vision-language model instead
    (`trainers.training.tiny_vlm`), and a model folder is loaded with its processor.
    """
    from trainers.training.tiny_model import TinyModelSpec, build_tiny_model
    from trainers.training.tiny_vlm import build_tiny_vlm

    if config.model is not None:
        return load_local_model(config.model)
    spec = TinyModelSpec(**config.tiny_model)
    build = build_tiny_model if config.chats.grid_format == "text" else build_tiny_vlm
    if process_rank() == 0:
        return load_local_model(build(Path(folder or config.run_dir) / "base_model", seed=config.seed, spec=spec))
    with tempfile.TemporaryDirectory() as tmp:
        return load_local_model(build(Path(tmp), seed=config.seed, spec=spec))


def check_target_modules(config: TrainConfig, model) -> None:
    """Refuse --target-modules that match no module of the model, before any training step."""
    if config.resolved_method() == "full" or config.target_modules == "all-linear":
        return
    import torch

    names = [name for name, _ in model.named_modules()]
    linear = sorted(
        {name.rsplit(".", 1)[-1] for name, module in model.named_modules() if isinstance(module, torch.nn.Linear)}
    )
    missing = [t for t in config.target_modules.split(",") if not any(n == t or n.endswith("." + t) for n in names)]
    if missing:
        raise TrainConfigError(
            f"--target-modules {', '.join(missing)} matches no module of the model; its linear modules are "
            f"{', '.join(linear) or 'none'}"
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
        target_modules=config.target_modules
        if config.target_modules == "all-linear"
        else config.target_modules.split(","),
        use_dora=method == "dora",
        use_rslora=method == "rslora",
        task_type="CAUSAL_LM",
    )


def training_dataset(records, tokenizer):
    """A streamed dataset TRL trains on with the loss on answers only. `records` is a function
    returning an iterator of chat records (called again for each epoch).

    Templates with generation markers go to TRL as chats (`assistant_only_loss=True`);
    others are tokenized here, lazily too, with masks computed turn by turn (trainers.training.masking).
    """
    from trainers.training.masking import loss_mask_strategy, pretokenize_dataset
    from trainers.training.responders import is_processor
    from trainers.training.training_data import chat_stream

    if is_processor(tokenizer):  # TRL's vision collator: the processor's template and masks, images on the fly
        return chat_stream(records, images=True), True
    dataset = chat_stream(records)
    if loss_mask_strategy(tokenizer) == "trl":
        return dataset, True
    return pretokenize_dataset(dataset, tokenizer), False


def sft_config(
    config: TrainConfig,
    assistant_only_loss: bool,
    folder: Path | None = None,
    max_steps: int | None = None,
    images: bool = False,
):
    """SFTConfig with the CPU-safe choices measured for this stack (docs/training.md). A
    stream has no length, so the trainer is told its step count (`max_steps`). Chats with
    images are never packed: TRL's vision collator pads each batch instead."""
    import torch
    from trl import SFTConfig

    on_gpu = torch.cuda.is_available()
    return SFTConfig(
        output_dir=str(Path(folder or config.run_dir) / "checkpoints"),
        learning_rate=config.resolved_lr(),
        max_steps=max_steps if max_steps is not None else config.max_steps,
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
        activation_checkpointing=False,  # costs about 30% and buys nothing at this size
        dataloader_pin_memory=on_gpu,
        max_length=config.max_length,
        packing=config.packing and not images,
        packing_strategy="bfd",  # never "wrapped": it cuts chats and lets them attend to each other
        assistant_only_loss=assistant_only_loss,
        dataset_num_proc=None,
        disable_tqdm=True,  # the run prints its own progress lines
    )


def _time_limit_callback(seconds: float):
    from transformers import TrainerCallback

    class StopAfter(TrainerCallback):
        """Ends training at the first step boundary past the limit; evaluation still runs.
        Chats are tokenized as training reads them, so the limit covers tokenizing too."""

        def on_train_begin(self, args, state, control, **kwargs):
            self.start = time.monotonic()

        def on_step_end(self, args, state, control, **kwargs):
            if time.monotonic() - self.start > seconds:
                control.should_training_stop = True

    return StopAfter()


def _interrupt_callback():
    from transformers import TrainerCallback

    from trainers.data.atomic_files import raise_if_interrupted

    class StopOnInterrupt(TrainerCallback):
        """Ends the run at the next step boundary if an interrupt's KeyboardInterrupt was
        swallowed somewhere inside the stack."""

        def on_step_end(self, args, state, control, **kwargs):
            raise_if_interrupted()

    return StopOnInterrupt()


def build_trainer(
    config: TrainConfig, model, tokenizer, records=None, folder: Path | None = None, callbacks=(), sample=None
):
    """The SFTTrainer for a run. `records` is a function returning an iterator of training
    records (default: the run's own stream)."""
    from trl import SFTTrainer

    records = records or record_stream(config)
    sample = sample or first_records(config, 200)  # read once: the step check and the step estimate share it
    check_one_step(config, sample, tokenizer, world_size())
    if config.max_steps > 0:
        steps = config.max_steps
    else:  # each optimizer step takes a batch on every process
        steps = max(1, estimated_steps(config, sample, tokenizer) // world_size())
    callbacks = [
        *callbacks,
        *([_time_limit_callback(config.time_limit)] if config.time_limit else []),
        _interrupt_callback(),
    ]
    images = is_processor(tokenizer)
    if config.trainer == "plain":
        if images:
            raise TrainConfigError(
                "--trainer plain trains on text; a vision-language model trains with --trainer sft "
                "(TRL's vision collator)"
            )
        return _plain_trainer(config, model, tokenizer, records, steps, callbacks)
    dataset, assistant_only = training_dataset(records, tokenizer)
    trainer = SFTTrainer(
        model=model,
        args=sft_config(config, assistant_only, folder, max_steps=steps, images=images),
        train_dataset=dataset,
        processing_class=tokenizer,
        peft_config=peft_config(config),
        callbacks=callbacks,
    )
    # bfd packs each window of 1,000 chats longest first, and a stream has no sampler to mix
    # the rows: shuffled here, consecutive batches are alike, as with a map-style dataset.
    if not images:
        trainer.train_dataset = trainer.train_dataset.shuffle(seed=config.seed, buffer_size=SHUFFLE_ROWS)
    return trainer


def _plain_trainer(config: TrainConfig, model, tokenizer, records, steps: int, callbacks):
    """The plain loop (trainers.training.plain_loop), with the model wrapped in its adapter for PEFT methods."""
    from trainers.training.plain_loop import PlainTrainer

    if world_size() > 1:
        raise TrainConfigError("--trainer plain runs in one process; use --trainer sft under torchrun or accelerate")
    adapters = peft_config(config)
    if adapters is not None:
        from peft import get_peft_model

        model = get_peft_model(model, adapters)
    return PlainTrainer(
        model,
        tokenizer,
        records,
        max_steps=steps,
        lr=config.resolved_lr(),
        batch_size=config.batch_size,
        grad_accum=config.grad_accum,
        max_length=config.max_length,
        seed=config.seed,
        time_limit=config.time_limit,
        callbacks=callbacks,
        prompt_loss=config.prompt_loss,
    )


def save_model(trainer, tokenizer, config: TrainConfig, folder: Path | None = None) -> Path:
    """The adapter alone for PEFT methods, the whole model for full fine-tuning."""
    out = Path(folder or config.run_dir) / ("model" if config.resolved_method() == "full" else "adapter")
    trainer.model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    return out
