"""The chats a run trains on, streamed; the held-out chats it is judged on; and the baseline.

Training never holds its data in a list: a `--data` file is read record by record as the
trainer asks (so a million-chat file starts at once, in flat memory), and fresh chats are
made as they are read. The first records are checked against the schema before anything
expensive starts; a bad record further in ends the run with one line, and the run leaves
nothing behind.
"""

from __future__ import annotations

import itertools
import math
from collections import Counter, defaultdict
from typing import Callable, Iterable, Iterator

import attrs

from trainers.data.chat_builder import ChatBuilder
from trainers.data.engine import Records
from trainers.data.mixture import ChatConfig
from trainers.training.train_config import TrainConfig, TrainConfigError

CHECKED_UP_FRONT = 1000
"""Records of a --data file read and checked before the model loads."""
BASELINE_SAMPLE = 20_000
"""Training records the majority-answer baseline is counted over (a bounded sample: a file may hold millions)."""


def data_mixture(config: TrainConfig) -> ChatConfig:
    """The mixture the training chats follow: a --data file's own (its card) unless the file
    has no card, in which case the options given; fresh chats follow the options."""
    if config.data is None:
        return config.chats
    from trainers.data.cards import recorded_mixture

    recorded = recorded_mixture(config.data)
    return recorded if recorded is not None else config.chats


def record_stream(
    config: TrainConfig, level_of: Callable[[], ChatBuilder] | None = None, shown: bool = True
) -> Callable[[], Iterator[dict]]:
    """A function returning a fresh iterator over the training records, each time it is called
    (the trainer starts over for each epoch). `level_of` gives the builder to use for the
    next fresh chat: the curriculum's, which changes as priors move up. Fresh chats show their
    grids as the mixture asks (`grid_format`) unless `shown` is off: what only reads the
    questions and answers (the baseline) need not draw an image."""
    if config.data is not None:
        from trainers.data.datasets import read_records

        path = config.data
        return lambda: read_records(path)
    count = config.n_train
    if level_of is not None:  # levels change between records: each is made alone, at the level of its moment
        return lambda: ((b := level_of()).show(b.record(i)) for i in range(count))
    builder = ChatBuilder(config.chats)
    records = Records(builder)
    if not shown or config.chats.grid_format == "text":
        return lambda: records.stream(count)  # record i is line i of `generate` with these options
    return lambda: (builder.show(r) for r in records.stream(count))


def chat_stream(records: Callable[[], Iterable[dict]], images: bool = False):
    """The chats of `records` (called again for each epoch) as a streamed
    `datasets.IterableDataset` of `messages`, built without a dataset builder:
    `IterableDataset.from_generator` makes one, and its builder leaves a 0-byte lock file in
    the Hugging Face datasets cache in the home folder on every run, for a stream that
    caches nothing. What the trainer reads is the same, example for example. With `images`
    (a vision-language model's stream), turns are content parts and each chat has its
    `images` (`trainers.data.images`), none for a chat of text."""
    from datasets import DatasetInfo, Features, Split
    from datasets.iterable_dataset import ExamplesIterable, IterableDataset

    from trainers.data.images import as_parts
    from trainers.data.schema import features

    def examples():
        for i, record in enumerate(records()):
            if images:
                yield i, {"messages": as_parts(record["messages"]), "images": record.get("images", [])}
            else:
                yield i, {"messages": record["messages"]}

    published = features(images=images)
    info = DatasetInfo(
        features=Features({"messages": published["messages"], **({"images": published["images"]} if images else {})})
    )
    return IterableDataset(ExamplesIterable(examples, {}), info=info, split=Split.TRAIN)


def first_records(config: TrainConfig, n: int) -> list[dict]:
    """The first `n` training records, read and checked now, so that a bad file fails before
    the model loads; an empty file fails here too."""
    records = list(itertools.islice(record_stream(config)(), n))
    if not records:
        raise TrainConfigError(f"--data {config.data} holds no chats to train on")
    return records


def majority_answers(records: Iterable[dict]) -> dict[str, str]:
    """Each family's most common answer in the training chats (ties: the first seen)."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        for qa in record["metadata"]["qas"]:
            counts[qa["family"]][qa["answer"]] += 1
    return {family: c.most_common(1)[0][0] for family, c in counts.items()}


def baseline(config: TrainConfig) -> dict[str, str]:
    """Majority answers over the first BASELINE_SAMPLE training records."""
    return majority_answers(itertools.islice(record_stream(config, shown=False)(), BASELINE_SAMPLE))


def evaluation_records(config: TrainConfig) -> list[dict]:
    """Held-out chats: the training mixture (a --data file's own), under the evaluation seed,
    so that no record is shared with training and the text is written as training saw it;
    real ARC grids and tasks come from the evaluation split, training's from the training split."""
    chats = attrs.evolve(data_mixture(config), seed=config.eval_seed, split="evaluation")
    return list(Records(ChatBuilder(chats)).stream(config.n_eval))


def count_records(config: TrainConfig) -> int:
    """How many training records there are: --n-train, or a file's count (its card's, else counted)."""
    if config.data is None:
        return config.n_train
    from trainers.data.cards import read_card

    card = read_card(config.data)
    if card and isinstance(card.get("records"), int):
        return card["records"]
    return sum(1 for _ in record_stream(config)())


def rows_per_epoch(config: TrainConfig, sample: list[dict], tokenizer) -> float:
    """Rows one pass over the training records makes: packed rows of --max-length for sft,
    chats for the plain loop (which never packs), estimated from a sample's tokens."""
    from trainers.training.responders import text_side

    texts = [tokenizer.apply_chat_template(r["messages"], tokenize=False) for r in sample[:200]]
    tokens = sum(
        min(len(ids), config.max_length) for ids in text_side(tokenizer)(texts, add_special_tokens=False)["input_ids"]
    ) / len(texts)
    per_row = config.max_length if config.packing and config.trainer == "sft" else tokens
    return count_records(config) * tokens / per_row


def estimated_steps(config: TrainConfig, sample: list[dict], tokenizer) -> int:
    """Optimizer steps (all processes together) for --epochs over a stream, which has no
    length: packed rows are estimated from the tokens of a sample of chats."""
    return max(
        1,
        math.ceil(config.epochs * rows_per_epoch(config, sample, tokenizer) / (config.batch_size * config.grad_accum)),
    )


def check_one_step(config: TrainConfig, sample: list[dict], tokenizer, processes: int = 1) -> None:
    """Refuse a stream too short for one optimizer step: TRL's trainer restarts an epoch that
    ends before its batches are accumulated, without stepping, so `--max-steps` is never
    reached and the run spins forever (8 chats packed into one row of 1024 tokens, with
    --grad-accum 4, did)."""
    needed = config.batch_size * config.grad_accum * processes
    rows = math.ceil(rows_per_epoch(config, sample, tokenizer))
    if config.trainer == "sft" and rows < needed:
        what = f"--data {config.data}" if config.data else f"--n-train {config.n_train}"
        raise TrainConfigError(
            f"{what} fills about {rows} packed row(s) of {config.max_length} tokens, fewer than one optimizer step "
            f"takes ({needed}: --batch-size x --grad-accum x processes); give more chats, or lower --max-length or "
            "--grad-accum"
        )
