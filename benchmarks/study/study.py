"""The study's machinery: train the tiny model on a mixture for a fixed number of steps,
score held-out questions at checkpoints along the way, and keep the curves.

Each experiment of `run.py` (a_learning_curves ... f_transfer, moonshot) calls `train_and_track`
for its arms and writes `docs/study/<name>.json` and `<name>.png`; docs/study.md reads
them. Every run uses the library's own training path (trainers.training.finetune.build_trainer,
TRL's SFTTrainer, answer-only loss, packing), the built-in tiny model, and this CPU.
"""

from __future__ import annotations

import json
import os
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any, Iterable

import attrs

from trainers.data.chat_builder import ChatBuilder
from trainers.data.mixture import ChatConfig
from trainers.training.train_config import EVAL_SEED, TrainConfig
from trainers.training.training_data import majority_answers

OUT = Path(__file__).resolve().parents[2] / "docs" / "study"


def held_out(chats: ChatConfig, n: int, split: str = "evaluation") -> list[dict]:
    builder = ChatBuilder(attrs.evolve(chats, seed=EVAL_SEED, split=split))
    return [builder.record(i) for i in range(n)]


def majority(records: list[dict]) -> dict[str, float]:
    """Per family and overall, the accuracy of always giving the family's most common answer
    in `records` themselves: what answer frequencies alone can score on that held-out set."""
    answers = majority_answers(records)
    hits, asked = Counter(), Counter()
    for record in records:
        for qa in record["metadata"]["qas"]:
            asked[qa["family"]] += 1
            hits[qa["family"]] += qa["answer"] == answers[qa["family"]]
    total = sum(asked.values())
    return {
        **{family: hits[family] / n for family, n in asked.items()},
        "overall": sum(hits.values()) / total if total else 0.0,
    }


def _scores(report, modes) -> dict[str, Any]:
    out = {}
    for mode in modes:
        summary = report[mode]
        out[mode] = {
            "overall": summary.overall.accuracy,
            "families": {f: c.accuracy for f, c in summary.families.items()},
            "n": {f: c.n for f, c in summary.families.items()},
        }
    return out


def train_and_track(
    name: str,
    chats: ChatConfig,
    evaluations: dict[str, list[dict]],
    *,
    steps: int,
    checkpoints: int = 3,
    modes: Iterable[str] = ("isolated",),
    curriculum: bool = False,
    **options,
) -> dict[str, Any]:
    """Train `steps` optimizer steps on fresh chats of `chats`, scoring every held-out set of
    `evaluations` at `checkpoints` evenly spaced steps (the untrained model scores 0: it has
    not learnt the answer format, so step 0 is not scored). Returns the curves:
    per checkpoint, the step, the training chats read so far, the seconds of training, and
    accuracy per mode and family for each held-out set. With `curriculum`, the priors start
    easy and move up as `train --curriculum` moves them (its probe, threshold and window)."""
    from transformers import TrainerCallback

    from trainers.training.evaluate import HFResponder, evaluate
    from trainers.training.finetune import build_trainer, load_model
    from trainers.training.run_phases import _quiet

    modes = tuple(modes)
    folder = Path(tempfile.mkdtemp(prefix=f"study-{name}-"))
    config = TrainConfig(run_dir=folder / "run", chats=chats, n_train=10**7, n_eval=0, max_steps=steps, **options)
    config.run_dir.mkdir(parents=True)
    model, tokenizer = load_model(config)
    seen = {"chats": 0}
    fixed = ChatBuilder(chats)
    builder, extra, moves = (lambda: fixed), [], None
    if curriculum:
        from trainers.training.run_phases import _curriculum_parts

        config = attrs.evolve(config, curriculum=True)
        moves, builder, probe = _curriculum_parts(config, print)
        extra = [probe(tokenizer)]

    def records():
        for i in range(config.n_train):
            seen["chats"] += 1
            yield builder().record(i)

    at = sorted({round(steps * k / checkpoints) for k in range(1, checkpoints + 1)})
    curve: list[dict] = []
    clock = {"training": 0.0, "since": None}

    def score(step: int, live) -> None:
        point = {"step": step, "chats_seen": seen["chats"], "train_seconds": round(clock["training"], 1)}
        for label, records_ in evaluations.items():
            point[label] = _scores(
                evaluate(HFResponder(live, tokenizer, progress=False), records_, modes=modes, progress=False), modes
            )
        curve.append(point)
        print(
            f"  {name}: step {step}, {seen['chats']} chats, "
            + ", ".join(f"{label} {point[label][modes[0]]['overall']:.3f}" for label in evaluations),
            flush=True,
        )

    class Track(TrainerCallback):
        def on_step_begin(self, args, state, control, **kwargs):
            clock["since"] = time.monotonic()

        def on_step_end(self, args, state, control, model=None, **kwargs):
            clock["training"] += time.monotonic() - clock["since"]
            if state.global_step in at:
                score(state.global_step, model)

    trainer = build_trainer(config, model, tokenizer, records, callbacks=[Track(), *extra])
    _quiet(trainer)
    trainer.train()
    return {
        "name": name,
        "mixture": chats.as_dict(),
        "options": {"steps": steps, **{k: str(v) for k, v in options.items()}},
        "curve": curve,
        "majority": {label: majority(records_) for label, records_ in evaluations.items()},
        "load_average": os.getloadavg(),
        "curriculum": moves.as_dict() if moves else None,
    }


def write(name: str, result: dict) -> Path:
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{name}.json"
    path.write_text(json.dumps(result, indent=1) + "\n")
    return path


def plot(
    name: str,
    arms: dict[str, dict],
    families: list[str],
    *,
    evaluation: str = "held_out",
    mode: str = "isolated",
    x: str = "step",
    title: str = "",
) -> Path:
    """One panel per family: accuracy against optimizer steps, a line per arm, and dashed
    in the arm's colour the score of always giving the most common held-out answer."""
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    def value(point, family):
        scores = point[evaluation][mode]
        return scores["overall"] if family == "overall" else scores["families"].get(family)

    families = [
        f
        for f in families
        if any(evaluation in p and value(p, f) is not None for r in arms.values() for p in r["curve"])
    ]
    columns = min(3, len(families))
    rows = -(-len(families) // columns)
    fig = Figure(figsize=(4.2 * columns, 3.0 * rows), layout="constrained")
    FigureCanvasAgg(fig)
    for k, family in enumerate(families):
        ax = fig.add_subplot(rows, columns, k + 1)
        for label, result in arms.items():
            points = [(p[x], value(p, family)) for p in result["curve"] if evaluation in p]
            points = [(a, b) for a, b in points if b is not None]
            if points:
                (line,) = ax.plot(*zip(*points), marker=".", label=label)
                bar = result.get("majority", {}).get(evaluation, {}).get(family)
                if bar is not None:
                    ax.axhline(bar, color=line.get_color(), linestyle="--", linewidth=1)
        ax.set(title=family, xlabel=x.replace("_", " "), ylabel=f"{mode} exact match", ylim=(0, 1.02))
        ax.grid(alpha=0.3)
    fig.axes[0].legend(fontsize=8, title="dashed: most common answer", title_fontsize=7)
    if title:
        fig.suptitle(title)
    path = OUT / f"{name}.png"
    fig.savefig(path, format="png", dpi=90)
    return path
