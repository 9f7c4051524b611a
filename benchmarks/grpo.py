"""Mean graded reward on held-out prompts before and after a short GRPO run of the tiny model.

    python benchmarks/grpo.py [--sft-steps 300] [--grpo-steps 100] [--eval-prompts 512] [--sft-model DIR] \
[--answers worked]

The recipe is docs/rl.md's: a warm start with `arc-priors train` (skipped with --sft-model;
--sft-steps 0 starts from the untrained tiny model),
then GRPOTrainer with the graded reward on chats of seed 1, 16 completions a step (4 prompts
x 4 generations). Held-out prompts come from the evaluation seed (1000003), one per question,
asked alone with their grid. Reported for each model: the mean graded reward and the exact
match rate of greedy answers; the mean graded reward of 4 answers sampled at temperature 1
(what GRPO maximises); and the share of those groups of 4 whose rewards are all equal, so
give GRPO no gradient, under the graded and under the exact-match reward. The load average
stands beside the wall times: other work on the machine slows every step.

With --answers worked, the warm start and GRPO use worked answers (steps, then the answer on
the last line), GRPO adds the step reward (`trainers.training.rewards.step_reward`, weight 1) to the
graded one, completions may run to the longest reference reply, and the step credit and its
flat groups are reported beside the rest.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

EVAL_SEED = 1_000_003


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def held_out_rows(n: int, answers: str = "bare") -> list[dict]:
    from trainers.data.chat_builder import ChatBuilder, ChatConfig
    from trainers.training.rewards import grpo_rows

    builder, rows, index = ChatBuilder(ChatConfig(seed=EVAL_SEED, answers=answers)), [], 0
    while len(rows) < n:
        rows.extend(grpo_rows(builder.record(index)))
        index += 1
    return rows[:n]


def completion_tokens(tokenizer, rows: list[dict]) -> int:
    """Completion length: 8 tokens for bare answers; worked ones run to their longest reference."""
    from trainers.training.evaluate import token_budget

    worked = [r["worked"] for r in rows if r.get("worked")]
    return token_budget(tokenizer, worked, least=8) if worked else 8


def answers(model, tokenizer, rows: list[dict], *, samples: int, batch: int = 32) -> list[list[str]]:
    """`samples` answers per prompt: greedy when 1, sampled at temperature 1 otherwise.
    Left padding, so that batched answers equal one-at-a-time answers."""
    import torch

    texts = [tokenizer.apply_chat_template(r["prompt"], add_generation_prompt=True, tokenize=False) for r in rows]
    budget = completion_tokens(tokenizer, rows)
    out: list[list[str]] = []
    model.eval()
    with torch.inference_mode():
        for start in range(0, len(texts), batch):
            enc = tokenizer(
                texts[start : start + batch],
                add_special_tokens=False,
                padding=True,
                padding_side="left",
                return_tensors="pt",
            )
            sampling = (
                {"do_sample": True, "temperature": 1.0, "top_k": 0, "top_p": 1.0}
                if samples > 1
                else {"do_sample": False}
            )
            ids = model.generate(
                **enc,
                max_new_tokens=budget,
                num_return_sequences=samples,
                pad_token_id=tokenizer.pad_token_id,
                **sampling,
            )
            decoded = tokenizer.batch_decode(ids[:, enc["input_ids"].shape[1] :], skip_special_tokens=True)
            out.extend(decoded[i : i + samples] for i in range(0, len(decoded), samples))
    return out


def measure(model_dir: Path, rows: list[dict]) -> dict:
    import torch

    from priors.scoring import score_answer
    from trainers.training.evaluate import load_local_model
    from trainers.training.step_credit import score_steps

    model, tokenizer = load_local_model(model_dir)
    torch.manual_seed(0)
    greedy_replies = answers(model, tokenizer, rows, samples=1)
    sampled = answers(model, tokenizer, rows, samples=4)
    greedy = [score_answer(a[0], r) for a, r in zip(greedy_replies, rows)]
    groups = [[score_answer(s, r) for s in a] for a, r in zip(sampled, rows)]
    results = {
        "greedy graded": sum(greedy) / len(greedy),
        "greedy exact": sum(g == 1.0 for g in greedy) / len(greedy),
        "sampled graded": sum(map(sum, groups)) / (4 * len(groups)),
        # A group of 4 samples whose rewards are all equal gives GRPO no gradient.
        "flat groups, graded": sum(len(set(g)) == 1 for g in groups) / len(groups),
        "flat groups, exact": sum(len({x == 1.0 for x in g}) == 1 for g in groups) / len(groups),
    }
    worked = [i for i, r in enumerate(rows) if r.get("worked")]
    if worked:
        steps = [[score_steps(s, rows[i]) for s in sampled[i]] for i in worked]
        results |= {
            "greedy steps": sum(score_steps(greedy_replies[i][0], rows[i]) for i in worked) / len(worked),
            "sampled steps": sum(map(sum, steps)) / (4 * len(steps)),
            "flat groups, steps": sum(len(set(g)) == 1 for g in steps) / len(steps),
        }
    return results


def warm_start(run_dir: Path, steps: int, answers: str = "bare") -> Path:
    """The page's `arc-priors train` run; with 0 steps, the untrained tiny model."""
    if steps == 0:
        from trainers.training.tiny_model import build_tiny_model

        return build_tiny_model(run_dir / "base_model")
    command = [
        "arc-priors",
        "train",
        "--max-steps",
        str(steps),
        "--grad-accum",
        "1",
        "--max-length",
        "512",
        "--n-eval",
        "0",
        "--run-dir",
        str(run_dir),
    ]
    command += ["--answers", answers] if answers != "bare" else []
    print("$", " ".join(command), flush=True)
    bin_dir = Path(sys.executable).parent
    subprocess.run(
        command,
        check=True,
        env={**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"},
        stdout=subprocess.DEVNULL,
    )
    return run_dir / "model"


def grpo(model_dir: Path, out: Path, steps: int, lr: float, chats: int, answers: str = "bare"):
    from datasets import Dataset
    from transformers import AutoTokenizer
    from trl import GRPOConfig, GRPOTrainer

    from trainers.data.chat_builder import ChatBuilder, ChatConfig
    from trainers.training.rewards import exact_match_reward, graded_reward, grpo_rows, step_reward

    builder = ChatBuilder(ChatConfig(seed=1, answers=answers))
    rows = [row for i in range(chats) for row in grpo_rows(builder.record(i))]
    prompts = Dataset.from_list(rows)
    rewards, weights = [graded_reward, exact_match_reward], [1.0, 0.0]
    if answers == "worked":
        rewards, weights = rewards + [step_reward], weights + [1.0]
    config = GRPOConfig(
        output_dir=str(out),
        max_steps=steps,
        learning_rate=lr,
        per_device_train_batch_size=16,
        num_generations=4,
        max_completion_length=completion_tokens(AutoTokenizer.from_pretrained(model_dir), rows),
        temperature=1.0,
        reward_weights=weights,
        bf16=False,
        use_cpu=True,
        dataloader_pin_memory=False,
        logging_steps=max(1, steps // 6),
        save_strategy="no",
        report_to="none",
        seed=0,
        disable_tqdm=True,
        # TRL's default for GRPO, under the name transformers 5 gives it (the old one warns); rl.md's figures had it on
        activation_checkpointing=True,
    )
    trainer = GRPOTrainer(model=str(model_dir), reward_funcs=rewards, args=config, train_dataset=prompts)
    trainer.train()
    trainer.save_model(str(out / "model"))
    return trainer


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sft-steps", type=int, default=300, help="0: start from the untrained tiny model")
    parser.add_argument("--sft-model", type=Path, help="reuse this warm-start model folder instead of training one")
    parser.add_argument("--grpo-steps", type=int, default=100)
    parser.add_argument("--lr", type=float, default=1e-4)
    parser.add_argument("--chats", type=int, default=500, help="training chats (about 4 prompts each)")
    parser.add_argument("--eval-prompts", type=int, default=512)
    parser.add_argument(
        "--answers",
        choices=["bare", "worked"],
        default="bare",
        help="worked: steps, then the answer; adds the step reward",
    )
    args = parser.parse_args()

    rows = held_out_rows(args.eval_prompts, args.answers)
    with tempfile.TemporaryDirectory() as tmp:
        print(f"load average {load_average()}", flush=True)
        started = time.monotonic()
        sft = args.sft_model or warm_start(Path(tmp) / "sft", args.sft_steps, args.answers)
        print(f"warm start: {time.monotonic() - started:.0f} s; load average {load_average()}", flush=True)
        before = measure(sft, rows)
        started = time.monotonic()
        trainer = grpo(sft, Path(tmp) / "grpo", args.grpo_steps, args.lr, args.chats, args.answers)
        print(
            f"GRPO: {args.grpo_steps} steps in {time.monotonic() - started:.0f} s; load average {load_average()}",
            flush=True,
        )
        for h in trainer.state.log_history:
            if "reward" in h:
                print(
                    f"  step {h['step']:>4}: reward {h['reward']:.3f}  "
                    f"exact {h['rewards/exact_match_reward/mean']:.3f}  "
                    f"reward_std {h['reward_std']:.3f}  frac_reward_zero_std {h['frac_reward_zero_std']:.2f}"
                )
        after = measure(Path(tmp) / "grpo" / "model", rows)
    print(f"\n{len(rows)} held-out prompts   {'before':>8} {'after':>8}")
    for key in before:
        print(f"{key:<22} {before[key]:8.3f} {after[key]:8.3f}")
    print(f"load average {load_average()}")


if __name__ == "__main__":
    main()
