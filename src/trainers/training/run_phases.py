"""One training run inside its (temporary) folder: model, trainer, evaluation after training
against the most-common-answer baseline, the curriculum when asked, and what is written.
`trainers.training.finetune.train` checks the inputs and provides the folder; this module does the
work."""

from __future__ import annotations

import contextlib
import os
import time
from pathlib import Path

from trainers.data.atomic_files import atomic_write, write_json
from trainers.data.chat_builder import ChatBuilder
from trainers.training.curriculum import Curriculum
from trainers.training.train_config import TrainConfig
from trainers.training.trainer_parts import (
    build_trainer,
    check_target_modules,
    load_model,
    process_rank,
    save_model,
    world_size,
)
from trainers.training.training_data import record_stream

PROBE_CHATS = 4
"""Held-out chats per prior at each curriculum check: enough to move the rolling accuracy."""


def _curriculum_parts(config: TrainConfig, echo):
    """The curriculum, the builder of the next fresh chat (at the current levels), and the
    callback that scores the model on a few chats per prior every `curriculum_every` steps."""
    import attrs
    from transformers import TrainerCallback

    from trainers.training.evaluate import HFResponder, isolated_prompts, judge, reply_tokens

    names = [name for name, _ in config.chats.priors]
    curriculum = Curriculum(names, threshold=config.curriculum_threshold, window=config.curriculum_window)
    builders: dict[tuple, ChatBuilder] = {}

    def builder() -> ChatBuilder:
        key = tuple(sorted(curriculum.current().items()))
        if key not in builders:
            builders[key] = ChatBuilder(curriculum.chat_config(config.chats))
        return builders[key]

    class Probe(TrainerCallback):
        def __init__(self, tokenizer):
            self.tokenizer = tokenizer

        def on_step_end(self, args, state, control, model=None, **kwargs):
            if state.global_step % config.curriculum_every:
                return
            prompts, keys, records = [], [], []
            for name in names:
                probe = attrs.evolve(
                    curriculum.chat_config(config.chats),
                    priors=((name, 1.0),),
                    seed=config.eval_seed + state.global_step,
                )
                chats = ChatBuilder(probe)
                for i in range(PROBE_CHATS):
                    records.append(record := chats.record(i))
                    for prompt, qa in zip(isolated_prompts(record), record["metadata"]["qas"]):
                        prompts.append(prompt)
                        keys.append((name, qa))
            budget = reply_tokens(self.tokenizer, records)
            replies = HFResponder(model, self.tokenizer, progress=False, max_new_tokens=budget).respond(prompts)
            before = len(curriculum.moves)
            curriculum.record_many((name, bool(judge(reply, qa))) for (name, qa), reply in zip(keys, replies))
            for line in move_lines(curriculum.moves[before:], state.global_step):
                echo(line)

    return curriculum, builder, Probe


def move_lines(moves, step: int) -> list[str]:
    """A line per move, each with the level it moved to: a prior that moves twice in one
    probe (easy to medium to hard) was said to move to its final level twice."""
    return [f"curriculum: {prior} moves up to {level} at step {step}" for _, prior, level in moves]


def write_mixture(path: Path, config: TrainConfig) -> None:
    """The run's mixture and training options in the --config form: `arc-priors train --config
    RUN/config.yaml` runs it again (give another --run-dir)."""
    import yaml

    options = {
        k: v for k, v in config.as_dict().items() if k not in ("chats", "run_dir", "resolved_method", "resolved_lr")
    }
    text = yaml.safe_dump({**config.chats.as_dict(), "train": options}, sort_keys=False)
    atomic_write(path, lambda fh: fh.write(text.encode()))


def _progress_callback(echo, every: int, limit: float | None = None):
    """The run's own progress line every `every` steps: step, loss and time left, in place of
    the trainer's progress bar and its raw log dictionaries."""
    from transformers import TrainerCallback

    class Progress(TrainerCallback):
        def on_train_begin(self, args, state, control, **kwargs):
            self.start, self.first, self.loss = time.monotonic(), None, None

        def on_log(self, args, state, control, logs=None, **kwargs):
            if logs and "loss" in logs:
                self.loss = float(logs["loss"])

        def on_step_end(self, args, state, control, **kwargs):
            step, total, now = state.global_step, state.max_steps, time.monotonic()
            if step == 1:
                self.first = now  # the first step carries the start-up; the estimate leaves it out
            if step % every and step != total:
                return
            elapsed = now - self.start
            left = time_left(
                elapsed,
                (now - self.first) / (step - 1) if self.first and step > 1 else elapsed / step,
                total - step,
                limit,
            )
            loss = f", loss {self.loss:.3f}" if self.loss is not None else ""
            echo(f"      step {step}/{total}{loss}, {_clock(elapsed)} so far, about {_clock(left)} left")

    return Progress()


def time_left(elapsed: float, per_step: float, steps_left: int, limit: float | None) -> float:
    """Seconds to the end of training: the steps left at the pace of the steps after the
    first, and never past a time limit (the run stops there)."""
    left = per_step * steps_left
    return min(left, max(0.0, limit - elapsed)) if limit else left


def use_threads(config: TrainConfig, echo, load: float | None = None) -> None:
    """Training threads, and a word when the machine is already busy: at load 5 on two cores
    the main job's steps took 1.5-2 s instead of 0.2 s, and nothing said why."""
    import torch

    if config.threads:
        torch.set_num_threads(config.threads)
    cores = os.cpu_count() or 1
    load = load if load is not None else (os.getloadavg()[0] if hasattr(os, "getloadavg") else 0.0)
    if load > cores:
        hint = "" if config.threads == 1 else "; --threads 1 often helps"
        echo(
            f"      warning: load average {load:.1f} on {cores} cores: other programs share the CPU, "
            f"so training runs slower than the documented times{hint}"
        )


def _clock(seconds: float) -> str:
    minutes, seconds = divmod(int(seconds), 60)
    return f"{minutes}:{seconds:02d}"


def _quiet(trainer) -> None:
    """Drop the trainer's own progress bar and printed log dictionaries: the run prints its own lines."""
    from transformers.trainer_callback import PrinterCallback, ProgressCallback

    trainer.remove_callback(ProgressCallback)
    trainer.remove_callback(PrinterCallback)


def run(config: TrainConfig, folder: Path, sample: list[dict], held_out: list[dict], majority: dict, echo) -> dict:
    from trainers.training.evaluate import evaluate, reply_tokens, write_report
    from trainers.training.plots import plot_loss
    from trainers.training.report import majority_report, verdicts
    from trainers.training.responders import is_processor, responder_for
    from trainers.training.tiny_model import count_parameters

    what = f"the model in {config.model}" if config.model else "the tiny model from scratch"
    echo(f"[1/4] loading {what}")
    use_threads(config, echo)
    model, tokenizer = load_model(config, folder)
    check_target_modules(config, model)
    echo(
        f"      {count_parameters(model):,} parameters; method {config.resolved_method()}, learning rate "
        f"{config.resolved_lr():g}"
    )
    if process_rank() == 0:
        write_json(folder / "config.json", config.as_dict())
        write_mixture(folder / "config.yaml", config)
    curriculum, callbacks, records = None, [], None
    if config.curriculum:
        curriculum, builder, Probe = _curriculum_parts(config, echo)
        records, callbacks = record_stream(config, level_of=builder), [Probe(tokenizer)]
    source = (
        f"--data {config.data} (streamed)"
        if config.data
        else f"{config.n_train:,} fresh chats of {', '.join(n for n, _ in config.chats.priors)}"
    )
    echo(f"[2/4] training data: {source}, made and tokenized as training reads them")
    trainer = build_trainer(config, model, tokenizer, records, folder, callbacks, sample)
    _quiet(trainer)
    steps = trainer.args.max_steps
    trainer.add_callback(_progress_callback(echo, max(1, steps // 10), config.time_limit))
    limit = f", at most {config.time_limit:g} s" if config.time_limit else ""
    packed = config.trainer == "sft" and config.packing and not is_processor(tokenizer)
    rows = f"packed rows of {config.max_length} tokens" if packed else "chats"
    echo(f"[3/4] training: {steps} optimizer steps of {config.batch_size * config.grad_accum} {rows}{limit}")
    if not trainer.is_world_process_zero():
        trainer.train()
        return {}
    started = time.monotonic()
    result = trainer.train()
    seconds = time.monotonic() - started
    saved = save_model(trainer, tokenizer, config, folder)
    with contextlib.suppress(OSError):  # the trainer's output folder stays empty: checkpoints are off
        (folder / "checkpoints").rmdir()
    questions = sum(len(r["metadata"]["qas"]) for r in held_out)
    if held_out:
        echo(f"[4/4] evaluating on {len(held_out)} held-out chats ({questions} questions, each in its chat and alone)")
    responder = responder_for(
        trainer.model, tokenizer, progress=False, max_new_tokens=reply_tokens(tokenizer, held_out)
    )
    shown = config.chats.grid_format
    after = evaluate(responder, held_out, progress=False, grid_format=shown) if held_out else None

    losses = [(h["step"], h["loss"]) for h in trainer.state.log_history if "loss" in h]
    plot_loss(losses, folder / "loss.png")
    metrics = {
        "train_seconds": seconds,
        "train_steps": trainer.state.global_step,
        "processes": world_size(),
        "train_loss": result.training_loss,
        "loss_curve": losses,
        "saved": str(config.run_dir / saved.relative_to(folder)),
    }
    if curriculum is not None:
        metrics["curriculum"] = curriculum.as_dict()
    if after is not None:
        baseline = majority_report(after, majority)
        metrics |= {"after": after.as_dict(), "majority_baseline": baseline.as_dict()}
        write_report(after, folder, name="eval", baseline=baseline)
        echo(
            "Held-out accuracy of the trained model (exact match, 95% intervals); 'majority' is the accuracy of always"
        )
        echo(
            "giving each family's most common training answer, the bar for having learned more than answer frequencies:"
        )
        echo(after.table(baseline))
        echo(verdicts(after, baseline))
    write_json(folder / "metrics.json", metrics)
    return metrics
