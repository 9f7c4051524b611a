"""A plain training loop for small models: batches of chats of like length, AdamW, warm-up
and cosine decay, loss on the assistant's tokens only.

Why it exists beside TRL's SFTTrainer: on a CPU, a model of a million parameters spends
most of a packed step outside its own layers (attention over 512-token rows whose chats
are 50-150 tokens, the packing and collating machinery). Batching chats of equal or
nearly equal length instead keeps every chat apart without masks, wastes almost no token
on padding, and trained the built-in tiny model 3.2x faster per token on this project's
2-core machine (docs/performance.md, "Training"). It is what the main job
uses (`trainer: plain`); everything else about a run (its folder, model, evaluation and
report) is the same as with TRL.

The loop speaks the transformers callback protocol (`TrainerState`, `TrainerControl`, and
the `on_train_begin`/`on_log`/`on_step_end` hooks), so the run's progress lines, its time
limit and the curriculum's probe work unchanged.
"""

from __future__ import annotations

import math
import random
from types import SimpleNamespace
from typing import Callable, Iterable, Iterator

from trainers.training.masking import masks_to_labels, tokenize_chat

WINDOW = 64
"""Batches' worth of chats read at a time and sorted by length: wide enough that most batches
hold chats of one length, narrow enough that the order of the stream barely changes."""
WARMUP = 10
LOG_EVERY = 5


def length_batches(records: Iterable[dict], tokenizer, batch_size: int, seed: int, max_length: int) -> Iterator[dict]:
    """Batches of `batch_size` tokenized chats, padded on the right to the longest of the batch.

    Chats are read `WINDOW` batches at a time, sorted by length (so a batch pads little),
    cut into batches, and the batches of a window are shuffled, so that one step does not
    see only the shortest grids. Chats longer than `max_length` are cut, as the SFT path cuts them.
    """
    import torch

    rng = random.Random(seed)
    pad = tokenizer.pad_token_id if tokenizer.pad_token_id is not None else tokenizer.eos_token_id
    iterator = iter(records)
    while True:
        window = []
        for record in iterator:
            chat = tokenize_chat(tokenizer, record["messages"])
            window.append(
                (
                    chat["input_ids"][:max_length],
                    masks_to_labels(chat["input_ids"], chat["assistant_masks"])[:max_length],
                )
            )
            if len(window) == WINDOW * batch_size:
                break
        if not window:
            return
        window.sort(key=lambda chat: len(chat[0]))
        batches = [window[i : i + batch_size] for i in range(0, len(window), batch_size)]
        rng.shuffle(batches)
        for batch in batches:
            width = max(len(ids) for ids, _ in batch)
            yield {
                "input_ids": torch.tensor([ids + [pad] * (width - len(ids)) for ids, _ in batch]),
                "labels": torch.tensor([labels + [-100] * (width - len(labels)) for _, labels in batch]),
                "attention_mask": torch.tensor([[1] * len(ids) + [0] * (width - len(ids)) for ids, _ in batch]),
            }


def batch_loss(model, batch: dict, prompt_loss: float = 0.0):
    """The loss on the answers' tokens, plus `prompt_loss` times the loss on the prompt's own
    tokens (the grids read as text: predicting a cell from the rows above it is practice in
    the very neighbourhoods that make objects, and the prompt's tokens are computed anyway).
    The answers' part is always the model's own loss, so that the two never differ."""
    out = model(**batch)
    if not prompt_loss:
        return out.loss
    import torch.nn.functional as F

    ids, labels, mask = batch["input_ids"], batch["labels"], batch["attention_mask"]
    prompt = ids.masked_fill((labels != -100) | (mask == 0), -100)
    logits = out.logits[:, :-1].float()
    return out.loss + prompt_loss * F.cross_entropy(
        logits.reshape(-1, logits.shape[-1]), prompt[:, 1:].reshape(-1), ignore_index=-100
    )


def learning_rate(step: int, total: int, peak: float, done: float = 0.0) -> float:
    """Linear warm-up over the first WARMUP steps, then cosine decay to zero (TRL's schedule).

    `done` is the share of a time limit already spent: the decay follows whichever of steps
    and time runs out first, so that a run its time limit stops early has still cooled down,
    instead of ending at a high learning rate."""
    if step < WARMUP:
        return peak * (step + 1) / WARMUP
    progress = max((step - WARMUP) / max(1, total - WARMUP), done)
    return peak * 0.5 * (1.0 + math.cos(math.pi * min(1.0, progress)))


class PlainTrainer:
    """Trains `model` for `max_steps` optimizer steps on the chats `records()` yields (a
    function, called again whenever the stream runs out). The interface is the part of
    transformers' Trainer that a run uses: `train()`, `model`, `state`, `args.max_steps`,
    `add_callback`, `remove_callback`, `is_world_process_zero`."""

    def __init__(
        self,
        model,
        tokenizer,
        records: Callable[[], Iterator[dict]],
        *,
        max_steps: int,
        lr: float,
        batch_size: int,
        grad_accum: int,
        max_length: int,
        seed: int,
        time_limit: float | None = None,
        callbacks=(),
        prompt_loss: float = 0.0,
    ):
        from transformers import TrainerControl, TrainerState

        self.model, self.tokenizer, self.records = model, tokenizer, records
        self.lr, self.batch_size, self.grad_accum, self.max_length, self.seed = (
            lr,
            batch_size,
            grad_accum,
            max_length,
            seed,
        )
        self.time_limit, self.prompt_loss = time_limit, prompt_loss
        self.args = SimpleNamespace(max_steps=max_steps)
        self.state = TrainerState(max_steps=max_steps, global_step=0, log_history=[], num_input_tokens_seen=0)
        self.control = TrainerControl()
        self.callbacks = list(callbacks)

    def add_callback(self, callback) -> None:
        self.callbacks.append(callback)

    def remove_callback(self, kind) -> None:
        self.callbacks = [c for c in self.callbacks if not isinstance(c, kind)]

    def is_world_process_zero(self) -> bool:
        return True

    def _call(self, hook: str, **kwargs) -> None:
        for callback in self.callbacks:
            getattr(callback, hook, lambda *a, **k: None)(
                self.args, self.state, self.control, model=self.model, **kwargs
            )

    def _batches(self) -> Iterator[dict]:
        """Batches forever: the stream is read again from its start when it runs out (an epoch)."""
        epoch = 0
        while True:
            empty = True
            for batch in length_batches(
                self.records(), self.tokenizer, self.batch_size, self.seed + epoch, self.max_length
            ):
                empty = False
                yield batch
            if empty:
                raise ValueError("the training stream holds no chats")
            epoch += 1

    def train(self) -> SimpleNamespace:
        import time

        import torch

        torch.manual_seed(self.seed)
        model = self.model
        model.train()
        trainable = [p for p in model.parameters() if p.requires_grad]
        optimizer = torch.optim.AdamW(trainable, lr=self.lr, weight_decay=0.0)
        batches = self._batches()
        total_loss, logged, logged_steps = 0.0, 0.0, 0
        self._call("on_train_begin")
        started = time.monotonic()
        for step in range(self.args.max_steps):
            done = (time.monotonic() - started) / self.time_limit if self.time_limit else 0.0
            for group in optimizer.param_groups:
                group["lr"] = learning_rate(step, self.args.max_steps, self.lr, done)
            step_loss = 0.0
            for _ in range(self.grad_accum):
                batch = next(batches)
                self.state.num_input_tokens_seen += int(batch["attention_mask"].sum())
                loss = batch_loss(model, batch, self.prompt_loss) / self.grad_accum
                loss.backward()
                step_loss += float(loss.detach())
            torch.nn.utils.clip_grad_norm_(trainable, 1.0)
            optimizer.step()
            optimizer.zero_grad(set_to_none=True)
            self.state.global_step = step + 1
            total_loss += step_loss
            logged += step_loss
            logged_steps += 1
            if self.state.global_step % LOG_EVERY == 0 or self.state.global_step == self.args.max_steps:
                logs = {
                    "loss": logged / logged_steps,
                    "learning_rate": optimizer.param_groups[0]["lr"],
                    "step": self.state.global_step,
                }
                self.state.log_history.append(logs)
                self._call("on_log", logs=logs)
                logged, logged_steps = 0.0, 0
            self._call("on_step_end")
            if self.control.should_training_stop:
                break
        model.eval()
        return SimpleNamespace(
            training_loss=total_loss / max(1, self.state.global_step), global_step=self.state.global_step
        )
