"""Training throughput: packing + answer-only loss vs padded batches without packing.

    python benchmarks/train.py [--chats 1200] [--steps 12]

Same tiny model (built fresh, same seed), same chats drawn from the default size
curriculum, same answer-only loss, about the same number of chats per optimizer step.
Reported: real (non-pad) tokens per second for each, and their ratio, from one run.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import attrs


def measure(label: str, config, records) -> float:
    from trainers.finetune import build_trainer, load_model

    model, tokenizer = load_model(config)
    trainer = build_trainer(config, model, tokenizer, records)
    trainer.args.include_num_input_tokens_seen = "non_padding"
    trainer.args.disable_tqdm = True
    start = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - start
    tokens = trainer.state.num_input_tokens_seen
    rate = tokens / seconds
    print(f"{label:<34} {tokens:>9,} real tokens in {seconds:6.1f} s = {rate:7,.0f} tok/s")
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chats", type=int, default=1200)
    parser.add_argument("--steps", type=int, default=12)
    parser.add_argument("--max-length", type=int, default=1024, help="tokens per packed row")
    args = parser.parse_args()
    from trainers.finetune import TrainConfig, training_records

    with tempfile.TemporaryDirectory() as tmp:
        base = TrainConfig(
            run_dir=Path(tmp) / "packed", n_train=args.chats, n_eval=0, max_steps=args.steps, method="full", max_length=args.max_length
        )
        records = training_records(base)
        packed = measure(f"packing (bfd, rows of {args.max_length}), batch 1 x accum 4", base, records)
        padded_config = attrs.evolve(base, run_dir=Path(tmp) / "padded", packing=False, batch_size=8, grad_accum=4)
        padded = measure("padded, no packing, batch 8 x accum 4", padded_config, records)
    print(f"ratio packed / padded: {packed / padded:.2f}x")


if __name__ == "__main__":
    main()
