"""Training throughput on the tiny model: TRL's SFTTrainer on packed rows against the plain
loop's batches of chats of like length, both with the loss on the answers only.

    python benchmarks/train.py [--steps 150] [--rounds 2]

Same tiny model (built fresh, same seed), the main job's chats (src/trainers/training/main_job.yaml),
both trainers in one run, alternating, best of `--rounds`. Reported: real (non-pad) tokens
per second for each, their ratio, and the load average beside them.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path


def measure(label: str, config) -> float:
    from trainers.training.finetune import build_trainer, load_model
    from trainers.training.run_phases import _quiet

    config.run_dir.mkdir(parents=True)
    model, tokenizer = load_model(config)
    trainer = build_trainer(config, model, tokenizer)
    _quiet(trainer)
    if config.trainer == "sft":
        trainer.args.include_num_input_tokens_seen = "non_padding"
    start = time.perf_counter()
    trainer.train()
    seconds = time.perf_counter() - start
    rate = trainer.state.num_input_tokens_seen / seconds
    print(
        f"{label:<48} {trainer.state.num_input_tokens_seen:>9,} real tokens in {seconds:6.1f} s = {rate:7,.0f} tok/s "
        f"(load {os.getloadavg()[0]:.2f})",
        flush=True,
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--steps",
        type=int,
        default=150,
        help="plain steps of 16 chats; sft runs a quarter as many steps of 2 rows of 512",
    )
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    from trainers.data.mixture import make_chat_config, read_mixture
    from trainers.training.train_config import MAIN_JOB, make_train_config

    job = read_mixture(MAIN_JOB)
    chats = make_chat_config(dict(job.chat))
    best = {"sft": 0.0, "plain": 0.0}
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for trainer, changes in (
                ("sft", {"batch_size": 1, "grad_accum": 2, "max_length": 512, "max_steps": max(1, args.steps // 4)}),
                ("plain", {"max_steps": args.steps}),
            ):
                options = {
                    **dict(job.train),
                    **changes,
                    "trainer": trainer,
                    "time_limit": None,
                    "n_eval": 0,
                    "run_dir": Path(tmp) / f"{trainer}{round_}",
                    "chats": chats,
                }
                label = (
                    "sft: packed rows of 512, 2 a step" if trainer == "sft" else "plain: 16 chats of like length a step"
                )
                best[trainer] = max(best[trainer], measure(label, make_train_config(options)))
    print(f"ratio plain / sft, best of {args.rounds}: {best['plain'] / best['sft']:.2f}x")


if __name__ == "__main__":
    main()
