"""The study's experiments (g)-(i): counting objects with the tiny model, each arm one training
run through `trainers.training.finetune.train` (the path `arc-priors train` takes), scored by
benchmarks/count_check.py on grids from a sampler written apart from the project's.

    python benchmarks/study/counting.py g_worked [--threads 1]    # worked against bare answers
    python benchmarks/study/counting.py h_choices [--threads 1]   # trainer, learning rate, batch
    python benchmarks/study/counting.py i RUN_FOLDER \
              # the main job's model on every counting, area and colours family

Each writes docs/study/<experiment>.json (per arm: the mixture and training options, steps,
seconds trained, the load average before and after, the outside check, and the run's own
held-out `counting.objects` against always its most common answer) and a PNG. Arms are fixed
in optimizer steps, not seconds: a busy machine changes how long they take, not what they learn.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "docs" / "study"
sys.path.insert(0, str(ROOT / "benchmarks"))

GRIDS = {
    "min_side": 3,
    "max_side": 10,
    "side_scale": 1000,
    "min_objects": 1,
    "max_objects": 8,
    "max_colors": 9,
    "max_area": 6,
    "touching": True,
}
"""Shapes of up to 6 cells (blobs, bars, rectangles, outlines, single cells), 1-8 of them, that may
touch and merge, on sides 3-10 drawn almost uniformly: the project's own sampler."""
COUNT = {
    "priors": {"counting": {"settings": GRIDS, "families": ["counting.objects"]}},
    "system_prompt": "brief",
    "questions_per_chat": 1,
}
SFT = {"max_steps": 1400, "grad_accum": 2, "max_length": 512, "n_eval": 100}
PLAIN = {"trainer": "plain", "batch_size": 16, "grad_accum": 1, "max_steps": 2000, "n_eval": 100}

EXPERIMENTS = {
    "g_worked": {
        "bare answers (sft, 1,400 steps)": (COUNT, SFT),
        "worked answers (sft, 1,400 steps)": ({**COUNT, "answers": "worked"}, SFT),
    },
    "h_choices": {
        "sft, lr 1e-3 (1,400 steps)": (COUNT, SFT),
        "sft, lr 2e-3 (1,400 steps)": (COUNT, {**SFT, "lr": 2e-3}),
        "plain, 16 chats a step (2,000 steps)": (COUNT, PLAIN),
        "plain, 32 chats a step, lr 1.4e-3 (1,000 steps)": (
            COUNT,
            {**PLAIN, "batch_size": 32, "lr": 1.4e-3, "max_steps": 1000},
        ),
    },
}


def arm(label: str, mixture: dict, options: dict, threads: int) -> dict:
    """Train one arm in a scratch folder and score it; returns what the JSON keeps."""
    import torch
    from count_check import check

    from trainers.data.mixture import chat_config_from_dict
    from trainers.training.finetune import train
    from trainers.training.train_config import make_train_config

    torch.set_num_threads(threads)
    folder = Path(tempfile.mkdtemp(prefix="study-")) / "run"
    chats = chat_config_from_dict(mixture, label)
    config = make_train_config({**options, "run_dir": folder, "n_train": 10**7, "chats": chats}, label)
    load = os.getloadavg()[0]
    started = time.monotonic()
    metrics = train(config, echo=lambda line: print(f"[{label}] {line}", flush=True))
    seconds = time.monotonic() - started
    outside = check(folder, 400, 12345, overwrite=True)
    own = (
        metrics.get("after", {}).get("summary", {}).get("isolated", {}).get("families", {}).get("counting.objects", {})
    )
    return {
        "mixture": mixture,
        "options": options,
        "steps": metrics["train_steps"],
        "train_seconds": metrics["train_seconds"],
        "run_seconds": seconds,
        "load_before": load,
        "load_after": os.getloadavg()[0],
        "outside_check": outside,
        "own_held_out": own,
        "own_baseline": metrics.get("majority_baseline", {}),
        "run": str(folder),
    }


def other_families(run: Path, n: int = 600) -> dict:
    """(i) The run's model asked every family of counting, area and colors, each question scored
    alone (isolated), on grids like its own, in its own prompt layout; per family, exact match
    against always that family's most common answer in the same held-out chats."""
    import attrs
    import yaml

    sys.path.insert(0, str(ROOT / "benchmarks" / "study"))
    from study import held_out, majority

    from trainers.data.mixture import chat_config_from_dict
    from trainers.training.evaluate import HFResponder, evaluate, load_local_model

    recorded = yaml.safe_load((run / "config.yaml").read_text())
    recorded.pop("train", None)
    own = chat_config_from_dict(recorded, str(run / "config.yaml"))
    settings = dict(own.prior_settings.get("counting", {}))
    mixture = attrs.evolve(
        own,
        priors=(("counting", 1.0), ("area", 1.0), ("colors", 1.0)),
        prior_families={},
        prior_settings={name: settings for name in ("counting", "area", "colors")},
    )
    records = held_out(mixture, n)
    model, tokenizer = load_local_model(run / "model")
    report = evaluate(HFResponder(model, tokenizer, progress=False), records, modes=("isolated",), progress=False)
    summary = report.summary["isolated"]
    bar = majority(records)
    trained = {family for families in own.prior_families.values() for family in families}
    return {
        "run": str(run),
        "chats": n,
        "trained_on": sorted(trained),
        "families": {
            f: {"exact": c.accuracy, "n": c.n, "most_common_answer": bar[f], "trained": f in trained}
            for f, c in sorted(summary.families.items())
        },
    }


def draw(name: str, arms: dict) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    labels = list(arms)
    exact = [arms[a]["outside_check"]["exact"] for a in labels]
    bar = max(arms[a]["outside_check"]["most_common_answer_score"] for a in labels)
    fig, ax = plt.subplots(figsize=(7, 0.6 * len(labels) + 1.5))
    ax.barh(labels, exact, color="#1E93FF")
    ax.axvline(bar, color="k", linestyle="--", label="always the most common count")
    ax.set_xlim(0, 1)
    ax.set_xlabel("exact match, counting objects on 400 outside grids")
    ax.legend(loc="lower right")
    fig.tight_layout()
    fig.savefig(OUT / f"{name}.png", dpi=100)
    plt.close(fig)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("experiment", choices=[*EXPERIMENTS, "i"])
    parser.add_argument("run", nargs="?", type=Path, help="(i) the main job's run folder")
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    if args.experiment == "i":
        result = other_families(args.run)
        (OUT / "i_other_families.json").write_text(json.dumps(result, indent=1) + "\n")
        print(json.dumps(result["families"], indent=1))
        return
    arms = {
        label: arm(label, mixture, options, args.threads)
        for label, (mixture, options) in EXPERIMENTS[args.experiment].items()
    }
    (OUT / f"{args.experiment}.json").write_text(json.dumps(arms, indent=1, default=str) + "\n")
    draw(args.experiment, arms)


if __name__ == "__main__":
    main()
