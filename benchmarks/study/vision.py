"""Study (j), second half: text against image against both, at equal steps, on the tiny
vision-language model (docs/study.md).

    python benchmarks/study/vision.py [--steps 600] [--batch 16] [--n-eval 300] [--out runs/study_j]

One tiny LLaVA is built (`trainers.training.tiny_vlm`, seed 0) and each arm starts from that
same folder (`--model`), so that the three differ only in how the chats show their grids:
`arc-priors train --grid-format text|image|both` on the main job's grids and question
(`counting.objects`, sides 3-10, shapes of up to 6 cells), one question a chat, the brief
system prompt, full fine-tuning at the same learning rate, batch and steps, through TRL's
vision collator. Each run's own held-out table (the same mixture under the evaluation seed)
gives its accuracy against always answering the most common count. Writes OUT/vision.json.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

MIXTURE = """\
priors:
  counting:
    settings: {min_side: 3, max_side: 10, side_scale: 1000, min_objects: 1, max_objects: 8,
               max_colors: 9, max_area: 6, touching: true}
    families: [counting.objects]
questions_per_chat: 1
system_prompt: brief
phrasings: template
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch", type=int, default=16)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--n-eval", type=int, default=300)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--formats", default="text,image,both")
    parser.add_argument("--out", type=Path, default=ROOT / "runs" / "study_j")
    args = parser.parse_args()
    from trainers.training.tiny_vlm import build_tiny_vlm

    args.out.mkdir(parents=True, exist_ok=True)
    base = args.out / "base"
    if not (base / "config.json").is_file():
        build_tiny_vlm(base, seed=0)
    mix = args.out / "mixture.yaml"
    mix.write_text(MIXTURE)
    results = {}
    for fmt in args.formats.split(","):
        run = args.out / fmt
        started = time.monotonic()
        subprocess.run(
            [
                *(sys.executable, "-m", "arc_priors", "train", "--config", str(mix), "--model", str(base)),
                *("--grid-format", fmt, "--method", "full", "--lr", str(args.lr), "--max-steps", str(args.steps)),
                *("--batch-size", str(args.batch), "--grad-accum", "1", "--n-eval", str(args.n_eval)),
                *("--n-train", "1000000"),  # fresh chats throughout: no chat seen twice
                *("--threads", str(args.threads), "--run-dir", str(run), "--overwrite"),
            ],
            check=True,
        )
        metrics = json.loads((run / "metrics.json").read_text())
        after, bar = metrics["after"]["summary"], metrics["majority_baseline"]["summary"]
        family = "counting.objects"
        results[fmt] = {
            "seconds": round(time.monotonic() - started, 1),
            "train_seconds": round(metrics["train_seconds"], 1),
            "steps": metrics["train_steps"],
            **{mode: after[mode]["families"][family] for mode in ("in_chat", "isolated")},
            "majority": bar["in_chat"]["families"][family]["accuracy"],
        }
        print(fmt, json.dumps(results[fmt]), flush=True)
    (args.out / "vision.json").write_text(json.dumps(results, indent=1) + "\n")


if __name__ == "__main__":
    main()
